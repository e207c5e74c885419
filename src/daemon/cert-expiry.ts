/**
 * The `certificate-expiring` event: a stored certificate's notAfter is
 * within 14, 7, 3 or 1 day(s) (or past). Each threshold is said once per
 * certificate serial, deduplicated through the event log, so restarts do
 * not repeat it; when several thresholds passed unseen (the daemon was
 * down), only the nearest is said. A renewed certificate has a new serial
 * and starts afresh. Thresholds are measured on the trusted clock.
 */
import type { NotifyEvent } from '../notifiers/types.ts';
import type { CertificateRecord, EventQuery, EventRecord, NewEvent } from '../store/store.ts';

export const EXPIRY_THRESHOLDS_DAYS: readonly number[] = [1, 3, 7, 14];
const DAY_MS = 86_400_000;
const PAGE = 1000;

export interface ExpiryStore {
  listCertificates(): Promise<readonly CertificateRecord[]>;
  listEvents(q?: EventQuery): Promise<readonly EventRecord[]>;
  addEvent(e: NewEvent): Promise<EventRecord>;
}

/** The smallest threshold the remaining time is within; undefined when more than 14 days are left. */
export function thresholdFor(msLeft: number): number | undefined {
  return EXPIRY_THRESHOLDS_DAYS.find((d) => msLeft <= d * DAY_MS);
}

/** serial → the smallest threshold already said for it. */
async function saidBefore(store: ExpiryStore): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let afterId: number | undefined;
  for (;;) {
    const page = await store.listEvents({ kinds: ['certificate-expiring'], limit: PAGE, ...(afterId === undefined ? {} : { afterId }) });
    for (const e of page) {
      const serial = e.data['serial'];
      const threshold = e.data['threshold'];
      if (typeof serial !== 'string' || typeof threshold !== 'number') continue;
      out.set(serial, Math.min(threshold, out.get(serial) ?? Number.POSITIVE_INFINITY));
    }
    if (page.length < PAGE) return out;
    afterId = page[page.length - 1]?.id;
  }
}

/** Store and return the expiry events due at `now` (trusted epoch ms). */
export async function expiringEvents(store: ExpiryStore, now: number): Promise<NotifyEvent[]> {
  const near = (await store.listCertificates()).flatMap((c) => {
    const threshold = thresholdFor(c.notAfter - now);
    return threshold === undefined ? [] : [{ c, threshold }];
  });
  if (near.length === 0) return [];
  const said = await saidBefore(store);
  const out: NotifyEvent[] = [];
  for (const { c, threshold } of near) {
    if ((said.get(c.serial) ?? Number.POSITIVE_INFINITY) <= threshold) continue;
    const event: NotifyEvent = {
      kind: 'certificate-expiring',
      subject: c.name,
      at: now,
      data: {
        domains: [...c.domains],
        serial: c.serial,
        notAfter: new Date(c.notAfter).toISOString(),
        daysLeft: Math.round(((c.notAfter - now) / DAY_MS) * 100) / 100,
        threshold,
        ...(c.lastError === undefined ? {} : { lastError: { code: c.lastError.code, evidence: c.lastError.evidence } }),
      },
    };
    await store.addEvent(event);
    out.push(event);
  }
  return out;
}
