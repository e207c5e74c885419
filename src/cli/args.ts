/** Command-line parsing: global flags anywhere, then the command words and their options. */
import { AppError } from '../core/errors.ts';
import type { Lang } from './messages.ts';

export interface GlobalOptions {
  readonly config: string;
  readonly configExplicit: boolean;
  readonly data: string;
  readonly json: boolean;
  readonly lang: Lang;
  readonly verbose: boolean;
  /**
   * `--listen host:port` as given (only when given). The effective address,
   * with ZONEKEEPER_LISTEN, the file's `listen` and the default
   * 127.0.0.1:9876 below it, is `config.listen` of the loaded config.
   */
  readonly listen?: string;
  /** Where `config` and `data` came from (for `config explain`). */
  readonly sources?: { readonly config: GlobalSource; readonly data: GlobalSource };
}

export type GlobalSource = 'flag' | 'env' | 'default';

export interface ParsedArgs {
  readonly global: GlobalOptions;
  readonly help: boolean;
  readonly words: string[];
  /** Command options: `--name value`, `--flag` (true), repeated options keep the last. */
  readonly options: Map<string, string | true>;
}

/** Options that take a value; everything else starting with -- is a boolean flag. */
const VALUED = new Set(['config', 'data', 'lang', 'provider', 'ttl', 'timeout', 'zone', 'reason', 'name', 'ca', 'key', 'ca-trust', 'email', 'preferred-chain', 'listen', 'new-key-file']);
const BOOLEAN = new Set(['json', 'verbose', 'help', 'no-wait', 'all', 'force', 'read-only', 'sync', 'dry-run', 'reuse-key', 'user']);

export function usage(reason: string, extra: Record<string, string> = {}): AppError {
  return new AppError('USAGE', { evidence: { reason, ...extra } });
}

/**
 * Parse argv (without node and the script). Global flags (`--config`,
 * `--data`, `--listen`, `--json`, `--lang`, `--verbose`, `-h`/`--help`) may appear
 * anywhere; `--name=value` and `--name value` are the same; everything after
 * `--` is a word. Throws USAGE for an unknown option, a valued option without
 * its value, a value given to a flag, or a `--lang` other than en / zh-CN.
 * Precedence: flag > env (ZONEKEEPER_CONFIG, ZONEKEEPER_DATA) > default.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, defaultLang: Lang): ParsedArgs {
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      options.set('help', true);
      continue;
    }
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (VALUED.has(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      // "--provider --json" forgot the value; a value that starts with -- must be written --provider=--x.
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw usage(`--${name} needs a value`);
      options.set(name, value);
    } else if (BOOLEAN.has(name)) {
      if (eq >= 0) throw usage(`--${name} takes no value`);
      options.set(name, true);
    } else {
      throw usage(`unknown option --${name}`);
    }
  }
  const str = (k: string): string | undefined => {
    const v = options.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const langOpt = str('lang');
  if (langOpt !== undefined && langOpt !== 'en' && langOpt !== 'zh-CN') throw usage('--lang must be en or zh-CN', { value: langOpt });
  // An empty environment variable counts as unset.
  const fromEnv = (k: string): string | undefined => (env[k] === '' ? undefined : env[k]);
  const configFlag = str('config') ?? fromEnv('ZONEKEEPER_CONFIG');
  const source = (flag: string, envName: string): GlobalSource => (str(flag) !== undefined ? 'flag' : fromEnv(envName) !== undefined ? 'env' : 'default');
  const listen = str('listen');
  const global: GlobalOptions = {
    config: configFlag ?? 'zonekeeper.yaml',
    configExplicit: configFlag !== undefined,
    data: str('data') ?? fromEnv('ZONEKEEPER_DATA') ?? 'data',
    json: options.get('json') === true,
    lang: (langOpt as Lang | undefined) ?? defaultLang,
    verbose: options.get('verbose') === true,
    ...(listen === undefined ? {} : { listen }),
    sources: { config: source('config', 'ZONEKEEPER_CONFIG'), data: source('data', 'ZONEKEEPER_DATA') },
  };
  // `listen` stays among the options too (`run` reads it there).
  for (const g of ['config', 'data', 'lang', 'json', 'verbose']) options.delete(g);
  const help = options.get('help') === true;
  options.delete('help');
  return { global, help, words, options };
}
