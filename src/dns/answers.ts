/**
 * Reading answers out of a decoded message: the RRset of a type at a name,
 * following CNAMEs within the answer section, and the SOA carried in the
 * authority section of negative answers.
 */
import { rdataToText } from './rdata.ts';
import { CLASS, RCODE, TYPE, type DecodedMessage, type Message, type ResourceRecord } from './wire.ts';

export interface Answers {
  /** Presentation values (rdataToText) of the RRset at the end of the CNAME chain; empty when there is none. */
  readonly values: string[];
  /** CNAME targets followed, in order, lower-case absolute ("b.example.", "c.example."). Empty when the name had no CNAME. */
  readonly cnameChain: string[];
  /** Smallest TTL of the records in `values`; undefined when `values` is empty. */
  readonly ttl: number | undefined;
}

/** Longest CNAME chain followed; longer chains (or loops) stop there. */
const MAX_CHAIN = 16;

function lower(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

/**
 * The values of `type` at `name` in the answer section (class IN), following
 * CNAMEs found in the same section (unless `type` is CNAME itself, or ANY).
 * A chain that leaves the section ends with `values` empty and the last
 * target at the end of `cnameChain`: the caller asks the target's servers.
 */
export function answersFor(message: Pick<Message, 'answers'>, name: string, type: number): Answers {
  const inClass = message.answers.filter((rr) => rr.class === CLASS.IN);
  const cnameChain: string[] = [];
  let current = lower(name);
  const seen = new Set<string>([current]);
  for (;;) {
    const owner = current;
    const rrs = inClass.filter((rr) => lower(rr.name) === owner && (type === TYPE.ANY || rr.type === type));
    if (rrs.length > 0) {
      return {
        values: rrs.map((rr) => rdataToText(rr.type, rr.rdata)),
        cnameChain,
        ttl: Math.min(...rrs.map((rr) => rr.ttl)),
      };
    }
    if (type === TYPE.CNAME || cnameChain.length >= MAX_CHAIN) break;
    const cname = inClass.find((rr) => lower(rr.name) === owner && rr.type === TYPE.CNAME);
    if (cname === undefined) break;
    const target = lower(rdataToText(TYPE.CNAME, cname.rdata));
    cnameChain.push(target);
    if (seen.has(target)) break;
    seen.add(target);
    current = target;
  }
  return { values: [], cnameChain, ttl: undefined };
}

export interface SoaData {
  /** Owner of the SOA: the zone apex, lower-case absolute. */
  readonly zone: string;
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
  /** TTL of the SOA record as served. */
  readonly ttl: number;
}

/** Parse an SOA resource record. */
export function soaOf(rr: ResourceRecord): SoaData {
  const parts = rdataToText(TYPE.SOA, rr.rdata).split(' ');
  const n = (i: number): number => Number(parts[i]);
  return {
    zone: lower(rr.name),
    mname: parts[0] ?? '',
    rname: parts[1] ?? '',
    serial: n(2),
    refresh: n(3),
    retry: n(4),
    expire: n(5),
    minimum: n(6),
    ttl: rr.ttl,
  };
}

/** The SOA in the authority section (negative answers and NODATA carry the zone's SOA there). */
export function authoritySoa(message: Pick<DecodedMessage, 'authorities'>): SoaData | undefined {
  const rr = message.authorities.find((r) => r.type === TYPE.SOA && r.class === CLASS.IN);
  return rr === undefined ? undefined : soaOf(rr);
}

/**
 * How long a resolver may cache this negative answer (RFC 2308 §5): the
 * smaller of the authority SOA's TTL and its MINIMUM field; undefined without an SOA.
 */
export function negativeTtl(message: Pick<DecodedMessage, 'authorities'>): number | undefined {
  const soa = authoritySoa(message);
  return soa === undefined ? undefined : Math.min(soa.ttl, soa.minimum);
}

const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));

/** "NOERROR", "NXDOMAIN", ... or the number as text for codes without a name here. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? String(rcode);
}
