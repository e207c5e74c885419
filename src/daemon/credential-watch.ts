/**
 * The `credential-failing` event: a provider refused its credential
 * (PROVIDER_AUTH, TSIG_BADSIG, TSIG_BADKEY) during a DDNS pass or a
 * certificate renewal. Said once per provider; said again only after the
 * provider has worked since (a write, a read, or an issuance through it
 * succeeded). Other failures say nothing about the credential and change
 * nothing. The state is in memory: a restarted daemon says it once more.
 */
import type { AppError } from '../core/errors.ts';
import type { NotifyEvent } from '../notifiers/types.ts';

export const CREDENTIAL_CODES: readonly string[] = ['PROVIDER_AUTH', 'TSIG_BADSIG', 'TSIG_BADKEY'];

/** One use of a provider: it worked (`error` absent), or failed with `error`. */
export interface ProviderUse {
  readonly provider: string;
  readonly during: 'ddns' | 'renewal';
  /** The record or certificate it was used for. */
  readonly affected: string;
  readonly error?: AppError;
}

export class CredentialWatch {
  readonly #failing = new Set<string>();

  /** The events for providers whose credential just started failing, given one run's uses. */
  observe(uses: readonly ProviderUse[], at: number): NotifyEvent[] {
    const refused = new Map<string, ProviderUse>();
    const worked = new Set<string>();
    for (const u of uses) {
      if (u.error === undefined) worked.add(u.provider);
      else if (CREDENTIAL_CODES.includes(u.error.code) && !refused.has(u.provider)) refused.set(u.provider, u);
    }
    for (const p of worked) if (!refused.has(p)) this.#failing.delete(p);
    const out: NotifyEvent[] = [];
    for (const [provider, u] of refused) {
      if (this.#failing.has(provider)) continue;
      this.#failing.add(provider);
      out.push({ kind: 'credential-failing', subject: provider, at, data: { provider, during: u.during, affected: u.affected, code: u.error?.code ?? null, error: u.error?.toJSON() ?? null } });
    }
    return out;
  }
}
