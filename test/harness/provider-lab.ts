/**
 * Every HTTP provider zonekeeper has, each on its own test server, for tests
 * that drive all of them the same way (the CLI skew matrix, certificate
 * issuance):
 * - one real BIND bed (a lone primary) serving one zone per emulated
 *   provider: tencentcloud, alidns, dnsmadeeasy, route53, huaweicloud and
 *   cloudflare on their emulators (test/emulators/), webhook on
 *   webhook-receiver.ts; each writes its changes into BIND;
 * - powerdns on a real pdns-server (powerdns.ts), behind a counting proxy
 *   (http-count-proxy.ts), serving its zone itself.
 *
 * Each `LabProvider` gives the provider settings for a zonekeeper.yaml
 * (credentials, endpoint, trust file, `zone`), the authoritative server of
 * its zone, its vendor's clock window, and request counters read at the
 * server (not from our code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorrectedClock } from '../../src/clock/corrected-clock.ts';
import { systemClock } from '../../src/clock/system-clock.ts';
import { rfc2136Manifest } from '../../src/providers/rfc2136/manifest.ts';
import { startAlidnsEmulator } from '../emulators/alidns.ts';
import { startCloudflareEmulator } from '../emulators/cloudflare.ts';
import { startDmeEmulator } from '../emulators/dnsmadeeasy.ts';
import { startHuaweiEmulator } from '../emulators/huaweicloud.ts';
import { startRoute53Emulator } from '../emulators/route53.ts';
import { startTencentEmulator } from '../emulators/tencent.ts';
import { KEY_FULL, startBind, stopBind, type BindBed, type ServerAddress } from './bind.ts';
import { startHttpCountProxy } from './http-count-proxy.ts';
import { PDNS_ZONE, startPowerDns } from './powerdns.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

export const LAB_PROVIDER_IDS = ['tencentcloud', 'alidns', 'dnsmadeeasy', 'route53', 'huaweicloud', 'cloudflare', 'powerdns', 'webhook'] as const;
export type LabProviderId = (typeof LAB_PROVIDER_IDS)[number];

export interface LabProvider {
  readonly id: LabProviderId;
  /** The zone the provider manages, without trailing dot. */
  readonly zone: string;
  /** The zone's authoritative server (BIND primary, or pdns itself). */
  readonly dns: ServerAddress;
  /** Settings of the provider in zonekeeper.yaml, `type` and `zone` included. */
  readonly settings: Readonly<Record<string, unknown>>;
  /**
   * How far the time a request carries may be from the server's before the
   * server refuses it, ms (the vendor's window, vectors README); undefined
   * when no request carries a time the server checks.
   */
  readonly windowMs: number | undefined;
  /** The server answers over HTTPS, so its `Date` header teaches the clock the time. */
  readonly https: boolean;
  /** Requests the server received since the last reset, refused ones included. */
  requests(): number;
  /** Requests the server refused for their time (its skew signal) since the last reset. */
  skewRefusals(): number;
  reset(): void;
}

export interface ProviderLab {
  readonly bed: BindBed;
  readonly providers: ReadonlyMap<LabProviderId, LabProvider>;
  provider(id: LabProviderId): LabProvider;
  stop(): Promise<void>;
}

const MIN = 60_000;

/** Zone of each provider on the BIND bed (powerdns keeps its own). */
const ZONES: Readonly<Record<Exclude<LabProviderId, 'powerdns'>, string>> = {
  tencentcloud: 'tc.test',
  alidns: 'ali.test',
  dnsmadeeasy: 'dme.test',
  route53: 'r53.test',
  huaweicloud: 'hw.test',
  cloudflare: 'cf.test',
  webhook: 'hook.test',
};

