/**
 * The daemon: the composition root of `zonekeeper run` (and `npm start`).
 *
 * Starts, in order: the data directory (0700), the configuration (a missing
 * default file is an empty configuration), the runtime (trusted clock from
 * <data>/clock.json, SQLite store in <data>/zonekeeper.db), the scheduler
 * with its jobs, and the HTTP API on `config.listen` (`--listen` >
 * ZONEKEEPER_LISTEN > `listen:` > 127.0.0.1:9876).
 * While no admin account exists a one-time setup token is logged and
 * written to <data>/setup-token (0600); POST /api/setup needs it.
 *
 * Jobs (scheduler.ts: no overlap, jitter, backoff, catch-up after downtime):
 * - clock: NTP samples from `clock.ntp` every 15 min;
 * - ddns: one DDNS pass every `ddns.interval` (when records are configured);
 * - renewals: janitor, then renew what is due, hourly and at the earliest
 *   next renewal time (ARI windows);
 * - housekeeping: prune events older than 90 days and expired sessions, daily;
 * - expiry: certificate-expiring notifications, daily (also after renewals).
 * Notifications beyond the DDNS pass's own: notifications.ts.
 *
 * `stop()` (SIGTERM/SIGINT in `run`) stops the scheduler — running jobs see
 * their signal abort and clean up their challenge records — then the HTTP
 * server, then the store.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { GlobalOptions } from '../cli/args.ts';
import { configLoadOptions, loadRuntimeEffectiveConfig, openRuntime, type Runtime } from '../cli/runtime.ts';
import { reloadConfig } from '../config/reload.ts';
import type { StoredSettings } from '../config/provenance.ts';
import { formatPath } from '../config/setting-path.ts';
import { openSealedStore } from '../secrets/sealed-store.ts';
import type { Store } from '../store/store.ts';
import { adHocTarget, issueTarget, janitor, renewCertificates, resultJson, revokeCertificate, targetFromEntry } from '../certs/service.ts';
import type { CertificateEntry } from '../config/certificates.ts';
import { Semaphore } from '../core/limit.ts';
import { AppError } from '../core/errors.ts';
import { runDdnsPass } from '../ddns/pass.ts';
import { testProvider } from '../doctor/provider-test.ts';
import { createApp } from '../web/app.ts';
import { LoginThrottle } from '../web/auth/throttle.ts';
import { newSecret } from '../web/auth/tokens.ts';
import type { Logger } from './log.ts';
import { DaemonMetrics } from '../observability/daemon-metrics.ts';
import { configSecrets, keyTextForms, processSecrets } from '../observability/secret-values.ts';
import { Scheduler } from './scheduler.ts';
import { daemonNotifications } from './notifications.ts';

const HOUR = 3_600_000;
const EVENT_RETENTION_MS = 90 * 24 * HOUR;

export interface DaemonOptions {
  readonly global: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly version: string;
}

export interface Daemon {
  /** http://host:port of the API. */
  readonly url: string;
  readonly scheduler: Scheduler;
  /**
   * Read the configuration again (SIGHUP): a valid one replaces the running
   * one whole (providers and notifiers are made anew, so a replaced
   * credential takes effect at once; the listen address needs a restart);
   * an invalid one is refused with its errors and the running one stays.
   */
  reload(): Promise<{ readonly ok: boolean; readonly errors: readonly AppError[] }>;
  stop(): Promise<void>;
}

function listenOn(app: { fetch: (r: Request) => Response | Promise<Response> }, host: string, port: number): Promise<{ server: ReturnType<typeof serve>; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => resolve({ server, port: info.port }));
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new AppError('DAEMON_LISTEN_FAILED', { evidence: { listen: `${host}:${port}`, error: e.code ?? e.message } })),
    );
  });
}

/** The stored layer: every setting saved through the API, by dotted path (secret ones opened by the sealed store). */
async function storedOf(store: Pick<Store, 'listSettings'>): Promise<StoredSettings> {
  return new Map((await store.listSettings()).map((x) => [x.path, JSON.parse(x.value) as unknown]));
}

