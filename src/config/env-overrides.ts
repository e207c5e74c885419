/**
 * Environment overrides: `ZONEKEEPER_` + the setting's path, keys joined by
 * a double underscore. They beat the file and the stored settings; flags beat them.
 *
 *   ZONEKEEPER_LISTEN=0.0.0.0:9876                    listen
 *   ZONEKEEPER_DNS__TIMEOUT=3000                      dns.timeout
 *   ZONEKEEPER_DDNS__READEVERY=6                      ddns.readEvery
 *   ZONEKEEPER_PROVIDERS__HOME__SECRETKEY=…           providers.home.secretKey
 *   ZONEKEEPER_DNS__RESOLVERS=127.0.0.1:5353,[::1]    dns.resolvers (a list, given whole)
 *   ZONEKEEPER_DDNS__RECORDS__0__TTL=600              ddns.records[0].ttl
 *
 * - Case: keys are matched without regard to case (`READEVERY` is
 *   `readEvery`). A name the user picks (provider, certificate, notifier,
 *   zone) matches a configured one without regard to case; a new name is
 *   taken as written, lower-cased when written all in capitals.
 * - Values: a setting's type decides: integers and true/false are converted
 *   where the setting is one; strings (secrets too) are taken byte for byte,
 *   never trimmed or parsed. A list of values is comma-separated ("a,b", items
 *   trimmed) or a JSON array ('["a,b", "c"]'); an item of a list of mappings
 *   is addressed by its number (`__0__`); the next number appends one.
 * - An empty variable counts as unset.
 * - A name without `__` is an override only when it is a top-level setting
 *   (`ZONEKEEPER_LISTEN`); others (`ZONEKEEPER_CONFIG`, `ZONEKEEPER_DATA`,
 *   `ZONEKEEPER_SECRET_KEY`, the variables given to deploy hooks) are not
 *   settings and are left alone. A name with `__` must name a setting:
 *   an unknown key is CONFIG_INVALID with a "did you mean".
 * - `${env:NAME}` inside the file is not an override: that setting's source
 *   is the file, with the variable listed among its references.
 *
 * Errors carry the variable's name (`env`), never its value.
 */
import { AppError, type EvidenceValue } from '../core/errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { isPlainObject } from './fields.ts';
import { applyValue, getOwn, type Merged } from './layers.ts';
import { CONFIG_SCHEMA, childNode, resolveNode, type SchemaNode } from './schema.ts';
import { formatPath, isUnder, type PathSegment } from './setting-path.ts';

export const ENV_PREFIX = 'ZONEKEEPER_';
const SEPARATOR = '__';

interface Variable {
  readonly name: string;
  readonly segments: readonly string[];
  readonly text: string;
}

function invalid(name: string, path: readonly PathSegment[], reason: string, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path: path.length === 0 ? '(top)' : formatPath(path), reason, source: 'env', env: name, ...extra } });
}

