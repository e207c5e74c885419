/**
 * PKCS#12 (PFX) export for Windows/IIS/Java users, written by the system's
 * `openssl pkcs12` (Node has no PKCS#12 encoder, and the pure-JS ones handle
 * RSA keys only). The password reaches openssl through its environment,
 * never the command line. `legacy` uses 3DES/SHA-1 for Windows Server 2016
 * and older, which cannot read AES-256 PFX files.
 */
import { execFile } from 'node:child_process';
import { AppError } from '../core/errors.ts';

export interface PfxOptions {
  readonly password: string;
  readonly legacy: boolean;
}

export function writePfx(out: string, files: { cert: string; chain: string; privkey: string }, o: PfxOptions): Promise<void> {
  const args = ['pkcs12', '-export', '-out', out, '-inkey', files.privkey, '-in', files.cert, '-certfile', files.chain, '-passout', 'env:ZK_PFX_PASSWORD'];
  if (o.legacy) args.push('-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ZK_PFX_PASSWORD: o.password }, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new AppError('DEPLOY_FAILED', { evidence: { type: 'pfx', error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'openssl not found' : stderr.trim().slice(-300) }, secrets: [o.password] }));
    });
  });
}
