/**
 * Amazon Route 53 (REST/XML API 2013-04-01) over AWS SigV4.
 *
 * Every call is signed by signSigV4 (region us-east-1, service route53) at
 * the trusted time and sent through sendSigned, which corrects the clock
 * once on Route 53's skew answer (403 SignatureDoesNotMatch "Signature
 * expired … (NOW - 5 min.)"), taking NOW from the message as the server's
 * time. Errors become AppErrors by code (errors.ts). Lists are paged with
 * IsTruncated / NextRecordName / NextRecordType (rrsets) and NextDNSName /
 * NextHostedZoneId (zones). Changes are submitted and not waited for
 * (GetChange is not used: propagation checks do that over DNS).
 *
 * Failures on the way: `Throttling` ("Rate exceeded") and
 * `PriorRequestNotComplete`, both HTTP 400, are retried by the HTTP client
 * like a 429, within its budget, each attempt signed anew, then
 * HTTP_RATE_LIMITED. GETs are retried after a lost connection or a 5xx;
 * ChangeResourceRecordSets only when Route 53 cannot have acted on it. A
 * 2xx that is not XML is PROVIDER_RESPONSE_INVALID; a failure status whose
 * body is not Route 53's error XML (a gateway's HTML page) is HTTP_STATUS,
 * both with a short excerpt of the body.
 */
import { AppError } from '../../core/errors.ts';
import type { TrustedClock } from '../../clock/clock.ts';
import { sendSigned } from '../../http/signed.ts';
import type { HttpClient } from '../../http/types.ts';
import { signSigV4 } from '../../signing/sigv4.ts';
import { invalidResponseError } from '../../http/invalid-response.ts';
import { httpStatusError } from '../../http/status-error.ts';
import { isSkew, isThrottling, route53ErrorOf, route53Failure, serverNowOf } from './errors.ts';
import { decodeName } from './values.ts';
import { child, childrenNamed, escapeXml, parseXml, textAt, type XmlElement } from './xml.ts';

export const API_VERSION = '2013-04-01';
export const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
/** ListResourceRecordSets' largest maxitems. */
export const MAX_RRSET_PAGE = 300;
/** Changes sent in one ChangeResourceRecordSets (the API allows 1000 values). */
export const MAX_CHANGES = 100;

