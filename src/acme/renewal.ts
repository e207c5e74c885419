/**
 * When to renew (RFC 9773 first, else a third of the lifetime left).
 *
 * With ARI: a random point inside the CA's suggested window (spreads load),
 * chosen once per window and kept; a window that ends in the past means
 * "renew now". Without ARI: when a third of the lifetime is left.
 */
export interface RenewalPlan {
  readonly renewAt: number;
  readonly basis: 'ari' | 'lifetime';
  readonly window?: { readonly start: number; readonly end: number };
}

export function lifetimeRenewalAt(notBefore: number, notAfter: number): number {
  return notAfter - (notAfter - notBefore) / 3;
}

/** `random` in [0, 1) picks the point inside the window (injected for tests). */
export function planRenewal(
  cert: { notBefore: number; notAfter: number },
  ari: { start: number; end: number } | undefined,
  random: () => number,
): RenewalPlan {
  if (ari !== undefined && Number.isFinite(ari.start) && Number.isFinite(ari.end) && ari.end >= ari.start) {
    return { renewAt: Math.floor(ari.start + (ari.end - ari.start) * random()), basis: 'ari', window: ari };
  }
  return { renewAt: Math.floor(lifetimeRenewalAt(cert.notBefore, cert.notAfter)), basis: 'lifetime' };
}

export function isDue(plan: { renewAt: number }, now: number): boolean {
  return now >= plan.renewAt;
}
