/** The webhook notifier's manifest: fields, parsing, creation. */
import { readTrustFile } from '../../config/trust-file.ts';
import { HEADER_NAME } from '../../providers/webhook/config.ts';
import { timeoutSetting } from '../../providers/settings.ts';
import { parseTemplate } from '../../core/template.ts';
import { NOTIFIER_COMMON_FIELDS } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { NOTIFY_PLACEHOLDERS, parseBody, parseUrl, type WebhookNotifierConfig } from './config.ts';
import { WebhookNotifier } from './notifier.ts';

const PLACEHOLDERS = '{{kind}}, {{subject}}, {{at}}, {{old}}, {{new}}, {{error}}, {{title}} and {{text}} (the event in the notifier\'s lang), {{event}} (the whole event as JSON)';

export const webhookNotifierManifest: NotifierManifest<WebhookNotifierConfig> = {
  id: 'webhook',
  displayName: 'Webhook (an HTTP request per event)',
  fields: [
    { name: 'url', type: 'string', required: true, secret: false, description: `http(s) URL template; placeholders percent-encoded: ${PLACEHOLDERS}` },
    { name: 'method', type: 'string', required: false, secret: false, description: 'HTTP method', default: 'post', enum: ['post', 'put', 'patch', 'get'] },
    {
      name: 'headers',
      type: 'map',
      required: false,
      secret: true,
      description: 'extra request headers, name → value template (values are treated as secrets: tokens live here)',
      keyPattern: { regex: HEADER_NAME, description: 'an HTTP header name (RFC 9110 token)' },
    },
    { name: 'body', type: 'string', required: false, secret: false, description: `JSON text template; default: the event as JSON. ${PLACEHOLDERS}` },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots trusted for this receiver only' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'ms per request', default: 10_000 },
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const headers = Object.entries((raw['headers'] ?? {}) as Record<string, string>).map(([name, value]) => ({
      name: name.toLowerCase(),
      value: parseTemplate(value, `${path}.headers.${name}`, NOTIFY_PLACEHOLDERS),
    }));
    const trust = typeof raw['trust'] === 'string' ? readTrustFile(raw['trust'], `${path}.trust`) : undefined;
    return {
      method: (typeof raw['method'] === 'string' ? raw['method'] : 'post').toUpperCase(),
      url: parseUrl(typeof raw['url'] === 'string' ? raw['url'] : '', `${path}.url`),
      headers,
      ...(typeof raw['body'] === 'string' ? { body: parseBody(raw['body'], `${path}.body`) } : {}),
      ...(trust === undefined ? {} : { caPem: trust }),
      timeoutMs: timeoutSetting(raw, path, 10_000),
    };
  },
  create: (config, deps) => new WebhookNotifier(config, deps),
};
