/** The lark notifier's manifest: the custom bot's hook id and, when it verifies signatures, its secret. */
import { AppError } from '../../core/errors.ts';
import { httpFields, NOTIFIER_COMMON_FIELDS, parseHttpSettings, secretValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { LarkNotifier, type LarkConfig } from './notifier.ts';

/** Feishu (China); Lark (international) is https://open.larksuite.com. */
export const FEISHU_API = 'https://open.feishu.cn';

export const larkNotifierManifest: NotifierManifest<LarkConfig> = {
  id: 'lark',
  displayName: 'Feishu / Lark (飞书) custom bot webhook',
  fields: [
    { name: 'hook', type: 'string', required: true, secret: true, description: 'the id at the end of the bot webhook URL (…/open-apis/bot/v2/hook/<id>)' },
    { name: 'secret', type: 'string', required: false, secret: true, description: 'the signing secret when the bot has 签名校验 on' },
    ...httpFields(FEISHU_API),
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const hook = secretValue(raw, 'hook');
    if (!/^[A-Za-z0-9_-]+$/.test(hook)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.hook`, reason: 'expected the id part of the webhook URL (letters, digits, - and _)' }, secrets: [hook] });
    const secret = typeof raw['secret'] === 'string' && raw['secret'] !== '' ? raw['secret'] : undefined;
    return { hook, ...(secret === undefined ? {} : { secret }), http: parseHttpSettings(raw, path, FEISHU_API) };
  },
  create: (config, deps) => new LarkNotifier(config, deps),
};
