/**
 * Send events to the notifiers that want them. Every (event, notifier) pair
 * is tried once; failures come back as data, never thrown (a notifier being
 * down must not fail the work that produced the event).
 */
import { toAppError, type AppError } from '../core/errors.ts';
import type { NotifierEntry } from './config.ts';
import type { Notifier, NotifyEvent } from './types.ts';

export interface Delivery {
  readonly notifier: string;
  readonly kind: string;
  readonly subject: string;
  readonly error?: AppError;
}

export async function dispatch(events: readonly NotifyEvent[], notifiers: ReadonlyMap<string, { entry: NotifierEntry; notifier: Notifier }>, signal?: AbortSignal): Promise<Delivery[]> {
  const jobs: Promise<Delivery>[] = [];
  for (const { entry, notifier } of notifiers.values())
    for (const e of events) {
      if (entry.events.length > 0 && !entry.events.includes(e.kind)) continue;
      jobs.push(
        notifier.send(e, signal).then(
          () => ({ notifier: entry.name, kind: e.kind, subject: e.subject }),
          (err: unknown) => ({ notifier: entry.name, kind: e.kind, subject: e.subject, error: toAppError(err) }),
        ),
      );
    }
  return Promise.all(jobs);
}
