/** The huaweicloud (Huawei Cloud DNS) provider's manifest: fields, parsing and wiring. */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { HuaweiDnsClient } from './client.ts';
import { HuaweiProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { httpsOriginSetting, timeoutSetting } from '../settings.ts';

export const DEFAULT_ENDPOINT = 'https://dns.myhuaweicloud.com';
export const DEFAULT_REGION = 'cn-north-4';

export interface HuaweiConfig {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Kept for diagnostics: public zones are served by the global endpoint whatever the region. */
  readonly region: string;
  /** Sent as X-Project-Id when set. */
  readonly projectId?: string;
  /** https: URL of the API (origin only). */
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots trusted for this endpoint only (read from `trust` at parse time). */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export const huaweicloudManifest: ProviderManifest<HuaweiConfig> = {
  id: 'huaweicloud',
  aliases: ['huawei'],
  displayName: 'Huawei Cloud DNS (API v2)',
  docsUrl: 'https://support.huaweicloud.com/intl/en-us/api-dns/dns_api_60001.html',
  capabilities: ['get', 'append', 'set', 'delete'],
  ttl: { min: 1, max: 2147483647 },
  fields: [
    { name: 'accessKeyId', type: 'string', required: true, secret: false, credential: true, description: 'access key ID (AK)' },
    { name: 'secretAccessKey', type: 'string', required: true, secret: true, description: 'secret access key (SK)' },
    { name: 'region', type: 'string', required: false, secret: false, description: 'region (public zones are global)', default: DEFAULT_REGION },
    { name: 'projectId', type: 'string', required: false, secret: false, description: 'project ID, sent as X-Project-Id' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API endpoint', default: DEFAULT_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'public zone to manage' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of root certificates for a private endpoint (default: the public roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const endpoint = httpsOriginSetting(raw, path, DEFAULT_ENDPOINT);
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const region = typeof raw['region'] === 'string' ? raw['region'].trim() : DEFAULT_REGION;
    if (!/^[a-z]{2}(-[a-z0-9]+)+$/.test(region)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.region`, reason: 'expected a region id such as cn-north-4', value: region } });
    const out: { -readonly [K in keyof HuaweiConfig]: HuaweiConfig[K] } = {
      accessKeyId: String(raw['accessKeyId']),
      secretAccessKey: String(raw['secretAccessKey']),
      region,
      endpoint,
      timeoutMs,
    };
    if (typeof raw['projectId'] === 'string' && raw['projectId'] !== '') out.projectId = raw['projectId'];
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new HuaweiDnsClient({
      http: httpOf(deps),
      clock: deps.clock,
      endpoint: config.endpoint,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      timeoutMs: config.timeoutMs,
      ...(config.projectId === undefined ? {} : { projectId: config.projectId }),
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new HuaweiProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
