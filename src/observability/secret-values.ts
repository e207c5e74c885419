/**
 * The secret values this process knows (configured credentials, the
 * secret key from the environment, the setup token), kept in named groups
 * so a reload replaces its group whole. The log censors every form of every
 * value in every line (src/daemon/log.ts): a secret that slipped into a
 * message, an error's evidence or a vendor's echo never reaches the log.
 *
 * Forms censored: the value itself, its JSON-escaped text (log lines are
 * JSON), and the base64, base64url and hex encodings of its UTF-8 bytes
 * (Basic credentials, dumped buffers). Values shorter than MIN_SECRET
 * characters are ignored (censoring "ab" would garble every line and
 * protect nothing).
 */
import type { ZkConfig } from '../config/load.ts';

export const MIN_SECRET = 4;
export const CENSORED = '[redacted]';

/** Every text form of `value` that must not appear in output. */
export function secretForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [value, JSON.stringify(value).slice(1, -1), bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex')];
  return [...new Set(forms)].filter((f) => f.length >= MIN_SECRET);
}

export class SecretValues {
  readonly #groups = new Map<string, readonly string[]>();
  /** Every form of every value, longest first (so a secret containing another is censored whole). */
  #forms: readonly string[] = [];

  /** Replace group `name` with `values` (empty, undefined and short ones skipped). */
  set(name: string, values: readonly (string | undefined)[]): void {
    this.#groups.set(
      name,
      values.filter((v): v is string => v !== undefined && v.length >= MIN_SECRET),
    );
    const forms = new Set<string>();
    for (const vs of this.#groups.values()) for (const v of vs) for (const f of secretForms(v)) forms.add(f);
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#forms.length;
  }

  /** `text` with every form of every known secret replaced by CENSORED. */
  censor(text: string): string {
    let out = text;
    for (const f of this.#forms) if (out.includes(f)) out = out.split(f).join(CENSORED);
    return out;
  }
}

/** The secret values of a configuration: every provider's and notifier's secret settings. */
export function configSecrets(config: Pick<ZkConfig, 'providers' | 'notifiers'>): string[] {
  return [...[...config.providers.values()].flatMap((p) => p.secrets), ...[...config.notifiers.values()].flatMap((n) => n.secrets)];
}

/**
 * A key given as text (ZONEKEEPER_SECRET_KEY: 64 hex digits or base64 /
 * base64url of 32 bytes) and the other spellings of its bytes, so the
 * key is censored however it is written.
 */
export function keyTextForms(text: string | undefined): string[] {
  const t = text?.trim() ?? '';
  if (t === '') return [];
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes === undefined ? [t] : [t, bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')];
}

/** The process-wide set every logger made by createLogger censors by default. */
export const processSecrets = new SecretValues();
