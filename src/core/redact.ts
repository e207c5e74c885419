import type { Evidence, EvidenceValue } from './errors.ts';

const SECRET_KEY = /secret|password|passwd|token|apikey|api_key|private|credential|signature|authorization/i;
export const MASK = '***';

/** Mask a secret for display: nothing of it is shown but its length class. */
export function maskSecret(value: string): string {
  return value.length === 0 ? '' : MASK;
}

/**
 * Remove secrets from evidence: every non-empty string under a secret-looking
 * key (at any depth below it) is masked, and every occurrence of a known
 * secret string (4 characters or more) inside any other string is replaced.
 */
export function redactEvidence(evidence: Evidence, secrets: readonly string[]): Evidence {
  const known = longestFirst(secrets);
  const out: Evidence = {};
  for (const [k, v] of Object.entries(evidence)) out[k] = redactValue(v, SECRET_KEY.test(k), known);
  return out;
}

function redactValue(value: EvidenceValue, underSecretKey: boolean, secrets: readonly string[]): EvidenceValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return underSecretKey && value !== '' ? MASK : redactString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, underSecretKey, secrets));
  const out: { [k: string]: EvidenceValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, underSecretKey || SECRET_KEY.test(k), secrets);
  return out;
}

/** Secrets worth replacing, longest first, so a secret that contains another is replaced whole. */
function longestFirst(secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of a known secret (4 characters or more) replaced by the mask. */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of longestFirst(secrets)) out = out.split(s).join(MASK);
  return out;
}
