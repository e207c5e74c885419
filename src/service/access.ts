/**
 * Can the system service's own user run this zonekeeper? It is neither the
 * owner of the Node binary and the sources nor in their group, so the
 * "other" permission bits decide: every directory on the way needs o+x,
 * the package's directories o+rx, the entry o+r, Node o+x. A clone in a
 * home directory (0700 or 0750 on most distributions) fails this.
 */
import { statSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import type { Launch } from './types.ts';

type Need = 'x' | 'r' | 'rx';

export interface AccessProblem {
  readonly path: string;
  /** The permission "other" users lack: x to pass a directory or run a program, r to read. */
  readonly missing: Need;
}

/** The file's mode bits, or undefined when it cannot be stat'ed. */
export type ModeOf = (path: string) => number | undefined;

export const statMode: ModeOf = (path) => {
  try {
    return statSync(path).mode;
  } catch {
    return undefined;
  }
};

const OTHER_R = 0o004;
const OTHER_X = 0o001;

function lacking(mode: number | undefined, needs: Need): Need | undefined {
  if (mode === undefined) return needs;
  const r = needs.includes('r') && (mode & OTHER_R) === 0;
  const x = needs.includes('x') && (mode & OTHER_X) === 0;
  return r && x ? 'rx' : r ? 'r' : x ? 'x' : undefined;
}

/** Every directory above `path`, from the root down. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  const root = parse(path).root;
  for (let d = dirname(path); ; d = dirname(d)) {
    out.unshift(d);
    if (d === root || d === dirname(d)) return out;
  }
}

/** The first permission an unrelated user lacks to run `launch`, per target (Node, the entry, the package's directories). */
export function accessProblems(launch: Launch, modeOf: ModeOf = statMode): AccessProblem[] {
  const pkg = dirname(dirname(dirname(launch.entry)));
  const targets: [string, Need][] = [
    [launch.node, 'x'],
    [pkg, 'rx'],
    [join(pkg, 'src'), 'rx'],
    [launch.entry, 'r'],
  ];
  const modules = join(pkg, 'node_modules');
  if (modeOf(modules) !== undefined) targets.push([modules, 'rx']);
  const problems: AccessProblem[] = [];
  for (const [target, needs] of targets) {
    const chain: [string, Need][] = [...ancestors(target).map((d): [string, Need] => [d, 'x']), [target, needs]];
    for (const [path, need] of chain) {
      const missing = lacking(modeOf(path), need);
      if (missing === undefined) continue;
      if (!problems.some((p) => p.path === path)) problems.push({ path, missing });
      break;
    }
  }
  return problems;
}

/** ProtectHome= for the system unit: `read-only` when Node or the sources live under /home, /root or /run/user (hidden by `yes`). */
export function protectHomeFor(launch: Launch): 'yes' | 'read-only' {
  const hidden = (p: string): boolean => ['/home/', '/root/', '/run/user/'].some((d) => p.startsWith(d));
  return hidden(launch.node) || hidden(launch.entry) ? 'read-only' : 'yes';
}
