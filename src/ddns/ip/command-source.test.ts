import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FakeClock } from '../../clock/fake-clock.ts';
import { systemClock } from '../../clock/system-clock.ts';
import { runCommandSource } from './command-source.ts';
import type { CommandSourceConfig } from './types.ts';

const cmd = (run: string | string[], timeoutMs = 10_000): CommandSourceConfig => ({ type: 'command', run, timeoutMs });

void test('the output is the address (trimmed), through /bin/sh for a string', async () => {
  const a = await runCommandSource(cmd('printf "  81.2.3.4\\n"'), 4, systemClock);
  assert.equal(a.address, '81.2.3.4');
  assert.equal(a.reason, undefined);
  assert.equal(a.source, 'printf "  81.2.3.4\\n"');
});

void test('ZONEKEEPER_IP_FAMILY tells one script which family is asked', async () => {
  const script = 'if [ "$ZONEKEEPER_IP_FAMILY" = 6 ]; then echo 2a01:4f8::1; else echo 81.2.3.4; fi';
  assert.equal((await runCommandSource(cmd(script), 6, systemClock)).address, '2a01:4f8::1');
  assert.equal((await runCommandSource(cmd(script), 4, systemClock)).address, '81.2.3.4');
});

void test('a list runs without a shell: metacharacters stay text', async () => {
  const a = await runCommandSource(cmd(['printf', '%s', '$(echo 81.2.3.4)']), 4, systemClock);
  assert.equal(a.address, undefined);
  assert.equal(a.answer, '$(echo 81.2.3.4)');
  assert.equal(a.reason, 'text-around-address');
  assert.equal((await runCommandSource(cmd(['printf', '%s\\n', '81.2.3.4']), 4, systemClock)).address, '81.2.3.4');
});

void test('bad output is validated like every other answer', async () => {
  const cases: [string, string][] = [
    ['echo hello', 'not-an-address'],
    ['echo 192.168.1.20', 'private'],
    ['echo 198.18.0.5', 'benchmark'],
    ['echo 2a01:4f8::1', 'wrong-family'],
    ['printf "81.2.3.4\\n81.2.3.5\\n"', 'multiple-lines'],
    ['echo "<html>81.2.3.4</html>"', 'html'],
    ['true', 'empty-answer'],
  ];
  for (const [run, reason] of cases) {
    const a = await runCommandSource(cmd(run), 4, systemClock);
    assert.equal(a.reason, reason, run);
    assert.equal(a.address, undefined, run);
  }
  const private4 = await runCommandSource(cmd('echo 192.168.1.20'), 4, systemClock);
  assert.equal(private4.answer, '192.168.1.20');
});

void test('a non-zero exit fails with its status and stderr, even when it printed an address', async () => {
  const a = await runCommandSource(cmd('echo 81.2.3.4; echo "no route to host" >&2; exit 3'), 4, systemClock);
  assert.equal(a.reason, 'exit-status');
  assert.equal(a.exit, 3);
  assert.equal(a.detail, 'no route to host');
  assert.equal(a.address, undefined);
  const killed = await runCommandSource(cmd('kill -TERM $$'), 4, systemClock);
  assert.equal(killed.reason, 'exit-status');
  assert.equal(killed.exit, 'SIGTERM');
});

void test('a program that cannot start; output over 4 KiB', async () => {
  const a = await runCommandSource(cmd(['/nonexistent/zk-ip-script']), 4, systemClock);
  assert.equal(a.reason, 'spawn-failed');
  assert.equal(a.detail, 'ENOENT');
  const big = await runCommandSource(cmd('yes 81.2.3.4 | head -c 100000'), 4, systemClock);
  assert.equal(big.reason, 'output-too-large');
});

void test('timeout on the injected clock kills the whole process group (a background child holding stdout too)', async () => {
  const clock = new FakeClock();
  const pending = runCommandSource(cmd('sleep 30 & echo 81.2.3.4; wait', 2_000), 4, clock);
  while (clock.pendingSleeps === 0) await nextTurn();
  clock.advance(2_000);
  const a = await pending;
  assert.equal(a.reason, 'timeout');
  assert.equal(a.address, undefined);
  assert.equal(a.elapsedMs, 2_000);
});
