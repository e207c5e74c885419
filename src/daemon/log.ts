/**
 * The daemon's log: JSON lines (pino) on stdout.
 *
 * What is logged should already be free of secrets (AppError evidence is
 * redacted at construction, events carry none, the HTTP access log has
 * method, path, route and status only: never a header, query or body).
 * Two more defences stand behind that, on every line:
 * - by key: any value under a key that names a secret (secret, password,
 *   token, api key, private key, credential, signature, authorization,
 *   cookie, hmac…), at any depth, is replaced by "[redacted]", and so is the
 *   `value` of a `{ name, value }` pair whose name is such a key (header
 *   lists); keys naming where a secret lives rather than holding it
 *   (tokenFile, secretId, … ending in File, Path, Id, Name) are kept;
 * - by value: every form (raw, JSON-escaped, base64, hex) of every secret
 *   value the process knows (`secrets`, default the process-wide set the
 *   daemon fills from its configuration) is replaced in the finished line,
 *   message included.
 */
import { pino } from 'pino';
import type { Logger as PinoLogger } from 'pino';
import { CENSORED, processSecrets, type SecretValues } from '../observability/secret-values.ts';

export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug'>;

const SECRET_KEY = /secret|password|passwd|token|api[-_]?key|private|credential|signature|authorization|cookie|keypem|hmac/i;
const LOCATION_KEY = /(file|path|id|name)$/i;
const MAX_DEPTH = 12;

/** Whether a value under `key` is censored whole. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !LOCATION_KEY.test(key);
}

/** A copy of `value` with everything under a secret key censored (plain objects and arrays are walked; other objects kept). */
export function censorKeys(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => censorKeys(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    // An AppError is logged as its (already redacted) diagnosis; other objects by their own JSON.
    const json = (value as { toJSON?: unknown }).toJSON;
    return typeof json === 'function' && !(value instanceof Date) ? censorKeys((json as () => unknown).call(value), depth + 1) : value;
  }
  const out: Record<string, unknown> = {};
  // A header list entry `{ name: "authorization", value: … }` is a secret key too.
  const named = (value as { name?: unknown }).name;
  const pairSecret = typeof named === 'string' && isSecretKey(named);
  for (const [k, v] of Object.entries(value)) {
    const secret = isSecretKey(k) || (pairSecret && k === 'value');
    out[k] = secret && v !== undefined && v !== null && v !== '' ? CENSORED : censorKeys(v, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: NodeJS.WritableStream;
  /** Secret values censored from every line; default the process-wide set. */
  readonly secrets?: SecretValues;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  const secrets = o.secrets ?? processSecrets;
  return pino(
    {
      level: o.level ?? 'info',
      base: { pid: process.pid },
      formatters: { log: (obj) => censorKeys(obj) as Record<string, unknown> },
      hooks: { streamWrite: (line) => secrets.censor(line) },
    },
    (o.destination ?? process.stdout) as NodeJS.WritableStream & { write: (s: string) => boolean },
  );
}
