/**
 * Read-mostly routes behind requireAuth: status, clock, events, DDNS
 * records, certificates, providers (never a secret value: settings are
 * listed by name with `secret: true` instead), and the run-now actions.
 */
import { Hono } from 'hono';
import type { ClockStatus } from '../../clock/corrected-clock.ts';
import type { ZkConfig } from '../../config/load.ts';
import type { JobState, RunResult } from '../../daemon/scheduler.ts';
import type { ProviderTestReport } from '../../doctor/provider-test.ts';
import type { AppError } from '../../core/errors.ts';
import { REVOCATION_REASONS, type AdHocRequest } from '../../certs/service.ts';
import type { Store } from '../../store/store.ts';
import type { AuthEnv } from '../auth/middleware.ts';
import { errorResponse, webError } from '../http-errors.ts';

export interface StateRouteDeps {
  readonly store: Store;
  readonly version: string;
  readonly startedAt: number;
  clockStatus(): ClockStatus;
  config(): ZkConfig;
  jobs(): (JobState & { readonly running: boolean })[];
  runJob(name: string): Promise<RunResult>;
  testProvider(name: string, o: { zone?: string; readOnly: boolean }): Promise<ProviderTestReport>;
  /** Store (or with undefined remove) a provider entered through the API; see daemon.ts. Absent: read-only API. */
  saveProvider?(name: string, value: Record<string, unknown> | undefined): Promise<{ ok: boolean; errors: readonly AppError[]; conflict?: string }>;
  /** Issue / renew / revoke now (the daemon serialises them with its renewal job). Absent: read-only API. */
  readonly certificateActions?: {
    issue(r: { readonly configured?: string; readonly request: AdHocRequest }): Promise<Record<string, unknown>>;
    /** `caTrust`: roots file for a certificate issued ad hoc from a private CA (its trust path is not stored yet). */
    renew(name: string, force: boolean, caTrust?: string): Promise<Record<string, unknown>>;
    revoke(name: string, reason: number, caTrust?: string): Promise<Record<string, unknown>>;
  };
  /** Where a configured provider comes from: file, env, stored. */
  providerSource?(name: string): string | undefined;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function runJson(r: RunResult): Record<string, unknown> {
  return { ok: r.ok, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt), ...(r.error === undefined ? {} : { error: r.error.toJSON() }) };
}

