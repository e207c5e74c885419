/**
 * The Windows service recipes, printed for an administrator to run (nothing
 * is executed). node.exe is a console program that does not answer the
 * service control manager, so `sc.exe create` on it alone registers a
 * service Windows stops after 30 s (error 1053); NSSM wraps it, and sc.exe
 * then configures recovery and reports state. Commands are for cmd.exe.
 */
import { daemonArgs } from './launch.ts';
import type { Launch } from './types.ts';

export const WINDOWS_SERVICE = 'zonekeeper';

export interface WindowsRecipeOptions {
  readonly launch: Launch;
  /** The folder holding the config, data and logs, e.g. C:\ProgramData\zonekeeper. */
  readonly baseDir: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly logDir: string;
}

/**
 * One argument as the Microsoft C runtime parses a command line
 * (CommandLineToArgvW): unquoted when it has no space, tab or quote; else
 * in quotes, a quote as \", backslashes doubled only before a quote.
 */
export function windowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    out += ch === '"' ? '\\'.repeat(slashes * 2 + 1) + '"' : '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

/** The install recipe: NSSM to create and start the service, sc.exe for recovery and state, icacls for the data folder. */
export function windowsInstallRecipe(o: WindowsRecipeOptions): string {
  const params = daemonArgs(o.launch, o.configFile, o.dataDir).map(windowsArg).join(' ');
  const log = `${o.logDir}\\zonekeeper.log`;
  const nssm = (...args: string[]): string => ['nssm', ...args].map(windowsArg).join(' ');
  return [
    'REM zonekeeper as a Windows service. Nothing was executed: run these in an elevated Command Prompt.',
    'REM node.exe does not answer the service control manager, so `sc.exe create` on it alone gives error 1053;',
    'REM NSSM (https://nssm.cc, `winget install NSSM.NSSM`) runs it as a service.',
    '',
    `mkdir ${windowsArg(o.dataDir)} ${windowsArg(o.logDir)}`,
    `REM LocalService needs to write the data folder and read ${windowsArg(o.launch.node)} and ${windowsArg(o.launch.entry)}`,
    'REM (a clone inside C:\\Users\\<you> is not readable by it: clone into a shared folder, or set ObjectName to your account).',
    `icacls ${windowsArg(o.baseDir)} /grant ${windowsArg('NT AUTHORITY\\LocalService:(OI)(CI)M')}`,
    nssm('install', WINDOWS_SERVICE, o.launch.node),
    nssm('set', WINDOWS_SERVICE, 'AppParameters', params),
    nssm('set', WINDOWS_SERVICE, 'AppDirectory', o.dataDir),
    nssm('set', WINDOWS_SERVICE, 'DisplayName', 'zonekeeper'),
    nssm('set', WINDOWS_SERVICE, 'Description', 'DNS records and TLS certificates, kept current'),
    nssm('set', WINDOWS_SERVICE, 'ObjectName', 'NT AUTHORITY\\LocalService'),
    nssm('set', WINDOWS_SERVICE, 'Start', 'SERVICE_DELAYED_AUTO_START'),
    nssm('set', WINDOWS_SERVICE, 'AppStdout', log),
    nssm('set', WINDOWS_SERVICE, 'AppStderr', log),
    nssm('set', WINDOWS_SERVICE, 'AppRotateFiles', '1'),
    nssm('set', WINDOWS_SERVICE, 'AppRotateBytes', '10485760'),
    'REM Stop with Ctrl+C (the daemon finishes or journals in-flight work), give it 90 s.',
    nssm('set', WINDOWS_SERVICE, 'AppStopMethodConsole', '90000'),
    'REM Restart after a failure, but not after exit status 2 (a bad configuration).',
    nssm('set', WINDOWS_SERVICE, 'AppExit', 'Default', 'Restart'),
    nssm('set', WINDOWS_SERVICE, 'AppExit', '2', 'Exit'),
    nssm('set', WINDOWS_SERVICE, 'AppRestartDelay', '10000'),
    `sc.exe failure ${WINDOWS_SERVICE} reset= 86400 actions= restart/10000/restart/10000/restart/60000`,
    nssm('start', WINDOWS_SERVICE),
    '',
    `REM config: ${o.configFile} (create it; \`zonekeeper config check --config ${windowsArg(o.configFile)}\` validates it)`,
    `REM data: ${o.dataDir} (with the secret key, secret.key: back it up with the data); log: ${log}; API: http://127.0.0.1:9876`,
    `REM secrets as environment variables: ${nssm('set', WINDOWS_SERVICE, 'AppEnvironmentExtra', 'NAME=value')}`,
    `REM state: sc.exe query ${WINDOWS_SERVICE}   start type: sc.exe qc ${WINDOWS_SERVICE}`,
    '',
  ].join('\n');
}

/** The uninstall recipe: stop and remove the service; the config and data folder are kept. */
export function windowsUninstallRecipe(o: Pick<WindowsRecipeOptions, 'baseDir'>): string {
  return [
    'REM Nothing was executed: run these in an elevated Command Prompt.',
    `nssm stop ${WINDOWS_SERVICE}`,
    `nssm remove ${WINDOWS_SERVICE} confirm`,
    `REM without NSSM: sc.exe stop ${WINDOWS_SERVICE} & sc.exe delete ${WINDOWS_SERVICE}`,
    `REM kept: ${o.baseDir} (config, data, secret key); delete it by hand if it is no longer needed.`,
    '',
  ].join('\n');
}

/** How to see the service's state on Windows (nothing is executed). */
export function windowsStatusRecipe(): string {
  return [`sc.exe query ${WINDOWS_SERVICE}`, `sc.exe qc ${WINDOWS_SERVICE}`, ''].join('\n');
}
