/**
 * Where a service installation puts its files, per platform and scope.
 * Pure: the home directory, environment and uid are passed in.
 */
import { posix, win32 } from 'node:path';
import { AppError } from '../core/errors.ts';
import { LAUNCHD_LABEL } from './launchd-plist.ts';
import { SYSTEM_PATHS, UNIT_NAME, type DaemonPaths } from './systemd-unit.ts';
import type { ServiceScope } from './types.ts';

export interface SystemdLayout extends DaemonPaths {
  readonly manager: 'systemd';
  readonly scope: ServiceScope;
  readonly unitFile: string;
  /** The `[Install] WantedBy=` target whose .wants/ holds the enable symlink. */
  readonly wantedBy: string;
  /** System scope: the sysusers.d file declaring the service user. */
  readonly sysusersFile?: string;
}

export interface LaunchdLayout {
  readonly manager: 'launchd';
  readonly scope: ServiceScope;
  readonly plistFile: string;
  /** launchctl domain: `system` or `gui/<uid>`. */
  readonly domain: string;
  readonly baseDir: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly logDir: string;
}

export interface WindowsLayout {
  readonly manager: 'windows';
  readonly scope: 'system';
  readonly baseDir: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly logDir: string;
}

export type ServiceLayout = SystemdLayout | LaunchdLayout | WindowsLayout;

export interface LayoutInput {
  readonly platform: NodeJS.Platform;
  readonly scope: ServiceScope;
  /** The invoking user's home directory. */
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** The invoking user's uid (launchd's gui/<uid> domain); -1 where there is none. */
  readonly uid: number;
}

/** An XDG base directory from the environment when it is absolute, else its default under the home directory. */
function xdg(env: NodeJS.ProcessEnv, name: string, home: string, fallback: string): string {
  const v = env[name];
  return v !== undefined && posix.isAbsolute(v) ? v : posix.join(home, fallback);
}

function systemdLayout(i: LayoutInput): SystemdLayout {
  if (i.scope === 'system') {
    return { manager: 'systemd', scope: 'system', unitFile: `/etc/systemd/system/${UNIT_NAME}`, wantedBy: 'multi-user.target', sysusersFile: '/etc/sysusers.d/zonekeeper.conf', ...SYSTEM_PATHS };
  }
  const config = xdg(i.env, 'XDG_CONFIG_HOME', i.home, '.config');
  const data = posix.join(xdg(i.env, 'XDG_STATE_HOME', i.home, '.local/state'), 'zonekeeper');
  return {
    manager: 'systemd',
    scope: 'user',
    unitFile: posix.join(config, 'systemd', 'user', UNIT_NAME),
    wantedBy: 'default.target',
    configFile: posix.join(config, 'zonekeeper', 'zonekeeper.yaml'),
    envFile: posix.join(config, 'zonekeeper', 'zonekeeper.env'),
    dataDir: data,
  };
}

function launchdLayout(i: LayoutInput): LaunchdLayout {
  const root = i.scope === 'system' ? '/' : i.home;
  const baseDir = posix.join(root, 'Library', 'Application Support', 'zonekeeper');
  const dataDir = posix.join(baseDir, 'data');
  return {
    manager: 'launchd',
    scope: i.scope,
    plistFile: posix.join(root, 'Library', i.scope === 'system' ? 'LaunchDaemons' : 'LaunchAgents', `${LAUNCHD_LABEL}.plist`),
    domain: i.scope === 'system' ? 'system' : `gui/${i.uid}`,
    baseDir,
    configFile: posix.join(baseDir, 'zonekeeper.yaml'),
    dataDir,
    logDir: posix.join(root, 'Library', 'Logs', 'zonekeeper'),
  };
}

function windowsLayout(i: LayoutInput): WindowsLayout {
  const programData = i.env['ProgramData'] ?? i.env['PROGRAMDATA'] ?? 'C:\\ProgramData';
  const baseDir = win32.join(programData, 'zonekeeper');
  const dataDir = win32.join(baseDir, 'data');
  return { manager: 'windows', scope: 'system', baseDir, configFile: win32.join(baseDir, 'zonekeeper.yaml'), dataDir, logDir: win32.join(baseDir, 'logs') };
}

/**
 * The layout for this platform and scope. Throws
 * SERVICE_UNSUPPORTED_PLATFORM off Linux, macOS and Windows, and USAGE for
 * `--user` on Windows (a Windows service is system-wide).
 */
export function serviceLayout(i: LayoutInput): ServiceLayout {
  switch (i.platform) {
    case 'linux':
      return systemdLayout(i);
    case 'darwin':
      return launchdLayout(i);
    case 'win32':
      if (i.scope === 'user') throw new AppError('USAGE', { evidence: { reason: '--user is for systemd and launchd; a Windows service is system-wide' } });
      return windowsLayout(i);
    default:
      throw new AppError('SERVICE_UNSUPPORTED_PLATFORM', { evidence: { platform: i.platform } });
  }
}
