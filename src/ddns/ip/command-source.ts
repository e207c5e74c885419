/**
 * The `command` source: a user command whose standard output is the
 * address, read like an echo endpoint's plain-text answer (body.ts) and
 * checked like every other answer (classify.ts).
 *
 * - `run` as a string goes through `/bin/sh -c`, as the DESIGN's
 *   `run: "my-ip-script"` and the deploy hooks do: it is the user's own
 *   command line from their own configuration, and nothing detected or
 *   received is ever put into it. `run` as a list is an argument vector
 *   executed directly, without a shell.
 * - The environment is zonekeeper's plus ZONEKEEPER_IP_FAMILY=4 or 6, so
 *   one script can serve both sections. Standard input is closed.
 * - The command runs in its own process group; when `timeoutMs` (measured
 *   on the injected Clock) runs out, when its output passes 4 KiB, or when
 *   the signal aborts, the whole group is killed with SIGKILL (a shell's
 *   children included).
 * - Outcomes: the address; or 'timeout', 'exit-status' (exit code or
 *   signal, stderr excerpt in `detail`), 'spawn-failed', 'output-too-large',
 *   or a body.ts / classify.ts reason for what it printed.
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../../clock/clock.ts';
import type { IpFamily } from './address.ts';
import { answerExcerpt, parseTextAnswer, utf8 } from './body.ts';
import { publicUnicastReason } from './classify.ts';
import type { CommandSourceConfig, SourceAnswer } from './types.ts';

const MAX_OUTPUT = 4096;

type Ending = { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'timeout' } | { kind: 'too-large' } | { kind: 'spawn-failed'; error: string } | { kind: 'aborted' };

/** How the command was written, for reports. */
export function commandText(run: string | readonly string[]): string {
  return typeof run === 'string' ? run : run.join(' ');
}

/** Run one command source (never throws for what the command does). */
export async function runCommandSource(cfg: CommandSourceConfig, family: IpFamily, clock: Clock, signal?: AbortSignal): Promise<SourceAnswer> {
  const start = clock.monotonicMs();
  const base = { type: 'command' as const, source: commandText(cfg.run) };
  const [file, args] = typeof cfg.run === 'string' ? ['/bin/sh', ['-c', cfg.run]] : [cfg.run[0] ?? '', cfg.run.slice(1)];
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stderr = '';
  const stop = new AbortController();
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ZONEKEEPER_IP_FAMILY: String(family) } });
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };

  const ended = new Promise<Ending>((resolve) => {
    child.on('error', (e) => resolve({ kind: 'spawn-failed', error: (e as NodeJS.ErrnoException).code ?? e.message }));
    child.on('close', (code, sig) => resolve({ kind: 'exit', code, signal: sig }));
    child.stdout.on('data', (b: Buffer) => {
      stdoutBytes += b.length;
      if (stdoutBytes > MAX_OUTPUT) {
        killGroup();
        resolve({ kind: 'too-large' });
      } else stdout.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 2000) stderr += b.toString('utf8');
    });
  });
  const timedOut = clock.sleep(cfg.timeoutMs, stop.signal).then(
    (): Ending => ({ kind: 'timeout' }),
    (): Ending => ({ kind: 'aborted' }),
  );
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let end: Ending;
  try {
    end = await Promise.race([ended, timedOut]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
  if (end.kind !== 'exit' && end.kind !== 'spawn-failed') {
    killGroup();
    await ended;
  }
  const elapsedMs = clock.monotonicMs() - start;
  const out = utf8(Buffer.concat(stdout));
  const answer = out === undefined ? undefined : answerExcerpt(out);
  const withAnswer = answer === undefined || answer === '' ? {} : { answer };
  switch (end.kind) {
    case 'spawn-failed':
      return { ...base, reason: 'spawn-failed', detail: end.error, elapsedMs };
    case 'timeout':
      return { ...base, ...withAnswer, reason: 'timeout', elapsedMs };
    case 'aborted':
      return { ...base, ...withAnswer, reason: 'timeout', detail: 'aborted', elapsedMs };
    case 'too-large':
      return { ...base, reason: 'output-too-large', elapsedMs };
    case 'exit':
      break;
  }
  if (end.code !== 0) {
    const err = answerExcerpt(stderr);
    return { ...base, ...withAnswer, reason: 'exit-status', exit: end.code ?? end.signal ?? 'unknown', ...(err === '' ? {} : { detail: err }), elapsedMs };
  }
  if (out === undefined) return { ...base, reason: 'not-text', elapsedMs };
  const parsed = parseTextAnswer(out);
  if (!parsed.ok) return { ...base, ...withAnswer, reason: parsed.reason, elapsedMs };
  const reason = publicUnicastReason(parsed.address, family);
  if (reason !== undefined) return { ...base, answer: parsed.address.text, reason, elapsedMs };
  return { ...base, address: parsed.address.text, answer: parsed.address.text, elapsedMs };
}
