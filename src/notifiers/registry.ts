/** Every notifier type this build knows, from their manifests. */
import type { NotifierManifest } from './types.ts';
import { webhookNotifierManifest } from './webhook/manifest.ts';

export const NOTIFIER_MANIFESTS: readonly NotifierManifest<never>[] = [webhookNotifierManifest as NotifierManifest<never>];

export function findNotifierManifest(id: string): NotifierManifest | undefined {
  const key = id.trim().toLowerCase();
  return NOTIFIER_MANIFESTS.find((m) => m.id === key) as NotifierManifest | undefined;
}
