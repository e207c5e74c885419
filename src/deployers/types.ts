/**
 * Deploy targets run after every issuance and renewal. Each gets the paths
 * of the issued files (in `<data>/certificates/<name>/`) and copies or
 * announces them. A failing deploy is reported; the certificate stays issued.
 */
export interface DeployContext {
  readonly name: string;
  readonly domains: readonly string[];
  readonly files: { readonly cert: string; readonly chain: string; readonly fullchain: string; readonly privkey: string };
  readonly signal?: AbortSignal;
}

export type DeployStep = { readonly type: 'files'; readonly dir: string; readonly mode: number } | { readonly type: 'hook'; readonly command: string; readonly timeoutMs: number };
