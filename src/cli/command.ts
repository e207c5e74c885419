import type { GlobalOptions } from './args.ts';

/** What every command gets from main. Commands write results to `out` and progress to `err`. */
export interface CommandContext {
  readonly global: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly words: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
  out(text: string): void;
  err(text: string): void;
}

export function optionString(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options.get(name);
  return typeof v === 'string' ? v : undefined;
}
