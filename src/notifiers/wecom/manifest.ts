/** The wecom notifier's manifest: the group robot's webhook key. */
import { AppError } from '../../core/errors.ts';
import { httpFields, NOTIFIER_COMMON_FIELDS, parseHttpSettings, secretValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { WecomNotifier, type WecomConfig } from './notifier.ts';

export const WECOM_API = 'https://qyapi.weixin.qq.com';

export const wecomNotifierManifest: NotifierManifest<WecomConfig> = {
  id: 'wecom',
  displayName: 'WeCom (企业微信) group robot webhook',
  fields: [
    { name: 'key', type: 'string', required: true, secret: true, description: 'the key= of the robot webhook URL' },
    ...httpFields(WECOM_API),
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const key = secretValue(raw, 'key');
    if (key === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.key`, reason: 'required setting missing' } });
    return { key, http: parseHttpSettings(raw, path, WECOM_API) };
  },
  create: (config, deps) => new WecomNotifier(config, deps),
};
