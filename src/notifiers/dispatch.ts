/**
 * Send events to the notifiers that want them.
 *
 * Per notifier, in order: first the summary of what its rate limit held
 * back (when due, see limiter.ts), then every event it subscribes to that
 * the limiter admits, each rendered in the notifier's language by the
 * injected renderer. Notifiers run concurrently; one notifier's messages go
 * out one after the other (so a person reads them in order and a vendor's
 * per-minute limit is not hit by a burst).
 *
 * Every admitted (event, notifier) pair is tried once; failures come back
 * as data, never thrown (a notifier being down must not fail the work that
 * produced the event). Held-back events come back too, with `suppressed`.
 * Dispatching no events still sends due summaries.
 */
import { toAppError, type AppError } from '../core/errors.ts';
import type { NotifierEntry } from './config.ts';
import type { NotifyLimiter } from './limiter.ts';
import type { EventRenderer, Notifier, NotifyEvent } from './types.ts';

/** The configured notifiers with what dispatch needs around them; built by the runtime. */
export interface NotifierSet {
  readonly entries: ReadonlyMap<string, { readonly entry: NotifierEntry; readonly notifier: Notifier }>;
  readonly render: EventRenderer;
  /** Kept across reloads (the runtime owns one per process). */
  readonly limiter: NotifyLimiter;
}

export interface Delivery {
  readonly notifier: string;
  readonly kind: string;
  readonly subject: string;
  readonly error?: AppError;
  /** Not sent: the same content was sent less than `minInterval` ago, or the hourly limit is reached. */
  readonly suppressed?: 'duplicate' | 'rate-limited';
}

async function deliver(entry: NotifierEntry, notifier: Notifier, set: NotifierSet, e: NotifyEvent, signal: AbortSignal | undefined): Promise<Delivery> {
  const base = { notifier: entry.name, kind: e.kind, subject: e.subject };
  try {
    await notifier.send(e, set.render(e, entry.lang), signal);
    return base;
  } catch (err) {
    set.limiter.failed(entry.name, e);
    return { ...base, error: toAppError(err) };
  }
}

async function toOne(entry: NotifierEntry, notifier: Notifier, set: NotifierSet, events: readonly NotifyEvent[], signal: AbortSignal | undefined): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const summary = set.limiter.summaryDue(entry.name);
  if (summary !== undefined) out.push(await deliver(entry, notifier, set, summary, signal));
  for (const e of events) {
    if (entry.events.length > 0 && !entry.events.includes(e.kind)) continue;
    const admission = set.limiter.admit(entry.name, entry, e);
    if (admission !== 'send') {
      out.push({ notifier: entry.name, kind: e.kind, subject: e.subject, suppressed: admission });
      continue;
    }
    out.push(await deliver(entry, notifier, set, e, signal));
  }
  return out;
}

export async function dispatch(events: readonly NotifyEvent[], set: NotifierSet, signal?: AbortSignal): Promise<Delivery[]> {
  const per = await Promise.all([...set.entries.values()].map(({ entry, notifier }) => toOne(entry, notifier, set, events, signal)));
  return per.flat();
}
