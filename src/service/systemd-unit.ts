/**
 * The systemd unit of the daemon, and the sysusers.d line of its user.
 *
 * Identity (system scope): a dedicated system user `zonekeeper`, declared
 * through sysusers.d, rather than DynamicUser=yes. Certificates are made to
 * be used by other software: a deploy directory such as /etc/ssl/zonekeeper
 * must be chowned (or ACL'd) to the daemon ahead of time, and a web server
 * may be put in the daemon's group. Both need a user that exists while the
 * service is stopped and keeps its UID; a dynamic user has neither. What
 * DynamicUser=yes would imply is set explicitly (ProtectSystem=strict,
 * ProtectHome, PrivateTmp, RemoveIPC, NoNewPrivileges, RestrictSUIDSGID).
 *
 * Paths are literal, not specifiers: a user unit's %S moved from
 * $XDG_CONFIG_HOME to $XDG_STATE_HOME between systemd versions, and a data
 * directory must not move under the daemon when systemd is upgraded.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { daemonArgs } from './launch.ts';
import { systemdArg, systemdExecutable, systemdPath } from './systemd-quote.ts';
import type { Launch, ServiceScope } from './types.ts';

export const UNIT_NAME = 'zonekeeper.service';
export const SERVICE_USER = 'zonekeeper';

/** Where the daemon's files are, as absolute paths. */
export interface DaemonPaths {
  readonly configFile: string;
  /** systemd EnvironmentFile= for secrets (optional: the unit starts without it). */
  readonly envFile: string;
  /** Also where the secret key lives (`secret.key`, created on first use) unless ZONEKEEPER_SECRET_KEY is set. */
  readonly dataDir: string;
}

/** The system scope's paths: the directories StateDirectory=, ConfigurationDirectory= and CacheDirectory= manage. */
export const SYSTEM_PATHS: DaemonPaths = {
  configFile: '/etc/zonekeeper/zonekeeper.yaml',
  envFile: '/etc/zonekeeper/zonekeeper.env',
  dataDir: '/var/lib/zonekeeper',
};

export interface SystemdUnitOptions {
  readonly scope: ServiceScope;
  readonly launch: Launch;
  readonly paths: DaemonPaths;
  /**
   * `yes` hides /home, /root and /run/user; `read-only` is needed when the
   * Node binary or the sources live there (a clone in a home directory).
   * System scope only.
   */
  readonly protectHome: 'yes' | 'read-only';
}

/** The ExecStart= command line, every argument quoted for systemd. */
export function execStart(launch: Launch, paths: DaemonPaths): string {
  return [systemdExecutable(launch.node), ...daemonArgs(launch, paths.configFile, paths.dataDir).map(systemdArg)].join(' ');
}

/** What runs, where, with which environment (both scopes). */
function execution(o: SystemdUnitOptions): string[] {
  return [
    'Type=exec',
    `ExecStart=${execStart(o.launch, o.paths)}`,
    `WorkingDirectory=${systemdPath(o.paths.dataDir)}`,
    `# The secret key is ${o.paths.dataDir}/secret.key (created on first use), unless`,
    '# ZONEKEEPER_SECRET_KEY is set in the EnvironmentFile, with the values the config references;',
    '# systemd reads that file before dropping privileges, so it can stay mode 0600.',
    `EnvironmentFile=-${systemdPath(o.paths.envFile)}`,
    'SyslogIdentifier=zonekeeper',
  ];
}

/** The user and the directories systemd creates and chowns for it (system scope). */
const IDENTITY = [
  `User=${SERVICE_USER}`,
  `Group=${SERVICE_USER}`,
  '# /var/lib/zonekeeper (owned by the user, 0700), /etc/zonekeeper, /var/cache/zonekeeper',
  'StateDirectory=zonekeeper',
  'StateDirectoryMode=0700',
  'ConfigurationDirectory=zonekeeper',
  'CacheDirectory=zonekeeper',
  'Environment=NODE_COMPILE_CACHE=/var/cache/zonekeeper/node-compile-cache',
];

/** Stopping and restarting (both scopes). */
const LIFECYCLE = [
  '# SIGTERM to the daemon only: it finishes or journals in-flight work and cleans challenge records.',
  'KillMode=mixed',
  'TimeoutStopSec=90s',
  'Restart=on-failure',
  'RestartSec=10s',
  '# Exit status 2 is a bad configuration: restarting cannot help.',
  'RestartPreventExitStatus=2',
];

/** The seccomp-based sandbox: needs no privileges, so a user manager applies it too. */
const SANDBOX = [
  'UMask=0077',
  'NoNewPrivileges=yes',
  '# AF_NETLINK: the DDNS interface source reads the addresses of network interfaces.',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'LockPersonality=yes',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged',
  '# A call outside the filter fails with EPERM (Node falls back) instead of killing the process.',
  'SystemCallErrorNumber=EPERM',
  '# No MemoryDenyWriteExecute=: V8 compiles JavaScript to machine code at run time.',
];

/** Capabilities and mount namespaces: system scope only (a user manager may lack user namespaces). */
function systemSandbox(protectHome: 'yes' | 'read-only'): string[] {
  return [
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'ProtectSystem=strict',
    `ProtectHome=${protectHome}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'PrivateMounts=yes',
    '# The trusted clock corrects its own reading; zonekeeper never sets the system clock.',
    'ProtectClock=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectHostname=yes',
    '# No ProcSubset=pid: the DDNS interface source reads /proc/net/if_inet6.',
    'ProtectProc=invisible',
    'RemoveIPC=yes',
    '# Deploying certificates elsewhere: `systemctl edit zonekeeper`, add ReadWritePaths=<dir>,',
    '# and give the zonekeeper user write access to <dir>.',
  ];
}

/** The unit file text for `o.scope`. */
export function systemdUnit(o: SystemdUnitOptions): string {
  const readme = pathToFileURL(join(dirname(o.launch.entry), '..', '..', 'README.md')).href;
  const ordering = o.scope === 'system' ? ['After=network-online.target', 'Wants=network-online.target'] : [];
  return [
    '# Written by `zonekeeper service install`; `zonekeeper service uninstall` removes it.',
    `# Local changes belong in a drop-in: systemctl${o.scope === 'user' ? ' --user' : ''} edit zonekeeper`,
    '[Unit]',
    'Description=zonekeeper: DNS records and TLS certificates, kept current',
    `Documentation=${systemdPath(readme)}`,
    ...ordering,
    'StartLimitIntervalSec=10min',
    'StartLimitBurst=5',
    '',
    '[Service]',
    ...execution(o),
    ...(o.scope === 'system' ? IDENTITY : []),
    ...LIFECYCLE,
    ...SANDBOX,
    ...(o.scope === 'system' ? systemSandbox(o.protectHome) : []),
    '',
    '[Install]',
    `WantedBy=${o.scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

/** The sysusers.d(5) file that declares the system user and group (home = the state directory, no login shell). */
export function sysusersConf(): string {
  return `# Written by \`zonekeeper service install\`: the user the daemon runs as.\nu ${SERVICE_USER} - "zonekeeper daemon" ${SYSTEM_PATHS.dataDir} -\n`;
}
