/**
 * The trusted clock's state on disk: `<dataDir>/clock.json`.
 *
 * Monotonic readings mean nothing in another process, so the file holds
 * offsets against the system clock instead: the last estimate (`offsetMs`
 * = trusted − system when saved) and each source's last sample with its
 * `systemMs` re-based to the system clock as it read at save time. A later
 * process re-derives each sample's offset as serverMs − systemMs and its age
 * as (system now − systemMs); both hold as long as the system clock was not
 * stepped between the two processes.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { SAMPLE_RANK, type SampleKind } from './clock.ts';

export const CLOCK_FILE = 'clock.json';

export interface PersistedSample {
  readonly source: string;
  readonly kind: SampleKind;
  readonly serverMs: number;
  /** System clock reading (as of `savedAtSystemMs`'s clock) at the sample instant. */
  readonly systemMs: number;
  readonly delayMs: number;
  readonly uncertaintyMs: number;
}

export interface PersistedClockState {
  readonly version: 1;
  /** System clock when written. */
  readonly savedAtSystemMs: number;
  /** Trusted minus system clock when written, ms. */
  readonly offsetMs: number;
  /** Whether that estimate was trusted when written. */
  readonly trusted: boolean;
  /** What the estimate was based on when written (a SampleKind, "persisted" or "system"). */
  readonly basis: string;
  readonly samples: readonly PersistedSample[];
}

/** Offsets beyond this are not a clock error but a corrupt file. */
const MAX_ABS_OFFSET_MS = 100 * 366 * 86_400_000;

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isSample(v: unknown): v is PersistedSample {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s['source'] === 'string' &&
    s['source'] !== '' &&
    typeof s['kind'] === 'string' &&
    Object.hasOwn(SAMPLE_RANK, s['kind']) &&
    isFiniteNumber(s['serverMs']) &&
    isFiniteNumber(s['systemMs']) &&
    isFiniteNumber(s['delayMs']) &&
    s['delayMs'] >= 0 &&
    isFiniteNumber(s['uncertaintyMs']) &&
    s['uncertaintyMs'] >= 0 &&
    Math.abs(s['serverMs'] - s['systemMs']) < MAX_ABS_OFFSET_MS
  );
}

/** Check the shape of a parsed clock file; undefined when anything is off. */
export function parseClockState(data: unknown): PersistedClockState | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const samples = d['samples'];
  if (
    d['version'] !== 1 ||
    !isFiniteNumber(d['savedAtSystemMs']) ||
    !isFiniteNumber(d['offsetMs']) ||
    Math.abs(d['offsetMs']) >= MAX_ABS_OFFSET_MS ||
    typeof d['trusted'] !== 'boolean' ||
    typeof d['basis'] !== 'string' ||
    !Array.isArray(samples) ||
    !samples.every(isSample)
  ) {
    return undefined;
  }
  return {
    version: 1,
    savedAtSystemMs: d['savedAtSystemMs'],
    offsetMs: d['offsetMs'],
    trusted: d['trusted'],
    basis: d['basis'],
    samples: samples.map((s: PersistedSample) => ({
      source: s.source,
      kind: s.kind,
      serverMs: s.serverMs,
      systemMs: s.systemMs,
      delayMs: s.delayMs,
      uncertaintyMs: s.uncertaintyMs,
    })),
  };
}

/**
 * Read `<dataDir>/clock.json`. Never throws: a missing, unreadable, corrupt or
 * implausible file yields undefined (start-up then proceeds without it).
 */
export async function loadOffsetFile(dataDir: string): Promise<PersistedClockState | undefined> {
  try {
    return parseClockState(JSON.parse(await readFile(join(dataDir, CLOCK_FILE), 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Write `<dataDir>/clock.json` atomically (temporary file in the same
 * directory, fsync, rename; mode 0600), creating `dataDir` if needed.
 * Rejects with CLOCK_STATE_WRITE_FAILED; the previous file is then intact.
 */
export async function saveOffsetFile(dataDir: string, state: PersistedClockState): Promise<void> {
  const file = join(dataDir, CLOCK_FILE);
  const tmp = join(dataDir, `.${CLOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dataDir, { recursive: true });
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new AppError('CLOCK_STATE_WRITE_FAILED', {
      evidence: { file, error: (e as NodeJS.ErrnoException).code ?? String(e) },
      retryable: true,
      cause: e,
    });
  }
}
