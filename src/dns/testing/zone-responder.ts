/**
 * A toy name server for unit tests, to run inside `startFakeDns`: answers
 * from a list of records for a set of zones, like an authoritative server
 * (AA, referrals below NS cuts, NXDOMAIN/NODATA with the zone's SOA in the
 * authority section, REFUSED outside its zones) or, with `chase`, like a
 * resolver that follows CNAMEs it knows. Test support only.
 */
import { rdataFromText, typeCode } from '../rdata.ts';
import { CLASS, FLAG, RCODE, TYPE, type DecodedMessage, type ResourceRecord } from '../wire.ts';
import { replyTo, type FakeReply, type FakeRequest } from './fake-dns-server.ts';

export interface FakeRecord {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly ttl?: number;
}

export interface ResponderOptions {
  /** Set AA on answers from the zones; default true. */
  readonly aa?: boolean;
  /** Follow CNAMEs into other served names (as BIND does for its own zones, and resolvers always); default true. */
  readonly chase?: boolean;
  /** Override TTLs at answer time (e.g. a counting-down cache). */
  readonly ttlOf?: (rr: FakeRecord) => number;
}

const abs = (n: string): string => (n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.`);
const inZone = (n: string, z: string): boolean => n === z || n.endsWith(`.${z}`);

function soaFor(zone: string): FakeRecord {
  return { name: zone, type: 'SOA', value: '', ttl: 300 };
}

export function zoneResponder(zones: readonly string[], records: readonly FakeRecord[], o: ResponderOptions = {}): (req: FakeRequest) => FakeReply[] {
  const apexes = zones.map(abs);
  const data = records.map((r) => ({ ...r, name: abs(r.name) }));
  const toRr = (r: FakeRecord): ResourceRecord => {
    const type = typeCode(r.type);
    const ttl = o.ttlOf?.(r) ?? r.ttl ?? 300;
    if (type === TYPE.SOA) {
      const nums = Buffer.alloc(20);
      [1, 3600, 600, 86400, 30].forEach((v, i) => nums.writeUInt32BE(v, i * 4));
      const rdata = Buffer.concat([rdataFromText(TYPE.NS, `ns.${r.name}`), rdataFromText(TYPE.NS, `hostmaster.${r.name}`), nums]);
      return { name: r.name, type, class: CLASS.IN, ttl, rdata };
    }
    return { name: r.name, type, class: CLASS.IN, ttl, rdata: rdataFromText(type, r.value) };
  };

  const answer = (m: DecodedMessage): Buffer => {
    const q = m.questions[0];
    if (q === undefined) return replyTo(m, { flags: FLAG.QR | RCODE.FORMERR });
    const qname = abs(q.name);
    const zone = apexes.filter((z) => inZone(qname, z)).sort((a, b) => b.length - a.length)[0];
    if (zone === undefined) return replyTo(m, { flags: FLAG.QR | (m.flags & FLAG.RD) | RCODE.REFUSED });
    const aa = o.aa === false ? 0 : FLAG.AA;
    const flags = FLAG.QR | (m.flags & FLAG.RD) | (o.chase === false ? 0 : FLAG.RA);
    // A delegation between the apex and the name (the name itself included).
    const cut = data.find((r) => r.type === 'NS' && r.name !== zone && !apexes.includes(r.name) && inZone(qname, r.name) && inZone(r.name, zone));
    if (cut !== undefined)
      return replyTo(m, { flags, authorities: data.filter((r) => r.type === 'NS' && r.name === cut.name).map(toRr) });
    const answers: ResourceRecord[] = [];
    let name = qname;
    for (let hops = 0; hops < 8; hops++) {
      const exact = data.filter((r) => r.name === name && typeCode(r.type) === q.type);
      const soa = q.type === TYPE.SOA && apexes.includes(name) ? [soaFor(name)] : [];
      if (exact.length + soa.length > 0) {
        answers.push(...[...soa, ...exact].map(toRr));
        return replyTo(m, { flags: flags | aa, answers });
      }
      const cname = data.find((r) => r.name === name && r.type === 'CNAME');
      if (cname === undefined || q.type === TYPE.CNAME) break;
      answers.push(toRr(cname));
      name = abs(cname.value);
      if (o.chase === false || !apexes.some((z) => inZone(name, z))) return replyTo(m, { flags: flags | aa, answers });
    }
    const nameZone = apexes.filter((z) => inZone(name, z)).sort((a, b) => b.length - a.length)[0] ?? zone;
    const exists = apexes.includes(name) || data.some((r) => inZone(r.name, name));
    return replyTo(m, {
      flags: flags | aa | (exists ? RCODE.NOERROR : RCODE.NXDOMAIN),
      answers,
      authorities: [toRr(soaFor(nameZone))],
    });
  };
  return (req) => [{ bytes: answer(req.message) }];
}
