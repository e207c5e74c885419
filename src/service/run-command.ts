/** Running a service manager's command (systemctl, launchctl, systemd-sysusers): no shell, output collected. */
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit status; null when the program could not be started or was killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run or finish (ENOENT, ETIMEDOUT, a signal name). */
  readonly error?: string;
}

/** Runs argv; never rejects: failures are in the result. */
export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

/** The real runner. `timeoutMs` bounds a manager that hangs (a start job waiting on the network). */
export function commandRunner(timeoutMs = 120_000): CommandRunner {
  return (argv) =>
    new Promise((resolve) => {
      const [file, ...args] = argv;
      if (file === undefined) {
        resolve({ status: null, stdout: '', stderr: '', error: 'empty command' });
        return;
      }
      execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (error === null) {
          resolve({ status: 0, stdout, stderr });
          return;
        }
        const e = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string | null };
        if (typeof e.code === 'number') resolve({ status: e.code, stdout, stderr });
        else resolve({ status: null, stdout, stderr, error: e.killed === true ? 'ETIMEDOUT' : (e.code ?? e.signal ?? e.message) });
      });
    });
}
