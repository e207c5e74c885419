/** The shapes shared by the service installers: what runs, where it lives, and the steps of a plan. */

/** The service managers zonekeeper can install itself under. */
export type ServiceManager = 'systemd' | 'launchd' | 'windows';

/** `system`: started at boot for every user (needs root); `user`: the invoking user's own manager. */
export type ServiceScope = 'system' | 'user';

/** How the service manager starts this zonekeeper: an absolute Node binary and the CLI entry it runs. */
export interface Launch {
  /** The Node 24 running zonekeeper now (process.execPath), never a `node` looked up on PATH. */
  readonly node: string;
  /** The package's `src/cli/main.ts`: the repository of a clone, or the directory npm installed into. */
  readonly entry: string;
}

/** One step of an install or uninstall, applied in order. */
export type Step =
  | {
      readonly action: 'write';
      readonly path: string;
      readonly content: string;
      /** File mode, e.g. 0o644; missing parent directories are created 0755. */
      readonly mode: number;
      /** Leave an existing file alone (the user's config and secrets). */
      readonly onlyIfMissing: boolean;
    }
  /** A directory (and its parents) the daemon writes to; an existing one is left as it is. */
  | { readonly action: 'mkdir'; readonly path: string; readonly mode: number }
  | { readonly action: 'remove'; readonly path: string }
  | {
      readonly action: 'run';
      readonly argv: readonly string[];
      /** A failure is reported and the plan goes on (stopping a service that is not loaded). */
      readonly mayFail: boolean;
    };

/** What `service install|uninstall` does, computed without touching the system. */
export interface ServicePlan {
  readonly manager: ServiceManager;
  readonly scope: ServiceScope;
  readonly steps: readonly Step[];
  /** Where things live and what to do next, one line each. */
  readonly notes: readonly string[];
  /** For Windows: the recipe to run by hand; nothing is executed. */
  readonly recipe?: string;
}
