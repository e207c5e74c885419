/**
 * The configuration with provenance: the layers merged in precedence order
 * (stored < file < env < flag, defaults underneath), validated by the same
 * parser as `loadConfig`, and every effective setting with its source.
 */
import { AppError, type Evidence } from '../core/errors.ts';
import { parseConfigText, readConfigText, type FilePosition } from './config-file.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { effectiveSettings } from './explain.ts';
import { applyValue, emptyMerged, getAt, type Leaf, type Merged } from './layers.ts';
import { parseConfig, type ZkConfig } from './load.ts';
import type { EffectiveSetting, FlagSettings, SettingOrigin, StoredSettings } from './provenance.ts';
import { formatPath, loosePath, parsePath, type SettingPath } from './setting-path.ts';

export interface EffectiveLoadOptions {
  /** Config file path; `explicit` says whether the user named it (a missing default file is an empty config). */
  readonly path: string;
  readonly explicit: boolean;
  /** For `ZONEKEEPER_…` overrides and `${env:…}` references. */
  readonly env: NodeJS.ProcessEnv;
  /** Values given by command-line flags (e.g. `listen` from `--listen`). */
  readonly flags?: FlagSettings;
  /** Settings saved in the store by the API / UI. */
  readonly stored?: StoredSettings;
}

export interface EffectiveConfig {
  /** What the rest of zonekeeper runs on (the same type `loadConfig` returns). */
  readonly config: ZkConfig;
  /** Every effective setting with its source, sorted by path; secrets masked. */
  readonly settings: readonly EffectiveSetting[];
}

const REFERENCE = /\$\{(env|file):([^}]*)\}/g;

function referencesIn(v: unknown): string[] {
  if (typeof v === 'string') return [...v.matchAll(REFERENCE)].map((m) => `${m[1] as string}:${m[2] as string}`);
  return Array.isArray(v) ? v.flatMap(referencesIn) : [];
}

function fileOrigin(file: string, positions: ReadonlyMap<string, FilePosition>, doc: unknown, path: SettingPath): SettingOrigin {
  const at = positions.get(formatPath(path));
  const refs = referencesIn(getAt(doc, path));
  return { source: 'file', file, ...(at === undefined ? {} : { line: at.line, column: at.column }), ...(refs.length === 0 ? {} : { references: refs }) };
}

function originEvidence(o: SettingOrigin): Evidence {
  return {
    source: o.source,
    ...(o.flag === undefined ? {} : { flag: o.flag }),
    ...(o.env === undefined ? {} : { env: o.env }),
    ...(o.file === undefined ? {} : { file: o.file }),
    ...(o.line === undefined ? {} : { line: o.line, column: o.column ?? 0 }),
  };
}

/** The setting an error's `path` names (or the nearest one around it). */
function leafFor(m: Merged, errorPath: string): Leaf | undefined {
  const leaves = [...m.leaves.values()].map((l) => ({ loose: loosePath(l.path), leaf: l }));
  let p = errorPath;
  while (p !== '') {
    const exact = leaves.find((l) => l.loose === p);
    if (exact !== undefined) return exact.leaf;
    const below = leaves.find((l) => l.loose.startsWith(`${p}.`) || l.loose.startsWith(`${p}[`));
    if (below !== undefined) return below.leaf;
    const parent = p.replace(/(\.[^.[\]]*|\[\d+\]|^[^.[\]]*)$/, '');
    if (parent === p) break;
    p = parent;
  }
  return undefined;
}

/** An error about a setting, with where that setting came from added to its evidence (env variable, file position, flag). */
function withOrigin(e: unknown, m: Merged): unknown {
  if (!(e instanceof AppError)) return e;
  const path = e.diagnosis.evidence['path'];
  if (typeof path !== 'string' || e.diagnosis.evidence['source'] !== undefined) return e;
  const leaf = leafFor(m, path);
  if (leaf === undefined) return e;
  return new AppError(e.code, { evidence: { ...e.diagnosis.evidence, ...originEvidence(leaf.origin) }, retryable: e.diagnosis.retryable, cause: e });
}

/** @internal shared with reload.ts: `rejectEmpty` refuses a file with no content (a write in progress). */
export function loadLayers(o: EffectiveLoadOptions, rejectEmpty = false): EffectiveConfig {
  const text = readConfigText(o.path, o.explicit);
  if (rejectEmpty && text !== undefined && text.trim() === '')
    throw new AppError('CONFIG_INVALID', { evidence: { file: o.path, reason: 'the file is empty (a write in progress?); write {} for an empty configuration' } });
  const m = emptyMerged();
  for (const [path, value] of o.stored ?? []) {
    const segments = parsePath(path);
    if (typeof segments[0] !== 'string') throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'a setting path starts with a key', source: 'stored' } });
    applyValue(m, segments, value, () => ({ source: 'stored' }));
  }
  if (text !== undefined) {
    const file = parseConfigText(text, o.path);
    try {
      applyValue(m, [], file.doc, (p) => fileOrigin(o.path, file.positions, file.doc, p));
    } catch (e) {
      if (e instanceof AppError && e.diagnosis.evidence['path'] === '(top)') throw new AppError('CONFIG_INVALID', { evidence: { ...e.diagnosis.evidence, file: o.path } });
      throw e;
    }
  }
  applyEnvOverrides(m, o.env);
  for (const [path, f] of o.flags ?? []) applyValue(m, parsePath(path), f.value, () => ({ source: 'flag', flag: f.flag }));
  let config: ZkConfig;
  try {
    config = parseConfig(m.doc, o.env);
  } catch (e) {
    throw withOrigin(e, m);
  }
  if (text !== undefined) config = { ...config, file: o.path };
  return { config, settings: effectiveSettings(m, config, o.env) };
}

/**
 * Load the configuration with the full precedence (flag > env > file >
 * stored > default). Throws what `loadConfig` throws (CONFIG_NOT_FOUND,
 * CONFIG_INVALID, CONFIG_REFERENCE_UNRESOLVED, SECRET_INVISIBLE_CHARACTER,
 * PROVIDER_TYPE_UNKNOWN, PROVIDER_UNKNOWN); an error about a setting also
 * says where that setting came from (evidence `source`, and `env`, `flag`
 * or `file`/`line`/`column`). Secrets never appear in the evidence.
 */
export function loadEffectiveConfig(o: EffectiveLoadOptions): EffectiveConfig {
  return loadLayers(o);
}
