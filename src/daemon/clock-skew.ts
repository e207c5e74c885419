/**
 * The `clock-skew` event: the system clock is further from the trusted time
 * than `clock.skewThreshold` (default 60 s). zonekeeper itself signs with
 * the trusted time, but everything else on the machine (cron, logs, other
 * TLS clients) runs on the wrong one, so a person should fix it.
 *
 * Once per crossing: after an event, nothing more is said until the skew
 * has come back to at most half the threshold (hysteresis, so a skew
 * hovering around the threshold does not notify every 15 minutes); the
 * next crossing after that notifies again. Only a trusted estimate counts:
 * an untrusted clock cannot tell how wrong the system clock is. The state
 * is in memory: a restarted daemon that is still skewed says so once more.
 */
import type { ClockStatus } from '../clock/corrected-clock.ts';
import type { NotifyEvent } from '../notifiers/types.ts';

export class SkewWatch {
  #above = false;

  /** The event to emit for this status, if the skew just crossed `thresholdMs`. */
  check(status: ClockStatus, thresholdMs: number): NotifyEvent | undefined {
    if (!status.trusted) return undefined;
    const skew = Math.abs(status.offsetMs);
    if (skew <= thresholdMs / 2) this.#above = false;
    if (skew <= thresholdMs || this.#above) return undefined;
    this.#above = true;
    const at = Math.floor(status.nowMs);
    return {
      kind: 'clock-skew',
      subject: 'system-clock',
      at,
      data: {
        offsetMs: Math.round(status.offsetMs),
        thresholdMs,
        systemTime: new Date(Math.round(status.nowMs - status.offsetMs)).toISOString(),
        trustedTime: new Date(at).toISOString(),
        sources: [...status.basis.sources],
      },
    };
  }
}
