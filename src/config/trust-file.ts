import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';

/**
 * Read a `trust:` PEM file (root certificates for one endpoint only): an
 * unreadable file is CONFIG_REFERENCE_UNRESOLVED, a file without a PEM
 * certificate CONFIG_INVALID; `path` names the setting.
 */
export function readTrustFile(file: string, path: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('CONFIG_REFERENCE_UNRESOLVED', { evidence: { path, reference: `file:${file}`, error: (e as NodeJS.ErrnoException).code ?? 'read failed' } });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'no PEM certificate in the file', value: file } });
  return pem;
}