export interface Route53ClientOptions {
  readonly http: HttpClient;
  readonly clock: TrustedClock;
  /** e.g. "https://route53.amazonaws.com" */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

/** One resource record set; `name` absolute, lower-case, unescaped; `values` in Route 53's presentation form. */
export interface Route53RRset {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly values: readonly string[];
}

export interface Route53Change {
  readonly action: 'CREATE' | 'DELETE' | 'UPSERT';
  readonly rrset: Route53RRset;
}

export interface Route53Zone {
  /** Without the "/hostedzone/" prefix. */
  readonly id: string;
  /** Absolute, with the trailing dot. */
  readonly name: string;
}

function rrsetOf(e: XmlElement): Route53RRset | undefined {
  const name = textAt(e, 'Name');
  const type = textAt(e, 'Type');
  // Alias and traffic-policy sets have no ResourceRecords: not records zonekeeper manages.
  const records = child(e, 'ResourceRecords');
  if (name === undefined || type === undefined || records === undefined) return undefined;
  const values = childrenNamed(records, 'ResourceRecord').map((r) => textAt(r, 'Value') ?? '');
  return { name: decodeName(name), type: type.toUpperCase(), ttl: Number(textAt(e, 'TTL') ?? '300'), values };
}

function zoneId(raw: string): string {
  return raw.replace(/^\/hostedzone\//, '');
}

/** The ChangeResourceRecordSets request body. */
export function changeBatchXml(changes: readonly Route53Change[], comment?: string): string {
  const items = changes.map(
    (c) =>
      `<Change><Action>${c.action}</Action><ResourceRecordSet><Name>${escapeXml(c.rrset.name)}</Name><Type>${c.rrset.type}</Type><TTL>${c.rrset.ttl}</TTL><ResourceRecords>${c.rrset.values
        .map((v) => `<ResourceRecord><Value>${escapeXml(v)}</Value></ResourceRecord>`)
        .join('')}</ResourceRecords></ResourceRecordSet></Change>`,
  );
  const note = comment === undefined ? '' : `<Comment>${escapeXml(comment)}</Comment>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsRequest xmlns="${XMLNS}"><ChangeBatch>${note}<Changes>${items.join('')}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
}

export class Route53Client {
  readonly #o: Route53ClientOptions;
  readonly #url: URL;

  constructor(o: Route53ClientOptions) {
    this.#o = o;
    this.#url = new URL(o.endpoint);
  }

  /** One API call; resolves to the answer's root element, rejects with the mapped AppError. */
  async call(action: string, method: 'GET' | 'POST', path: string, query: ReadonlyArray<readonly [string, string]>, body: string | undefined, signal?: AbortSignal): Promise<XmlElement> {
    const o = this.#o;
    const host = this.#url.host;
    const { response } = await sendSigned({
      http: o.http,
      clock: o.clock,
      source: `http:${host}`,
      classify: (r) => {
        const err = r.status === 403 || r.status === 400 ? route53ErrorOf(r.body.toString('utf8'), r.status) : undefined;
        if (!isSkew(err)) return { skew: false };
        const serverTimeMs = serverNowOf(err?.message ?? '');
        return serverTimeMs === undefined ? { skew: true } : { skew: true, serverTimeMs };
      },
      // Throttling / PriorRequestNotComplete (HTTP 400): retried by the HTTP client like a 429, signed anew.
      throttled: (r) => {
        if (r.status !== 400 && r.status !== 429) return undefined;
        const err = route53ErrorOf(r.body.toString('utf8'), r.status);
        return err !== undefined && isThrottling(err.code) ? err.code : undefined;
      },
      sign: (nowMs) => {
        const signed = signSigV4({
          credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken },
          region: 'us-east-1',
          service: 'route53',
          s3: false,
          method,
          host,
          path,
          query,
          headers: body === undefined ? {} : { 'content-type': 'application/xml' },
          body: body ?? '',
          timeMs: nowMs,
        });
        const secrets = [o.secretAccessKey, ...(o.sessionToken === undefined ? [] : [o.sessionToken])];
        return {
          method,
          url: `${this.#url.origin}${signed.path}${signed.query === '' ? '' : `?${signed.query}`}`,
          headers: { ...signed.headers, accept: 'application/xml' },
          ...(body === undefined ? {} : { body }),
          secrets,
          ...(o.caPem === undefined ? {} : { trust: { caPem: o.caPem } }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
          ...(signal === undefined ? {} : { signal }),
        };
      },
    });
    const text = response.body.toString('utf8');
    const secrets = [o.secretAccessKey, ...(o.sessionToken === undefined ? [] : [o.sessionToken])];
    if (response.status >= 200 && response.status < 300) {
      const doc = parseXml(text);
      if (doc === undefined) throw invalidResponseError(response, { action, reason: 'not an XML document', secrets });
      return doc;
    }
    const err = route53ErrorOf(text, response.status);
    if (err === undefined) throw httpStatusError(response, { action, secrets });
    throw route53Failure(action, err, { endpoint: host });
  }

  /** ListHostedZonesByName from `dnsName` (absolute), one page. */
  async zonesByName(dnsName: string | undefined, maxItems: number, signal?: AbortSignal, hostedZoneId?: string): Promise<{ zones: Route53Zone[]; next?: { dnsName: string; hostedZoneId: string } }> {
    const query: [string, string][] = [['maxitems', String(maxItems)]];
    if (dnsName !== undefined) query.push(['dnsname', dnsName]);
    if (hostedZoneId !== undefined) query.push(['hostedzoneid', hostedZoneId]);
    const doc = await this.call('ListHostedZonesByName', 'GET', `/${API_VERSION}/hostedzonesbyname`, query, undefined, signal);
    const zones = childrenNamed(child(doc, 'HostedZones'), 'HostedZone').flatMap((z) => {
      const id = textAt(z, 'Id');
      const name = textAt(z, 'Name');
      return id === undefined || name === undefined ? [] : [{ id: zoneId(id), name: decodeName(name) }];
    });
    const nextName = textAt(doc, 'NextDNSName');
    const nextId = textAt(doc, 'NextHostedZoneId');
    const truncated = textAt(doc, 'IsTruncated') === 'true' && nextName !== undefined && nextId !== undefined;
    return truncated ? { zones, next: { dnsName: nextName, hostedZoneId: nextId } } : { zones };
  }

  /** The id of the hosted zone named `zone` (absolute). ZONE_NOT_FOUND when the key sees none. */
  async findZoneId(zone: string, signal?: AbortSignal): Promise<string> {
    const { zones } = await this.zonesByName(zone, 1, signal);
    const found = zones.find((z) => z.name === zone.toLowerCase());
    if (found === undefined) throw new AppError('ZONE_NOT_FOUND', { evidence: { zone, action: 'ListHostedZonesByName', endpoint: this.#url.host } });
    return found.id;
  }

  /** Every hosted zone the key can see. */
  async listZones(signal?: AbortSignal): Promise<Route53Zone[]> {
    const out: Route53Zone[] = [];
    let from: { dnsName: string; hostedZoneId: string } | undefined;
    for (;;) {
      const page = await this.zonesByName(from?.dnsName, 100, signal, from?.hostedZoneId);
      out.push(...page.zones);
      if (page.next === undefined) return out;
      from = page.next;
    }
  }

  /**
   * ListResourceRecordSets. With `start`, listing begins at that (name,
   * type) in Route 53's order; `limit` stops after that many sets.
   */
  async listRRsets(zoneIdValue: string, start?: { name: string; type?: string }, limit = Infinity, signal?: AbortSignal): Promise<Route53RRset[]> {
    const out: Route53RRset[] = [];
    let name = start?.name;
    let type = start?.type;
    for (;;) {
      const query: [string, string][] = [['maxitems', String(Math.min(MAX_RRSET_PAGE, limit - out.length))]];
      if (name !== undefined) query.push(['name', name]);
      if (type !== undefined) query.push(['type', type]);
      const doc = await this.call('ListResourceRecordSets', 'GET', `/${API_VERSION}/hostedzone/${zoneIdValue}/rrset`, query, undefined, signal);
      for (const e of childrenNamed(child(doc, 'ResourceRecordSets'), 'ResourceRecordSet')) {
        const set = rrsetOf(e);
        if (set !== undefined) out.push(set);
      }
      const nextName = textAt(doc, 'NextRecordName');
      if (textAt(doc, 'IsTruncated') !== 'true' || nextName === undefined || out.length >= limit) return out;
      name = nextName;
      type = textAt(doc, 'NextRecordType');
    }
  }

  /** The set at exactly (name, type), or undefined. */
  async getRRset(zoneIdValue: string, name: string, type: string, signal?: AbortSignal): Promise<Route53RRset | undefined> {
    const [first] = await this.listRRsets(zoneIdValue, { name, type }, 1, signal);
    return first !== undefined && first.name === name.toLowerCase() && first.type === type ? first : undefined;
  }

  /** ChangeResourceRecordSets, in batches of MAX_CHANGES (each batch atomic); resolves to the change ids. */
  async change(zoneIdValue: string, changes: readonly Route53Change[], signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < changes.length; i += MAX_CHANGES) {
      const body = changeBatchXml(changes.slice(i, i + MAX_CHANGES), 'zonekeeper');
      const doc = await this.call('ChangeResourceRecordSets', 'POST', `/${API_VERSION}/hostedzone/${zoneIdValue}/rrset/`, [], body, signal);
      ids.push(textAt(doc, 'ChangeInfo', 'Id') ?? '');
    }
    return ids;
  }
}
