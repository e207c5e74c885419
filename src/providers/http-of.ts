import { createHttpClient } from '../http/client.ts';
import type { HttpClient } from '../http/types.ts';
import type { ProviderDeps } from './types.ts';

/** The HTTP client a provider should use: the shared one from the composition root, else its own on the same clock. */
export function httpOf(deps: ProviderDeps): HttpClient {
  return deps.http ?? createHttpClient({ clock: deps.clock, userAgent: 'zonekeeper/0.1' });
}
