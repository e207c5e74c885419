/**
 * The chain used when `ddns.ipv4` / `ddns.ipv6` is absent: public HTTPS echo
 * endpoints run by four unrelated operators, each answering the caller's
 * address as plain text, queried over a socket of the family (so the
 * v4-only / v6-only host names below are belt and braces), quorum 2. The
 * operators' availability is theirs: two of four may fail and an address is
 * still chosen. 4.ipw.cn / 6.ipw.cn are reachable from mainland China where
 * some of the others are not.
 */
import type { IpFamily } from './address.ts';
import type { HttpEndpoint, IpFamilyConfig } from './types.ts';

export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
export const DEFAULT_QUORUM = 2;

const text = (url: string): HttpEndpoint => ({ url, format: 'auto', field: 'ip' });

export const DEFAULT_ENDPOINTS: Readonly<Record<IpFamily, readonly HttpEndpoint[]>> = {
  4: [text('https://api.ipify.org/'), text('https://ipv4.icanhazip.com/'), text('https://v4.ident.me/'), text('https://4.ipw.cn/')],
  6: [text('https://api6.ipify.org/'), text('https://ipv6.icanhazip.com/'), text('https://v6.ident.me/'), text('https://6.ipw.cn/')],
};

/** The built-in chain of one family. */
export function defaultFamilyConfig(family: IpFamily): IpFamilyConfig {
  return { family, sources: [{ type: 'http', endpoints: DEFAULT_ENDPOINTS[family], timeoutMs: DEFAULT_HTTP_TIMEOUT_MS }], quorum: DEFAULT_QUORUM, isDefault: true };
}
