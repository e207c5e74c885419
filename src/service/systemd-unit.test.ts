import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execStart, SYSTEM_PATHS, sysusersConf, systemdUnit, type DaemonPaths } from './systemd-unit.ts';
import type { Launch } from './types.ts';

const LAUNCH: Launch = { node: '/opt/zonekeeper/node_modules/node/bin/node', entry: '/opt/zonekeeper/src/cli/main.ts' };
const USER_PATHS: DaemonPaths = {
  configFile: '/home/al/.config/zonekeeper/zonekeeper.yaml',
  envFile: '/home/al/.config/zonekeeper/zonekeeper.env',
  dataDir: '/home/al/.local/state/zonekeeper',
};

/** The `[Service]` settings as key → values (repeatable keys keep every value). */
function settings(unit: string, section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of unit.split('\n')) {
    if (line.startsWith('[')) current = line;
    else if (current === `[${section}]` && line !== '' && !line.startsWith('#')) {
      const i = line.indexOf('=');
      const key = line.slice(0, i);
      out.set(key, [...(out.get(key) ?? []), line.slice(i + 1)]);
    }
  }
  return out;
}

void test('system unit: the daemon under its own user, with the hardening the issue asks for', () => {
  const s = settings(systemdUnit({ scope: 'system', launch: LAUNCH, paths: SYSTEM_PATHS, protectHome: 'yes' }), 'Service');
  assert.deepEqual(s.get('ExecStart'), ['/opt/zonekeeper/node_modules/node/bin/node /opt/zonekeeper/src/cli/main.ts run --config /etc/zonekeeper/zonekeeper.yaml --data /var/lib/zonekeeper']);
  const expected: Record<string, string> = {
    User: 'zonekeeper',
    StateDirectory: 'zonekeeper',
    ConfigurationDirectory: 'zonekeeper',
    ProtectSystem: 'strict',
    ProtectHome: 'yes',
    PrivateTmp: 'yes',
    NoNewPrivileges: 'yes',
    RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX AF_NETLINK',
    CapabilityBoundingSet: '',
    Restart: 'on-failure',
    RestartPreventExitStatus: '2',
    SystemCallErrorNumber: 'EPERM',
    WorkingDirectory: '/var/lib/zonekeeper',
    EnvironmentFile: '-/etc/zonekeeper/zonekeeper.env',
  };
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(s.get(k), [v], k);
  assert.deepEqual(s.get('SystemCallFilter'), ['@system-service', '~@privileged']);
  assert.equal(s.get('MemoryDenyWriteExecute'), undefined, 'V8 needs W+X memory');
  assert.equal(s.get('ProcSubset'), undefined, 'the interface source reads /proc/net');
  assert.deepEqual(settings(systemdUnit({ scope: 'system', launch: LAUNCH, paths: SYSTEM_PATHS, protectHome: 'yes' }), 'Install').get('WantedBy'), ['multi-user.target']);
});

void test('system unit: a clone under /home gets ProtectHome=read-only', () => {
  const s = settings(systemdUnit({ scope: 'system', launch: LAUNCH, paths: SYSTEM_PATHS, protectHome: 'read-only' }), 'Service');
  assert.deepEqual(s.get('ProtectHome'), ['read-only']);
});

void test('user unit: literal XDG paths, seccomp sandbox only, no user switch or mount namespaces', () => {
  const unit = systemdUnit({ scope: 'user', launch: LAUNCH, paths: USER_PATHS, protectHome: 'yes' });
  const s = settings(unit, 'Service');
  assert.match(s.get('ExecStart')?.[0] ?? '', / --config \/home\/al\/\.config\/zonekeeper\/zonekeeper\.yaml --data \/home\/al\/\.local\/state\/zonekeeper$/);
  for (const k of ['User', 'StateDirectory', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'CapabilityBoundingSet']) assert.equal(s.get(k), undefined, k);
  for (const k of ['NoNewPrivileges', 'RestrictAddressFamilies', 'SystemCallFilter']) assert.ok(s.has(k), k);
  assert.deepEqual(settings(unit, 'Install').get('WantedBy'), ['default.target']);
  assert.equal(settings(unit, 'Unit').get('After'), undefined, 'a user manager has no network-online.target');
});

void test('execStart quotes paths with spaces and escapes specifiers', () => {
  const line = execStart({ node: '/opt/my $node/node', entry: '/srv/zk 100%/$x/src/cli/main.ts' }, SYSTEM_PATHS);
  assert.equal(line, '"/opt/my $node/node" "/srv/zk 100%%/$$x/src/cli/main.ts" run --config /etc/zonekeeper/zonekeeper.yaml --data /var/lib/zonekeeper');
});

void test('sysusersConf declares the user with the state directory as home', () => {
  assert.match(sysusersConf(), /^u zonekeeper - "zonekeeper daemon" \/var\/lib\/zonekeeper -$/m);
});
