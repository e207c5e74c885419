/** The dnsmadeeasy provider's manifest: fields, parsing and wiring. */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { DmeClient } from './client.ts';
import { DmeProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { timeoutSetting } from '../settings.ts';

export const DEFAULT_ENDPOINT = 'https://api.dnsmadeeasy.com/V2.0';

export interface DmeConfig {
  readonly apiKey: string;
  readonly secretKey: string;
  /** https: base URL of the API, path included, no trailing slash. */
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots trusted for this endpoint only (read from `trust` at parse time). */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export const dnsmadeeasyManifest: ProviderManifest<DmeConfig> = {
  id: 'dnsmadeeasy',
  aliases: ['dme'],
  displayName: 'DNS Made Easy (API v2.0)',
  docsUrl: 'https://api-docs.dnsmadeeasy.com/',
  capabilities: ['get', 'append', 'set', 'delete'],
  fields: [
    { name: 'apiKey', type: 'string', required: true, secret: false, credential: true, description: 'API key' },
    { name: 'secretKey', type: 'string', required: true, secret: true, description: 'API secret key' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API base URL', default: DEFAULT_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'managed domain to use; found among the account\'s domains when absent' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of root certificates for a private endpoint (default: the public roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const endpointRaw = typeof raw['endpoint'] === 'string' ? raw['endpoint'] : DEFAULT_ENDPOINT;
    let endpoint: URL;
    try {
      endpoint = new URL(endpointRaw);
    } catch {
      throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'not a URL', value: endpointRaw } });
    }
    if (endpoint.protocol !== 'https:' || endpoint.username !== '' || endpoint.password !== '' || endpoint.search !== '' || endpoint.hash !== '') {
      throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'expected https://host[:port][/path] with no user info or query', value: endpoint.origin } });
    }
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof DmeConfig]: DmeConfig[K] } = {
      apiKey: String(raw['apiKey']),
      secretKey: String(raw['secretKey']),
      endpoint: `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}`,
      timeoutMs,
    };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new DmeClient({
      http: httpOf(deps),
      clock: deps.clock,
      endpoint: config.endpoint,
      apiKey: config.apiKey,
      secretKey: config.secretKey,
      timeoutMs: config.timeoutMs,
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new DmeProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
