/**
 * DDNS address detection: which public IPv4 / IPv6 address this machine
 * has, decided by several independent sources that must agree.
 *
 * Use:
 *
 *   const config = parseIpDetectionConfig(doc.ddns, process.env);   // CONFIG_INVALID → exit 2
 *   const found = await detect(config, { clock, http });            // never throws but ABORTED
 *   found.ipv4?.address      // "81.2.3.4", or undefined when no quorum
 *   found.ipv4?.sources      // one SourceReport per vote: accepted, or the reason it was not
 *   found.ipv4?.error        // IP_QUORUM_NOT_REACHED naming every source, when no address
 *   addressOrThrow(found.ipv4!)                                       // the address or that error
 *
 * Sources (config.ts has the YAML shape; each URL, interface or command is
 * one vote):
 * - http (http-source.ts): echo endpoints over HTTPS, family-only sockets,
 *   optional bind; the body must BE an address (body.ts).
 * - interface (interface-source.ts): the kernel's addresses and, for IPv6,
 *   its flags (temporary, deprecated, tentative, ...) from
 *   /proc/net/if_inet6; stable EUI-64 or a configured suffix preferred.
 * - command (command-source.ts): a user command's output.
 * Every answer must be public unicast of the family (classify.ts); the vote
 * (quorum.ts) needs `quorum` agreeing sources and no tie. Without a
 * configured section the built-in chain applies (defaults.ts).
 *
 * Report reasons are stable codes (reasons.ts; texts in cli/reasons.ts).
 * Time is read from the injected Clock only (elapsed times, command
 * timeouts); HTTP timeouts are the HTTP client's.
 */
export { addressFromBytes, compareIp, ipOrUndefined, parseIp, type IpAddress, type IpFamily, type IpParse, type IpSyntaxReason } from './address.ts';
export { answerExcerpt, parseAnswer, parseJsonAnswer, parseTextAnswer, type AnswerFormat, type BodyParse, type BodyReason } from './body.ts';
export { checkPublicAddress, publicUnicastReason, type AddressReason, type PublicCheck } from './classify.ts';
export { parseIpDetectionConfig, parseIpFamilyConfig, SOURCE_TYPES, voterIds } from './config.ts';
export { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_ENDPOINTS, DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_QUORUM, defaultFamilyConfig } from './defaults.ts';
export { addressOrThrow, detect, detectFamily, type DetectDeps } from './detect.ts';
export { IFA_F, IF_INET6_SCOPE, parseIfInet6, type KernelIpv6Address } from './if-inet6.ts';
export { chooseIpv6, isEui64, type Ipv6Choice } from './ipv6-choice.ts';
export { tally, vote, type Tally } from './quorum.ts';
export type { IpSourceReason } from './reasons.ts';
export type {
  CommandSourceConfig,
  Detection,
  FamilyDetection,
  HttpEndpoint,
  HttpSourceConfig,
  InterfaceSourceConfig,
  IpDetectionConfig,
  IpFamilyConfig,
  SkippedAddress,
  SourceAnswer,
  SourceConfig,
  SourceReport,
  SourceType,
} from './types.ts';
