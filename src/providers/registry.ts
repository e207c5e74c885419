/** Every provider this build knows, from their manifests. */
import type { ProviderManifest } from './types.ts';
import { rfc2136Manifest } from './rfc2136/manifest.ts';
import { tencentcloudManifest } from './tencentcloud/manifest.ts';
import { cloudflareManifest } from './cloudflare/manifest.ts';
import { alidnsManifest } from './alidns/manifest.ts';
import { dnsmadeeasyManifest } from './dnsmadeeasy/manifest.ts';
import { route53Manifest } from './route53/manifest.ts';
import { huaweicloudManifest } from './huaweicloud/manifest.ts';
import { powerdnsManifest } from './powerdns/manifest.ts';
import { webhookManifest } from './webhook/manifest.ts';

export const PROVIDER_MANIFESTS: readonly ProviderManifest<never>[] = [rfc2136Manifest as ProviderManifest<never>, cloudflareManifest as ProviderManifest<never>, tencentcloudManifest as ProviderManifest<never>, alidnsManifest as ProviderManifest<never>, dnsmadeeasyManifest as ProviderManifest<never>, route53Manifest as ProviderManifest<never>, huaweicloudManifest as ProviderManifest<never>, powerdnsManifest as ProviderManifest<never>, webhookManifest as ProviderManifest<never>];

export function findManifest(idOrAlias: string): ProviderManifest | undefined {
  const id = idOrAlias.trim().toLowerCase();
  return PROVIDER_MANIFESTS.find((m) => m.id === id || m.aliases.includes(id)) as ProviderManifest | undefined;
}
