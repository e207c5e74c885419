/** The telegram notifier's manifest: a bot token and a chat id. */
import { AppError } from '../../core/errors.ts';
import { httpFields, NOTIFIER_COMMON_FIELDS, parseHttpSettings, secretValue, textValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { TelegramNotifier, type TelegramConfig } from './notifier.ts';

export const TELEGRAM_API = 'https://api.telegram.org';

export const telegramNotifierManifest: NotifierManifest<TelegramConfig> = {
  id: 'telegram',
  displayName: 'Telegram (Bot API sendMessage)',
  fields: [
    { name: 'botToken', type: 'string', required: true, secret: true, description: 'the bot token from @BotFather (123456:ABC…)' },
    { name: 'chatId', type: 'string', required: true, secret: false, description: 'the chat to post to: a numeric id (groups are negative) or @channelusername' },
    ...httpFields(TELEGRAM_API),
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const botToken = secretValue(raw, 'botToken');
    // The token goes into the URL path: refuse what would change the path.
    if (!/^[0-9]+:[A-Za-z0-9_-]+$/.test(botToken)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.botToken`, reason: 'expected <digits>:<letters, digits, _ or -> as @BotFather gives it' }, secrets: [botToken] });
    const chatId = textValue(raw, 'chatId').trim();
    if (!/^(-?[0-9]+|@[A-Za-z0-9_]{4,})$/.test(chatId)) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.chatId`, reason: 'expected a numeric chat id or @channelusername', value: chatId } });
    return { botToken, chatId, http: parseHttpSettings(raw, path, TELEGRAM_API) };
  },
  create: (config, deps) => new TelegramNotifier(config, deps),
};
