/** The zonekeeper command line: parse, dispatch, render the outcome, set the exit status. */
import { AppError, toAppError } from '../core/errors.ts';
import { exitStatusFor } from '../core/codes.ts';
import { parseArgs, usage } from './args.ts';
import type { CommandContext } from './command.ts';
import { HELP } from './help.ts';
import { langFromEnv, renderError } from './render.ts';
import type { Lang } from './messages.ts';

/** A command; a number it returns is the exit status (a report whose checks failed), else 0. */
type Handler = (ctx: CommandContext) => Promise<void | number>;

/** Each command's module is loaded only when that command runs (start-up time is most of a one-shot run). */
const COMMANDS: Record<string, () => Promise<Handler>> = {
  'record set': async () => (await import('./commands/record.ts')).recordSet,
  'record delete': async () => (await import('./commands/record.ts')).recordDelete,
  'record list': async () => (await import('./commands/record.ts')).recordList,
  'cert issue': async () => (await import('./commands/cert.ts')).certIssue,
  'cert renew': async () => (await import('./commands/cert.ts')).certRenew,
  'cert list': async () => (await import('./commands/cert.ts')).certList,
  'cert revoke': async () => (await import('./commands/cert.ts')).certRevoke,
  clock: async () => (await import('./commands/clock.ts')).clockCommand,
  providers: async () => (await import('./commands/providers.ts')).providersCommand,
  'provider test': async () => (await import('./commands/provider-test.ts')).providerTest,
  'config check': async () => (await import('./commands/config.ts')).configCheck,
  'config explain': async () => (await import('./commands/config.ts')).configExplain,
  'ddns sync': async () => (await import('./commands/ddns.ts')).ddnsSync,
  'secrets rotate-key': async () => (await import('./commands/secrets.ts')).secretsRotateKey,
  'secrets status': async () => (await import('./commands/secrets.ts')).secretsStatus,
  'service install': async () => (await import('./commands/service.ts')).serviceInstall,
  'service uninstall': async () => (await import('./commands/service.ts')).serviceUninstall,
  'service status': async () => (await import('./commands/service.ts')).serviceStatus,
  run: async () => (await import('./commands/run.ts')).runCommand,
};

function find(words: readonly string[]): () => Promise<Handler> {
  const two = words.slice(0, 2).join(' ');
  // No command at all is `run`.
  const handler = COMMANDS[two] ?? COMMANDS[words[0] ?? 'run'];
  if (handler !== undefined) return handler;
  throw usage(`unknown command "${words.slice(0, 2).join(' ')}"`);
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = (t: string): void => void process.stdout.write(`${t}\n`);
  const err = (t: string): void => void process.stderr.write(`${t}\n`);
  let lang: Lang = langFromEnv(env);
  let json = argv.includes('--json');
  let verbose = argv.includes('--verbose');
  try {
    const parsed = parseArgs(argv, env, lang);
    ({ lang, json, verbose } = parsed.global);
    if (parsed.help || parsed.words[0] === 'help') {
      out(HELP);
      return 0;
    }
    const handler = await find(parsed.words)();
    return (await handler({ global: parsed.global, env, words: parsed.words, options: parsed.options, out, err })) ?? 0;
  } catch (e) {
    const error: AppError = toAppError(e);
    if (error.code === 'INTERNAL' && verbose) err(String((e as Error).stack));
    err(renderError(lang, error, verbose));
    if (json) out(JSON.stringify({ ok: false, error: error.toJSON() }));
    return exitStatusFor(error.code);
  }
}

