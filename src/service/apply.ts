/**
 * Carry out a service plan: write and remove files, run the manager's
 * commands, in order, stopping at the first failure. A failure names the
 * steps already done, so the user knows what changed.
 */
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../core/errors.ts';
import type { CommandRunner } from './run-command.ts';
import type { Step } from './types.ts';

export interface StepOutcome {
  readonly step: Step;
  /** done; kept (a file left as it was); absent (nothing to remove); failed (a command allowed to fail did). */
  readonly outcome: 'done' | 'kept' | 'absent' | 'failed';
  /** For `failed`: the command's complaint. */
  readonly detail?: string;
}

export interface ApplyOptions {
  readonly run: CommandRunner;
  /** Prefix of every file path (tests); default: the real root. */
  readonly root?: string;
}

/** A step in one line: `write /etc/…`, `run systemctl enable zonekeeper.service`. */
export function describeStep(step: Step): string {
  return step.action === 'run' ? `run ${step.argv.join(' ')}` : `${step.action} ${step.path}`;
}

const DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);

function fileError(path: string, operation: string, e: unknown, completed: readonly StepOutcome[]): AppError {
  const code = (e as NodeJS.ErrnoException).code ?? String(e);
  const evidence = { path, operation, error: code, completed: completed.map((o) => describeStep(o.step)) };
  return new AppError(DENIED.has(code) ? 'SERVICE_NOT_PERMITTED' : 'SERVICE_FILE_FAILED', { evidence, cause: e });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Write atomically (temp file + rename) with exactly `mode`, whatever the umask. */
async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = `${path}.zonekeeper-${process.pid}.tmp`;
  try {
    await writeFile(tmp, content, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A step's outcome before it is recorded; `status` is a failed command's exit status. */
interface Applied {
  readonly outcome: StepOutcome['outcome'];
  readonly detail?: string;
  readonly status?: number | null;
}

async function applyStep(step: Step, root: string, run: CommandRunner): Promise<Applied> {
  switch (step.action) {
    case 'write': {
      const path = join(root, step.path);
      if (step.onlyIfMissing && (await exists(path))) return { outcome: 'kept' };
      await writeAtomic(path, step.content, step.mode);
      return { outcome: 'done' };
    }
    case 'mkdir':
      await mkdir(join(root, step.path), { recursive: true, mode: step.mode });
      return { outcome: 'done' };
    case 'remove': {
      const path = join(root, step.path);
      if (!(await exists(path))) return { outcome: 'absent' };
      await rm(path);
      return { outcome: 'done' };
    }
    case 'run': {
      const r = await run(step.argv);
      if (r.status === 0) return { outcome: 'done' };
      return { outcome: 'failed', detail: (r.stderr.trim() || r.stdout.trim() || r.error || `exit status ${r.status}`).slice(-500), status: r.status };
    }
  }
}

/** Apply `steps` in order; returns each step's outcome. Throws SERVICE_NOT_PERMITTED, SERVICE_FILE_FAILED or SERVICE_COMMAND_FAILED, with the steps `completed` before. */
export async function applyPlan(steps: readonly Step[], o: ApplyOptions): Promise<StepOutcome[]> {
  const done: StepOutcome[] = [];
  for (const step of steps) {
    let result: Applied;
    try {
      result = await applyStep(step, o.root ?? '/', o.run);
    } catch (e) {
      throw fileError(step.action === 'run' ? step.argv.join(' ') : step.path, step.action, e, done);
    }
    if (step.action === 'run' && result.outcome === 'failed' && !step.mayFail) {
      const evidence = { command: step.argv.join(' '), status: result.status ?? null, error: result.detail ?? '', completed: done.map((d) => describeStep(d.step)) };
      throw new AppError('SERVICE_COMMAND_FAILED', { evidence });
    }
    done.push({ step, outcome: result.outcome, ...(result.detail === undefined ? {} : { detail: result.detail }) });
  }
  return done;
}
