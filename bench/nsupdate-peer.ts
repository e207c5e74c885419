/**
 * The peer a shell script would use instead of zonekeeper: `nsupdate` sends
 * the UPDATE to the primary, then a loop of `dig +short` asks every
 * authoritative server until each serves every value, sleeping a fixed
 * interval between rounds. The processes are driven from Node exactly as a
 * shell script would run them: one after another, never in parallel.
 */
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { ServerAddress, TsigKey } from '../test/harness/bind.ts';

/** One A record to set: absolute name without trailing dot, and its value (unique within a run). */
export interface BenchRecord {
  readonly fqdn: string;
  readonly value: string;
}

export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion with `input` on stdin. Rejects only when it cannot be started. */
export function runProcess(command: string, args: readonly string[], input = ''): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (status) => {
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** `nsupdate` arguments: the TSIG key on the command line, as `-y algorithm:name:secret`. */
export function nsupdateArgs(key: TsigKey): string[] {
  return ['-y', `${key.algorithm}:${key.name}:${key.secret}`];
}

/**
 * An nsupdate script that replaces the A RRset of every record (delete, then
 * add, like `record set`) in ONE message (one `send`).
 */
export function nsupdateScript(primary: ServerAddress, zone: string, records: readonly BenchRecord[], ttl: number): string {
  return [
    `server ${primary.host} ${primary.port}`,
    `zone ${zone}`,
    ...records.flatMap((r) => [`update delete ${r.fqdn} A`, `update add ${r.fqdn} ${ttl} A ${r.value}`]),
    'send',
    '',
  ].join('\n');
}

/** Runs one nsupdate process; throws with its output when it fails. The secret is not in the error. */
export async function nsupdate(key: TsigKey, script: string): Promise<void> {
  const r = await runProcess('nsupdate', nsupdateArgs(key), script);
  if (r.status !== 0) throw new Error(`nsupdate exited ${String(r.status)}: ${r.stdout}${r.stderr}`.replaceAll(key.secret, '<secret>'));
}

/** `dig +short` arguments asking `server` for the A records of every name, in one process. */
export function digArgs(server: ServerAddress, fqdns: readonly string[]): string[] {
  return ['+short', `@${server.host}`, '-p', String(server.port), ...fqdns.flatMap((n) => [n, 'A'])];
}

export interface DigLoopResult {
  readonly rounds: number;
  readonly digs: number;
}

/**
 * Polls until every server serves every record's value: each round runs one
 * `dig +short` per server that still lacks some value, asking only for the
 * names it still lacks; rounds are `intervalMs` apart. The first round starts
 * at once. Throws after `timeoutMs`.
 */
export async function digUntilServed(
  servers: readonly ServerAddress[],
  records: readonly BenchRecord[],
  intervalMs: number,
  timeoutMs: number,
): Promise<DigLoopResult> {
  const deadline = performance.now() + timeoutMs;
  // Per server: value → name, for the values it does not serve yet.
  const missing = servers.map((s) => ({ server: s, want: new Map(records.map((r) => [r.value, r.fqdn])) }));
  let rounds = 0;
  let digs = 0;
  for (;;) {
    rounds++;
    for (const m of missing) {
      if (m.want.size === 0) continue;
      digs++;
      const r = await runProcess('dig', digArgs(m.server, [...m.want.values()]));
      // A failed dig (timeout, refused) just means "not yet"; its output is empty or partial.
      for (const line of r.stdout.split('\n')) m.want.delete(line.trim());
    }
    if (missing.every((m) => m.want.size === 0)) return { rounds, digs };
    if (performance.now() > deadline) {
      const lag = missing.filter((m) => m.want.size > 0).map((m) => `${m.server.host}:${m.server.port} lacks ${m.want.size}`);
      throw new Error(`dig loop timed out after ${timeoutMs} ms: ${lag.join(', ')}`);
    }
    await delay(intervalMs);
  }
}