export function stateRoutes(d: StateRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get('/api/status', async (c) => {
    const clock = d.clockStatus();
    const config = d.config();
    return c.json({
      version: d.version,
      startedAt: iso(d.startedAt),
      user: c.get('principal').username,
      clock: { now: clock.now, offsetMs: Math.round(clock.offsetMs), trusted: clock.trusted, basis: clock.basis.kind },
      jobs: d.jobs().map((j) => ({ name: j.name, running: j.running, nextRunAt: iso(j.nextRunAt), lastRunAt: iso(j.lastRunAt), lastSuccessAt: iso(j.lastSuccessAt), failures: j.failures, lastError: j.lastError ?? null })),
      counts: {
        providers: config.providers.size,
        ddnsRecords: config.ddns.records.length,
        certificates: (await d.store.listCertificates()).length,
      },
    });
  });

  app.get('/api/clock', (c) => c.json(d.clockStatus()));

  app.get('/api/events', async (c) => {
    try {
      const afterId = c.req.query('afterId');
      const limit = c.req.query('limit');
      const kinds = c.req.queries('kind');
      const events = await d.store.listEvents({
        ...(afterId === undefined ? {} : { afterId: Number(afterId) }),
        ...(limit === undefined ? {} : { limit: Number(limit) }),
        ...(kinds === undefined ? {} : { kinds }),
      });
      return c.json({ events: events.map((e) => ({ ...e, at: iso(e.at) })) });
    } catch (e) {
      return errorResponse(c, e);
    }
  });

  app.get('/api/records', async (c) => {
    const states = await d.store.listDdnsRecords();
    const desired = d.config().ddns.records;
    return c.json({
      records: desired.map((r) => {
        const s = states.find((x) => x.provider === r.provider && x.fqdn === r.fqdn.replace(/\.$/, '') && x.type === r.type);
        return {
          name: r.fqdn.replace(/\.$/, ''),
          type: r.type,
          provider: r.provider,
          ttl: r.ttl ?? null,
          values: s?.values ?? null,
          desired: s?.desired ?? null,
          confirmedAt: iso(s?.confirmedAt),
          updatedAt: iso(s?.updatedAt),
          lastError: s?.lastError ?? null,
        };
      }),
      addresses: { ipv4: (await d.store.getAddress('ipv4')) ?? null, ipv6: (await d.store.getAddress('ipv6')) ?? null },
    });
  });

  app.post('/api/ddns/sync', async (c) => c.json(runJson(await d.runJob('ddns'))));

  app.get('/api/certificates', async (c) =>
    c.json({
      certificates: (await d.store.listCertificates()).map((r) => ({
        name: r.name,
        domains: r.domains,
        provider: r.provider,
        ca: r.ca,
        keyType: r.keyType,
        notBefore: iso(r.notBefore),
        notAfter: iso(r.notAfter),
        serial: r.serial,
        nextRenewalAt: iso(r.nextRenewalAt),
        ariWindow: r.ariWindowStart === undefined ? null : { start: iso(r.ariWindowStart), end: iso(r.ariWindowEnd) },
        lastRenewedAt: iso(r.lastRenewedAt),
        lastError: r.lastError ?? null,
      })),
    }),
  );

  app.post('/api/certificates/renew', async (c) => c.json(runJson(await d.runJob('renewals'))));

  const actions = (): NonNullable<StateRouteDeps['certificateActions']> => {
    if (d.certificateActions === undefined) throw webError('WEB_BAD_REQUEST', { reason: 'this server does not change certificates' });
    return d.certificateActions;
  };
  const strings = (v: unknown, field: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw webError('WEB_BAD_REQUEST', { reason: `${field} must be a list of strings` });
    return v as string[];
  };
  const optional = (b: Record<string, unknown>, field: string): string | undefined => {
    const v = b[field];
    if (v !== undefined && typeof v !== 'string') throw webError('WEB_BAD_REQUEST', { reason: `${field} must be a string` });
    return v;
  };
  /** POST /api/certificates: {name} of a configured certificate, or {domains, provider, name?, ca?, caTrust?, key?, email?}: issue now. */
  app.post('/api/certificates', async (c) => {
    try {
      const v: unknown = await c.req.json().catch(() => undefined);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw webError('WEB_BAD_REQUEST', { reason: 'expected a JSON object' });
      const b = v as Record<string, unknown>;
      const domains = strings(b['domains'], 'domains');
      const name = optional(b, 'name');
      const fields: Record<string, string> = {};
      for (const f of ['name', 'provider', 'ca', 'caTrust', 'key', 'email', 'preferredChain'] as const) {
        const x = optional(b, f);
        if (x !== undefined) fields[f] = x;
      }
      const request: AdHocRequest = { ...fields, domains: domains ?? [] };
      const result = await actions().issue(domains === undefined ? { ...(name === undefined ? {} : { configured: name }), request } : { request });
      return c.json({ ok: true, ...result }, 201);
    } catch (e) {
      return errorResponse(c, e);
    }
  });
  app.post('/api/certificates/:name/renew', async (c) => {
    try {
      return c.json({ ok: true, ...(await actions().renew(c.req.param('name'), c.req.query('force') === 'true', c.req.query('caTrust'))) });
    } catch (e) {
      return errorResponse(c, e);
    }
  });
  app.post('/api/certificates/:name/revoke', async (c) => {
    try {
      const reasonName = c.req.query('reason') ?? 'unspecified';
      const reason = REVOCATION_REASONS[reasonName];
      if (reason === undefined) throw webError('WEB_BAD_REQUEST', { reason: `unknown revocation reason ${reasonName}` });
      return c.json({ ok: true, reason: reasonName, ...(await actions().revoke(c.req.param('name'), reason, c.req.query('caTrust'))) });
    } catch (e) {
      return errorResponse(c, e);
    }
  });

  app.get('/api/providers', (c) =>
    c.json({
      providers: [...d.config().providers.values()].map((p) => ({
        name: p.name,
        type: p.manifest.id,
        source: d.providerSource?.(p.name) ?? null,
        settings: p.manifest.fields.map((f) => ({ name: f.name, secret: f.secret })),
      })),
    }),
  );

  /**
   * PUT /api/providers/{name} {type, …settings}: create or replace a provider
   * kept in the store (sealed). 400 with the configuration errors when the
   * whole configuration would not load with it (nothing stored); 409 when the
   * file or the environment defines that provider. DELETE removes it (400
   * when something still uses it).
   */
  const save = async (name: string, value: Record<string, unknown> | undefined): Promise<{ status: 200 | 400 | 409 | 501; body: unknown }> => {
    if (d.saveProvider === undefined) return { status: 501, body: { error: webError('WEB_BAD_REQUEST', { reason: 'this server does not store providers' }).toJSON() } };
    const r = await d.saveProvider(name, value);
    if (r.conflict !== undefined) return { status: 409, body: { error: webError('WEB_BAD_REQUEST', { reason: `provider ${name} is defined by the ${r.conflict}; change it there` }).toJSON() } };
    if (!r.ok) return { status: 400, body: { errors: r.errors.map((e) => e.toJSON()) } };
    return { status: 200, body: { ok: true, name, source: value === undefined ? (d.providerSource?.(name) ?? null) : 'stored' } };
  };
  app.put('/api/providers/:name', async (c) => {
    const name = c.req.param('name');
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(name)) return errorResponse(c, webError('WEB_BAD_REQUEST', { reason: 'a provider name is letters, digits, - and _' }));
    const v: unknown = await c.req.json().catch(() => undefined);
    if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as Record<string, unknown>)['type'] !== 'string')
      return errorResponse(c, webError('WEB_BAD_REQUEST', { reason: 'expected a JSON object with the provider type and its settings' }));
    const r = await save(name, v as Record<string, unknown>);
    return c.json(r.body as object, r.status);
  });
  app.delete('/api/providers/:name', async (c) => {
    const r = await save(c.req.param('name'), undefined);
    return c.json(r.body as object, r.status);
  });

  app.post('/api/providers/:name/test', async (c) => {
    try {
      const name = c.req.param('name');
      if (!d.config().providers.has(name)) throw webError('PROVIDER_UNKNOWN', { name });
      const zone = c.req.query('zone');
      const report = await d.testProvider(name, { readOnly: c.req.query('readOnly') === 'true', ...(zone === undefined ? {} : { zone }) });
      return c.json({
        ok: report.ok,
        zone: report.zone ?? null,
        checks: report.checks.map(({ error, ...rest }) => ({ ...rest, ...(error === undefined ? {} : { error: error.toJSON() }) })),
      });
    } catch (e) {
      return errorResponse(c, e);
    }
  });
  return app;
}
