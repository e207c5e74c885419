/**
 * Every reason code a source report can carry (texts in cli/reasons.ts,
 * English and Simplified Chinese). Stable: scripts read them from
 * `--json` output; add codes, never rename one.
 */
import type { IpSyntaxReason } from './address.ts';
import type { BodyReason } from './body.ts';
import type { AddressReason } from './classify.ts';

/** An address of an interface the kernel flags or scopes as unfit to publish (if-inet6.ts). */
export type AddressFlagReason = 'temporary' | 'deprecated' | 'tentative' | 'dadfailed' | 'optimistic' | 'not-global-scope';

/** The request to an echo endpoint failed or was answered with another status than 200. */
export type TransportReason = 'timeout' | 'request-failed' | 'http-status' | 'bind-no-address';

/** The user command failed. */
export type CommandReason = 'exit-status' | 'spawn-failed' | 'output-too-large';

/** The interface has nothing to publish. */
export type InterfaceReason = 'interface-not-found' | 'no-usable-address' | 'no-suffix-match' | 'suffix-mismatch' | 'flags-unavailable' | 'read-failed';

/** A valid public answer that lost the vote (another address won) or that too few sources confirmed. */
export type QuorumReason = 'disagrees' | 'not-confirmed';

export type IpSourceReason = AddressReason | IpSyntaxReason | BodyReason | AddressFlagReason | TransportReason | CommandReason | InterfaceReason | QuorumReason;
