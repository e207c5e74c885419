/** The tencentcloud (DNSPod) provider's manifest: fields, parsing and wiring. */
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { DnspodClient } from './client.ts';
import { TencentProvider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { httpsOriginSetting, timeoutSetting } from '../settings.ts';

export const DEFAULT_ENDPOINT = 'https://dnspod.tencentcloudapi.com';

export interface TencentConfig {
  readonly secretId: string;
  readonly secretKey: string;
  /** https: URL of the API (origin only). */
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots trusted for this endpoint only (read from `trust` at parse time). */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export const tencentcloudManifest: ProviderManifest<TencentConfig> = {
  id: 'tencentcloud',
  aliases: ['dnspod'],
  displayName: 'Tencent Cloud DNSPod (API 3.0)',
  docsUrl: 'https://www.tencentcloud.com/document/api/1157/49025',
  capabilities: ['get', 'append', 'set', 'delete'],
  ttl: { min: 1, max: 604800 }, // DNSPod API range; the free plan's minimum is 600
  fields: [
    { name: 'secretId', type: 'string', required: true, secret: false, credential: true, description: 'API key SecretId (AKID…)' },
    { name: 'secretKey', type: 'string', required: true, secret: true, description: 'API key SecretKey' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API endpoint', default: DEFAULT_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'DNSPod domain to manage; found with DescribeDomainList when absent' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of root certificates for a private endpoint (default: the public roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const endpoint = httpsOriginSetting(raw, path, DEFAULT_ENDPOINT);
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof TencentConfig]: TencentConfig[K] } = {
      secretId: String(raw['secretId']),
      secretKey: String(raw['secretKey']),
      endpoint,
      timeoutMs,
    };
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new DnspodClient({
      http: httpOf(deps),
      clock: deps.clock,
      endpoint: config.endpoint,
      secretId: config.secretId,
      secretKey: config.secretKey,
      timeoutMs: config.timeoutMs,
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new TencentProvider({ client, ...(config.zone === undefined ? {} : { zone: config.zone }) });
  },
};
