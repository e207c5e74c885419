import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throwsAppError } from '../core/testing/app-error-assert.ts';
import { serviceLayout } from './layout.ts';

const base = { home: '/home/al', env: {}, uid: 1000 };

void test('linux system: /etc, /var/lib, a sysusers file', () => {
  const l = serviceLayout({ ...base, platform: 'linux', scope: 'system' });
  assert.equal(l.manager, 'systemd');
  assert.deepEqual(
    { ...l },
    {
      manager: 'systemd',
      scope: 'system',
      unitFile: '/etc/systemd/system/zonekeeper.service',
      wantedBy: 'multi-user.target',
      sysusersFile: '/etc/sysusers.d/zonekeeper.conf',
      configFile: '/etc/zonekeeper/zonekeeper.yaml',
      envFile: '/etc/zonekeeper/zonekeeper.env',
      dataDir: '/var/lib/zonekeeper',
    },
  );
});

void test('linux user: XDG directories, absolute ones from the environment only', () => {
  const l = serviceLayout({ ...base, platform: 'linux', scope: 'user', env: { XDG_CONFIG_HOME: '/cfg', XDG_STATE_HOME: 'relative/ignored' } });
  assert.ok(l.manager === 'systemd');
  assert.equal(l.unitFile, '/cfg/systemd/user/zonekeeper.service');
  assert.equal(l.configFile, '/cfg/zonekeeper/zonekeeper.yaml');
  assert.equal(l.dataDir, '/home/al/.local/state/zonekeeper');
  assert.equal(l.sysusersFile, undefined);
  assert.equal(l.wantedBy, 'default.target');
});

void test('darwin: LaunchDaemons for the system, LaunchAgents and gui/<uid> for the user', () => {
  const sys = serviceLayout({ ...base, platform: 'darwin', scope: 'system' });
  const user = serviceLayout({ ...base, home: '/Users/al', platform: 'darwin', scope: 'user', uid: 501 });
  assert.ok(sys.manager === 'launchd' && user.manager === 'launchd');
  assert.equal(sys.plistFile, '/Library/LaunchDaemons/io.zonekeeper.daemon.plist');
  assert.equal(sys.domain, 'system');
  assert.equal(user.plistFile, '/Users/al/Library/LaunchAgents/io.zonekeeper.daemon.plist');
  assert.equal(user.domain, 'gui/501');
  assert.equal(user.configFile, '/Users/al/Library/Application Support/zonekeeper/zonekeeper.yaml');
});

void test('win32: ProgramData; --user is a usage error', () => {
  const l = serviceLayout({ ...base, platform: 'win32', scope: 'system', env: { ProgramData: 'D:\\PD' } });
  assert.ok(l.manager === 'windows');
  assert.equal(l.dataDir, 'D:\\PD\\zonekeeper\\data');
  throwsAppError(() => serviceLayout({ ...base, platform: 'win32', scope: 'user' }), 'USAGE');
});

void test('other platforms: SERVICE_UNSUPPORTED_PLATFORM', () => {
  throwsAppError(() => serviceLayout({ ...base, platform: 'freebsd', scope: 'system' }), 'SERVICE_UNSUPPORTED_PLATFORM', { platform: 'freebsd' });
});
