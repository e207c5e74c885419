/**
 * Detection: every source of a family asked at once, then the vote
 * (quorum.ts). Nothing here throws for what a source does: each answer,
 * good or bad, becomes a line of the report. Only a cancelled `signal`
 * rejects (ABORTED).
 */
import type { HttpClient } from '../../http/types.ts';
import { AppError } from '../../core/errors.ts';
import { parseIp, type IpFamily } from './address.ts';
import { runCommandSource } from './command-source.ts';
import { queryEndpoint } from './http-source.ts';
import { parseIfInet6 } from './if-inet6.ts';
import { bindAddressOf, DEFAULT_IF_INET6_PATH, queryInterface, readIfInet6, type InterfaceDeps } from './interface-source.ts';
import { flagReason } from './ipv6-choice.ts';
import { vote } from './quorum.ts';
import type { IpSourceReason } from './reasons.ts';
import type { Detection, FamilyDetection, HttpSourceConfig, IpDetectionConfig, IpFamilyConfig, SourceAnswer } from './types.ts';

export interface DetectDeps extends InterfaceDeps {
  /** The process's HTTP client (src/http/client.ts). */
  readonly http: HttpClient;
  /** Cancels every request and command: detection then rejects with ABORTED. */
  readonly signal?: AbortSignal;
}

/** This host's temporary or deprecated IPv6 addresses, by the kernel's flags (empty when the table cannot be read). */
async function ownUnpublishable(deps: DetectDeps): Promise<(address: string) => IpSourceReason | undefined> {
  const table = await readIfInet6(deps.ifInet6Path ?? DEFAULT_IF_INET6_PATH);
  const flagged = new Map<string, IpSourceReason>();
  if ('text' in table)
    for (const e of parseIfInet6(table.text)) {
      const reason = flagReason(e);
      if (reason === 'temporary' || reason === 'deprecated') flagged.set(e.address.text, reason);
    }
  return (address) => flagged.get(address);
}

function httpAnswers(src: HttpSourceConfig, family: IpFamily, deps: DetectDeps, ownFlags: Promise<(address: string) => IpSourceReason | undefined>): Promise<SourceAnswer>[] {
  const start = deps.clock.monotonicMs();
  // `bind` is an address (config.ts checked its family) or an interface name.
  const local = src.bind === undefined ? Promise.resolve(undefined) : parseIp(src.bind).ok ? Promise.resolve(src.bind) : bindAddressOf(src.bind, family, deps);
  return src.endpoints.map(async (ep): Promise<SourceAnswer> => {
    const localAddress = await local;
    if (src.bind !== undefined && localAddress === undefined)
      return { type: 'http', source: ep.url, reason: 'bind-no-address', detail: src.bind, elapsedMs: deps.clock.monotonicMs() - start };
    const localFlagReason = await ownFlags;
    return queryEndpoint(ep, src, family, {
      clock: deps.clock,
      http: deps.http,
      localFlagReason,
      ...(localAddress === undefined ? {} : { localAddress }),
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
  });
}

/** Ask every source of one family and vote. */
export async function detectFamily(config: IpFamilyConfig, deps: DetectDeps): Promise<FamilyDetection> {
  const family = config.family;
  const hasHttp = config.sources.some((s) => s.type === 'http');
  const ownFlags = family === 6 && hasHttp ? ownUnpublishable(deps) : Promise.resolve(() => undefined);
  const pending = config.sources.flatMap((s): Promise<SourceAnswer>[] => {
    if (s.type === 'http') return httpAnswers(s, family, deps, ownFlags);
    if (s.type === 'interface') return [queryInterface(s, family, deps)];
    return [runCommandSource(s, family, deps.clock, deps.signal)];
  });
  const answers = await Promise.all(pending);
  if (deps.signal?.aborted === true) throw new AppError('ABORTED', { cause: deps.signal.reason });
  return vote(family, answers, config.quorum);
}

/** Detect both families (those configured), at the same time. */
export async function detect(config: IpDetectionConfig, deps: DetectDeps): Promise<Detection> {
  const [ipv4, ipv6] = await Promise.all([
    config.ipv4 === undefined ? undefined : detectFamily(config.ipv4, deps),
    config.ipv6 === undefined ? undefined : detectFamily(config.ipv6, deps),
  ]);
  return { ...(ipv4 === undefined ? {} : { ipv4 }), ...(ipv6 === undefined ? {} : { ipv6 }) };
}

/** The chosen address, or the detection's IP_QUORUM_NOT_REACHED thrown. */
export function addressOrThrow(d: FamilyDetection): string {
  if (d.address !== undefined) return d.address;
  throw d.error ?? new AppError('IP_QUORUM_NOT_REACHED', { evidence: { family: `ipv${d.family}`, quorum: d.quorum, votes: d.votes } });
}
