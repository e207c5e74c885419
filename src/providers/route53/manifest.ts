/** The route53 (Amazon Route 53) provider's manifest: fields, parsing and wiring. */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { ProviderManifest } from '../types.ts';
import { Route53Client } from './client.ts';
import { Route53Provider } from './provider.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { httpsOriginSetting, timeoutSetting } from '../settings.ts';

export const DEFAULT_ENDPOINT = 'https://route53.amazonaws.com';

export interface Route53Config {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly hostedZoneId?: string;
  /** https: URL of the API (origin only). */
  readonly endpoint: string;
  readonly zone?: string;
  /** PEM roots trusted for this endpoint only (read from `trust` at parse time). */
  readonly caPem?: string;
  readonly timeoutMs: number;
}

export const route53Manifest: ProviderManifest<Route53Config> = {
  id: 'route53',
  aliases: ['aws', 'aws-route53'],
  displayName: 'Amazon Route 53 (API 2013-04-01)',
  docsUrl: 'https://docs.aws.amazon.com/Route53/latest/APIReference/Welcome.html',
  capabilities: ['get', 'append', 'set', 'delete'],
  ttl: { min: 0, max: 2147483647 },
  fields: [
    { name: 'accessKeyId', type: 'string', required: true, secret: false, credential: true, description: 'access key ID (AKIA… or ASIA…)' },
    { name: 'secretAccessKey', type: 'string', required: true, secret: true, description: 'secret access key' },
    { name: 'sessionToken', type: 'string', required: false, secret: true, description: 'session token of temporary credentials' },
    { name: 'hostedZoneId', type: 'string', required: false, secret: false, description: 'hosted zone ID; found with ListHostedZonesByName when absent' },
    { name: 'endpoint', type: 'string', required: false, secret: false, description: 'API endpoint', default: DEFAULT_ENDPOINT },
    { name: 'zone', type: 'string', required: false, secret: false, description: 'zone to manage' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of root certificates for a private endpoint (default: the public roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const endpoint = httpsOriginSetting(raw, path, DEFAULT_ENDPOINT);
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const out: { -readonly [K in keyof Route53Config]: Route53Config[K] } = {
      accessKeyId: String(raw['accessKeyId']),
      secretAccessKey: String(raw['secretAccessKey']),
      endpoint,
      timeoutMs,
    };
    if (typeof raw['sessionToken'] === 'string' && raw['sessionToken'] !== '') out.sessionToken = raw['sessionToken'];
    if (typeof raw['hostedZoneId'] === 'string' && raw['hostedZoneId'] !== '') {
      if (typeof raw['zone'] !== 'string') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.hostedZoneId`, reason: 'hostedZoneId needs zone (the name of that hosted zone)' } });
      out.hostedZoneId = raw['hostedZoneId'].replace(/^\/hostedzone\//, '');
    }
    if (typeof raw['zone'] === 'string') out.zone = normalizeName(raw['zone']);
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    const client = new Route53Client({
      http: httpOf(deps),
      clock: deps.clock,
      endpoint: config.endpoint,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      timeoutMs: config.timeoutMs,
      ...(config.sessionToken === undefined ? {} : { sessionToken: config.sessionToken }),
      ...(config.caPem === undefined ? {} : { caPem: config.caPem }),
    });
    return new Route53Provider({
      client,
      ...(config.zone === undefined ? {} : { zone: config.zone }),
      ...(config.hostedZoneId === undefined ? {} : { hostedZoneId: config.hostedZoneId }),
    });
  },
};
