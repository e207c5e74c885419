import { AppError } from '../../core/errors.ts';
import { parseServerAddress } from '../../dns/server-address.ts';
import type { ServerAddress } from '../../dns/context.ts';
import { normalizeName } from '../../dns/names.ts';
import { TSIG_ALGORITHMS, parseTsigAlgorithm, type TsigKey } from '../../signing/tsig.ts';
import type { ProviderManifest } from '../types.ts';
import { Rfc2136Client } from './client.ts';
import { Rfc2136Provider } from './provider.ts';
import { timeoutSetting } from '../settings.ts';

export interface Rfc2136Config {
  readonly server: ServerAddress;
  readonly key?: TsigKey;
  readonly zone?: string;
  readonly timeoutMs: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const rfc2136Manifest: ProviderManifest<Rfc2136Config> = {
  id: 'rfc2136',
  aliases: ['nsupdate', 'bind'],
  displayName: 'RFC 2136 dynamic update (BIND, Knot, PowerDNS, Windows DNS)',
  docsUrl: 'https://www.rfc-editor.org/rfc/rfc2136',
  capabilities: ['get', 'append', 'set', 'delete'],
  fields: [
    { name: 'server', type: 'string', required: true, secret: false, description: 'host[:port] of the primary that accepts UPDATE (port 53 by default)' },
    {
      name: 'tsig',
      type: 'object',
      required: false,
      secret: false,
      description: 'TSIG key the server grants updates to',
      fields: [
        { name: 'name', type: 'string', required: true, secret: false, credential: true, description: 'key name as configured on the server' },
        {
          name: 'algorithm',
          type: 'string',
          required: false,
          secret: false,
          description: 'HMAC algorithm',
          default: 'hmac-sha256',
          enum: Object.keys(TSIG_ALGORITHMS),
        },
        { name: 'secret', type: 'string', required: true, secret: true, description: 'base64 key secret' },
      ],
    },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'zone to update; found by an SOA walk when absent' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-message timeout in milliseconds', default: 5000 },
  ],

  parse(raw, path) {
    const server = parseServerAddress(String(raw['server']), 53, `${path}.server`);
    const timeoutMs = timeoutSetting(raw, path, 5000);
    const out: { -readonly [K in keyof Rfc2136Config]: Rfc2136Config[K] } = { server, timeoutMs };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    const tsig = raw['tsig'] as Record<string, unknown> | undefined;
    if (tsig !== undefined) {
      const algorithmName = typeof tsig['algorithm'] === 'string' ? tsig['algorithm'] : 'hmac-sha256';
      const algorithm = parseTsigAlgorithm(algorithmName);
      if (algorithm === undefined)
        throw new AppError('CONFIG_INVALID', {
          evidence: { path: `${path}.tsig.algorithm`, reason: 'unsupported TSIG algorithm', value: algorithmName, allowed: Object.keys(TSIG_ALGORITHMS) },
        });
      const secret = String(tsig['secret']);
      if (!BASE64.test(secret) || secret.length === 0)
        throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.tsig.secret`, reason: 'not valid base64' } });
      out.key = { name: String(tsig['name']), algorithm, secret: Buffer.from(secret, 'base64') };
    }
    return out;
  },

  create(config, deps) {
    const client = new Rfc2136Client({
      server: config.server,
      clock: deps.clock,
      timeoutMs: config.timeoutMs,
      ...(config.key === undefined ? {} : { key: config.key }),
    });
    return new Rfc2136Provider({
      client,
      axfr: { server: config.server, clock: deps.clock, timeoutMs: config.timeoutMs, ...(config.key === undefined ? {} : { key: config.key }) },
      ...(config.zone === undefined ? {} : { zone: config.zone }),
    });
  },
};
