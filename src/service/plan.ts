/**
 * What `service install` and `service uninstall` do, as data: files to
 * write or remove and commands to run, in order. Pure; `applyPlan` carries
 * a plan out, `--dry-run` prints it.
 */
import { launchdPlist, LAUNCHD_LABEL } from './launchd-plist.ts';
import type { LaunchdLayout, ServiceLayout, SystemdLayout } from './layout.ts';
import { starterConfig, starterEnvFile } from './starter-files.ts';
import { sysusersConf, systemdUnit, UNIT_NAME } from './systemd-unit.ts';
import type { Launch, ServicePlan, Step } from './types.ts';
import { windowsInstallRecipe, windowsUninstallRecipe } from './windows-recipe.ts';

export interface PlanInput {
  readonly layout: ServiceLayout;
  readonly launch: Launch;
  /** ProtectHome= of a system unit (see protectHomeFor). */
  readonly protectHome: 'yes' | 'read-only';
  /** The invoking user's name, for `loginctl enable-linger` in the notes of a user unit. */
  readonly userName: string;
}

const write = (path: string, content: string, mode: number, onlyIfMissing = false): Step => ({ action: 'write', path, content, mode, onlyIfMissing });
const run = (argv: readonly string[], mayFail = false): Step => ({ action: 'run', argv, mayFail });
const mkdir = (path: string): Step => ({ action: 'mkdir', path, mode: 0o700 });

function systemctl(l: SystemdLayout, ...args: string[]): string[] {
  return ['systemctl', ...(l.scope === 'user' ? ['--user'] : []), ...args];
}

function systemdInstall(l: SystemdLayout, i: PlanInput): ServicePlan {
  const steps: Step[] = [];
  if (l.sysusersFile !== undefined) steps.push(write(l.sysusersFile, sysusersConf(), 0o644), run(['systemd-sysusers', l.sysusersFile]));
  // The user scope has no StateDirectory= (see systemd-unit.ts): the data directory is made here.
  if (l.scope === 'user') steps.push(mkdir(l.dataDir));
  steps.push(
    write(l.configFile, starterConfig(l.envFile), 0o644, true),
    write(l.envFile, starterEnvFile(), 0o600, true),
    write(l.unitFile, systemdUnit({ scope: l.scope, launch: i.launch, paths: l, protectHome: i.protectHome }), 0o644),
    run(systemctl(l, 'daemon-reload')),
    run(systemctl(l, 'enable', UNIT_NAME)),
    // restart, not start: a reinstall must run the new unit.
    run(systemctl(l, 'restart', UNIT_NAME)),
  );
  const sctl = l.scope === 'user' ? 'systemctl --user' : 'systemctl';
  const notes = [
    `config: ${l.configFile} (validate: zonekeeper config check --config ${l.configFile})`,
    `secrets: ${l.envFile} (NAME=value lines for \${env:NAME}; mode 0600)`,
    `data: ${l.dataDir}${l.scope === 'system' ? ' (owned by the zonekeeper user)' : ''}, with the secret key secret.key: back it up with the data`,
    `logs: journalctl ${l.scope === 'user' ? '--user-unit' : '-u'} zonekeeper`,
    'API: http://127.0.0.1:9876',
    `state: zonekeeper service status${l.scope === 'user' ? ' --user' : ''} (or ${sctl} status zonekeeper)`,
    ...(l.scope === 'user' ? [`to keep it running while you are logged out: loginctl enable-linger ${i.userName}`] : []),
  ];
  return { manager: 'systemd', scope: l.scope, steps, notes };
}

function systemdUninstall(l: SystemdLayout): ServicePlan {
  const steps: Step[] = [
    run(systemctl(l, 'disable', '--now', UNIT_NAME), true),
    { action: 'remove', path: l.unitFile },
    ...(l.sysusersFile === undefined ? [] : [{ action: 'remove', path: l.sysusersFile } as const]),
    run(systemctl(l, 'daemon-reload')),
  ];
  const kept = [l.configFile, l.envFile, l.dataDir, ...(l.scope === 'system' ? ['the zonekeeper user'] : [])];
  return { manager: 'systemd', scope: l.scope, steps, notes: [`kept: ${kept.join(', ')}; remove them by hand if they are no longer needed`] };
}

function launchdInstall(l: LaunchdLayout, i: PlanInput): ServicePlan {
  const target = `${l.domain}/${LAUNCHD_LABEL}`;
  const steps: Step[] = [
    mkdir(l.dataDir),
    mkdir(l.logDir),
    write(l.configFile, starterConfig(undefined), 0o644, true),
    write(l.plistFile, launchdPlist({ launch: i.launch, configFile: l.configFile, dataDir: l.dataDir, logDir: l.logDir }), 0o644),
    // Unload a previous version first; fails harmlessly when none is loaded.
    run(['launchctl', 'bootout', target], true),
    run(['launchctl', 'enable', target]),
    run(['launchctl', 'bootstrap', l.domain, l.plistFile]),
  ];
  const notes = [
    `config: ${l.configFile}`,
    `data: ${l.dataDir}, with the secret key secret.key: back it up with the data`,
    `logs: ${l.logDir}/zonekeeper.log`,
    'API: http://127.0.0.1:9876',
    ...(l.scope === 'system' ? ['a LaunchDaemon runs as root; `--user` installs a LaunchAgent that runs as you while you are logged in'] : []),
  ];
  return { manager: 'launchd', scope: l.scope, steps, notes };
}

function launchdUninstall(l: LaunchdLayout): ServicePlan {
  return {
    manager: 'launchd',
    scope: l.scope,
    steps: [run(['launchctl', 'bootout', `${l.domain}/${LAUNCHD_LABEL}`], true), { action: 'remove', path: l.plistFile }],
    notes: [`kept: ${l.baseDir}, ${l.logDir}; remove them by hand if they are no longer needed`],
  };
}

function windowsPlan(recipe: string): ServicePlan {
  return { manager: 'windows', scope: 'system', steps: [], notes: ['nothing was executed: run the recipe in an elevated Command Prompt'], recipe };
}

/** The install plan for a layout. */
export function installPlan(i: PlanInput): ServicePlan {
  const l = i.layout;
  if (l.manager === 'systemd') return systemdInstall(l, i);
  if (l.manager === 'launchd') return launchdInstall(l, i);
  return windowsPlan(windowsInstallRecipe({ launch: i.launch, baseDir: l.baseDir, configFile: l.configFile, dataDir: l.dataDir, logDir: l.logDir }));
}

/** The uninstall plan: stop, disable, remove what install wrote except the config, secrets and data. */
export function uninstallPlan(layout: ServiceLayout): ServicePlan {
  if (layout.manager === 'systemd') return systemdUninstall(layout);
  if (layout.manager === 'launchd') return launchdUninstall(layout);
  return windowsPlan(windowsUninstallRecipe(layout));
}
