/** Parsing of the settings every HTTP-API provider shares: endpoint and timeout. */
import { AppError } from '../core/errors.ts';

/** `timeout` in ms (a positive integer; the field spec already checked the type). */
export function timeoutSetting(raw: Readonly<Record<string, unknown>>, path: string, fallback: number): number {
  const timeoutMs = typeof raw['timeout'] === 'number' ? raw['timeout'] : fallback;
  if (timeoutMs < 1) throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.timeout`, reason: 'expected a positive number of milliseconds', value: timeoutMs } });
  return timeoutMs;
}

/** `endpoint` as an https origin (`https://host[:port]`, no path, no user info). */
export function httpsOriginSetting(raw: Readonly<Record<string, unknown>>, path: string, fallback: string): string {
  const value = typeof raw['endpoint'] === 'string' ? raw['endpoint'] : fallback;
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'not a URL', value } });
  }
  if (endpoint.protocol !== 'https:' || endpoint.username !== '' || endpoint.password !== '' || (endpoint.pathname !== '/' && endpoint.pathname !== '')) {
    throw new AppError('CONFIG_INVALID', { evidence: { path: `${path}.endpoint`, reason: 'expected https://host[:port] with no path or user info', value: endpoint.origin } });
  }
  return endpoint.origin;
}
