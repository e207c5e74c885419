/**
 * Ask a list of equivalent servers (the configured resolvers, or one zone's
 * authoritative servers) one question, in order, until one gives a usable
 * answer. A server that times out, fails, or answers SERVFAIL/REFUSED is
 * skipped for the next one. When none gives a usable answer: the last
 * SERVFAIL/REFUSED answer if there was one (the caller reports the rcode),
 * else the last transport error is thrown. ABORTED is rethrown at once.
 */
import { AppError } from '../core/errors.ts';
import type { DnsContext, ServerAddress } from './context.ts';
import { query, type QueryResult } from './transport.ts';
import { RCODE } from './wire.ts';

export interface AskOptions {
  readonly recursionDesired: boolean;
}

export async function askServers(
  servers: readonly ServerAddress[],
  q: { readonly name: string; readonly type: number },
  ctx: Pick<DnsContext, 'timeoutMs' | 'signal'>,
  o: AskOptions,
): Promise<QueryResult> {
  let lastAnswer: QueryResult | undefined;
  let lastError: unknown;
  for (const server of servers) {
    try {
      const r = await query(server, q, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, recursionDesired: o.recursionDesired });
      if (r.rcode !== RCODE.SERVFAIL && r.rcode !== RCODE.REFUSED) return r;
      lastAnswer = r;
    } catch (e) {
      if (e instanceof AppError && e.code === 'ABORTED') throw e;
      if (ctx.signal?.aborted === true) throw new AppError('ABORTED', { cause: ctx.signal.reason });
      lastError = e;
    }
  }
  if (lastAnswer !== undefined) return lastAnswer;
  if (lastError !== undefined) throw lastError;
  throw new AppError('INTERNAL', { evidence: { reason: 'no servers to ask', name: q.name } });
}
