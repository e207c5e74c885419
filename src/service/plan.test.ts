import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceLayout } from './layout.ts';
import { installPlan, uninstallPlan } from './plan.ts';
import type { ServicePlan, Step } from './types.ts';

const LAUNCH = { node: '/opt/zk/node_modules/node/bin/node', entry: '/opt/zk/src/cli/main.ts' };
const layout = (platform: NodeJS.Platform, scope: 'system' | 'user'): ReturnType<typeof serviceLayout> => serviceLayout({ platform, scope, home: '/home/al', env: {}, uid: 1000 });
const install = (platform: NodeJS.Platform, scope: 'system' | 'user'): ServicePlan => installPlan({ layout: layout(platform, scope), launch: LAUNCH, protectHome: 'yes', userName: 'al' });

/** Each step in one short line, for order assertions. */
const lines = (steps: readonly Step[]): string[] => steps.map((s) => (s.action === 'run' ? `run ${s.argv.join(' ')}` : `${s.action} ${s.path}`));

void test('systemd system install: user first, then config (kept if present), unit, reload, enable, restart', () => {
  const plan = install('linux', 'system');
  assert.deepEqual(lines(plan.steps), [
    'write /etc/sysusers.d/zonekeeper.conf',
    'run systemd-sysusers /etc/sysusers.d/zonekeeper.conf',
    'write /etc/zonekeeper/zonekeeper.yaml',
    'write /etc/zonekeeper/zonekeeper.env',
    'write /etc/systemd/system/zonekeeper.service',
    'run systemctl daemon-reload',
    'run systemctl enable zonekeeper.service',
    'run systemctl restart zonekeeper.service',
  ]);
  const writes = plan.steps.filter((s) => s.action === 'write');
  assert.deepEqual(
    writes.map((w) => [w.path, w.mode.toString(8), w.onlyIfMissing]),
    [
      ['/etc/sysusers.d/zonekeeper.conf', '644', false],
      ['/etc/zonekeeper/zonekeeper.yaml', '644', true],
      ['/etc/zonekeeper/zonekeeper.env', '600', true],
      ['/etc/systemd/system/zonekeeper.service', '644', false],
    ],
  );
});

void test('systemd user install: --user everywhere, the data directory made, linger in the notes', () => {
  const plan = install('linux', 'user');
  const l = lines(plan.steps);
  assert.ok(l.includes('mkdir /home/al/.local/state/zonekeeper'));
  assert.ok(l.includes('run systemctl --user enable zonekeeper.service'));
  assert.ok(!l.some((x) => x.includes('sysusers')));
  assert.ok(plan.notes.some((n) => n.includes('loginctl enable-linger al')));
});

void test('systemd uninstall: disable --now may fail (not installed), unit and sysusers removed, config and data kept', () => {
  const plan = uninstallPlan(layout('linux', 'system'));
  assert.deepEqual(lines(plan.steps), ['run systemctl disable --now zonekeeper.service', 'remove /etc/systemd/system/zonekeeper.service', 'remove /etc/sysusers.d/zonekeeper.conf', 'run systemctl daemon-reload']);
  assert.equal(plan.steps[0]?.action === 'run' && plan.steps[0].mayFail, true);
  assert.ok(plan.notes[0]?.includes('/var/lib/zonekeeper'));
});

void test('launchd: enable before bootstrap, the previous version booted out first', () => {
  const l = lines(install('darwin', 'user').steps);
  assert.deepEqual(l.slice(-3), ['run launchctl bootout gui/1000/io.zonekeeper.daemon', 'run launchctl enable gui/1000/io.zonekeeper.daemon', 'run launchctl bootstrap gui/1000 /home/al/Library/LaunchAgents/io.zonekeeper.daemon.plist']);
  assert.deepEqual(lines(uninstallPlan(layout('darwin', 'system')).steps), ['run launchctl bootout system/io.zonekeeper.daemon', 'remove /Library/LaunchDaemons/io.zonekeeper.daemon.plist']);
});

void test('windows: a recipe and no steps', () => {
  const plan = install('win32', 'system');
  assert.deepEqual(plan.steps, []);
  assert.ok(plan.recipe?.includes('nssm install zonekeeper'));
  assert.ok(uninstallPlan(layout('win32', 'system')).recipe?.includes('nssm remove zonekeeper confirm'));
});
