/** `zonekeeper clock`: trusted time, offset, every source and its last sample. */
import { sampleNtp } from '../../clock/sntp.ts';
import type { CommandContext } from '../command.ts';
import { loadRuntimeConfig, openRuntime } from '../runtime.ts';

export async function clockCommand(ctx: CommandContext): Promise<void> {
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const rt = await openRuntime(ctx.global, config);
  try {
    const clock = rt.clock.clock;
    let ntpError: string | undefined;
    if (config.clock.ntp.length > 0) {
      try {
        await sampleNtp(config.clock.ntp, { system: clock.system, timeoutMs: 2000, sink: clock });
      } catch (e) {
        ntpError = e instanceof Error ? ((e as { code?: string }).code ?? e.message) : String(e);
      }
    }
    const status = clock.status();
    if (ctx.global.json) {
      ctx.out(JSON.stringify({ ok: true, command: 'clock', ...status, ...(ntpError === undefined ? {} : { ntpError }) }));
      return;
    }
    const sign = status.offsetMs >= 0 ? '+' : '';
    ctx.out(`trusted now   ${status.now}`);
    ctx.out(`offset        ${sign}${(status.offsetMs / 1000).toFixed(3)} s (trusted − system clock)`);
    ctx.out(`basis         ${status.basis.kind}${status.trusted ? '' : ' (not trusted yet)'}${status.basis.stale ? ' (stale)' : ''}`);
    if (ntpError !== undefined) ctx.err(`ntp: ${ntpError}`);
    for (const s of status.sources) {
      ctx.out(
        `  ${s.used ? '*' : ' '} ${s.source.padEnd(28)} ${s.kind.padEnd(13)} offset ${(s.offsetMs / 1000).toFixed(3)} s  delay ${s.delayMs.toFixed(1)} ms  age ${(s.ageMs / 1000).toFixed(0)} s${s.authenticated ? '  authenticated' : ''}${s.persisted ? '  (saved)' : ''}`,
      );
    }
  } finally {
    await rt.close();
  }
}
