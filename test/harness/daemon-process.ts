/**
 * A zonekeeper process whose JSON log lines (stdout) a test waits on: the
 * daemon (`run`) in its own process group, so `stop()` reaches it and
 * whatever it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_MAIN } from './cli.ts';
import { faketimeEnv } from './faketime.ts';

export type LogLine = Record<string, unknown>;

export interface DaemonProcess {
  readonly child: ChildProcess;
  /** Every stdout line, and stderr chunks prefixed "stderr: ". */
  readonly lines: string[];
  /** The stdout lines that are JSON objects (log lines), in order. */
  readonly logs: LogLine[];
  /** The exit status (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /**
   * The first log line at or after index `from` (of `logs`) matching
   * `pred`, and its index. Rejects when the process exits first or after
   * `timeoutMs` (default 120 s), with every line in the message.
   */
  waitFor(pred: (l: LogLine) => boolean, o?: { readonly from?: number; readonly timeoutMs?: number }): Promise<{ line: LogLine; at: number }>;
  /** SIGTERM (or `signal`) to the process group; resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function watchDaemon(child: ChildProcess): DaemonProcess {
  const lines: string[] = [];
  const logs: LogLine[] = [];
  let wake: (() => void) | undefined;
  let buf = '';
  child.stdout?.on('data', (b: Buffer) => {
    buf += b.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      try {
        const v: unknown = JSON.parse(line);
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) logs.push(v as LogLine);
      } catch {
        // not a log line
      }
    }
    wake?.();
  });
  child.stderr?.on('data', (b: Buffer) => lines.push(`stderr: ${b.toString('utf8')}`));
  let status: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      status = code;
      wake?.();
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    logs,
    exited,
    async waitFor(pred, o = {}) {
      const timeoutMs = o.timeoutMs ?? 120_000;
      const start = performance.now();
      for (;;) {
        const at = logs.findIndex((l, i) => i >= (o.from ?? 0) && pred(l));
        if (at >= 0) return { line: logs[at] as LogLine, at };
        if (status !== undefined) throw new Error(`the process exited (${status}):\n${lines.join('\n')}`);
        const left = timeoutMs - (performance.now() - start);
        if (left <= 0) throw new Error(`no such log line within ${timeoutMs} ms:\n${lines.join('\n')}`);
        // Woken by the next output or exit; re-checked at least every second.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 1000));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
      return exited;
    },
  };
}

/** The CLI with `args` as a detached process (its own process group), optionally under libfaketime. */
export function spawnCli(args: readonly string[], o: { readonly env?: NodeJS.ProcessEnv; readonly faketime?: string; readonly cwd?: string } = {}): DaemonProcess {
  return watchDaemon(
    spawn(process.execPath, [CLI_MAIN, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
      env: { ...process.env, ...o.env, ...(o.faketime === undefined ? {} : faketimeEnv(o.faketime)) },
    }),
  );
}
