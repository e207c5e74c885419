/** Every notifier type this build knows, from their manifests. */
import { dingtalkNotifierManifest } from './dingtalk/manifest.ts';
import { larkNotifierManifest } from './lark/manifest.ts';
import { serverchanNotifierManifest } from './serverchan/manifest.ts';
import { smtpNotifierManifest } from './smtp/manifest.ts';
import { telegramNotifierManifest } from './telegram/manifest.ts';
import type { NotifierManifest } from './types.ts';
import { webhookNotifierManifest } from './webhook/manifest.ts';
import { wecomNotifierManifest } from './wecom/manifest.ts';

export const NOTIFIER_MANIFESTS: readonly NotifierManifest<never>[] = [
  webhookNotifierManifest as NotifierManifest<never>,
  smtpNotifierManifest as NotifierManifest<never>,
  telegramNotifierManifest as NotifierManifest<never>,
  dingtalkNotifierManifest as NotifierManifest<never>,
  wecomNotifierManifest as NotifierManifest<never>,
  larkNotifierManifest as NotifierManifest<never>,
  serverchanNotifierManifest as NotifierManifest<never>,
];

export function findNotifierManifest(id: string): NotifierManifest | undefined {
  const key = id.trim().toLowerCase();
  return NOTIFIER_MANIFESTS.find((m) => m.id === key) as NotifierManifest | undefined;
}
