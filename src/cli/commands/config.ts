/** `zonekeeper config check`: load and validate; nothing is contacted. */
import type { CommandContext } from '../command.ts';
import { loadRuntimeConfig } from '../runtime.ts';

export function configCheck(ctx: CommandContext): Promise<void> {
  const config = loadRuntimeConfig(ctx.global, ctx.env);
  const result = { ok: true, command: 'config check', file: config.file ?? null, providers: [...config.providers.keys()] };
  ctx.out(ctx.global.json ? JSON.stringify(result) : `${config.file ?? '(no config file: defaults)'}: valid, ${config.providers.size} provider(s)`);
  return Promise.resolve();
}
