/**
 * The launchd property list of the daemon (launchd.plist(5)): a LaunchAgent
 * in ~/Library/LaunchAgents (runs while the user is logged in) or a
 * LaunchDaemon in /Library/LaunchDaemons (runs at boot, as root).
 */
import { daemonArgs } from './launch.ts';
import type { Launch } from './types.ts';

export const LAUNCHD_LABEL = 'io.zonekeeper.daemon';

export interface LaunchdPlistOptions {
  readonly launch: Launch;
  readonly configFile: string;
  readonly dataDir: string;
  /** stdout and stderr go to `<logDir>/zonekeeper.log`. */
  readonly logDir: string;
}

/** XML character data: & < > and quotes escaped; characters XML 1.0 cannot carry are refused. */
function xml(text: string): string {
  // oxlint-disable-next-line no-control-regex -- the control characters are what this checks for
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) throw new RangeError(`a control character cannot be written to a property list: ${JSON.stringify(text)}`);
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const str = (v: string): string => `<string>${xml(v)}</string>`;

/** The plist XML. KeepAlive restarts the daemon when it exits unsuccessfully, as systemd's Restart=on-failure. */
export function launchdPlist(o: LaunchdPlistOptions): string {
  const args = [o.launch.node, ...daemonArgs(o.launch, o.configFile, o.dataDir)];
  const log = `${o.logDir}/zonekeeper.log`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `zonekeeper service install`; `zonekeeper service uninstall` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${str(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...args.map((a) => `    ${str(a)}`),
    '  </array>',
    `  <key>WorkingDirectory</key>${str(o.dataDir)}`,
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key><false/>',
    '  </dict>',
    '  <key>ThrottleInterval</key><integer>10</integer>',
    '  <key>ExitTimeOut</key><integer>90</integer>',
    '  <key>ProcessType</key><string>Background</string>',
    '  <key>Umask</key><integer>63</integer>',
    `  <key>StandardOutPath</key>${str(log)}`,
    `  <key>StandardErrorPath</key>${str(log)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
