import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectsAppError } from '../core/testing/app-error-assert.ts';
import { applyPlan } from './apply.ts';
import { serviceLayout } from './layout.ts';
import { installPlan, uninstallPlan } from './plan.ts';
import type { CommandResult, CommandRunner } from './run-command.ts';

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'zk-service-apply-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A runner that records commands and answers from `answers` (default: success). */
function recorder(answers: Record<string, Partial<CommandResult>> = {}): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = (argv) => {
    const cmd = argv.join(' ');
    calls.push(cmd);
    return Promise.resolve({ status: 0, stdout: '', stderr: '', ...answers[cmd] });
  };
  return { run, calls };
}

const LAUNCH = { node: '/opt/zk/node/bin/node', entry: '/opt/zk/src/cli/main.ts' };
const systemLayout = serviceLayout({ platform: 'linux', scope: 'system', home: '/root', env: {}, uid: 0 });
const plan = installPlan({ layout: systemLayout, launch: LAUNCH, protectHome: 'yes', userName: 'root' });

void test('install into a root: files with their modes, commands in order, an existing config kept', async () => {
  const dir = join(root, 'install');
  mkdirSync(join(dir, 'etc', 'zonekeeper'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'zonekeeper', 'zonekeeper.yaml'), 'providers: {}\n');
  const { run, calls } = recorder();
  const outcomes = await applyPlan(plan.steps, { run, root: dir });
  assert.deepEqual(calls, ['systemd-sysusers /etc/sysusers.d/zonekeeper.conf', 'systemctl daemon-reload', 'systemctl enable zonekeeper.service', 'systemctl restart zonekeeper.service']);
  assert.equal(readFileSync(join(dir, 'etc', 'zonekeeper', 'zonekeeper.yaml'), 'utf8'), 'providers: {}\n', 'the user config is not overwritten');
  assert.deepEqual(
    outcomes.filter((o) => o.step.action === 'write').map((o) => o.outcome),
    ['done', 'kept', 'done', 'done'],
  );
  const unit = join(dir, 'etc', 'systemd', 'system', 'zonekeeper.service');
  assert.match(readFileSync(unit, 'utf8'), /^ExecStart=\/opt\/zk\/node\/bin\/node /m);
  assert.equal(statSync(unit).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'etc', 'zonekeeper', 'zonekeeper.env')).mode & 0o777, 0o600);
});

void test('a failing command stops the plan: SERVICE_COMMAND_FAILED names it and what was already done', async () => {
  const dir = join(root, 'failing');
  const { run, calls } = recorder({ 'systemctl enable zonekeeper.service': { status: 1, stderr: 'Failed to enable unit: Access denied\n' } });
  const e = await rejectsAppError(applyPlan(plan.steps, { run, root: dir }), 'SERVICE_COMMAND_FAILED', { command: 'systemctl enable zonekeeper.service', status: 1, error: 'Failed to enable unit: Access denied' });
  assert.ok(!calls.includes('systemctl restart zonekeeper.service'));
  const completed = e.diagnosis.evidence['completed'];
  assert.ok(Array.isArray(completed) && completed.includes('run systemctl daemon-reload'), JSON.stringify(completed));
});

void test('uninstall: a failing `disable --now` is allowed, a missing file is absent, the rest goes on', async () => {
  const dir = join(root, 'uninstall');
  mkdirSync(join(dir, 'etc', 'systemd', 'system'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'systemd', 'system', 'zonekeeper.service'), '[Service]\n');
  const { run, calls } = recorder({ 'systemctl disable --now zonekeeper.service': { status: 1, stderr: 'Unit zonekeeper.service not loaded.' } });
  const outcomes = await applyPlan(uninstallPlan(systemLayout).steps, { run, root: dir });
  assert.deepEqual(
    outcomes.map((o) => [o.outcome, o.detail ?? '']),
    [
      ['failed', 'Unit zonekeeper.service not loaded.'],
      ['done', ''],
      ['absent', ''],
      ['done', ''],
    ],
  );
  assert.deepEqual(calls, ['systemctl disable --now zonekeeper.service', 'systemctl daemon-reload']);
});

void test('a file in the way of a directory: SERVICE_FILE_FAILED with the path', async () => {
  const dir = join(root, 'blocked');
  mkdirSync(dir);
  writeFileSync(join(dir, 'etc'), 'not a directory');
  await rejectsAppError(applyPlan(plan.steps, { run: recorder().run, root: dir }), 'SERVICE_FILE_FAILED', { path: '/etc/sysusers.d/zonekeeper.conf', operation: 'write', error: 'ENOTDIR', completed: [] });
});