/** Start every provider's server; trust files go into `dir`. Stops what started if any start fails. */
export async function startProviderLab(dir: string): Promise<ProviderLab> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.splice(0).toReversed()) await s().catch(() => undefined);
  };
  try {
    const bed = await startBind({ secondaries: 0, zones: Object.values(ZONES).map((name) => ({ name, records: ['@ A 192.0.2.1'] })) });
    stops.push(() => stopBind(bed));
    const primary = bed.primary;
    const trust = (name: string, pem: string): string => {
      const file = join(dir, `${name}-root.pem`);
      writeFileSync(file, pem);
      return file;
    };
    const providers = new Map<LabProviderId, LabProvider>();
    const add = (p: LabProvider): void => {
      providers.set(p.id, p);
    };

    const tcKey = { secretId: 'AKIDlab00000000000000000000000000000', secretKey: 'lab-secret-key-00000000000000000' };
    const aliKey = { accessKeyId: 'LTAIlab000000000000000', accessKeySecret: 'lab-access-key-secret-000000000' };
    const dmeKey = { apiKey: '11111111-2222-3333-4444-555555555555', secretKey: '66666666-7777-8888-9999-000000000000' };
    const r53Key = { accessKeyId: 'AKIALAB0000000000000', secretAccessKey: 'lab/secret/access/key/000000000000000000' };
    const hwKey = { accessKeyId: 'HWLABAK00000000000000', secretAccessKey: 'lab-huawei-secret-access-key-000000000000' };
    const cfToken = 'cf-lab-token_0123456789abcdef';
    const hook = { token: 'hook-lab-token_0123456789', hmacSecret: 'hook-lab-hmac-secret_abcdef' };

    const [tc, ali, dme, r53, hw, receiver, pdns] = await Promise.all([
      startTencentEmulator({ bed, keys: [tcKey] }),
      startAlidnsEmulator({ bed, keys: [aliKey] }),
      startDmeEmulator({ bed, keys: [dmeKey] }),
      startRoute53Emulator({ bed, keys: [r53Key] }),
      startHuaweiEmulator({ bed, keys: [hwKey] }),
      startWebhookReceiver({ bed, ...hook }),
      startPowerDns(),
    ]);
    stops.push(() => tc.close(), () => ali.close(), () => dme.close(), () => r53.close(), () => hw.close(), () => receiver.close(), () => pdns.stop());
    const key = bed.keys[KEY_FULL];
    if (key === undefined) throw new Error('bed has no full key');
    const bind = rfc2136Manifest.create(
      rfc2136Manifest.parse({ server: `${primary.host}:${primary.port}`, tsig: { name: key.name, algorithm: key.algorithm, secret: key.secret }, timeout: 5000 }, 'lab'),
      { clock: new CorrectedClock({ system: systemClock }), dns: { resolvers: [], nameservers: new Map(), timeoutMs: 2000 } },
    );
    const cf = await startCloudflareEmulator({ bind, zones: [`${ZONES.cloudflare}.`], tokens: [cfToken] });
    stops.push(() => cf.close());
    const proxy = await startHttpCountProxy(pdns.apiUrl);
    stops.push(() => proxy.close());

    const common = { https: true, dns: primary };
    add({
      ...common,
      id: 'tencentcloud',
      zone: ZONES.tencentcloud,
      settings: { type: 'tencentcloud', ...tcKey, endpoint: tc.endpoint, trust: trust('tencent', tc.rootPem), zone: ZONES.tencentcloud },
      windowMs: 5 * MIN,
      requests: () => tc.count(),
      skewRefusals: () => tc.errors.get('AuthFailure.SignatureExpire') ?? 0,
      reset: () => tc.reset(),
    });
    add({
      ...common,
      id: 'alidns',
      zone: ZONES.alidns,
      settings: { type: 'alidns', ...aliKey, endpoint: ali.endpoint, trust: trust('alidns', ali.rootPem), zone: ZONES.alidns },
      windowMs: 15 * MIN,
      requests: () => ali.count(),
      skewRefusals: () => ali.errors.get('InvalidTimeStamp.Expired') ?? 0,
      reset: () => ali.reset(),
    });
    add({
      ...common,
      id: 'dnsmadeeasy',
      zone: ZONES.dnsmadeeasy,
      settings: { type: 'dnsmadeeasy', ...dmeKey, endpoint: dme.endpoint, trust: trust('dme', dme.rootPem), zone: ZONES.dnsmadeeasy },
      windowMs: 30_000,
      requests: () => dme.count(),
      skewRefusals: () => dme.errors.get('skew') ?? 0,
      reset: () => dme.reset(),
    });
    add({
      ...common,
      id: 'route53',
      zone: ZONES.route53,
      settings: { type: 'route53', ...r53Key, endpoint: r53.endpoint, trust: trust('route53', r53.rootPem), zone: ZONES.route53 },
      windowMs: 5 * MIN,
      requests: () => r53.count(),
      skewRefusals: () => r53.skewNows.length,
      reset: () => r53.reset(),
    });
    add({
      ...common,
      id: 'huaweicloud',
      zone: ZONES.huaweicloud,
      settings: { type: 'huaweicloud', ...hwKey, endpoint: hw.endpoint, trust: trust('huawei', hw.rootPem), zone: ZONES.huaweicloud },
      windowMs: 15 * MIN,
      requests: () => hw.count(),
      skewRefusals: () => hw.errors.get('APIGW.0301 expired') ?? 0,
      reset: () => hw.reset(),
    });
    let cfSeen = 0;
    add({
      ...common,
      id: 'cloudflare',
      zone: ZONES.cloudflare,
      settings: { type: 'cloudflare', apiToken: cfToken, endpoint: cf.endpoint, trust: trust('cloudflare', cf.caPem), zone: ZONES.cloudflare },
      windowMs: undefined,
      requests: () => cf.log.length - cfSeen,
      skewRefusals: () => 0,
      reset: () => {
        cfSeen = cf.log.length;
      },
    });
    add({
      ...common,
      id: 'webhook',
      zone: ZONES.webhook,
      settings: { type: 'webhook', zone: ZONES.webhook, trust: trust('webhook', receiver.rootPem), ...receiver.callSettings() },
      windowMs: 5 * MIN,
      requests: () => receiver.count(),
      skewRefusals: () => receiver.refused.get('timestamp') ?? 0,
      reset: () => receiver.reset(),
    });
    add({
      id: 'powerdns',
      zone: PDNS_ZONE.replace(/\.$/, ''),
      dns: { host: '127.0.0.1', port: pdns.dnsPort },
      https: false,
      settings: { type: 'powerdns', endpoint: proxy.url, apiKey: pdns.apiKey, zone: PDNS_ZONE.replace(/\.$/, '') },
      windowMs: undefined,
      requests: () => proxy.count(),
      skewRefusals: () => 0,
      reset: () => proxy.reset(),
    });
    return {
      bed,
      providers,
      provider: (id) => {
        const p = providers.get(id);
        if (p === undefined) throw new Error(`no lab provider ${id}`);
        return p;
      },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

export interface LabConfigOptions {
  /** `clock.ntp` entries ("host:port"). */
  readonly ntp?: readonly string[];
  /** Name of the provider in the file; default "p". */
  readonly name?: string;
}

/**
 * A zonekeeper.yaml with `p`'s zone served by its authoritative server
 * (nothing asks the machine's resolver) and `p` as provider `name`.
 */
export function writeLabProviderConfig(file: string, p: LabProvider, o: LabConfigOptions = {}): string {
  const lines = [
    ...(o.ntp === undefined ? [] : ['clock:', `  ntp: ${JSON.stringify(o.ntp)}`]),
    'dns:',
    '  resolvers: []',
    '  nameservers:',
    `    ${p.zone}: [${JSON.stringify(`${p.dns.host}:${p.dns.port}`)}]`,
    'providers:',
    `  ${o.name ?? 'p'}:`,
    // JSON is YAML: nested settings (webhook calls) need no YAML writer.
    ...Object.entries(p.settings).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}