/** The stored layer before the runtime exists (the configuration decides nothing about the store's place). */
async function readStoredSettings(dataDir: string, env: NodeJS.ProcessEnv): Promise<StoredSettings> {
  const store = await openSealedStore({ dataDir, env });
  try {
    return await storedOf(store);
  } finally {
    await store.close();
  }
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const configured = (name: string): CertificateEntry => {
    const entry = rt.config.certificates.get(name);
    if (entry === undefined) throw new AppError('CERTIFICATE_NOT_FOUND', { evidence: { name, reason: 'not in the configuration' } });
    return entry;
  };
  const { log } = o;
  await mkdir(o.global.data, { recursive: true, mode: 0o700 });
  // Settings stored through the API (sealed in the store) are the `stored` layer under the file.
  const stored = await readStoredSettings(o.global.data, o.env);
  let effective = loadRuntimeEffectiveConfig(o.global, o.env, stored);
  const config = effective.config;
  // The log censors every configured secret value (and the key sealing them) wherever it turns up.
  processSecrets.set('config', configSecrets(config));
  processSecrets.set('env', keyTextForms(o.env['ZONEKEEPER_SECRET_KEY']));
  const metrics = new DaemonMetrics(o.version);
  const rt: Runtime = await openRuntime(o.global, config, undefined, { wrapProvider: metrics.meter });
  const store = await rt.store();
  await rt.syncClock();
  const startedAt = Math.floor(rt.clock.clock.now());

  // First run: a one-time token proves the person setting up can read the daemon's output or data directory.
  let setupToken: string | undefined;
  const tokenFile = join(o.global.data, 'setup-token');
  if ((await store.countUsers()) === 0) {
    setupToken = newSecret(24);
    processSecrets.set('setup', [setupToken]);
    await writeFile(tokenFile, `${setupToken}\n`, { mode: 0o600 });
    log.warn({ event: 'setup-needed', tokenFile }, `no admin account yet: open the API and POST /api/setup with the token in ${tokenFile}`);
  }

  const scheduler = new Scheduler({
    clock: rt.clock.clock,
    store,
    onRun: (job, r) => {
      metrics.jobRun(job, r);
      if (r.ok) log.info({ event: 'job', job, ok: true });
      else log.warn({ event: 'job', job, ok: false, error: r.error?.toJSON() });
    },
  });
  const logLine = (job: string) => (line: string) => log.info({ event: 'progress', job }, line);
  // One certificate change at a time: the renewal job and the API's issue / renew / revoke never overlap.
  const certificates = new Semaphore(1);
  const notify = daemonNotifications({ rt, store, log });

  await scheduler.add({
    name: 'clock',
    intervalMs: 15 * 60_000,
    run: async (signal) => {
      await rt.syncClock();
      await notify.afterClockSync(signal);
    },
  });
  await scheduler.add({
    name: 'ddns',
    // Read at every scheduling: a reload may change it.
    get intervalMs() {
      return rt.config.ddns.intervalMs;
    },
    get backoff() {
      return { initialMs: 30_000, maxMs: rt.config.ddns.intervalMs };
    },
    run: async (signal) => {
      const ddns = rt.config.ddns;
      if (ddns.records.length === 0) return;
      const r = await runDdnsPass(ddns, { clock: rt.clock.clock, http: rt.http, dns: rt.dns, store, provider: (name) => rt.provider(name).provider, notifiers: rt.notifiers(), signal }, { dryRun: false });
      await notify.afterDdnsPass(r, signal);
      for (const x of r.pass.records) if (x.action === 'updated' || x.action === 'failed') log.info({ event: 'ddns-record', fqdn: x.fqdn, type: x.type, provider: x.provider, action: x.action, before: x.before, after: x.after, error: x.error?.toJSON() });
      metrics.ddnsPass(r.pass.records);
      const failed = r.pass.records.find((x) => x.action === 'failed')?.error;
      if (failed !== undefined) throw failed;
      if (r.missingFamily !== undefined) throw (r.missingFamily === 4 ? r.detection.ipv4 : r.detection.ipv6)?.error ?? new AppError('IP_QUORUM_NOT_REACHED');
    },
  });
  await scheduler.add({
    name: 'renewals',
    intervalMs: HOUR,
    backoff: { initialMs: 5 * 60_000, maxMs: HOUR },
    run: (signal) => certificates.run(async () => {
      await janitor(rt, logLine('renewals'), signal);
      const outcomes = await renewCertificates(rt, { force: false, overrides: {}, dataDir: o.global.data, log: logLine('renewals'), signal });
      await notify.afterRenewals(outcomes, signal);
      metrics.renewals(outcomes);
      const due = outcomes.flatMap((x) => (x.nextRenewalAt === undefined ? [] : [x.nextRenewalAt]));
      const failed = outcomes.find((x) => x.error !== undefined)?.error;
      if (failed !== undefined) throw failed;
      return due.length === 0 ? {} : { nextRunAt: Math.min(...due) };
    }),
  });
  await scheduler.add({ name: 'expiry', intervalMs: 24 * HOUR, run: (signal) => notify.checkExpiry(signal) });
  await scheduler.add({
    name: 'housekeeping',
    intervalMs: 24 * HOUR,
    run: async () => {
      const now = Math.floor(rt.clock.clock.now());
      await store.pruneEvents(now - EVENT_RETENTION_MS);
      await store.pruneSessions(now);
    },
  });

  metrics.readFrom({ store, clock: rt.clock.clock, jobs: () => scheduler.states() });
  /** Load the configuration again over `storedNow` and swap it in whole, or refuse it and keep the running one. */
  const apply = (storedNow: StoredSettings): { ok: boolean; errors: readonly AppError[] } => {
    const r = reloadConfig(effective, configLoadOptions(o.global, o.env, storedNow));
    if (!r.ok) {
      log.error({ event: 'reload-refused', errors: r.errors.map((e) => e.toJSON()) }, 'the new configuration is invalid; the running one stays');
      return { ok: false, errors: r.errors };
    }
    effective = r.config;
    processSecrets.set('config', configSecrets(r.config.config));
    rt.reconfigure(r.config.config);
    log.info({ event: 'reloaded', config: r.config.config.file ?? null }, 'configuration reloaded');
    // A DDNS pass at once on the new configuration.
    void scheduler.runNow('ddns');
    return { ok: true, errors: [] };
  };
  /**
   * A provider entered through the API: validated with the whole
   * configuration first (nothing is stored when the result would not load),
   * then stored sealed as one secret setting `providers.<name>`, then applied
   * — every record and certificate using it gets the new credential at once.
   * `undefined` removes it. A provider the file (or env) defines is theirs.
   */
  const saveProvider = async (name: string, value: Record<string, unknown> | undefined): Promise<{ ok: boolean; errors: readonly AppError[]; conflict?: string }> => {
    const path = formatPath(['providers', name]);
    const owner = effective.settings.find((x) => x.path === `${path}.type`)?.source;
    if (owner !== undefined && owner !== 'stored') return { ok: false, errors: [], conflict: owner };
    const next = new Map(await storedOf(store));
    if (value === undefined) next.delete(path);
    else next.set(path, value);
    const check = reloadConfig(effective, configLoadOptions(o.global, o.env, next));
    if (!check.ok) return { ok: false, errors: check.errors };
    if (value === undefined) await store.deleteSetting(path);
    else await store.saveSetting({ path, value: JSON.stringify(value), secret: true, updatedAt: Math.floor(rt.clock.clock.now()) });
    return apply(next);
  };

  const app = createApp({
    certificateActions: {
      issue: (r) =>
        certificates.run(async () => {
          const target = r.configured === undefined ? adHocTarget(rt.config, r.request) : targetFromEntry(configured(r.configured));
          await janitor(rt, logLine('api'));
          return resultJson(await issueTarget(rt, o.global.data, target, logLine('api')));
        }),
      renew: (name, force, caTrust) =>
        certificates.run(async () => {
          const [outcome] = await renewCertificates(rt, { names: [name], force, overrides: caTrust === undefined ? {} : { caTrust }, dataDir: o.global.data, log: logLine('api') });
          if (outcome?.error !== undefined) throw outcome.error;
          return outcome?.json ?? {};
        }),
      revoke: (name, reason, caTrust) => certificates.run(async () => ({ name, serial: (await revokeCertificate(rt, o.global.data, name, reason, caTrust === undefined ? {} : { caTrust })).serial })),
    },
    saveProvider,
    providerSource: (name) => effective.settings.find((x) => x.path === `${formatPath(['providers', name])}.type`)?.source,
    metrics: () => metrics.expose(),
    log,
    store,
    clock: rt.clock.clock,
    throttle: new LoginThrottle(rt.clock.clock),
    setupToken: () => setupToken,
    // Setup done: forget the token and its file.
    setupDone: async () => {
      setupToken = undefined;
      await rm(tokenFile, { force: true });
    },
    secureCookies: true,
    version: o.version,
    startedAt,
    clockStatus: () => rt.clock.clock.status(),
    config: () => rt.config,
    jobs: () => scheduler.states(),
    runJob: (name) => scheduler.runNow(name),
    testProvider: (name, t) => testProvider({ provider: rt.provider(name).provider, readOnly: t.readOnly, clock: rt.clock.clock, ...(t.zone === undefined ? {} : { zone: t.zone }) }),
  });

  let listening: Awaited<ReturnType<typeof listenOn>>;
  try {
    listening = await listenOn(app, config.listen.host, config.listen.port);
  } catch (e) {
    await scheduler.stop(5000);
    await rt.close();
    throw e;
  }
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `http://${host}:${listening.port}`;
  log.info({ event: 'listening', url, data: o.global.data, config: config.file ?? null }, `zonekeeper ${o.version} listening on ${url}`);

  return {
    url,
    scheduler,
    async reload() {
      return apply(await storedOf(store));
    },
    async stop() {
        const { finished } = await scheduler.stop(30_000);
      if (!finished) log.warn({ event: 'stop', finished }, 'a job did not finish in 30 s; its journal entries are cleaned at the next start');
      await new Promise<void>((resolve) => listening.server.close(() => resolve()));
      await rt.close();
      log.info({ event: 'stopped' }, 'stopped');
    },
  };
}
