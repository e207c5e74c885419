/**
 * Text of the BIND test bed: TSIG keys, zone files and named.conf for a
 * primary and its secondaries. Pure functions; bind.ts runs the processes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface TsigKey {
  readonly name: string;
  /** BIND/RFC 8945 algorithm name, e.g. `hmac-sha256`. */
  readonly algorithm: string;
  /** Base64 of 32 random bytes, new for every bed. */
  readonly secret: string;
}

export interface ZoneSpec {
  /** Zone apex without trailing dot, e.g. `example.test`. */
  readonly name: string;
  /**
   * Zone-file lines added after the SOA and NS records, relative to the apex
   * (`$ORIGIN` is the zone), e.g. `"www 300 IN A 192.0.2.5"`.
   */
  readonly records: readonly string[];
}

/** Negative-caching TTL (SOA minimum) of every bed zone, seconds. */
export const NEGATIVE_TTL = 30;
/** Default TTL of records in the bed zones, seconds. */
export const DEFAULT_TTL = 300;

/**
 * The zones every bed serves. SOA MNAME and the only NS are `localhost.`
 * (a name that must never send anyone to the internet; see testbed.md §7).
 * `_acme-challenge.cname.example.test` is a CNAME to `cname.delegated.test.`,
 * which does not exist until a test adds a record there.
 */
export const DEFAULT_ZONES: readonly ZoneSpec[] = [
  {
    name: 'example.test',
    records: [
      '@ A 192.0.2.1',
      'a A 192.0.2.10',
      'a AAAA 2001:db8::10',
      'b A 192.0.2.11',
      'cname A 192.0.2.12',
      '_acme-challenge.cname CNAME cname.delegated.test.',
    ],
  },
  { name: 'delegated.test', records: ['@ A 192.0.2.2'] },
];

/** Key names: full access (sha256), full access (sha512), TXT only (sha256). */
export const KEY_FULL = 'zk-key';
export const KEY_FULL_512 = 'zk-key512';
export const KEY_TXT_ONLY = 'txt-only';

export function generateKeys(): TsigKey[] {
  const secret = (): string => randomBytes(32).toString('base64');
  return [
    { name: KEY_FULL, algorithm: 'hmac-sha256', secret: secret() },
    { name: KEY_FULL_512, algorithm: 'hmac-sha512', secret: secret() },
    { name: KEY_TXT_ONLY, algorithm: 'hmac-sha256', secret: secret() },
  ];
}

export function zoneFileText(z: ZoneSpec): string {
  return [
    `$ORIGIN ${z.name}.`,
    `$TTL ${DEFAULT_TTL}`,
    `@ IN SOA localhost. hostmaster.${z.name}. 1 3600 600 86400 ${NEGATIVE_TTL}`,
    '@ IN NS localhost.',
    ...z.records,
    '',
  ].join('\n');
}

export function zoneFileName(zone: string): string {
  return `${zone}.db`;
}

function keysText(keys: readonly TsigKey[]): string {
  return keys.map((k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };`).join('\n');
}

/** Options and logging shared by primary and secondaries. */
function commonText(dir: string, port: number, keys: readonly TsigKey[], extraOptions: readonly string[]): string {
  const q = (f: string): string => JSON.stringify(join(dir, f));
  return `options {
  directory ${q('')};
  pid-file ${q('named.pid')};
  lock-file ${q('named.lock')};
  session-keyfile ${q('session.key')};
  managed-keys-directory ${q('')};
  dump-file ${q('named_dump.db')};
  statistics-file ${q('named.stats')};
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 port ${port} { ::1; };
  recursion no;
  dnssec-validation no;
  querylog yes;
  empty-zones-enable no;
  automatic-interface-scan no;
  check-names primary ignore;
  check-names secondary ignore;
  notify-source 127.0.0.1;
  transfer-source 127.0.0.1;
  notify-source-v6 ::1;
  transfer-source-v6 ::1;
${extraOptions.map((l) => `  ${l}`).join('\n')}
};
controls { };
${keysText(keys)}
logging {
  channel bed {
    file ${q('named.run')};
    print-time yes;
    print-category yes;
    print-severity yes;
    severity info;
  };
  category default { bed; };
  category general { bed; };
  category queries { bed; };
  category security { bed; };
  category update { bed; };
  category update-security { bed; };
  category notify { bed; };
  category xfer-in { bed; };
  category xfer-out { bed; };
};
`;
}

export interface PrimaryConfInput {
  readonly dir: string;
  readonly port: number;
  readonly keys: readonly TsigKey[];
  readonly zones: readonly ZoneSpec[];
  /** Ports of the secondaries on 127.0.0.1; NOTIFY goes to exactly these. */
  readonly notifyPorts: readonly number[];
}

export function primaryConf(i: PrimaryConfInput): string {
  const notify =
    i.notifyPorts.length === 0
      ? ['notify no;']
      : [
          // `explicit`: only also-notify, never the NS set (NS is localhost.).
          'notify explicit;',
          'notify-delay 0;',
          `also-notify { ${i.notifyPorts.map((p) => `127.0.0.1 port ${p};`).join(' ')} };`,
        ];
  const options = [...notify, `allow-transfer { key "${KEY_FULL}"; 127.0.0.1; ::1; };`];
  const zones = i.zones.map(
    (z) => `zone "${z.name}" {
  type primary;
  file ${JSON.stringify(zoneFileName(z.name))};
  update-policy {
    grant ${KEY_FULL} zonesub ANY;
    grant ${KEY_FULL_512} zonesub ANY;
    grant ${KEY_TXT_ONLY} zonesub TXT;
  };
};`,
  );
  return `${commonText(i.dir, i.port, i.keys, options)}\n${zones.join('\n')}\n`;
}

export interface SecondaryConfInput {
  readonly dir: string;
  readonly port: number;
  readonly keys: readonly TsigKey[];
  readonly zones: readonly ZoneSpec[];
  readonly primaryPort: number;
}

export function secondaryConf(i: SecondaryConfInput): string {
  const options = ['notify no;', 'allow-transfer { none; };', 'masterfile-format text;'];
  const zones = i.zones.map(
    (z) => `zone "${z.name}" {
  type secondary;
  primaries port ${i.primaryPort} { 127.0.0.1 key "${KEY_FULL}"; };
  file ${JSON.stringify(zoneFileName(z.name))};
};`,
  );
  return `${commonText(i.dir, i.port, i.keys, options)}\n${zones.join('\n')}\n`;
}
