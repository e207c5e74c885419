import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessProblems, protectHomeFor, type ModeOf } from './access.ts';

const LAUNCH = { node: '/home/al/zk/node_modules/node/bin/node', entry: '/home/al/zk/src/cli/main.ts' };

/** Modes of a tree: directories 0755 and files 0644 (node 0755) unless overridden; missing paths are absent. */
function tree(overrides: Record<string, number>): ModeOf {
  const dirs = ['/', '/home', '/home/al', '/home/al/zk', '/home/al/zk/src', '/home/al/zk/src/cli', '/home/al/zk/node_modules', '/home/al/zk/node_modules/node', '/home/al/zk/node_modules/node/bin'];
  return (p) => overrides[p] ?? (dirs.includes(p) ? 0o40755 : p === LAUNCH.node ? 0o100755 : p === LAUNCH.entry ? 0o100644 : undefined);
}

void test('accessProblems: a readable tree has none', () => {
  assert.deepEqual(accessProblems(LAUNCH, tree({})), []);
});

void test('accessProblems: a private home directory is named once, with the missing bit', () => {
  assert.deepEqual(accessProblems(LAUNCH, tree({ '/home/al': 0o40750 })), [{ path: '/home/al', missing: 'x' }]);
});

void test('accessProblems: unreadable sources and a node only its owner may run', () => {
  const problems = accessProblems(LAUNCH, tree({ '/home/al/zk/src/cli/main.ts': 0o100600, '/home/al/zk/node_modules/node/bin/node': 0o100700, '/home/al/zk/src': 0o40711 }));
  assert.deepEqual(problems, [
    { path: LAUNCH.node, missing: 'x' },
    { path: '/home/al/zk/src', missing: 'r' },
    { path: LAUNCH.entry, missing: 'r' },
  ]);
});

void test('protectHomeFor: read-only only when something lives under /home, /root or /run/user', () => {
  assert.equal(protectHomeFor(LAUNCH), 'read-only');
  assert.equal(protectHomeFor({ node: '/usr/bin/node', entry: '/root/zk/src/cli/main.ts' }), 'read-only');
  assert.equal(protectHomeFor({ node: '/usr/bin/node', entry: '/opt/zk/src/cli/main.ts' }), 'yes');
  assert.equal(protectHomeFor({ node: '/usr/bin/node', entry: '/homestead/zk/src/cli/main.ts' }), 'yes');
});
