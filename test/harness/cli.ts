/**
 * Runs the product CLI (`src/cli/main.ts`) as a real child process on the
 * Node that runs the tests, optionally under libfaketime.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { faketimeEnv } from './faketime.ts';

/** Repository root, found from this file's location (test/harness/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface RunCliOptions {
  /** Merged over process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the repository root. */
  readonly cwd?: string;
  /** Relative libfaketime offset for the whole process, e.g. "+2h". */
  readonly faketime?: string;
  /** Kill (SIGKILL) after this long; default 60000 ms. The result then has `timedOut: true`. */
  readonly timeoutMs?: number;
  /** Written to stdin, which is then closed (stdin is always closed). */
  readonly input?: string;
}

export interface CliResult {
  /** Exit code; null when killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON document, when `--json` was passed and it parsed. */
  readonly json?: unknown;
  /** Why stdout did not parse, when `--json` was passed and it did not. */
  readonly jsonError?: string;
}

export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    ...(opts.faketime === undefined ? {} : faketimeEnv(opts.faketime)),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const base = { status, signal, timedOut, stdout, stderr };
      if (!args.includes('--json')) {
        resolve(base);
        return;
      }
      try {
        resolve({ ...base, json: JSON.parse(stdout) as unknown });
      } catch (e) {
        resolve({ ...base, jsonError: e instanceof Error ? e.message : String(e) });
      }
    });
    child.stdin.on('error', () => undefined); // the CLI may exit without reading stdin (EPIPE)
    child.stdin.end(opts.input ?? '');
  });
}
