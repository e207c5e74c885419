/**
 * ACME problem documents (RFC 8555 6.7) -> zonekeeper errors. The problem's
 * type, detail, status and subproblems travel in the evidence; the code
 * says what it means for the user.
 */
import { AppError, type Evidence, type EvidenceValue } from '../core/errors.ts';
import type { ErrorCode } from '../core/codes.ts';
import type { Problem } from './types.ts';

const PREFIX = 'urn:ietf:params:acme:error:';

const BY_TYPE: Record<string, ErrorCode> = {
  rateLimited: 'ACME_RATE_LIMITED',
  unauthorized: 'ACME_UNAUTHORIZED',
  caa: 'ACME_CAA',
  dns: 'ACME_DNS',
  connection: 'ACME_CONNECTION',
  malformed: 'ACME_MALFORMED',
  badNonce: 'ACME_BAD_NONCE',
  accountDoesNotExist: 'ACME_ACCOUNT_DOES_NOT_EXIST',
  externalAccountRequired: 'ACME_EAB_REQUIRED',
  rejectedIdentifier: 'ACME_REJECTED_IDENTIFIER',
  serverInternal: 'ACME_SERVER_INTERNAL',
  badCSR: 'ACME_BAD_CSR',
  userActionRequired: 'ACME_USER_ACTION_REQUIRED',
  alreadyRevoked: 'ACME_ALREADY_REVOKED',
  badRevocationReason: 'ACME_BAD_REVOCATION_REASON',
  invalidContact: 'ACME_INVALID_CONTACT',
  unsupportedContact: 'ACME_INVALID_CONTACT',
  orderNotReady: 'ACME_ORDER_NOT_READY',
  badSignatureAlgorithm: 'ACME_MALFORMED',
  badPublicKey: 'ACME_BAD_CSR',
  incorrectResponse: 'ACME_UNAUTHORIZED',
  tls: 'ACME_CONNECTION',
  compound: 'ACME_PROBLEM',
};

const RETRYABLE = new Set<ErrorCode>(['ACME_RATE_LIMITED', 'ACME_SERVER_INTERNAL', 'ACME_CONNECTION', 'ACME_DNS', 'ACME_BAD_NONCE']);

export function problemType(p: Problem): string {
  return p.type.startsWith(PREFIX) ? p.type.slice(PREFIX.length) : p.type;
}

function problemEvidence(p: Problem): { [key: string]: EvidenceValue } {
  return {
    type: problemType(p),
    ...(p.detail === undefined ? {} : { detail: p.detail }),
    ...(p.status === undefined ? {} : { status: p.status }),
    ...(p.identifier === undefined ? {} : { identifier: p.identifier.value }),
    ...(p.subproblems === undefined ? {} : { subproblems: p.subproblems.map(problemEvidence) }),
  };
}

/**
 * The code for a problem. A compound problem whose subproblems all share a
 * type is reported as that type (Let's Encrypt wraps one failing name so).
 */
export function problemCode(p: Problem): ErrorCode {
  const own = BY_TYPE[problemType(p)] ?? 'ACME_PROBLEM';
  if (own !== 'ACME_PROBLEM' || p.subproblems === undefined || p.subproblems.length === 0) return own;
  const codes = new Set(p.subproblems.map(problemCode));
  return codes.size === 1 ? ([...codes][0] as ErrorCode) : own;
}

export function problemError(p: Problem, extra: Evidence = {}, retryAfterMs?: number): AppError {
  const code = problemCode(p);
  return new AppError(code, {
    evidence: { ...problemEvidence(p), ...extra },
    retryable: RETRYABLE.has(code),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Parse a response body as a problem document; undefined if it is not one. */
export function parseProblem(body: Buffer): Problem | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') return v as Problem;
  } catch {
    // not JSON
  }
  return undefined;
}
