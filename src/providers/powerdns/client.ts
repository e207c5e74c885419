/**
 * The PowerDNS Authoritative HTTP API v1 over zonekeeper's HTTP client
 * (header `X-API-Key`): the zones list, one zone with its RRsets, and PATCH
 * of RRsets (changetype REPLACE / DELETE; PowerDNS applies one PATCH
 * atomically). Every failure is an AppError (errors.ts). Reads retry on
 * 429/5xx and a lost connection (the HTTP client's budget); writes only on
 * 429/503 (e.g. from a rate-limiting proxy in front of the API). A 200
 * whose body is not the JSON expected (cut short, an HTML page) is
 * PROVIDER_RESPONSE_INVALID with a short excerpt, never ZONE_NOT_FOUND.
 */
import { AppError } from '../../core/errors.ts';
import type { HttpClient, HttpResponse } from '../../http/types.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { powerdnsFailure } from './errors.ts';

export interface PowerDnsClientOptions {
  readonly http: HttpClient;
  /** Webserver base, e.g. "http://127.0.0.1:8081" (the API is under /api/v1). */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly serverId: string;
  /** Trusted roots for an https endpoint (PEM); absent: the default roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

export interface PdnsRecord {
  readonly content: string;
  readonly disabled: boolean;
}

export interface PdnsRRset {
  /** Absolute with the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly records: readonly PdnsRecord[];
}

export type PdnsChange =
  | { readonly name: string; readonly type: string; readonly ttl: number; readonly changetype: 'REPLACE'; readonly records: readonly PdnsRecord[] }
  | { readonly name: string; readonly type: string; readonly changetype: 'DELETE' };

export interface PdnsZone {
  /** The URL id of the zone (names with special characters are escaped). */
  readonly id: string;
  readonly name: string;
}

function json(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export class PowerDnsClient {
  readonly #o: PowerDnsClientOptions;
  readonly #base: string;

  constructor(o: PowerDnsClientOptions) {
    this.#o = o;
    this.#base = `${o.endpoint.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(o.serverId)}`;
  }

  async #send(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<HttpResponse> {
    return this.#o.http.request({
      method,
      url: `${this.#base}${path}`,
      headers: { 'x-api-key': this.#o.apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal === undefined ? {} : { signal }),
      ...(this.#o.caPem === undefined ? {} : { trust: { caPem: this.#o.caPem } }),
      ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
      secrets: [this.#o.apiKey],
    });
  }

  /** The names of every zone of the server (GET /zones). */
  async zoneNames(signal?: AbortSignal): Promise<string[]> {
    const res = await this.#send('GET', '/zones', undefined, signal);
    if (res.status !== 200) throw powerdnsFailure(res, 'GET zones', undefined, [this.#o.apiKey]);
    const list = json(res);
    if (!Array.isArray(list)) throw invalidResponseError(res, { action: 'GET zones', reason: 'not a PowerDNS zone list', secrets: [this.#o.apiKey] });
    return (list as Array<{ name?: unknown }>).flatMap((z) => (typeof z.name === 'string' ? [z.name] : []));
  }

  /** The zone named `zone` (absolute); ZONE_NOT_FOUND when the server has none. */
  async findZone(zone: string, signal?: AbortSignal): Promise<PdnsZone> {
    const res = await this.#send('GET', `/zones?zone=${encodeURIComponent(zone)}`, undefined, signal);
    if (res.status !== 200) throw powerdnsFailure(res, 'GET zones', undefined, [this.#o.apiKey]);
    const list = json(res);
    // An answer that is not a list (cut short, an HTML page) says nothing about the zone: not ZONE_NOT_FOUND.
    if (!Array.isArray(list)) throw invalidResponseError(res, { action: 'GET zones', reason: 'not a PowerDNS zone list', secrets: [this.#o.apiKey] });
    const hit = (list as Array<{ id?: unknown; name?: unknown }>).find((z) => typeof z.id === 'string' && typeof z.name === 'string' && z.name.toLowerCase() === zone);
    if (hit === undefined) throw new AppError('ZONE_NOT_FOUND', { evidence: { zone, provider: 'powerdns', reason: 'the server has no zone of that name' } });
    return { id: hit.id as string, name: zone };
  }

  /** Every RRset of the zone. */
  async rrsets(z: PdnsZone, signal?: AbortSignal): Promise<PdnsRRset[]> {
    const res = await this.#send('GET', `/zones/${encodeURIComponent(z.id)}`, undefined, signal);
    if (res.status !== 200) throw powerdnsFailure(res, 'GET zone', z.name, [this.#o.apiKey]);
    const v = json(res) as { rrsets?: unknown } | undefined;
    if (v === undefined || !Array.isArray(v.rrsets)) throw invalidResponseError(res, { action: 'GET zone', reason: 'not a PowerDNS zone document', secrets: [this.#o.apiKey] });
    return (v.rrsets as PdnsRRset[]).filter((s) => typeof s.name === 'string' && typeof s.type === 'string' && Array.isArray(s.records));
  }

  /** Apply `changes` in one PATCH (atomic on the server). */
  async patch(z: PdnsZone, changes: readonly PdnsChange[], signal?: AbortSignal): Promise<void> {
    if (changes.length === 0) return;
    const res = await this.#send('PATCH', `/zones/${encodeURIComponent(z.id)}`, { rrsets: changes }, signal);
    if (res.status !== 204 && res.status !== 200) throw powerdnsFailure(res, 'PATCH zone', z.name, [this.#o.apiKey]);
    // PowerDNS answers 204 without a body; a 200 whose body is not JSON was garbled on the way (applied or not).
    if (res.status === 200 && res.body.length > 0 && json(res) === undefined) throw invalidResponseError(res, { action: 'PATCH zone', reason: 'not JSON', secrets: [this.#o.apiKey] });
  }
}
