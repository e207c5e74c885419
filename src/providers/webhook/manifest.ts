/**
 * The webhook provider's manifest: user-defined HTTP calls for any DNS API
 * zonekeeper does not know.
 *
 * ```yaml
 * providers:
 *   hook:
 *     type: webhook
 *     zone: example.com
 *     bearer: ${env:HOOK_TOKEN}
 *     hmac: { header: X-Signature, secret: ${env:HOOK_HMAC}, algorithm: sha256 }
 *     append: { method: post, url: "https://dns.internal/zones/{{zone}}/records",
 *               body: '{"name":"{{fqdn}}","type":"{{type}}","data":"{{data}}","ttl":{{ttl}}}' }
 *     delete: { method: delete, url: "https://dns.internal/zones/{{zone}}/records/{{fqdn}}/{{type}}?data={{data}}" }
 *     list:   { method: get, url: "https://dns.internal/zones/{{zone}}/records" }
 * ```
 * Templates and escaping: template.ts. HMAC: hmac.ts. Semantics: provider.ts.
 */
import { AppError } from '../../core/errors.ts';
import { normalizeName } from '../../dns/names.ts';
import { httpOf } from '../http-of.ts';
import type { FieldSpec, ProviderManifest } from '../types.ts';
import { HEADER_NAME, METHODS, parseCall, text, type WebhookConfig } from './config.ts';
import type { HmacAlgorithm } from './hmac.ts';
import { WebhookProvider } from './provider.ts';
import { RECORD_PLACEHOLDERS, ZONE_PLACEHOLDERS } from './template.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { timeoutSetting } from '../settings.ts';

const PLACEHOLDERS = '{{name}} (relative, "@" for the apex), {{fqdn}} (absolute, no trailing dot), {{zone}}, {{type}}, {{data}}, {{ttl}}';

function callFields(withBody: boolean): FieldSpec[] {
  return [
    { name: 'method', type: 'string', required: false, secret: false, description: 'HTTP method', default: withBody ? 'post' : 'get', enum: METHODS },
    { name: 'url', type: 'string', required: true, secret: false, description: `http(s) URL template; placeholders are percent-encoded: ${withBody ? PLACEHOLDERS : '{{zone}} only'}` },
    {
      name: 'headers',
      type: 'map',
      required: false,
      secret: false,
      description: 'extra request headers, name → value template; placeholders verbatim (CR/LF refused)',
      keyPattern: { regex: HEADER_NAME, description: 'an HTTP header name (RFC 9110 token)' },
    },
    ...(withBody
      ? [{ name: 'body', type: 'string', required: false, secret: false, description: 'JSON text template (sent as application/json); placeholders inside JSON strings are JSON-escaped, {{ttl}} may stand bare' } as const]
      : []),
  ];
}

export const webhookManifest: ProviderManifest<WebhookConfig> = {
  id: 'webhook',
  aliases: [],
  displayName: 'Webhook (user-defined HTTP calls, for anything else)',
  docsUrl: 'https://github.com/zonekeeper/zonekeeper/blob/main/src/providers/webhook/manifest.ts',
  capabilities: ['get', 'append', 'set', 'delete'],
  fields: [
    { name: 'zone', type: 'string', required: true, secret: false, description: 'zone the calls manage' },
    { name: 'append', type: 'object', required: true, secret: false, description: 'call that adds one record (other values at the name stay)', fields: callFields(true) },
    { name: 'delete', type: 'object', required: true, secret: false, description: 'call that removes one record; {{data}} is empty for "the whole name and type" when no list call is configured', fields: callFields(true) },
    { name: 'set', type: 'object', required: false, secret: false, description: 'call that replaces a name and type with one value (further values are appended); default: delete, then append', fields: callFields(true) },
    { name: 'list', type: 'object', required: false, secret: false, description: 'call answering JSON [{name, type, data, ttl}] for the zone ({{zone}} only); without it listing is unsupported', fields: callFields(false) },
    {
      name: 'hmac',
      type: 'object',
      required: false,
      secret: false,
      description: 'HMAC (hex) of "<timestamp>\\n<METHOD>\\n<url>\\n<body>", the timestamp (trusted clock, Unix seconds) sent in X-Zonekeeper-Timestamp',
      fields: [
        { name: 'header', type: 'string', required: true, secret: false, description: 'header carrying the signature' },
        { name: 'secret', type: 'string', required: true, secret: true, description: 'HMAC key' },
        { name: 'algorithm', type: 'string', required: false, secret: false, description: 'hash', default: 'sha256', enum: ['sha256', 'sha1'] },
      ],
    },
    { name: 'bearer', type: 'string', required: false, secret: true, description: 'token sent as "Authorization: Bearer <token>"' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots to trust for the receiver (replaces the default roots)' },
    { name: 'ttl', type: 'integer', required: false, secret: false, description: 'TTL rendered for records that have none', default: 300 },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'per-request timeout in milliseconds', default: 30000 },
  ],

  parse(raw, path) {
    const zone = normalizeName(text(raw['zone'], ''));
    const timeoutMs = timeoutSetting(raw, path, 30000);
    const ttl = typeof raw['ttl'] === 'number' ? raw['ttl'] : 300;
    const out: { -readonly [K in keyof WebhookConfig]: WebhookConfig[K] } = {
      zone,
      timeoutMs,
      ttl,
      append: parseCall(raw['append'], `${path}.append`, RECORD_PLACEHOLDERS, true),
      delete: parseCall(raw['delete'], `${path}.delete`, RECORD_PLACEHOLDERS, true),
    };
    if (raw['set'] !== undefined) out.set = parseCall(raw['set'], `${path}.set`, RECORD_PLACEHOLDERS, true);
    if (raw['list'] !== undefined) out.list = parseCall(raw['list'], `${path}.list`, ZONE_PLACEHOLDERS, false);
    const hmac = raw['hmac'] as Record<string, unknown> | undefined;
    if (hmac !== undefined) {
      const secret = text(hmac['secret'], '');
      if (secret === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.hmac.secret`, reason: 'empty HMAC secret' } });
      const algorithm = text(hmac['algorithm'], 'sha256').toLowerCase();
      if (algorithm !== 'sha256' && algorithm !== 'sha1') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.hmac.algorithm`, reason: 'not one of the allowed values', value: algorithm } });
      const header = text(hmac['header'], '');
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.hmac.header`, reason: 'not a header name' } });
      out.hmac = { header: header.toLowerCase(), secret, algorithm: algorithm satisfies HmacAlgorithm };
    }
    if (typeof raw['bearer'] === 'string') {
      if (raw['bearer'].trim() === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.bearer`, reason: 'empty token' } });
      out.bearer = raw['bearer'];
    }
    if (typeof raw['trust'] === 'string') out.caPem = readTrustFile(raw['trust'], `${path}.trust`);
    return out;
  },

  create(config, deps) {
    return new WebhookProvider({ config, http: httpOf(deps), clock: deps.clock });
  },
};
