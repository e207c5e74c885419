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

/** CONFIG_INVALID for a key not in `known`, with a "did you mean" hint. `path` '' is the top level. */
export function unknownKey(path: string, key: string, known: readonly string[]): AppError {
  const suggestion = didYouMean(key, known);
  return new AppError('CONFIG_INVALID', {
    evidence: { path: path === '' ? key : `${path}.${key}`, reason: 'unknown setting', known: [...known], ...(suggestion === undefined ? {} : { didYouMean: suggestion }) },
  });
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

/** SECRET_INVISIBLE_CHARACTER naming the character and its 1-based position, never the value. */
function checkInvisible(s: string, path: string): void {
  const bad = findInvisibleCharacter(s);
  if (bad !== undefined)
    throw new AppError('SECRET_INVISIBLE_CHARACTER', {
      evidence: { path, character: bad.codePoint, characterName: bad.name, position: bad.position, length: bad.length, where: bad.where },
    });
}

/** A `map` field: free-form keys (checked against keyPattern) to string values (references resolved). */
function checkMap(f: FieldSpec, v: unknown, path: string, env: NodeJS.ProcessEnv): Record<string, string> {
  if (!isPlainObject(v)) throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'expected a mapping of names to values' } });
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    const p = `${path}.${key}`;
    if (f.keyPattern !== undefined && !f.keyPattern.regex.test(key))
      throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: `not a valid name: ${f.keyPattern.description}` } });
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected a string' } });
    if (f.secret && typeof value !== 'string')
      throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'a secret must be a quoted string (YAML read this one as a number)' } });
    const s = resolveReferences(String(value), p, env);
    if (f.secret) checkInvisible(s, p);
    out[key] = s;
  }
  return out;
}

/**
 * Check `raw` against `fields`: unknown keys (with a hint), required fields,
 * types (an integer may be written as a decimal string or a reference),
 * enumerations, and invisible characters in secrets. `${env:…}`/`${file:…}`
 * references in strings are resolved. A secret must be a YAML string: a bare
 * number would already have lost leading zeros or its notation. Errors are
 * CONFIG_INVALID, SECRET_INVISIBLE_CHARACTER or CONFIG_REFERENCE_UNRESOLVED,
 * and never carry a secret.
 */
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
      case 'map': {
        const map = checkMap(f, v, p, env);
        values[f.name] = map;
        if (f.secret) secrets.push(...Object.values(map));
        break;
      }
      case 'integer': {
        const text = typeof v === 'string' ? resolveReferences(v, p, env) : undefined;
        const n = text === undefined ? v : INTEGER.test(text) ? Number(text) : Number.NaN;
        if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected an integer' } });
        values[f.name] = n;
        break;
      }
      case 'string': {
        if (typeof v !== 'string' && typeof v !== 'number') throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'expected a string' } });
        if (f.secret && typeof v !== 'string')
          throw new AppError('CONFIG_INVALID', { evidence: { path: p, reason: 'a secret must be a quoted string (YAML read this one as a number)' } });
        const s = resolveReferences(String(v), p, env);
        if (f.secret || f.credential === true) checkInvisible(s, p);
        if (f.secret) secrets.push(s);
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
