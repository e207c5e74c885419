import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';

const REF = /\$\{(env|file):([^}]*)\}/g;

/**
 * Replace `${env:NAME}` and `${file:PATH}` inside a config string. A file's
 * single trailing newline is dropped (editors add one); anything else stays,
 * so stray characters are still caught by the secret check.
 */
export function resolveReferences(value: string, path: string, env: NodeJS.ProcessEnv): string {
  return value.replace(REF, (_, kind: string, ref: string) => {
    if (kind === 'env') {
      const v = env[ref];
      if (v === undefined) throw new AppError('CONFIG_REFERENCE_UNRESOLVED', { evidence: { path, reference: `env:${ref}` } });
      return v;
    }
    try {
      return readFileSync(ref, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new AppError('CONFIG_REFERENCE_UNRESOLVED', {
        evidence: { path, reference: `file:${ref}`, error: (e as NodeJS.ErrnoException).code ?? 'read failed' },
      });
    }
  });
}
