/**
 * Paths of settings, as `config explain`, the environment overrides and the
 * stored settings name them: keys joined with ".", list items as `[0]`, and
 * a key that holds anything but letters, digits, "_" and "-" (a zone name
 * such as example.test) as a JSON string in brackets:
 *
 *   dns.timeout   providers.home.secretKey   ddns.records[0].name
 *   dns.nameservers["example.test"]
 */
import { AppError } from '../core/errors.ts';

export type PathSegment = string | number;
export type SettingPath = readonly PathSegment[];

const PLAIN = /^[A-Za-z0-9_-]+$/;

/** The canonical text of a path (see the module comment); parsePath reads it back. */
export function formatPath(path: SettingPath): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * The path as the config parsers write it in error evidence: keys joined
 * with "." whatever they hold, items as `[0]` (`dns.nameservers.example.test[1]`).
 * Ambiguous, so only used to match an error to the setting it names.
 */
export function loosePath(path: SettingPath): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

const TOKEN = /^(?:([A-Za-z0-9_-]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** Read a path written as formatPath writes it; CONFIG_INVALID (evidence `path`) when it is not one. */
export function parsePath(text: string): PathSegment[] {
  const bad = (): AppError =>
    new AppError('CONFIG_INVALID', { evidence: { path: text, reason: 'not a setting path (keys joined with ".", items as [0], other keys as ["key"])' } });
  const out: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    const dotted = out.length > 0 && text[i] === '.';
    if (dotted) i++;
    const m = TOKEN.exec(text.slice(i));
    if (m === null) throw bad();
    if (m[1] !== undefined) {
      if (out.length > 0 && !dotted) throw bad();
      out.push(m[1]);
    } else {
      if (dotted) throw bad();
      out.push(m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3] as string) as string));
    }
    i += m[0].length;
  }
  if (out.length === 0) throw bad();
  return out;
}

/** Whether `path` is `prefix` or lies under it. */
export function isUnder(path: SettingPath, prefix: SettingPath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}
