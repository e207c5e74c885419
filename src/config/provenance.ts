/**
 * Where an effective setting came from. One precedence, everywhere:
 *
 *   flag > env > file > stored > default
 *
 * - `flag`: a command-line flag (`--listen`); `flag` names it.
 * - `env`: a `ZONEKEEPER_…` override (env-overrides.ts); `env` names the variable.
 * - `file`: the YAML file; `file`, `line` and `column` (1-based) point at the
 *   value. A `${env:NAME}` or `${file:PATH}` reference inside it is still
 *   `file`: `references` lists them ("env:NAME", "file:PATH").
 * - `stored`: settings saved in the store through the API / UI.
 * - `default`: the built-in default (module constants, provider and notifier manifests).
 */
import type { EvidenceValue } from '../core/errors.ts';

export const SETTING_SOURCES = ['flag', 'env', 'file', 'stored', 'default'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

export interface SettingOrigin {
  readonly source: SettingSource;
  readonly flag?: string;
  readonly env?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly references?: readonly string[];
}

/**
 * One effective setting. A secret's value is never kept here: only that it
 * is one and its length, so nothing built from this list can leak it.
 */
export interface EffectiveSetting extends SettingOrigin {
  /** formatPath text: `providers.home.secretKey`, `ddns.records[0].name`. */
  readonly path: string;
  /** The value as given (references resolved, before normalisation); absent for a secret. */
  readonly value?: EvidenceValue;
  /** Present for a secret: its length in characters. */
  readonly secret?: { readonly length: number };
}

/** Settings saved by the API / UI: formatPath text → value (stored precedence, below the file). */
export type StoredSettings = ReadonlyMap<string, unknown>;

/** A value given by a command-line flag for a setting path (formatPath text → value and the flag's spelling). */
export type FlagSettings = ReadonlyMap<string, { readonly value: unknown; readonly flag: string }>;
