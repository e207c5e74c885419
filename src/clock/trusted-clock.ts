/**
 * Start-up wiring of the trusted clock: seed a CorrectedClock from
 * `<dataDir>/clock.json` and keep that file current.
 *
 * Writes are coalesced: a burst of changes (several samples arriving close
 * together) becomes one write `debounceMs` after the first change; changes
 * that arrive while a write is in flight cause exactly one more write after
 * it. Background write failures never throw into the sample's reporter; the
 * last one is kept and `flush()` reports it.
 */
import { AppError, toAppError } from '../core/errors.ts';
import type { Clock } from './clock.ts';
import { CorrectedClock, type CorrectedClockOptions } from './corrected-clock.ts';
import { loadOffsetFile, saveOffsetFile } from './offset-file.ts';
import { systemClock } from './system-clock.ts';

export interface CreateTrustedClockOptions {
  /** Where clock.json lives; without it nothing is loaded or saved. */
  readonly dataDir?: string;
  readonly system?: Clock;
  /** Delay between the first change of a burst and its write, ms. Default 250. */
  readonly debounceMs?: number;
  readonly maxSampleAgeMs?: number;
  readonly agreementMarginMs?: number;
}

export interface PersistentTrustedClock {
  readonly clock: CorrectedClock;
  /**
   * Write pending changes now and wait for every write to finish (call before
   * exit). Rejects with CLOCK_STATE_WRITE_FAILED if the last write failed.
   */
  readonly flush: () => Promise<void>;
}

/** Load the persisted state (a bad file is ignored) and return a clock that persists itself on change. */
export async function createTrustedClock(options: CreateTrustedClockOptions = {}): Promise<PersistentTrustedClock> {
  const system = options.system ?? systemClock;
  const { dataDir } = options;
  const seed = dataDir === undefined ? undefined : await loadOffsetFile(dataDir);
  const clockOptions: CorrectedClockOptions = {
    system,
    ...(seed === undefined ? {} : { seed }),
    ...(options.maxSampleAgeMs === undefined ? {} : { maxSampleAgeMs: options.maxSampleAgeMs }),
    ...(options.agreementMarginMs === undefined ? {} : { agreementMarginMs: options.agreementMarginMs }),
  };
  const clock = new CorrectedClock(clockOptions);
  if (dataDir === undefined) return { clock, flush: () => Promise.resolve() };

  const debounceMs = options.debounceMs ?? 250;
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let lastError: AppError | undefined;

  const writeLoop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      try {
        await saveOffsetFile(dataDir, clock.snapshot());
        lastError = undefined;
      } catch (e) {
        lastError = toAppError(e);
      }
    }
  };
  const startWrite = (): void => {
    timer = undefined;
    if (writing !== undefined) return; // the running loop picks the change up
    writing = writeLoop().finally(() => {
      writing = undefined;
      // A change that landed after the loop's last check but before this point.
      if (dirty) startWrite();
    });
  };
  clock.onChange(() => {
    dirty = true;
    if (timer === undefined && writing === undefined) {
      timer = setTimeout(startWrite, debounceMs);
      timer.unref();
    }
  });

  const flush = async (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    if (dirty && writing === undefined) startWrite();
    while (writing !== undefined) await writing;
    if (lastError !== undefined) throw lastError;
  };
  return { clock, flush };
}
