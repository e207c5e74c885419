/**
 * The ACME clients zonekeeper is compared with, as Debian packages them
 * (lego 4.9.1, certbot 2.1.0 + certbot-dns-rfc2136), and the exact command
 * lines the issuance benchmark runs them with on the loopback bed: Pebble
 * over HTTPS with a test CA, BIND taking TSIG-signed RFC 2136 updates on a
 * free port. Every run gets its own directory, so each registers a new
 * account and keeps no state from the previous run.
 *
 * Settings are the peers' defaults except what this bed makes mandatory
 * (see /work/shared/research/testbed.md §3 and §7):
 * - lego: `--dns.disable-cp --dns.resolvers <primary>` (its default check
 *   asks the NS hosts on port 53 through the system resolver and can never
 *   succeed here), and `LEGO_CA_CERTIFICATES` to trust Pebble's TLS CA;
 * - certbot: the server as an IP address plus port in a 0600 credentials
 *   ini, `REQUESTS_CA_BUNDLE` to trust Pebble's TLS CA, fresh
 *   config/work/logs dirs, `--non-interactive --agree-tos
 *   --register-unsafely-without-email`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerAddress, TsigKey } from '../test/harness/bind.ts';
import { runTracked } from './tracked-process.ts';

/** What a peer needs to know about the bed. */
export interface PeerBed {
  readonly directoryUrl: string;
  /** PEM of the CA that signed Pebble's HTTPS certificate. */
  readonly tlsCaFile: string;
  /** The BIND primary: takes the updates, and is what Pebble's VA asks. */
  readonly primary: ServerAddress;
  readonly key: TsigKey;
}

/** One peer process: what to run, and where its certificate (leaf first) lands. */
export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the inherited environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly certFile: string;
}

export const LEGO_BIN = 'lego';
/** Debian's script; its shebang is /usr/bin/python3, which has the python3-certbot* modules. */
export const CERTBOT_BIN = '/usr/bin/certbot';
export const LEGO_INSTALL = 'apt-get install -y lego';
export const CERTBOT_INSTALL = 'apt-get install -y certbot python3-certbot-dns-rfc2136';

/** lego names its files after the first domain, `*` → `_`. */
function legoFileName(domain: string): string {
  return domain.replaceAll('*', '_');
}

/** `lego run` for `domains` with the rfc2136 provider; all state under `runDir`. */
export function legoInvocation(bed: PeerBed, domains: readonly string[], runDir: string): Invocation {
  const primary = `${bed.primary.host}:${bed.primary.port}`;
  const first = domains[0] ?? '';
  return {
    command: LEGO_BIN,
    args: [
      '--server',
      bed.directoryUrl,
      '--accept-tos',
      '--email',
      'bench@example.test',
      '--path',
      runDir,
      '--dns',
      'rfc2136',
      '--dns.disable-cp',
      '--dns.resolvers',
      primary,
      ...domains.flatMap((d) => ['-d', d]),
      'run',
    ],
    env: {
      LEGO_CA_CERTIFICATES: bed.tlsCaFile,
      RFC2136_NAMESERVER: primary,
      RFC2136_TSIG_KEY: `${bed.key.name}.`,
      RFC2136_TSIG_ALGORITHM: `${bed.key.algorithm}.`,
      RFC2136_TSIG_SECRET: bed.key.secret,
    },
    certFile: join(runDir, 'certificates', `${legoFileName(first)}.crt`),
  };
}

/**
 * `certbot certonly` with the dns-rfc2136 authenticator; writes the 0600
 * credentials ini into `runDir`. `propagationSeconds` undefined: certbot's
 * default (60).
 */
export async function certbotInvocation(bed: PeerBed, domains: readonly string[], runDir: string, propagationSeconds?: number): Promise<Invocation> {
  const ini = join(runDir, 'rfc2136.ini');
  await writeFile(
    ini,
    [
      `dns_rfc2136_server = ${bed.primary.host}`,
      `dns_rfc2136_port = ${bed.primary.port}`,
      `dns_rfc2136_name = ${bed.key.name}`,
      `dns_rfc2136_secret = ${bed.key.secret}`,
      `dns_rfc2136_algorithm = ${bed.key.algorithm.toUpperCase()}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const config = join(runDir, 'config');
  return {
    command: CERTBOT_BIN,
    args: [
      'certonly',
      '--non-interactive',
      '--agree-tos',
      '--register-unsafely-without-email',
      '--server',
      bed.directoryUrl,
      '--config-dir',
      config,
      '--work-dir',
      join(runDir, 'work'),
      '--logs-dir',
      join(runDir, 'logs'),
      '--authenticator',
      'dns-rfc2136',
      '--dns-rfc2136-credentials',
      ini,
      ...(propagationSeconds === undefined ? [] : ['--dns-rfc2136-propagation-seconds', String(propagationSeconds)]),
      ...domains.flatMap((d) => ['-d', d]),
    ],
    env: { REQUESTS_CA_BUNDLE: bed.tlsCaFile },
    certFile: join(config, 'live', domains[0] ?? '', 'cert.pem'),
  };
}

function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * The invocation as one shell line. `placeholders` maps literal text (a temp
 * path, the TSIG secret) to what to show instead (`$RUN`, `<secret>`); words
 * holding a `$` placeholder are double-quoted.
 */
export function commandLine(inv: Invocation, placeholders: Readonly<Record<string, string>>): string {
  const word = (w: string): string => {
    let c = w;
    for (const [text, shown] of Object.entries(placeholders)) c = c.replaceAll(text, shown);
    return c.includes('$') ? `"${c}"` : shellWord(c);
  };
  return [...Object.entries(inv.env).map(([k, v]) => `${k}=${word(v)}`), inv.command, ...inv.args.map(word)].join(' ');
}

/** Is the peer installed (and, for certbot, its rfc2136 plugin)? Its version if so. */
export async function peerVersion(peer: 'lego' | 'certbot'): Promise<string | undefined> {
  const probe = async (command: string, args: string[]): Promise<string | undefined> => {
    try {
      const r = await runTracked(command, args, { timeoutMs: 15_000 });
      return r.status === 0 ? (r.stdout + r.stderr).trim() : undefined;
    } catch {
      return undefined;
    }
  };
  if (peer === 'lego') {
    if ((await probe(LEGO_BIN, ['--version'])) === undefined) return undefined;
    return `lego ${(await probe('dpkg-query', ['-W', '-f', '${Version}', 'lego'])) ?? '?'}`;
  }
  const certbot = await probe(CERTBOT_BIN, ['--version']);
  if (certbot === undefined) return undefined;
  const plugin = await probe('dpkg-query', ['-W', '-f', '${Version}', 'python3-certbot-dns-rfc2136']);
  if (plugin === undefined || (await probe('/usr/bin/python3', ['-c', 'import certbot_dns_rfc2136'])) === undefined) return undefined;
  return `${certbot.split('\n')[0] ?? certbot} + certbot-dns-rfc2136 ${plugin}`;
}
