import type { Evidence, EvidenceValue } from './errors.ts';

const SECRET_KEY = /secret|password|passwd|token|apikey|api_key|private|credential|signature|authorization/i;
export const MASK = '***';

/** Mask a secret for display: nothing of it is shown but its length class. */
export function maskSecret(value: string): string {
  return value.length === 0 ? '' : MASK;
}

/**
 * Remove secrets from evidence: values under secret-looking keys are masked,
 * and every occurrence of a known secret string inside any value is replaced.
 */
export function redactEvidence(evidence: Evidence, secrets: readonly string[]): Evidence {
  const known = secrets.filter((s) => s.length >= 4);
  const out: Evidence = {};
  for (const [k, v] of Object.entries(evidence)) out[k] = redactValue(k, v, known);
  return out;
}

function redactValue(key: string, value: EvidenceValue, secrets: readonly string[]): EvidenceValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return SECRET_KEY.test(key) && value !== '' ? MASK : redactString(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(key, v, secrets));
  const out: { [k: string]: EvidenceValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(k, v, secrets);
  return out;
}

export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK);
  return out;
}
