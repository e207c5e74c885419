/**
 * Reloading the configuration of a running daemon (SIGHUP, file change).
 * All or nothing: the new configuration is built completely aside and only
 * returned when every check passed; otherwise the caller keeps `current`
 * and gets the typed errors. Nothing is contacted.
 */
import { toAppError, type AppError } from '../core/errors.ts';
import { loadLayers, type EffectiveConfig, type EffectiveLoadOptions } from './effective.ts';

export type ReloadResult =
  | { readonly ok: true; readonly config: EffectiveConfig }
  | { readonly ok: false; readonly errors: readonly AppError[]; readonly config: EffectiveConfig };

/**
 * Load the configuration again with `o` (the same file path, flags and
 * stored settings as at start, and the environment as it is now).
 * `{ ok: true, config }`: the new one, to swap in whole. `{ ok: false,
 * errors, config }`: `config` is `current`, untouched, and `errors` says why
 * (the codes loadEffectiveConfig throws). Beyond loading:
 *
 * - once the running configuration came from a file, that file missing is
 *   CONFIG_NOT_FOUND (not an empty configuration);
 * - an empty file is CONFIG_INVALID when the running configuration had
 *   settings from the file: an editor writing in place truncates first, and
 *   a half-written file must not replace the running setup (write `{}` for
 *   a deliberately empty configuration).
 *
 * Never throws.
 */
export function reloadConfig(current: EffectiveConfig, o: EffectiveLoadOptions): ReloadResult {
  try {
    const hadFileSettings = current.settings.some((s) => s.source === 'file');
    const config = loadLayers({ ...o, explicit: o.explicit || current.config.file !== undefined }, hadFileSettings);
    return { ok: true, config };
  } catch (e) {
    return { ok: false, errors: [toAppError(e)], config: current };
  }
}
