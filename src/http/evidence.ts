/**
 * What HTTP errors may say about a request: the URL without user info and
 * with the values of secret-looking query parameters masked, and the host.
 * Request headers and bodies never go into evidence. Known secret strings
 * are removed later by AppError (`secrets`).
 */
import { MASK } from '../core/redact.ts';
import { normalizeHost } from './verify-chain.ts';

const SECRET_PARAM = /secret|password|passwd|token|key|signature|credential|auth|sig$/i;

/** The URL as evidence may show it. */
export function urlForEvidence(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  const names = new Set(u.searchParams.keys()); // a snapshot: the loop rewrites the parameters
  for (const name of names) {
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, MASK);
  }
  return u.href;
}

/** Evidence every HTTP error starts from; `host` is also the name the peer certificate must match. */
export function requestEvidence(url: URL): { url: string; host: string } {
  return { url: urlForEvidence(url), host: normalizeHost(url.hostname) };
}
