import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceLayout } from './layout.ts';
import type { CommandRunner } from './run-command.ts';
import { parseIsActive, parseIsEnabled, parseLaunchctlPrint, parsePrintDisabled, systemdStatus } from './status.ts';

const result = (status: number | null, stdout: string, stderr = ''): { status: number | null; stdout: string; stderr: string } => ({ status, stdout, stderr });

void test('parseIsEnabled: the word, an unknown unit, no systemctl', () => {
  assert.deepEqual(parseIsEnabled(result(0, 'enabled\n')), { enabled: true, state: 'enabled', error: null });
  assert.deepEqual(parseIsEnabled(result(1, 'disabled\n')), { enabled: false, state: 'disabled', error: null });
  assert.deepEqual(parseIsEnabled(result(1, 'masked\n')), { enabled: false, state: 'masked', error: null });
  assert.deepEqual(parseIsEnabled(result(1, '', 'Failed to get unit file state for zonekeeper.service: No such file or directory\n')), { enabled: false, state: 'not-found', error: null });
  assert.deepEqual(parseIsEnabled({ status: null, stdout: '', stderr: '', error: 'ENOENT' }), { enabled: null, state: null, error: 'ENOENT' });
});

void test('parseIsActive: the word, or null with the reason when the manager cannot be asked', () => {
  assert.deepEqual(parseIsActive(result(0, 'active\n')), { active: true, state: 'active', error: null });
  assert.deepEqual(parseIsActive(result(3, 'failed\n')), { active: false, state: 'failed', error: null });
  assert.deepEqual(parseIsActive(result(3, 'activating\n')), { active: false, state: 'activating', error: null });
  const offline = parseIsActive(result(1, '', "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n"));
  assert.deepEqual(offline, { active: null, state: null, error: "System has not been booted with systemd as init system (PID 1). Can't operate." });
});

void test('parseLaunchctlPrint: state and pid', () => {
  const text = 'gui/501/io.zonekeeper.daemon = {\n\tactive count = 1\n\tpath = /Users/al/Library/LaunchAgents/io.zonekeeper.daemon.plist\n\tstate = running\n\n\tprogram = /usr/local/bin/node\n\tpid = 4321\n\tlast exit code = (never exited)\n}\n';
  assert.deepEqual(parseLaunchctlPrint(text), { state: 'running', pid: 4321 });
  assert.deepEqual(parseLaunchctlPrint('x = {\n\tstate = waiting\n\tlast exit code = 78: EX_CONFIG\n}\n'), { state: 'waiting', pid: null });
});

void test('parsePrintDisabled: disabled / true mean disabled; absent means enabled', () => {
  const modern = 'disabled services = {\n\t"com.apple.x" => enabled\n\t"io.zonekeeper.daemon" => disabled\n}\n';
  const old = 'disabled services = {\n\t"io.zonekeeper.daemon" => true\n}\n';
  assert.equal(parsePrintDisabled(modern, 'io.zonekeeper.daemon'), true);
  assert.equal(parsePrintDisabled(old, 'io.zonekeeper.daemon'), true);
  assert.equal(parsePrintDisabled('disabled services = {\n\t"io.zonekeeper.daemon" => enabled\n}\n', 'io.zonekeeper.daemon'), false);
  assert.equal(parsePrintDisabled('disabled services = {\n\t"ioXzonekeeperXdaemon" => disabled\n}\n', 'io.zonekeeper.daemon'), false, 'dots are literal');
  assert.equal(parsePrintDisabled('disabled services = {\n}\n', 'io.zonekeeper.daemon'), false);
});

void test('systemdStatus: with no manager to ask, enabled comes from the .wants symlink', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'zk-status-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const layout = serviceLayout({ platform: 'linux', scope: 'user', home, env: {}, uid: 1000 });
  assert.ok(layout.manager === 'systemd');
  const noBus: CommandRunner = () => Promise.resolve({ status: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found\n' });
  const absent = await systemdStatus(layout, noBus);
  assert.deepEqual([absent.installed, absent.enabled, absent.enabledState, absent.active, absent.managerError], [false, false, 'not-found', null, 'Failed to connect to bus: No medium found']);
  const unitDir = join(home, '.config', 'systemd', 'user');
  mkdirSync(join(unitDir, 'default.target.wants'), { recursive: true });
  writeFileSync(layout.unitFile, '[Install]\nWantedBy=default.target\n');
  assert.deepEqual([(await systemdStatus(layout, noBus)).enabled, (await systemdStatus(layout, noBus)).enabledState], [false, 'disabled']);
  symlinkSync(layout.unitFile, join(unitDir, 'default.target.wants', 'zonekeeper.service'));
  const enabled = await systemdStatus(layout, noBus);
  assert.deepEqual([enabled.installed, enabled.enabled, enabled.enabledState], [true, true, 'enabled']);
});
