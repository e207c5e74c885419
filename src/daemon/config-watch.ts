/**
 * Reload on file change: the directory holding the configuration file is
 * watched (editors replace a file by renaming a new one over it, which a
 * watch on the file itself would miss), and a change to that file name
 * calls `onChange` once the writes have settled (DEBOUNCE_MS of quiet, on
 * the injected clock). A file that does not exist yet is watched for too.
 * Stopping closes the watcher; a directory that cannot be watched is
 * reported once through `onError` and reloading stays available by SIGHUP.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Clock } from '../clock/clock.ts';

export const DEBOUNCE_MS = 300;

export interface ConfigWatch {
  close(): void;
}

export function watchConfigFile(file: string, clock: Clock, onChange: () => void, onError: (e: Error) => void): ConfigWatch {
  const path = resolve(file);
  const name = basename(path);
  let pending: AbortController | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      pending?.abort();
      const settle = new AbortController();
      pending = settle;
      clock.sleep(DEBOUNCE_MS, settle.signal).then(
        () => {
          if (pending === settle) pending = undefined;
          onChange();
        },
        () => undefined,
      );
    });
    watcher.on('error', (e) => onError(e));
  } catch (e) {
    onError(e instanceof Error ? e : new Error(String(e)));
  }
  return {
    close() {
      pending?.abort();
      watcher?.close();
    },
  };
}
