/** The cloudflare provider's manifest: configuration fields, parsing, construction. */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { CloudflareClient, DEFAULT_PER_PAGE } from './client.ts';
import { CloudflareProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { timeoutSetting } from '../settings.ts';

export const CLOUDFLARE_ENDPOINT = 'https://api.cloudflare.com/client/v4';

export interface CloudflareConfig {
  readonly apiToken: string;
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots for a private endpoint, read from the `trust` file. */
  readonly caPem?: string;
  readonly perPage: number;
  readonly timeoutMs: number;
}

export const cloudflareManifest: ProviderManifest<CloudflareConfig> = {
  id: 'cloudflare',
  aliases: [],
  displayName: 'Cloudflare DNS (API token)',
  docsUrl: 'https://developers.cloudflare.com/api/resources/dns/subresources/records/',
  capabilities: ['get', 'append', 'set', 'delete'],
  ttl: { min: 30, max: 86400, also: [1] }, // 1 = automatic; 30 on Enterprise zones, else 60
  recordOptions: ['proxied'],
  fields: [
    { name: 'apiToken', type: 'string', required: true, secret: true, description: 'API token with Zone:Read and DNS:Edit on the zone' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API base URL', default: CLOUDFLARE_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'zone to manage (its id is looked up by name)' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots to trust for a private endpoint (replaces the default roots)' },
    { name: 'perPage', type: 'integer', required: false, secret: false, description: 'records per page when listing (1-5000)', default: DEFAULT_PER_PAGE },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const apiToken = String(raw['apiToken']);
    if (apiToken.trim() === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.apiToken`, reason: 'empty API token' } });
    const endpoint = typeof raw['endpoint'] === 'string' ? raw['endpoint'] : CLOUDFLARE_ENDPOINT;
    if (!endpoint.startsWith('https://')) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'must be an https:// URL', value: endpoint } });
    const perPage = typeof raw['perPage'] === 'number' ? raw['perPage'] : DEFAULT_PER_PAGE;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 5000)
      throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.perPage`, reason: 'expected 1 to 5000', value: perPage } });
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof CloudflareConfig]: CloudflareConfig[K] } = { apiToken, endpoint, perPage, timeoutMs };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new CloudflareClient({
      http: httpOf(deps),
      endpoint: config.endpoint,
      apiToken: config.apiToken,
      perPage: config.perPage,
      timeoutMs: config.timeoutMs,
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new CloudflareProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
