/** The dingtalk notifier's manifest: the robot's access token and, when the robot signs, its secret. */
import { AppError } from '../../core/errors.ts';
import { httpFields, NOTIFIER_COMMON_FIELDS, parseHttpSettings, secretValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { DingtalkNotifier, type DingtalkConfig } from './notifier.ts';

export const DINGTALK_API = 'https://oapi.dingtalk.com';

export const dingtalkNotifierManifest: NotifierManifest<DingtalkConfig> = {
  id: 'dingtalk',
  displayName: 'DingTalk (钉钉) group robot webhook',
  fields: [
    { name: 'accessToken', type: 'string', required: true, secret: true, description: 'the access_token of the robot webhook URL' },
    { name: 'secret', type: 'string', required: false, secret: true, description: 'the signing secret (SEC…) when the robot uses 加签' },
    ...httpFields(DINGTALK_API),
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const accessToken = secretValue(raw, 'accessToken');
    if (accessToken === '') throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.accessToken`, reason: 'required setting missing' } });
    const secret = typeof raw['secret'] === 'string' && raw['secret'] !== '' ? raw['secret'] : undefined;
    return { accessToken, ...(secret === undefined ? {} : { secret }), http: parseHttpSettings(raw, path, DINGTALK_API) };
  },
  create: (config, deps) => new DingtalkNotifier(config, deps),
};