/** The ZONEKEEPER_ variables that are overrides, those setting a `type` first (the keys of an entry depend on it). */
function variables(env: NodeJS.ProcessEnv): Variable[] {
  const out: Variable[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined || text === '') continue;
    const segments = name.slice(ENV_PREFIX.length).split(SEPARATOR);
    if (segments.length === 1) {
      const key = Object.keys(CONFIG_SCHEMA.keys).find((k) => k.toLowerCase() === segments[0]?.toLowerCase());
      if (key === undefined) continue; // a process setting, not a config override
    }
    if (segments.some((s) => s === '')) throw invalid(name, [], 'an empty key in the variable name (keys are separated by exactly two underscores)');
    out.push({ name, segments, text });
  }
  const isType = (v: Variable): number => (v.segments[v.segments.length - 1]?.toLowerCase() === 'type' ? 0 : 1);
  return out.sort((a, b) => isType(a) - isType(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The configured key matching `segment` (exactly, else without regard to case); a new key as written, lower-cased if all capitals. */
function matchName(name: string, path: readonly PathSegment[], existing: readonly string[], segment: string): string {
  if (existing.includes(segment)) return segment;
  const folded = existing.filter((k) => k.toLowerCase() === segment.toLowerCase());
  if (folded.length > 1) throw invalid(name, [...path, segment], 'matches more than one configured name (they differ only in case)', { known: folded });
  return folded[0] ?? (segment === segment.toUpperCase() ? segment.toLowerCase() : segment);
}

/** The setting a variable names, with its schema node. */
function resolvePath(v: Variable, doc: unknown): { path: PathSegment[]; node: SchemaNode } {
  const path: PathSegment[] = [];
  let node: SchemaNode = CONFIG_SCHEMA;
  let value = doc;
  for (const segment of v.segments) {
    const n = resolveNode(node, value);
    let key: PathSegment;
    switch (n.kind) {
      case 'section': {
        const known = Object.keys(n.keys);
        const found = known.find((k) => k.toLowerCase() === segment.toLowerCase());
        if (found === undefined) {
          const suggestion = didYouMean(segment, known);
          throw invalid(v.name, [...path, segment], 'unknown setting', { known, ...(suggestion === undefined ? {} : { didYouMean: suggestion }) });
        }
        key = found;
        break;
      }
      case 'names':
      case 'open':
        key = matchName(v.name, path, isPlainObject(value) ? Object.keys(value) : [], segment);
        break;
      case 'list':
        if (!/^\d+$/.test(segment)) throw invalid(v.name, path, 'a list: name an item by its number (__0__)');
        key = Number(segment);
        break;
      case 'leaf':
        throw invalid(v.name, path, 'a single setting: there is nothing below it');
    }
    path.push(key);
    node = childNode(n, value, key) ?? { kind: 'open' };
    value = getOwn(value, key);
  }
  return { path, node };
}

function list(v: Variable, path: readonly PathSegment[]): unknown[] {
  if (v.text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v.text);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) throw invalid(v.name, path, 'a value starting with "[" must be a JSON array');
    return parsed;
  }
  return v.text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const INTEGER = /^[+-]?\d+$/;
const BOOLEAN = /^(true|false)$/i;

/** The variable's text as the value the setting's type wants (see the module comment). */
function convert(v: Variable, path: readonly PathSegment[], node: SchemaNode): unknown {
  if (node.kind === 'typed') throw invalid(v.name, path, 'a group of settings: set each one (add __ and its key)');
  const n = resolveNode(node, undefined);
  const text = v.text;
  const guess = (): unknown => (INTEGER.test(text.trim()) && Number.isSafeInteger(Number(text)) ? Number(text) : BOOLEAN.test(text.trim()) ? text.trim().toLowerCase() === 'true' : text);
  switch (n.kind) {
    case 'leaf':
      switch (n.type) {
        case 'string':
          return text;
        case 'integer':
          return INTEGER.test(text.trim()) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
        case 'boolean':
          return BOOLEAN.test(text.trim()) ? text.trim().toLowerCase() === 'true' : text;
        case 'strings':
          return list(v, path);
        case 'any':
          return guess();
      }
      break;
    case 'list':
      return list(v, path);
    case 'section':
      if (n.scalar === 'string') return text;
      if (n.scalar === 'boolean') return BOOLEAN.test(text.trim()) ? text.trim().toLowerCase() === 'true' : text;
      throw invalid(v.name, path, 'a group of settings: set each one (add __ and its key)', { known: Object.keys(n.keys) });
    case 'names':
      throw invalid(v.name, path, 'a group of named entries: set each setting of one (add __<name>__<key>)');
    case 'open':
      return guess();
  }
}

/**
 * Apply every ZONEKEEPER_ override in `env` to `m` (which holds the stored
 * settings and the file). CONFIG_INVALID (evidence `env`, never the value)
 * for a name that is not a setting, or two variables naming the same one.
 */
export function applyEnvOverrides(m: Merged, env: NodeJS.ProcessEnv): void {
  const done: { name: string; path: PathSegment[] }[] = [];
  for (const v of variables(env)) {
    const { path, node } = resolvePath(v, m.doc);
    const clash = done.find((d) => isUnder(d.path, path) || isUnder(path, d.path));
    if (clash !== undefined) throw invalid(v.name, path, 'set by two environment variables', { env: [clash.name, v.name] });
    done.push({ name: v.name, path });
    applyValue(m, path, convert(v, path, node), () => ({ source: 'env', env: v.name }));
  }
}
