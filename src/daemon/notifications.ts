/**
 * What the daemon tells its notifiers beyond the DDNS pass's own events
 * (which src/ddns/pass.ts dispatches): called from the jobs in daemon.ts.
 *
 * - after each clock sync: `clock-skew` (clock-skew.ts), and in any case a
 *   dispatch, which flushes due rate-limit summaries at least every 15 min;
 * - after each DDNS pass: `credential-failing` from its records;
 * - after each renewal check: the certificate events of its outcomes,
 *   `credential-failing` from them, then the expiry check;
 * - daily (and after each renewal check): `certificate-expiring` (cert-expiry.ts).
 *
 * Events are stored in the event log before they are sent. Delivery
 * failures are logged, never thrown: a notifier that is down must not fail
 * or retry the job that produced the event.
 */
import type { Runtime } from '../cli/runtime.ts';
import type { RenewOutcome } from '../certs/service.ts';
import type { DdnsPassResult } from '../ddns/pass.ts';
import { dispatch } from '../notifiers/dispatch.ts';
import type { NotifyEvent } from '../notifiers/types.ts';
import type { Store } from '../store/store.ts';
import { expiringEvents } from './cert-expiry.ts';
import { SkewWatch } from './clock-skew.ts';
import { CredentialWatch, type ProviderUse } from './credential-watch.ts';
import type { Logger } from './log.ts';

export interface DaemonNotifications {
  afterClockSync(signal?: AbortSignal): Promise<void>;
  afterDdnsPass(r: DdnsPassResult, signal?: AbortSignal): Promise<void>;
  afterRenewals(outcomes: readonly RenewOutcome[], signal?: AbortSignal): Promise<void>;
  checkExpiry(signal?: AbortSignal): Promise<void>;
}

export function daemonNotifications(o: { readonly rt: Runtime; readonly store: Store; readonly log: Logger }): DaemonNotifications {
  const { rt, store, log } = o;
  const skew = new SkewWatch();
  const credentials = new CredentialWatch();
  const now = (): number => Math.floor(rt.clock.clock.now());

  const send = async (events: readonly NotifyEvent[], signal?: AbortSignal): Promise<void> => {
    const deliveries = await dispatch(events, rt.notifiers(), signal);
    for (const d of deliveries) {
      const line = { event: 'notify', notifier: d.notifier, kind: d.kind, subject: d.subject };
      if (d.error !== undefined) log.warn({ ...line, ok: false, error: d.error.toJSON() });
      else if (d.suppressed !== undefined) log.info({ ...line, suppressed: d.suppressed });
      else log.info({ ...line, ok: true });
    }
  };
  const stored = async (events: readonly NotifyEvent[]): Promise<readonly NotifyEvent[]> => {
    for (const e of events) await store.addEvent(e);
    return events;
  };
  const checkExpiry = async (signal?: AbortSignal): Promise<void> => send(await expiringEvents(store, now()), signal);

  return {
    async afterClockSync(signal) {
      const event = skew.check(rt.clock.clock.status(), rt.config.clock.skewThresholdMs);
      await send(await stored(event === undefined ? [] : [event]), signal);
    },
    async afterDdnsPass(r, signal) {
      const uses: ProviderUse[] = r.pass.records.flatMap((x) =>
        x.action === 'failed'
          ? [{ provider: x.provider, during: 'ddns' as const, affected: x.fqdn.replace(/\.$/, ''), ...(x.error === undefined ? {} : { error: x.error }) }]
          : x.action === 'updated' || x.read
            ? [{ provider: x.provider, during: 'ddns' as const, affected: x.fqdn.replace(/\.$/, '') }]
            : [],
      );
      await send(await stored(credentials.observe(uses, now())), signal);
    },
    async afterRenewals(outcomes, signal) {
      const uses: ProviderUse[] = outcomes.flatMap((x) =>
        x.provider === undefined || (x.error === undefined && !x.renewed) ? [] : [{ provider: x.provider, during: 'renewal' as const, affected: x.name, ...(x.error === undefined ? {} : { error: x.error }) }],
      );
      const events = [...outcomes.flatMap((x) => (x.event === undefined ? [] : [x.event])), ...(await stored(credentials.observe(uses, now())))];
      await send(events, signal);
      await checkExpiry(signal);
    },
    checkExpiry,
  };
}
