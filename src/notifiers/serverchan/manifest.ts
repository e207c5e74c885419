/** The serverchan notifier's manifest: the SendKey. */
import { AppError } from '../../core/errors.ts';
import { httpFields, NOTIFIER_COMMON_FIELDS, parseHttpSettings, secretValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { defaultServerchanEndpoint, ServerchanNotifier, type ServerchanConfig } from './notifier.ts';

export const serverchanNotifierManifest: NotifierManifest<ServerchanConfig> = {
  id: 'serverchan',
  displayName: 'ServerChan (Server酱) push to WeChat',
  fields: [
    { name: 'sendKey', type: 'string', required: true, secret: true, description: 'the SendKey (SCT… for Server酱·Turbo, sctp<n>t… for Server酱³)' },
    // No fixed default: Server酱³ keys name their own host (https://<n>.push.ft07.com).
    ...httpFields(undefined, 'API origin (https://host[:port]); default from the SendKey: https://sctapi.ftqq.com, or https://<n>.push.ft07.com for sctp<n>t… keys'),
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const sendKey = secretValue(raw, 'sendKey');
    if (!/^[A-Za-z0-9_-]+$/.test(sendKey)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.sendKey`, reason: 'expected letters and digits (the SendKey as the site shows it)' }, secrets: [sendKey] });
    return { sendKey, http: parseHttpSettings(raw, path, defaultServerchanEndpoint(sendKey)) };
  },
  create: (config, deps) => new ServerchanNotifier(config, deps),
};
