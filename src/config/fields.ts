/** Generic validation of a config object against manifest field specs. */
import { AppError } from '../core/errors.ts';
import type { FieldSpec } from '../providers/types.ts';
import { didYouMean } from './did-you-mean.ts';
import { findInvisibleCharacter } from './invisible.ts';
import { resolveReferences } from './references.ts';

export interface CheckedFields {
  readonly values: Record<string, unknown>;
  /** Secret values found (so errors can redact them). */
  readonly secrets: string[];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function unknownKey(path: string, key: string, known: readonly string[]): AppError {
  const suggestion = didYouMean(key, known);
  return new AppError('CONFIG_INVALID', {
    evidence: { path: `${path}.${key}`, reason: 'unknown setting', known: [...known], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) },
  });
}

export function checkFields(
  fields: readonly FieldSpec[],
  raw: Record<string, unknown>,
  path: string,
  env: NodeJS.ProcessEnv,
  ignore: readonly string[] = [],
): CheckedFields {
  const values: Record<string, unknown> = {};
  const secrets: string[] = [];
  const names = fields.map((f) => f.name);
  for (const key of Object.keys(raw)) if (!names.includes(key) && !ignore.includes(key)) throw unknownKey(path, key, names);
  for (const f of fields) {
    const p = `${path}.${f.name}`;
    const v = raw[f.name];
    if (v === undefined || v === null) {
      if (f.required) throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'required setting missing' } });
      if (f.default !== undefined) values[f.name] = f.default;
      continue;
    }
    switch (f.type) {
      case 'object': {
        if (!isPlainObject(v)) throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected a mapping' } });
        const inner = checkFields(f.fields ?? [], v, p, env);
        values[f.name] = inner.values;
        secrets.push(...inner.secrets);
        break;
      }
      case 'integer': {
        const n = typeof v === 'string' ? Number(resolveReferences(v, p, env)) : v;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected an integer' } });
        values[f.name] = n;
        break;
      }
      case 'string': {
        if (typeof v !== 'string' && typeof v !== 'number') throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected a string' } });
        const s = resolveReferences(String(v), p, env);
        if (f.secret) {
          const bad = findInvisibleCharacter(s);
          if (bad !== undefined)
            throw new AppError('SECRET_INVISIBLE_CHARACTER', {
              evidence: { path: p, character: bad.codePoint, characterName: bad.name, position: bad.position, length: bad.length, where: bad.where },
            });
          secrets.push(s);
        }
        if (f.enum !== undefined && !f.enum.includes(s.toLowerCase().replace(/\.$/, ''))) {
          const suggestion = didYouMean(s, f.enum);
          throw new AppError('CONFIG_INVALID', {
            evidence: { path: p, reason: 'not one of the allowed values', value: s, allowed: [...f.enum], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) },
            secrets,
          });
        }
        values[f.name] = s;
        break;
      }
    }
  }
  return { values, secrets };
}
