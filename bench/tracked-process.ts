/**
 * Child processes a benchmark times as a whole (a CLI, a peer client), with a
 * hard time limit, and a registry of the ones still running so the
 * benchmark's cleanup can end them (by their own pid) on error or signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface TrackedResult {
  /** Exit code; null when killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TrackedOptions {
  /** Merged over process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** SIGKILL after this long; the result then has `timedOut: true`. */
  readonly timeoutMs: number;
}

const live = new Set<ChildProcess>();

/** Runs `command` to completion (stdin closed at once). Rejects only when it cannot be started. */
export function runTracked(command: string, args: readonly string[], opts: TrackedOptions): Promise<TrackedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ status, signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** SIGKILLs every tracked child that is still running (each by its own pid). */
export function killTracked(): void {
  for (const child of live) child.kill('SIGKILL');
}
