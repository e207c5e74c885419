/**
 * `service status`: is the service installed (its file exists), enabled
 * (started at boot or login) and active (running), from systemctl or
 * launchctl. Only read-only commands are run. Where the manager cannot be
 * asked (a container without systemd as PID 1, no user session), `enabled`
 * comes from the unit files and `active` is null with the manager's reason.
 */
import { existsSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LAUNCHD_LABEL } from './launchd-plist.ts';
import type { LaunchdLayout, SystemdLayout } from './layout.ts';
import type { CommandResult, CommandRunner } from './run-command.ts';
import { UNIT_NAME } from './systemd-unit.ts';
import type { ServiceManager, ServiceScope } from './types.ts';

export interface ServiceStatus {
  readonly manager: ServiceManager;
  readonly scope: ServiceScope;
  /** The unit name or launchd label. */
  readonly name: string;
  /** The unit file or plist install writes. */
  readonly file: string;
  readonly installed: boolean;
  /** null: the manager could not say. */
  readonly enabled: boolean | null;
  /** The manager's own word: `enabled`, `disabled`, `static`, `masked`, `not-found`, … */
  readonly enabledState: string | null;
  readonly active: boolean | null;
  /** `active`, `inactive`, `failed`, `activating`, … (systemd); `running`, `waiting`, `not loaded`, … (launchd). */
  readonly activeState: string | null;
  readonly pid: number | null;
  /** Why a null above is null: the manager's first line of complaint. */
  readonly managerError: string | null;
}

/** The first non-empty line. */
const firstLine = (text: string): string => text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';

const complaint = (r: CommandResult): string => firstLine(r.stderr) || r.error || `exit status ${r.status}`;

/** `systemctl is-enabled` prints one word (and exits non-zero unless enabled); an unknown unit prints only to stderr. */
export function parseIsEnabled(r: CommandResult): { enabled: boolean | null; state: string | null; error: string | null } {
  const word = firstLine(r.stdout);
  if (word !== '') return { enabled: word === 'enabled' || word === 'enabled-runtime', state: word, error: null };
  if (/No such file|not found|does not exist/i.test(r.stderr)) return { enabled: false, state: 'not-found', error: null };
  return { enabled: null, state: null, error: complaint(r) };
}

/** `systemctl is-active` prints one word; without a reachable manager it prints nothing (stderr says why). */
export function parseIsActive(r: CommandResult): { active: boolean | null; state: string | null; error: string | null } {
  const word = firstLine(r.stdout);
  if (word === '') return { active: null, state: null, error: complaint(r) };
  return { active: word === 'active' || word === 'reloading', state: word, error: null };
}

/** `systemctl show -p MainPID --value`: the pid, 0 when not running. */
function parsePid(r: CommandResult): number | null {
  const n = Number(firstLine(r.stdout));
  return r.status === 0 && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Enabled as the unit files say, for when systemctl asks a manager it cannot
 * reach: the symlink `systemctl enable` makes in `<WantedBy>.wants/`.
 */
function enabledFromFiles(l: SystemdLayout, installed: boolean): { enabled: boolean; state: string } {
  try {
    lstatSync(join(dirname(l.unitFile), `${l.wantedBy}.wants`, UNIT_NAME));
    return { enabled: true, state: 'enabled' };
  } catch {
    return { enabled: false, state: installed ? 'disabled' : 'not-found' };
  }
}

export async function systemdStatus(l: SystemdLayout, run: CommandRunner): Promise<ServiceStatus> {
  const ctl = ['systemctl', ...(l.scope === 'user' ? ['--user'] : [])];
  const [en, ac, pid] = await Promise.all([run([...ctl, 'is-enabled', UNIT_NAME]), run([...ctl, 'is-active', UNIT_NAME]), run([...ctl, 'show', '-p', 'MainPID', '--value', UNIT_NAME])]);
  const installed = existsSync(l.unitFile);
  const asked = parseIsEnabled(en);
  const e = asked.enabled === null ? { ...enabledFromFiles(l, installed), error: asked.error } : asked;
  const a = parseIsActive(ac);
  return {
    manager: 'systemd',
    scope: l.scope,
    name: UNIT_NAME,
    file: l.unitFile,
    installed,
    enabled: e.enabled,
    enabledState: e.state,
    active: a.active,
    activeState: a.state,
    pid: parsePid(pid),
    managerError: e.error ?? a.error,
  };
}

/** `launchctl print <domain>/<label>`: `state = running`, `pid = 123` (tab-indented `key = value` lines). */
export function parseLaunchctlPrint(text: string): { state: string | null; pid: number | null } {
  const value = (key: string): string | undefined => new RegExp(`^\\s*${key} = (.+)$`, 'm').exec(text)?.[1]?.trim();
  const pid = Number(value('pid'));
  return { state: value('state') ?? null, pid: Number.isInteger(pid) && pid > 0 ? pid : null };
}

/** `launchctl print-disabled <domain>`: `"label" => disabled` (or `=> true` on older macOS); absent means enabled. */
export function parsePrintDisabled(text: string, label: string): boolean {
  const m = new RegExp(`^\\s*"${label.replaceAll('.', '\\.')}" => (\\w+)`, 'm').exec(text);
  return m !== null && (m[1] === 'disabled' || m[1] === 'true');
}

export async function launchdStatus(l: LaunchdLayout, run: CommandRunner): Promise<ServiceStatus> {
  const [printed, disabled] = await Promise.all([run(['launchctl', 'print', `${l.domain}/${LAUNCHD_LABEL}`]), run(['launchctl', 'print-disabled', l.domain])]);
  const installed = existsSync(l.plistFile);
  // launchctl print exits 113 for a service that is not loaded in the domain.
  const loaded = printed.status === 0;
  const p = loaded ? parseLaunchctlPrint(printed.stdout) : { state: printed.status === null ? null : 'not loaded', pid: null };
  const isDisabled = disabled.status === 0 ? parsePrintDisabled(disabled.stdout, LAUNCHD_LABEL) : null;
  return {
    manager: 'launchd',
    scope: l.scope,
    name: LAUNCHD_LABEL,
    file: l.plistFile,
    installed,
    enabled: isDisabled === null ? null : installed && !isDisabled,
    enabledState: isDisabled === null ? null : isDisabled ? 'disabled' : 'enabled',
    active: p.state === null ? null : p.state === 'running',
    activeState: p.state,
    pid: p.pid,
    managerError: printed.status === null ? complaint(printed) : disabled.status === 0 ? null : complaint(disabled),
  };
}
