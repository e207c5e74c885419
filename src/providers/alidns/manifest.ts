/** The alidns (Alibaba Cloud DNS) provider's manifest: fields, parsing and wiring. */
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { AlidnsClient } from './client.ts';
import { AlidnsProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { httpsOriginSetting, timeoutSetting } from '../settings.ts';

export const DEFAULT_ENDPOINT = 'https://alidns.aliyuncs.com';

export interface AlidnsConfig {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** https: URL of the API (origin only). */
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots trusted for this endpoint only (read from `trust` at parse time). */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export const alidnsManifest: ProviderManifest<AlidnsConfig> = {
  id: 'alidns',
  aliases: ['aliyun'],
  displayName: 'Alibaba Cloud DNS (alidns 2015-01-09)',
  docsUrl: 'https://www.alibabacloud.com/help/en/dns/api-alidns-2015-01-09-dir',
  capabilities: ['get', 'append', 'set', 'delete'],
  ttl: { min: 1, max: 86400 }, // AddDomainRecord; the free edition's minimum is 600 (help doc 29806)
  fields: [
    { name: 'accessKeyId', type: 'string', required: true, secret: false, credential: true, description: 'AccessKey ID (LTAI…)' },
    { name: 'accessKeySecret', type: 'string', required: true, secret: true, description: 'AccessKey secret' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API endpoint', default: DEFAULT_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'domain to manage; found with DescribeDomains when absent' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of root certificates for a private endpoint (default: the public roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const endpoint = httpsOriginSetting(raw, path, DEFAULT_ENDPOINT);
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof AlidnsConfig]: AlidnsConfig[K] } = {
      accessKeyId: String(raw['accessKeyId']),
      accessKeySecret: String(raw['accessKeySecret']),
      endpoint,
      timeoutMs,
    };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new AlidnsClient({
      http: httpOf(deps),
      clock: deps.clock,
      endpoint: config.endpoint,
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      timeoutMs: config.timeoutMs,
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new AlidnsProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
