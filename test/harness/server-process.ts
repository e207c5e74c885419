import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Last lines of the server's output, for failure messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly dir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves once the server serves; rejects to abort the start. Polled, no sleeps. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

const SETPRIV = '/usr/bin/setpriv';

/**
 * Start a server process, wait until `ready()` holds, and hand back a handle that stops it.
 * Where util-linux `setpriv` exists the server is exec'd through
 * `setpriv --pdeathsig SIGKILL`, so it dies with the test process even when
 * that is killed and never reaches `stop()` (same PID: setpriv execs it).
 */
export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const logFile = join(o.dir, `${o.name}.log`);
  const log = createWriteStream(logFile);
  const [command, args] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'SIGKILL', o.command, ...o.args]]
    : [o.command, [...o.args]];
  const child = spawn(command, args, { cwd: o.dir, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  child.once('error', (e) => {
    exited = `failed to start: ${e.message}`;
  });
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      log.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
    log.end();
  };
  const deadline = performance.now() + (o.readyTimeoutMs ?? 15000);
  for (;;) {
    if (exited !== undefined) throw new Error(`${o.name} ${exited}\n${logTail()}`);
    if (await o.ready().catch(() => false)) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${o.name} not ready in time\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { name: o.name, child, logFile, logTail, stop };
}
