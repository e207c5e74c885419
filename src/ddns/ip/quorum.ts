/**
 * The vote: an address is chosen only when at least `quorum` sources
 * answered it AND no other address has as many votes (a tie chooses
 * nothing). Sources that offered no valid public address keep their own
 * reason; sources that offered another address are 'disagrees' when one was
 * chosen, 'not-confirmed' when none was. When nothing is chosen, the result
 * carries IP_QUORUM_NOT_REACHED whose evidence names every source.
 */
import { AppError, type EvidenceValue } from '../../core/errors.ts';
import type { IpFamily } from './address.ts';
import type { FamilyDetection, SourceAnswer, SourceReport } from './types.ts';

export interface Tally {
  readonly address: string;
  readonly votes: number;
}

/** Votes per address, most first (ties: the address first answered first). */
export function tally(answers: readonly SourceAnswer[]): Tally[] {
  const votes = new Map<string, number>();
  for (const a of answers) if (a.address !== undefined) votes.set(a.address, (votes.get(a.address) ?? 0) + 1);
  return [...votes.entries()].map(([address, n]) => ({ address, votes: n })).sort((x, y) => y.votes - x.votes);
}

/** A source as the error evidence lists it. */
function sourceEvidence(r: SourceReport): EvidenceValue {
  const e: Record<string, EvidenceValue> = { type: r.type, source: r.source };
  if (r.answer !== undefined) e['answer'] = r.answer;
  if (r.reason !== undefined) e['reason'] = r.reason;
  if (r.errorCode !== undefined) e['errorCode'] = r.errorCode;
  if (r.status !== undefined) e['status'] = r.status;
  if (r.exit !== undefined) e['exit'] = r.exit;
  return e;
}

/** Decide among the answers of one family (see the module comment). */
export function vote(family: IpFamily, answers: readonly SourceAnswer[], quorum: number): FamilyDetection {
  const counts = tally(answers);
  const best = counts[0];
  const runnerUp = counts[1];
  const chosen = best !== undefined && best.votes >= quorum && (runnerUp === undefined || runnerUp.votes < best.votes) ? best.address : undefined;
  const sources: SourceReport[] = answers.map((a) => {
    if (a.address === undefined) return { ...a, accepted: false };
    if (a.address === chosen) return { ...a, accepted: true };
    return { ...a, accepted: false, reason: chosen === undefined ? 'not-confirmed' : 'disagrees' };
  });
  const votes = best?.votes ?? 0;
  if (chosen !== undefined) return { family, address: chosen, quorum, votes, sources };
  const error = new AppError('IP_QUORUM_NOT_REACHED', {
    evidence: {
      family: `ipv${family}`,
      quorum,
      votes,
      candidates: counts.map((c) => ({ address: c.address, votes: c.votes })),
      sources: sources.map(sourceEvidence),
    },
    retryable: true,
  });
  return { family, quorum, votes, sources, error };
}
