/**
 * Configuration and results of IP detection (see index.ts for the whole
 * contract). Configuration values are already validated (config.ts).
 */
import type { AppError } from '../../core/errors.ts';
import type { ErrorCode } from '../../core/codes.ts';
import type { IpAddress, IpFamily } from './address.ts';
import type { AnswerFormat } from './body.ts';
import type { IpSourceReason } from './reasons.ts';

export type SourceType = 'http' | 'interface' | 'command';

/** One echo endpoint: an https URL and how to read its answer. */
export interface HttpEndpoint {
  readonly url: string;
  readonly format: AnswerFormat;
  /** JSON field holding the address (dots walk into objects); used by 'json' and 'auto'. */
  readonly field: string;
}

/** Echo endpoints, each one vote, queried over sockets of the section's family. */
export interface HttpSourceConfig {
  readonly type: 'http';
  readonly endpoints: readonly HttpEndpoint[];
  /** Local address (an IP) or interface name the sockets are bound to. */
  readonly bind?: string;
  /** Per-endpoint limit, ms. */
  readonly timeoutMs: number;
  /** Roots trusted for these endpoints only (PEM, from `trust:`); absent: the system's. */
  readonly caPem?: string;
}

/** The addresses the kernel has on one interface, filtered; one vote. */
export interface InterfaceSourceConfig {
  readonly type: 'interface';
  readonly name: string;
  /** IPv6 only: choose the address whose interface identifier (low 64 bits) is this one's. */
  readonly suffix?: IpAddress;
}

/** A user command whose standard output is the address; one vote. */
export interface CommandSourceConfig {
  readonly type: 'command';
  /** A string runs through /bin/sh -c; a list is an argument vector run without a shell. */
  readonly run: string | readonly string[];
  readonly timeoutMs: number;
}

export type SourceConfig = HttpSourceConfig | InterfaceSourceConfig | CommandSourceConfig;

export interface IpFamilyConfig {
  readonly family: IpFamily;
  readonly sources: readonly SourceConfig[];
  /** Votes an address needs (at least this many sources answering it). */
  readonly quorum: number;
  /** True when the section was absent and the built-in chain applies. */
  readonly isDefault: boolean;
}

/** `ddns.ipv4` / `ddns.ipv6`; a family set to `false` is absent. */
export interface IpDetectionConfig {
  readonly ipv4?: IpFamilyConfig;
  readonly ipv6?: IpFamilyConfig;
}

/** An address a source saw but did not offer, and why (interface sources). */
export interface SkippedAddress {
  readonly address: string;
  readonly reason: IpSourceReason;
}

/** What one voter answered, before the vote. */
export interface SourceAnswer {
  readonly type: SourceType;
  /** The endpoint URL, the interface name or the command, as configured. */
  readonly source: string;
  /** The public address it offers (canonical text); absent when it offers none. */
  readonly address?: string;
  /** What it answered, as a short single-line excerpt (also for refused answers). */
  readonly answer?: string;
  /** Why it offers no address. */
  readonly reason?: IpSourceReason;
  /** The error behind 'timeout' / 'request-failed' (HTTP_TIMEOUT, TLS_UNTRUSTED, ...). */
  readonly errorCode?: ErrorCode;
  /** HTTP status ('http-status'). */
  readonly status?: number;
  /** Exit status or signal of a command ('exit-status'). */
  readonly exit?: number | string;
  /** More facts: a command's stderr, the error's own detail. */
  readonly detail?: string;
  /** Addresses of an interface left out, with reasons. */
  readonly skipped?: readonly SkippedAddress[];
  /** Monotonic time the source took, ms. */
  readonly elapsedMs: number;
}

/** A source after the vote: accepted (it answered the chosen address) or not, with the reason. */
export interface SourceReport extends SourceAnswer {
  readonly accepted: boolean;
}

export interface FamilyDetection {
  readonly family: IpFamily;
  /** The chosen address (canonical text); absent when no address reached the quorum. */
  readonly address?: string;
  readonly quorum: number;
  /** Votes of the chosen address, or of the best one when none was chosen. */
  readonly votes: number;
  readonly sources: readonly SourceReport[];
  /** IP_QUORUM_NOT_REACHED, naming every source and its reason, when no address was chosen. */
  readonly error?: AppError;
}

export interface Detection {
  readonly ipv4?: FamilyDetection;
  readonly ipv6?: FamilyDetection;
}
