/**
 * `run` (also `zonekeeper` with no command, and `npm start`): the daemon in
 * the foreground until SIGTERM or SIGINT (graceful: running jobs finish or
 * clean up), logging JSON lines on stdout; SIGHUP and any change of the
 * configuration file reload it (a bad one is refused and the running one
 * stays). Where it listens is the
 * configuration's `listen` (`--listen host:port` > ZONEKEEPER_LISTEN >
 * `listen:` in the file > 127.0.0.1:9876; port 0 picks a free one).
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../core/errors.ts';
import { systemClock } from '../../clock/system-clock.ts';
import { watchConfigFile } from '../../daemon/config-watch.ts';
import { startDaemon } from '../../daemon/daemon.ts';
import { createLogger } from '../../daemon/log.ts';
import { usage } from '../args.ts';
import type { CommandContext } from '../command.ts';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0';
  } catch {
    return '0';
  }
}

export async function runCommand(ctx: CommandContext): Promise<number> {
  if (ctx.words.length > 1) throw usage('expected: run');
  const level = ctx.env['ZONEKEEPER_LOG_LEVEL'];
  const log = createLogger(level === undefined || level === '' ? {} : { level });
  const daemon = await startDaemon({ global: ctx.global, env: ctx.env, log, version: version() });
  // SIGHUP: read the configuration again; a bad one is refused and logged, the running one stays.
  const reload = (): void => void daemon.reload();
  process.on('SIGHUP', reload);
  // …and whenever the file changes.
  const fileWatch = watchConfigFile(ctx.global.config, systemClock, reload, (e) => log.warn({ event: 'config-watch-failed', error: e.message }, 'cannot watch the configuration file; reload with SIGHUP'));
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info({ event: 'signal', signal }, `${signal}: stopping`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      daemon.stop().then(resolve, (e: unknown) => {
        log.error({ event: 'stop-failed', error: e instanceof AppError ? e.toJSON() : String(e) });
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.removeListener('SIGHUP', reload);
  fileWatch.close();
  return 0;
}
