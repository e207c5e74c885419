/**
 * The text of every diagnosis, per language. Keyed by error code; texts are
 * functions of the (already redacted) evidence. Only cli/ renders text.
 */
import type { ErrorCode } from '../core/codes.ts';
import type { Evidence } from '../core/errors.ts';
import { ipSourceList, reasonText } from './reasons.ts';

export type Lang = 'en' | 'zh-CN';

export interface MessageText {
  readonly summary: string;
  readonly causes: readonly string[];
  readonly fix: string;
}

type Entry = (e: Evidence) => MessageText;
type Catalogue = Record<ErrorCode, Entry>;

const s = (v: unknown): string => (v === undefined || v === null ? '?' : typeof v === 'string' ? v : JSON.stringify(v));

/** The lagging nameservers of PROPAGATION_TIMEOUT, one "server answers X (error)" each; `answers` is the word in the language. */
const lagging = (v: unknown, answers: string, sep: string): string =>
  Array.isArray(v)
    ? v.map((l: unknown) => (typeof l === 'object' && l !== null && !Array.isArray(l) ? laggingOne(l as Evidence, answers) : s(l))).join(sep)
    : '?';
const laggingOne = (l: Evidence, answers: string): string => `${s(l['server'])} ${answers} ${s(l['answered'])}${l['error'] !== undefined ? ` (${s(l['error'])})` : ''}`;

/** The first line of a YAML parser's complaint (line and column), when the file did not parse. */
const parseError = (e: Evidence): string => (e['error'] !== undefined && e['path'] === undefined ? ` (${s(e['error'])})` : '');

/** A service step's operation in Chinese. */
const OP_ZH: Record<string, string> = { write: '写入', remove: '删除', mkdir: '创建目录', run: '运行' };
/** The steps a failed service install or uninstall had already done, as a trailing sentence (empty when none). */
const completed = (e: Evidence, label: string): string => (Array.isArray(e['completed']) && e['completed'].length > 0 ? ` ${label}: ${e['completed'].map(s).join('; ')}.` : '');

const WHERE_ZH: Record<string, string> = { leading: '开头', trailing: '结尾', inside: '中间' };

/** Where the setting named by a config error came from (evidence added by the layered loader): " (env ZONEKEEPER_DNS__TIMEOUT)", " (zk.yaml:3:12)". */
const settingOrigin = (e: Evidence, zh: boolean): string => {
  const src = e['source'];
  const where =
    src === 'env' ? `${zh ? '环境变量' : 'env'} ${s(e['env'])}`
    : src === 'flag' ? `${zh ? '命令行参数' : 'flag'} ${s(e['flag'])}`
    : src === 'file' && e['line'] !== undefined ? `${s(e['file'])}:${s(e['line'])}:${s(e['column'])}`
    : src === 'stored' ? (zh ? '已保存的设置' : 'stored setting')
    : undefined;
  return where === undefined ? '' : zh ? `（${where}）` : ` (${where})`;
};

const en: Catalogue = {
  USAGE: (e) => ({ summary: `Bad usage: ${s(e['reason'])}`, causes: ['A required argument or option is missing or malformed.'], fix: 'Run `zonekeeper --help` for the syntax.' }),
  CONFIG_INVALID: (e) => ({
    summary: `Invalid setting ${s(e['path'] ?? e['file'])}${settingOrigin(e, false)}: ${s(e['reason'])}${parseError(e)}${e['didYouMean'] !== undefined ? ` (did you mean "${s(e['didYouMean'])}"?)` : ''}`,
    causes: ['A typo in the configuration file, or a value of the wrong kind.'],
    fix: 'Correct the setting; `zonekeeper config check` validates without sending anything.',
  }),
  CONFIG_NOT_FOUND: (e) => ({ summary: `Cannot read the configuration file ${s(e['file'])} (${s(e['error'])}).`, causes: ['Wrong --config path or ZONEKEEPER_CONFIG.'], fix: 'Point --config at an existing file.' }),
  CONFIG_REFERENCE_UNRESOLVED: (e) => ({ summary: `${s(e['path'])} refers to ${s(e['reference'])}, which cannot be read.`, causes: ['The environment variable is not set, or the file does not exist or is not readable.'], fix: 'Export the variable or create the file, then try again.' }),
  SECRET_INVISIBLE_CHARACTER: (e) => ({
    summary: `The secret ${s(e['path'])} contains ${s(e['character'])} ${s(e['characterName'])} at position ${s(e['position'])} of ${s(e['length'])} (${s(e['where'])}).`,
    causes: ['The secret was pasted with a stray space, line break or an invisible character; the server would reject every signature ("Unable to verify HMAC", BADSIG).'],
    fix: 'Remove that character from the secret (retype it, or copy it again from the provider console). Nothing was sent.',
  }),
  PROVIDER_UNKNOWN: (e) => ({ summary: `No provider named "${s(e['name'])}" is configured${e['didYouMean'] !== undefined ? ` (did you mean "${s(e['didYouMean'])}"?)` : ''}.`, causes: ['The --provider name does not match a key under `providers:` in the configuration.'], fix: `Use one of: ${s(e['known'])}.` }),
  PROVIDER_TYPE_UNKNOWN: (e) => ({ summary: `Unknown provider type "${s(e['type'])}" at ${s(e['path'])}${e['didYouMean'] !== undefined ? ` (did you mean "${s(e['didYouMean'])}"?)` : ''}.`, causes: ['A typo in `type:`, or a provider this build does not include.'], fix: 'Run `zonekeeper providers` for the types this build knows.' }),
  NAME_INVALID: (e) => ({ summary: `Invalid domain name "${s(e['name'])}": ${reasonText('en', e['reason'])}${e['label'] !== undefined ? ` (label "${s(e['label'])}")` : ''}.`, causes: ['Labels must be 1-63 octets, names at most 253 characters, `*` only as the whole leftmost label, letters/digits/hyphen/underscore only.'], fix: 'Correct the name. Nothing was sent.' }),
  RECORD_INVALID: (e) => ({ summary: `Invalid record value: ${reasonText('en', e['reason'])}${e['value'] !== undefined ? ` ("${s(e['value'])}")` : ''}.`, causes: ['The value does not fit the record type (an IP that is not one, a TXT string over 255 bytes, an unknown type).'], fix: 'Correct the value; long TXT values are split into quoted strings: "part1" "part2". Nothing was sent.' }),
  CLOCK_UNTRUSTED: (e) =>
    e['url'] === undefined
      ? { summary: 'The trusted clock has no sample yet.', causes: ['No NTP server, signed DNS answer or HTTP Date has been seen.'], fix: 'Configure `clock.ntp` or run a command that talks to a server.' }
      : {
          summary: `Cannot check the certificate of ${s(e['url'])} (${s(e['subject'])}, valid ${s(e['validFrom'])} to ${s(e['validTo'])}): the system clock says ${s(e['systemTime'])}, outside that period, and the time is not confirmed by any server. The certificate was not accepted; verification was not skipped.`,
          causes: ['The system clock is wrong.', 'Or the certificate really has expired (or is not valid yet).'],
          fix: 'Configure `clock.ntp` (or fix the system clock) so zonekeeper can confirm the time; it then verifies the certificate at the confirmed time.',
        },
  CLOCK_SKEW: (e) => ({ summary: `The system clock is off by ${s(e['offsetMs'])} ms.`, causes: ['NTP is not running or is blocked.'], fix: 'zonekeeper corrects for it; fix the system clock too (chrony / systemd-timesyncd).' }),
  CLOCK_STATE_WRITE_FAILED: (e) => ({ summary: `Could not save the clock state in the data directory (${s(e['error'])}).`, causes: ['The data directory is not writable or the disk is full.'], fix: 'Check permissions and free space of --data.' }),
  NTP_FAILED: (e) => ({ summary: `No NTP server answered (${s(e['servers'])}).`, causes: ['UDP port 123 blocked, wrong host name, server down.'], fix: 'Check `clock.ntp` and the firewall.' }),
  NTP_KISS_OF_DEATH: (e) => ({ summary: `NTP server ${s(e['server'])} sent Kiss-o'-Death ${s(e['kissCode'])}.`, causes: ['The server rate-limits or denies this client.'], fix: 'Use another NTP server or query less often.' }),
  DNS_TIMEOUT: (e) => ({ summary: `DNS server ${s(e['server'])} did not answer in time.`, causes: ['The server is down, the port is wrong, or a firewall drops the packets.'], fix: 'Check the address and port, and that the server listens on UDP and TCP.' }),
  DNS_NETWORK: (e) => ({ summary: `Cannot reach DNS server ${s(e['server'])} (${s(e['error'])}).`, causes: ['Connection refused: nothing listens there.'], fix: 'Check the address and port.' }),
  DNS_MALFORMED: (e) => ({ summary: `Malformed DNS message: ${s(e['reason'])}.`, causes: ['A broken server or middlebox.'], fix: 'Report this with the evidence.' }),
  DNS_SERVFAIL: (e) => ({ summary: `DNS server ${s(e['server'])} answered SERVFAIL.`, causes: ['The server cannot load the zone.'], fix: 'Check the server logs.' }),
  DNS_REFUSED: (e) => ({ summary: `DNS server ${s(e['server'])} refused the query.`, causes: ['It is not authoritative or not open to this client.'], fix: 'Check `dns.nameservers` / `dns.resolvers`.' }),
  ZONE_NOT_FOUND: (e) =>
    e['reason'] === 'not-in-account'
      ? { summary: `None of the ${s(e['zoneCount'])} zones this credential can see contains ${s(e['name'])}.`, causes: [`The zones it sees: ${s(e['zones'])}.`, 'The zone lives in another account, or the key is limited to other zones.'], fix: 'Use a credential of the account that holds the zone, or set `zone:` on the provider.' }
      : { summary: `No zone found for ${s(e['name'])}.`, causes: ['The name is not in any zone the resolvers know, or the resolvers are unreachable.'], fix: 'Set `zone:` on the provider or `dns.nameservers` for the zone.' },
  NAMESERVERS_NOT_FOUND: (e) => ({ summary: `No authoritative nameserver found for ${s(e['zone'] ?? e['name'])}.`, causes: ['The NS records do not resolve.'], fix: 'Set `dns.nameservers` for the zone.' }),
  RESOLVER_LYING: (e) => ({ summary: `Resolver ${s(e['resolver'])} answers ${s(e['answered'])} for ${s(e['name'])}, but the authoritative servers serve ${s(e['authoritative'])}.`, causes: ['A filtering or rewriting resolver (router, ISP, VPN, split-horizon).'], fix: 'zonekeeper checks the authoritative servers directly; do not rely on this resolver for DNS-01 or DDNS checks.' }),
  RESOLVER_FAKE_IP: (e) => ({ summary: `Resolver ${s(e['resolver'])} is a fake-IP resolver: it answers ${s(e['answered'])} (198.18.0.0/15) for ${s(e['name'])}.`, causes: ['A proxy (Clash, Surge, sing-box) in fake-IP mode intercepts DNS.'], fix: 'zonekeeper checks the authoritative servers directly; exclude your zones from fake-IP (fake-ip-filter) for other tools.' }),
  RESOLVER_NXDOMAIN_REWRITE: (e) => ({ summary: `Resolver ${s(e['resolver'])} invents answers for names that do not exist (${s(e['name'])} -> ${s(e['answered'])}).`, causes: ['An ISP or router redirects NXDOMAIN to a search or ad page.'], fix: 'Use another resolver; zonekeeper does not trust it for propagation.' }),
  RESOLVER_STALE: (e) => ({ summary: `Resolver ${s(e['resolver'])} still serves ${s(e['answered'])} for ${s(e['name'])} (TTL ${s(e['ttl'])}), the authoritative servers serve ${s(e['authoritative'])}.`, causes: ['The resolver cached the old value; it will change when the TTL runs out.'], fix: 'Nothing to do for zonekeeper; lower the TTL if clients must see changes sooner.' }),
  TSIG_BADSIG: (e) => ({
    summary: `Server ${s(e['server'])} rejected the TSIG signature of key "${s(e['key'])}" (BADSIG): the secret is wrong.`,
    causes: ['The secret does not match the server\'s key (BIND checks the signature before the time, so this is not the clock).', `The algorithm differs from the server's (${s(e['algorithm'])} used).`],
    fix: 'Copy the secret again from the server\'s key file (`key "..." { secret "..."; }`) and check the algorithm.',
  }),
  TSIG_BADKEY: (e) => ({ summary: `Server ${s(e['server'])} does not know the TSIG key "${s(e['key'])}" with ${s(e['algorithm'])} (BADKEY).`, causes: ['The key name is misspelt, or the server\'s key uses another algorithm.'], fix: 'Use the exact key name and algorithm from the server configuration.' }),
  TSIG_BADTIME: (e) => ({ summary: `Server ${s(e['server'])} still rejects the time after correcting the clock (BADTIME).`, causes: ['The server\'s own clock is moving, or a middlebox replays answers.'], fix: 'Check the server\'s clock; run `zonekeeper clock`.' }),
  TSIG_RESPONSE_UNSIGNED: (e) => ({ summary: `Server ${s(e['server'])} answered a signed request without a signature.`, causes: ['Something between us and the server answers in its place.'], fix: 'Check that the address is the real primary.' }),
  TSIG_RESPONSE_INVALID: (e) => ({ summary: `The signature on the answer from ${s(e['server'])} does not verify.`, causes: ['A forged or corrupted answer, or a key mismatch.'], fix: 'Check the key and the network path.' }),
  UPDATE_REFUSED: (e) => ({ summary: `Server ${s(e['server'])} refused the update to ${s(e['zone'])} (REFUSED).`, causes: ['The key is valid but its update-policy does not allow this name or type, or the zone is not dynamic.'], fix: 'Grant the key the name and type in `update-policy` (for example `grant <key> zonesub ANY;`).' }),
  UPDATE_NOTAUTH: (e) => ({ summary: `Server ${s(e['server'])} is not authoritative for ${s(e['zone'])} (NOTAUTH).`, causes: ['The zone is wrong, or the server is a secondary.'], fix: 'Send updates to the primary and check `zone:`.' }),
  UPDATE_NOTZONE: (e) => ({ summary: `A name is outside the zone ${s(e['zone'])} (NOTZONE).`, causes: ['The configured zone does not contain the name.'], fix: 'Fix `zone:` on the provider.' }),
  UPDATE_FAILED: (e) => ({ summary: `The update failed with ${s(e['rcode'])} at ${s(e['server'])}.`, causes: ['The server could not apply the change.'], fix: 'Check the server logs.' }),
  PROVIDER_AUTH: (e) => ({ summary: `The provider rejected the credentials (${s(e['vendorCode'])}).`, causes: ['Wrong or revoked key.'], fix: 'Replace the credential.' }),
  PROVIDER_PERMISSION: (e) => ({ summary: `The credentials may not do this (${s(e['vendorCode'])}).`, causes: ['Missing permission for the zone or record.'], fix: 'Grant the permission.' }),
  PROVIDER_UNSUPPORTED: (e) => ({ summary: `The provider cannot ${s(e['capability'])}.`, causes: ['Not supported by this provider.'], fix: 'Use another provider for this.' }),
  PROVIDER_REJECTED: (e) => ({ summary: `The provider refused ${s(e['action'])} (${s(e['vendorCode'])}).`, causes: ['The request names something the provider does not accept (zone, record, value) or the provider failed.'], fix: 'See the vendor code and message in the evidence.' }),
  PROVIDER_RESPONSE_INVALID: (e) => ({ summary: `The provider's answer to ${s(e['action'])} cannot be read (HTTP ${s(e['status'])}, ${s(e['reason'])})${e['excerpt'] !== undefined ? `: ${s(e['excerpt'])}` : ''}.`, causes: ['A proxy or load balancer answered instead of the API (an HTML error page), or the answer was cut short.', 'The endpoint is not this provider\'s API.'], fix: 'Check `endpoint` and any proxy on the way; retry later. A write may or may not have been applied: list the records before trying again.' }),
  PROPAGATION_TIMEOUT: (e) => ({
    summary: `${s(e['name'])} ${s(e['type'])} did not reach every authoritative server in ${s(e['timeoutMs'])} ms; lagging: ${lagging(e['lagging'], 'answers', '; ')}.`,
    causes: ['A secondary does not receive NOTIFY or cannot transfer the zone.', 'The provider accepted the change but publishes slowly.'],
    fix: 'Check zone transfer to the lagging servers, or raise --timeout.',
  }),
  ACME_RATE_LIMITED: (e) => ({ summary: `The CA rate-limits this request${e['retryAfter'] !== undefined ? ` until ${s(e['retryAfter'])}` : ''}: ${s(e['detail'])}`, causes: ['Too many certificates, orders or failed validations for these names or this account.'], fix: 'Wait until the limit resets; use the staging CA for tests.' }),
  ACME_UNAUTHORIZED: (e) => ({ summary: `The CA could not validate ${s(e['identifier'])}: ${s(e['detail'])}${e['authoritative'] !== undefined ? ` (authoritative servers served: ${s(e['authoritative'])})` : ''}`, causes: ['The CA saw another TXT value, or none: a cached NXDOMAIN at its resolver, a CNAME pointing elsewhere, or a split-horizon zone.'], fix: 'Check what every authoritative server serves for _acme-challenge and any CNAME on it.' }),
  ACME_CAA: (e) => ({ summary: `A CAA record forbids this CA from issuing for ${s(e['identifier'])}: ${s(e['detail'])}`, causes: ['The zone has CAA records that do not list this CA.'], fix: 'Add a CAA record for this CA (issue / issuewild), or use a CA that is listed.' }),
  ACME_DNS: (e) => ({ summary: `The CA had a DNS problem validating ${s(e['identifier'])}: ${s(e['detail'])}`, causes: ['The CA could not resolve the name (SERVFAIL, timeouts, DNSSEC).'], fix: 'Check the zone\'s nameservers and DNSSEC, then retry.' }),
  ACME_CONNECTION: (e) => ({ summary: `The CA could not connect for validation: ${s(e['detail'])}`, causes: ['Network problem between the CA and your servers.'], fix: 'Retry later.' }),
  ACME_MALFORMED: (e) => ({ summary: `The CA rejected the request as malformed: ${s(e['detail'])}`, causes: ['A bug, or a CA that deviates from RFC 8555.'], fix: 'Report it with --verbose output.' }),
  ACME_BAD_NONCE: (e) => ({ summary: `The CA kept rejecting nonces (${s(e['attempts'])} attempts).`, causes: ['An overloaded CA or a proxy replaying responses.'], fix: 'Retry later.' }),
  ACME_ACCOUNT_DOES_NOT_EXIST: (e) => ({ summary: `The CA does not know the account ${s(e['account'])}.`, causes: ['The account was deactivated or the CA was reset.'], fix: 'A new account is registered on the next run.' }),
  ACME_EAB_REQUIRED: (e) => ({ summary: `The CA ${s(e['directory'])} requires External Account Binding.`, causes: ['ZeroSSL, Google and others need an EAB key id and HMAC key from their console.'], fix: 'Set `eab: { kid, hmacKey }` for this CA.' }),
  ACME_REJECTED_IDENTIFIER: (e) => ({ summary: `The CA will not issue for ${s(e['identifier'])}: ${s(e['detail'])}`, causes: ['The name is forbidden by the CA\'s policy.'], fix: 'Use another name or CA.' }),
  ACME_SERVER_INTERNAL: (e) => ({ summary: `The CA had an internal error: ${s(e['detail'])}`, causes: ['A problem at the CA.'], fix: 'Retry later.' }),
  ACME_BAD_CSR: (e) => ({ summary: `The CA rejected the certificate request: ${s(e['detail'])}`, causes: ['Unsupported key type or size, or names that do not match the order.'], fix: 'Use another key type (ec256 is accepted everywhere).' }),
  ACME_USER_ACTION_REQUIRED: (e) => ({ summary: `The CA needs you to act: ${s(e['detail'])}`, causes: ['New terms of service to accept.'], fix: `Read ${s(e['instance'] ?? e['termsOfService'])} and accept the terms.` }),
  ACME_ALREADY_REVOKED: () => ({ summary: 'The certificate is already revoked.', causes: [], fix: 'Nothing to do.' }),
  ACME_BAD_REVOCATION_REASON: (e) => ({ summary: `The CA does not accept revocation reason ${s(e['reason'])}.`, causes: ['Reasons 0, 1, 3, 4, 5 are accepted by most CAs.'], fix: 'Use one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation.' }),
  ACME_INVALID_CONTACT: (e) => ({ summary: `The CA rejected the contact ${s(e['detail'])}.`, causes: ['Not a mailto: address, or a domain the CA refuses.'], fix: 'Use a valid e-mail address.' }),
  ACME_ORDER_NOT_READY: (e) => ({ summary: `The order is not ready to finalize (${s(e['status'])}).`, causes: ['An authorization is still pending.'], fix: 'Retry.' }),
  ACME_ORDER_INVALID: (e) => ({ summary: `The order for ${s(e['identifiers'])} became invalid: ${s(e['detail'])}`, causes: ['A validation failed; see the authorization errors.'], fix: 'Fix the cause and issue again.' }),
  ACME_TIMEOUT: (e) => ({ summary: `The CA did not finish ${s(e['waitingFor'])} in ${s(e['timeoutMs'])} ms.`, causes: ['A slow CA.'], fix: 'Retry later or raise the timeout.' }),
  ACME_PROBLEM: (e) => ({ summary: `The CA answered ${s(e['type'])}: ${s(e['detail'])}`, causes: ['See the CA\'s detail.'], fix: 'Act on the detail; retry if it is transient.' }),
  ACME_RESPONSE_INVALID: (e) => ({ summary: `The CA sent a response zonekeeper cannot use: ${s(e['reason'])} (${s(e['url'])}).`, causes: ['A CA that deviates from RFC 8555, or a proxy in between.'], fix: 'Report it with --verbose output.' }),
  CA_UNKNOWN: (e) => ({ summary: `Unknown CA "${s(e['ca'])}"${e['didYouMean'] !== undefined ? ` (did you mean "${s(e['didYouMean'])}"?)` : ''}.`, causes: ['Not a preset and not a { directory, trust } mapping.'], fix: `Use one of ${s(e['known'])}, or { directory: URL, trust: roots.pem }.` }),
  DEPLOY_FAILED: (e) => ({ summary: `Deploying the certificate failed (${s(e['type'])}${e['command'] !== undefined ? ` \`${s(e['command'])}\`` : ''}${e['dir'] !== undefined ? ` to ${s(e['dir'])}` : ''}): ${s(e['error'] ?? e['exit'])}${e['stderr'] !== undefined ? ` — ${s(e['stderr'])}` : ''}`, causes: ['The hook failed or the target directory is not writable.'], fix: 'The certificate is issued and kept; fix the target and run `zonekeeper cert renew --force` or the hook by hand.' }),
  CERTIFICATE_NOT_FOUND: (e) => ({ summary: `No certificate named "${s(e['name'])}".`, causes: ['A typo, or it was never issued here.'], fix: 'See `zonekeeper cert list`.' }),
  STORE_OPEN_FAILED: (e) => ({ summary: `Cannot open the database ${s(e['database'])} (${s(e['error'])}).`, causes: ['The data directory does not exist and cannot be created, is not writable, or the disk is full.'], fix: 'Check the path, permissions and free space of --data.' }),
  STORE_CORRUPT: (e) => ({ summary: `The database ${s(e['database'])} is damaged or is not a zonekeeper database (${s(e['error'] ?? e['reason'])}).`, causes: ['The file was truncated or overwritten, the disk has errors, or --data points at another program\'s file.'], fix: 'zonekeeper left the file untouched. Restore it from a backup, or move it aside to start with an empty database.' }),
  STORE_SCHEMA_TOO_NEW: (e) => ({ summary: `The database ${s(e['database'])} has schema version ${s(e['version'])}; this zonekeeper knows up to ${s(e['supported'])}.`, causes: ['A newer zonekeeper has used this data directory.'], fix: 'Run the newer zonekeeper (or restore a backup made before the upgrade). Nothing was changed.' }),
  STORE_MIGRATION_FAILED: (e) => ({ summary: `Upgrading the database ${s(e['database'])} to schema version ${s(e['version'])} failed (${s(e['error'])}).`, causes: ['The disk is full or not writable, or the database holds data the upgrade does not expect.'], fix: 'The upgrade was rolled back; the database is as it was. Fix the cause and start again, or report it with --verbose output.' }),
  STORE_BUSY: (e) => ({ summary: `The database ${s(e['database'])} stayed locked by another process for ${s(e['timeoutMs'])} ms (${s(e['operation'])}).`, causes: ['Another zonekeeper process is writing a long transaction, or a process holding the file hangs.'], fix: 'Retry; if it persists, find the process holding the database file.' }),
  STORE_FAILED: (e) => ({ summary: `A database operation failed: ${s(e['operation'])} on ${s(e['database'])} (${s(e['error'])}).`, causes: ['The disk is full or failing, or the file became unwritable.'], fix: 'Check free space and permissions of --data.' }),
  STORE_INVALID_RECORD: (e) => ({ summary: `Refused to store a ${s(e['record'])} record: field ${s(e['field'])} is invalid (${s(e['reason'])}).`, causes: ['A bug in zonekeeper.'], fix: 'Report it with --verbose output. Nothing was written.' }),
  STORE_CLOSED: (e) => ({ summary: `The database was used after it was closed (${s(e['operation'])}).`, causes: ['A bug in zonekeeper: work continued during shutdown.'], fix: 'Report it with --verbose output.' }),
  SECRET_KEY_INVALID: (e) => ({
    summary: `The secret key from ${s(e['source'])} is not 32 bytes written as hex or base64 (${s(e['reason'])}).`,
    causes: ['ZONEKEEPER_SECRET_KEY (or the key file) was truncated, has extra characters, or holds something else.'],
    fix: 'Give 64 hex digits or 44 base64 characters, e.g. the content of <data>/secret.key, or `openssl rand -base64 32`. Nothing was changed.',
  }),
  SECRET_KEY_FILE_INSECURE: (e) => ({
    summary: `The key file ${s(e['file'])} has mode ${s(e['mode'])}: other users could read it, so zonekeeper refuses to use it.`,
    causes: ['The file was copied or created with a permissive umask.'],
    fix: `Run \`chmod 600 ${s(e['file'])}\` (and check who may have read it). Nothing was changed.`,
  }),
  SECRET_KEY_FILE_FAILED: (e) => ({ summary: `Cannot ${s(e['operation'])} the key file ${s(e['file'])} (${s(e['error'])}).`, causes: ['The data directory is not writable, or the disk is full.'], fix: 'Check the permissions and free space of --data.' }),
  SECRET_KEY_MISMATCH: (e) => ({
    summary: `A stored secret (${s(e['where'])}) was sealed with key ${s(e['expectedKeyId'])}; the available keys are ${s(e['availableKeyIds'])} (${s(e['keySource'])}).`,
    causes: ['The data directory was moved without its secret.key, or ZONEKEEPER_SECRET_KEY holds another key.', 'The key was rotated and this process was given the old one.'],
    fix: `Provide the key whose id is ${s(e['expectedKeyId'])}: copy <data>/secret.key (mode 600) from where the data came from, or set ZONEKEEPER_SECRET_KEY to it. Nothing was decrypted.`,
  }),
  SECRET_DECRYPT_FAILED: (e) => ({
    summary: `A stored secret (${s(e['where'])}) cannot be decrypted: ${s(e['reason'])}.`,
    causes: ['The database was damaged or the sealed value was edited.'],
    fix: 'Save the secret again (or restore the database from a backup). The value was not used.',
  }),
  HTTP_CONNECTION: (e) => ({ summary: `Cannot connect to ${s(e['url'])} (${s(e['error'])}).`, causes: ['The host name does not resolve, nothing listens on that port, or a firewall or proxy blocks the connection.'], fix: 'Check the URL (`endpoint`) and that this machine can reach it.' }),
  HTTP_TIMEOUT: (e) => ({ summary: `${s(e['url'])} did not answer within ${s(e['timeoutMs'])} ms.`, causes: ['The server or the network path is slow or drops packets.'], fix: 'Retry later; check the network path to the host.' }),
  HTTP_STATUS: (e) => ({ summary: `${s(e['url'])} answered HTTP ${s(e['status'])}${e['detail'] !== undefined ? `: ${s(e['detail'])}` : ''}.`, causes: ['The server refused or could not handle the request.'], fix: 'See the status and detail; check the endpoint and the request.' }),
  HTTP_RESPONSE_TOO_LARGE: (e) => ({ summary: `The response from ${s(e['url'])} is larger than ${s(e['limitBytes'])} bytes.`, causes: ['A wrong endpoint (a download instead of an API), or a misbehaving server.'], fix: 'Check the URL (`endpoint`).' }),
  HTTP_RATE_LIMITED: (e) => ({ summary: `${s(e['url'])} rate-limits this client (HTTP ${s(e['status'])}${e['vendorCode'] !== undefined ? `, ${s(e['vendorCode'])}` : ''})${e['retryAfterMs'] !== undefined ? `; it asks to wait ${s(e['retryAfterMs'])} ms` : ''}.`, causes: ['Too many requests in a short time for this account or address.'], fix: 'Wait and retry; lower the frequency of runs.' }),
  TLS_UNTRUSTED: (e) => ({ summary: `The certificate of ${s(e['url'])} (${s(e['subject'])}, issued by ${s(e['issuer'])}) is not trusted (${s(e['verifyError'])}).`, causes: ['The server uses a private or self-signed CA that is not configured for this endpoint.', 'Something between this machine and the server intercepts TLS (a proxy, antivirus, captive portal).'], fix: 'If the server really uses a private CA, give its root certificate as the trust for this endpoint. TLS verification is never turned off.' }),
  TLS_HOSTNAME_MISMATCH: (e) => ({ summary: `The certificate of ${s(e['url'])} (${s(e['subject'])}) is not valid for ${s(e['host'])}${e['names'] !== undefined ? `; it names ${s(e['names'])}` : ''}.`, causes: ['A wrong host name in the URL, or a server or proxy answering for another name.'], fix: 'Use a host name the certificate names.' }),
  TLS_CERT_EXPIRED: (e) => ({ summary: `The certificate ${s(e['subject'])} of ${s(e['url'])} expired at ${s(e['validTo'])}; the trusted time is ${s(e['trustedTime'])} (system clock ${s(e['systemTime'])}).`, causes: ['The server has not renewed its certificate.'], fix: 'Ask the server\'s operator to renew it. TLS verification is never turned off.' }),
  TLS_CERT_NOT_YET_VALID: (e) => ({ summary: `The certificate ${s(e['subject'])} of ${s(e['url'])} is valid only from ${s(e['validFrom'])}; the trusted time is ${s(e['trustedTime'])} (system clock ${s(e['systemTime'])}).`, causes: ['The server installed a certificate dated in the future, or its CA\'s clock is wrong.'], fix: 'Ask the server\'s operator to check the certificate. TLS verification is never turned off.' }),
  IP_QUORUM_NOT_REACHED: (e) => ({
    summary: `No ${s(e['family'])} address: ${s(e['quorum'])} sources must answer the same public address, at most ${s(e['votes'])} did. Sources: ${ipSourceList('en', e['sources'], '; ')}.`,
    causes: ['Echo endpoints are unreachable over this family, or answer pages, private or proxy (fake-IP) addresses instead of the address.', 'The sources see different addresses (several uplinks, a VPN for some destinations).', 'This machine has no public address of this family (CGNAT, no IPv6).'],
    fix: 'Check each source named above; add or replace sources, lower `quorum`, or set the family to false in `ddns` if it has no public address. Nothing was changed.',
  }),
  NOTIFY_FAILED: (e) => ({ summary: `The ${s(e['notifier'])} notifier could not deliver a ${s(e['kind'])} event: ${s(e['url'])} answered HTTP ${s(e['status'])}.`, causes: ['The receiving URL is wrong, needs a token in `headers:`, or is down.'], fix: 'Check the notifier\'s url and headers; the work itself was done.' }),
  WEB_UNAUTHENTICATED: () => ({ summary: 'Sign in first: this API needs a session or an API token.', causes: ['No session cookie or Authorization header, or it expired or was revoked.'], fix: 'POST /api/login, or send `Authorization: Bearer zkt_…`.' }),
  WEB_CSRF: () => ({ summary: 'Refused: the request carries no valid CSRF token.', causes: ['A form or script on another site tried to act with your session.', 'The UI lost its token after a restart.'], fix: 'Send the X-CSRF-Token header with the value of the zk_csrf cookie, or use an API token.' }),
  WEB_THROTTLED: (e) => ({ summary: `Too many failed sign-ins; try again in ${s(e['retryAfterSeconds'])} s.`, causes: ['Repeated wrong passwords from this address or for this user.'], fix: 'Wait, then sign in with the right password.' }),
  WEB_NOT_FOUND: (e) => ({ summary: `No such API route: ${s(e['path'])}.`, causes: [], fix: 'See /openapi.json for the routes.' }),
  WEB_SETUP_DONE: () => ({ summary: 'Setup is already done: an admin account exists.', causes: [], fix: 'Sign in with that account.' }),
  WEB_BAD_REQUEST: (e) => ({ summary: `Bad request: ${s(e['reason'])}.`, causes: [], fix: 'See /openapi.json for the expected body.' }),
  DAEMON_LISTEN_FAILED: (e) => ({ summary: `The daemon cannot listen on ${s(e['listen'])}: ${s(e['error'])}.`, causes: ['Another process (another zonekeeper?) uses that port.', 'The address is not one of this machine\'s.'], fix: 'Stop the other process or pass --listen host:port.' }),
  SERVICE_UNSUPPORTED_PLATFORM: (e) => ({ summary: `zonekeeper cannot install itself as a service on ${s(e['platform'])}.`, causes: ['Only systemd (Linux), launchd (macOS) and Windows services are known.'], fix: 'Start `zonekeeper run` with your system\'s service manager by hand, or run the Docker image.' }),
  SERVICE_MANAGER_UNAVAILABLE: (e) => ({ summary: `systemd (${s(e['scope'])}) is not available: ${s(e['error'])}`, causes: ['This system was not booted with systemd (a container, WSL without systemd).', 'For --user: there is no user manager for this session (su/sudo instead of a login, no lingering).'], fix: 'Use `--dry-run` to see the unit and install it where systemd runs, run the Docker image, or start `zonekeeper run` by hand. Nothing was changed.' }),
  SERVICE_NOT_PERMITTED: (e) => ({ summary: `Not allowed to ${s(e['operation'])} ${s(e['path'])} (${s(e['error'])}).${completed(e, 'Already done')}`, causes: ['A system-wide service needs root.', 'The file system is read-only.'], fix: 'Run it with sudo, or use `--user` to install for your own account.' }),
  SERVICE_PATH_UNREADABLE: (e) => ({ summary: `The service's user ${s(e['user'])} cannot reach ${s(e['path'])} (it lacks o+${s(e['missing'])}); it could not start zonekeeper. All: ${s(e['paths'])}.`, causes: ['zonekeeper was cloned or installed in a home directory, which other users may not enter.'], fix: 'Clone or install zonekeeper where every user can read it (e.g. /opt/zonekeeper, then `npm ci` there), or use `--user`. Nothing was changed.' }),
  SERVICE_FILE_FAILED: (e) => ({ summary: `Could not ${s(e['operation'])} ${s(e['path'])} (${s(e['error'])}).${completed(e, 'Already done')}`, causes: ['A file or directory of that name is in the way, or the disk is full.'], fix: 'Fix the path and run the command again; it is safe to repeat.' }),
  SERVICE_COMMAND_FAILED: (e) => ({ summary: `\`${s(e['command'])}\` failed (exit status ${s(e['status'])}): ${s(e['error'])}${completed(e, 'Already done')}`, causes: ['The service manager refused the unit or could not start it.', 'The daemon exited at once (see its log).'], fix: 'See the message above and the log (`journalctl -u zonekeeper`, or the launchd log file); `zonekeeper service install --dry-run` shows every step. Running install again is safe.' }),
  NOTIFY_REJECTED: (e) => ({ summary: `The ${s(e['notifier'])} notifier could not deliver a ${s(e['kind'])} event: ${s(e['url'])} refused it (${s(e['vendorCode'])}: ${s(e['vendorMessage'])}).`, causes: ['The token, key or chat id is wrong or was revoked.', 'The signing secret is wrong, or the robot requires a keyword or an IP allow-list.', 'The vendor limits how many messages a robot may send.'], fix: 'Check the notifier\'s settings against the robot or bot in the vendor\'s app; the work itself was done.' }),
  SMTP_CONNECTION: (e) => ({ summary: `Cannot talk to the mail server ${s(e['server'])} (${s(e['error'])}).`, causes: ['Wrong host or port, or a firewall blocks outgoing mail ports.', 'The server is down or too slow (timeout).'], fix: 'Check `host`, `port` and `tls` (587 with starttls, 465 with implicit); the work itself was done.' }),
  SMTP_REPLY: (e) => ({ summary: `The mail server ${s(e['server'])} refused the ${s(e['stage'])} step: ${s(e['replyCode'])} ${s(e['reply'])}${e['recipient'] !== undefined ? ` (recipient ${s(e['recipient'])})` : ''}.`, causes: ['The server does not accept this sender or recipient (relaying denied, sender not owned by the account).', 'A temporary problem on the server (4xx replies).'], fix: 'Check `from` and `to` against what the account may send; the work itself was done.' }),
  SMTP_AUTH_FAILED: (e) => ({ summary: `The mail server ${s(e['server'])} did not accept the login of ${s(e['username'])} (${s(e['mechanism'])}${e['replyCode'] !== undefined ? `: ${s(e['replyCode'])} ${s(e['reply'])}` : `; offered: ${s(e['offered'])}`}).`, causes: ['Wrong username or password, or the provider wants an app password.', 'The server offers no PLAIN or LOGIN authentication.'], fix: 'Check `username` and `password` (an app password for Gmail, Outlook and the like).' }),
  SMTP_STARTTLS_UNAVAILABLE: (e) => ({ summary: `The mail server ${s(e['server'])} does not offer STARTTLS; nothing was sent in clear.`, causes: ['This port serves implicit TLS (465) or plain SMTP only.'], fix: 'Use `tls: implicit` with port 465, or a port and server that offer STARTTLS (587).' }),
  ABORTED: () => ({ summary: 'Cancelled.', causes: [], fix: '' }),
  INTERNAL: (e) => ({ summary: `Internal error: ${s(e['error'])}`, causes: ['A bug in zonekeeper.'], fix: 'Report it with --verbose output.' }),
};

const zh: Catalogue = {
  USAGE: (e) => ({ summary: `用法错误：${s(e['reason'])}`, causes: ['缺少必需的参数或选项，或格式不对。'], fix: '运行 `zonekeeper --help` 查看用法。' }),
  CONFIG_INVALID: (e) => ({ summary: `配置项 ${s(e['path'] ?? e['file'])}${settingOrigin(e, true)} 无效：${s(e['reason'])}${parseError(e)}${e['didYouMean'] !== undefined ? `（是否想写 "${s(e['didYouMean'])}"？）` : ''}`, causes: ['配置文件拼写错误，或值的类型不对。'], fix: '修正该配置；`zonekeeper config check` 只校验、不发送任何请求。' }),
  CONFIG_NOT_FOUND: (e) => ({ summary: `无法读取配置文件 ${s(e['file'])}（${s(e['error'])}）。`, causes: ['--config 路径或 ZONEKEEPER_CONFIG 有误。'], fix: '让 --config 指向存在的文件。' }),
  CONFIG_REFERENCE_UNRESOLVED: (e) => ({ summary: `${s(e['path'])} 引用的 ${s(e['reference'])} 无法读取。`, causes: ['环境变量未设置，或文件不存在/不可读。'], fix: '设置该变量或创建该文件后重试。' }),
  SECRET_INVISIBLE_CHARACTER: (e) => ({ summary: `密钥 ${s(e['path'])} 的第 ${s(e['position'])} 个字符（共 ${s(e['length'])} 个，位于${WHERE_ZH[s(e['where'])] ?? s(e['where'])}）是 ${s(e['character'])} ${s(e['characterName'])}。`, causes: ['粘贴密钥时带入了多余的空格、换行或不可见字符，服务器会拒绝所有签名（"Unable to verify HMAC"、BADSIG）。'], fix: '删除该字符（重新输入或从控制台重新复制）。未发送任何请求。' }),
  PROVIDER_UNKNOWN: (e) => ({ summary: `没有名为 "${s(e['name'])}" 的服务商配置${e['didYouMean'] !== undefined ? `（是否想写 "${s(e['didYouMean'])}"？）` : ''}。`, causes: ['--provider 与配置中 `providers:` 下的名称不一致。'], fix: `可用：${s(e['known'])}。` }),
  PROVIDER_TYPE_UNKNOWN: (e) => ({ summary: `${s(e['path'])} 的服务商类型 "${s(e['type'])}" 未知${e['didYouMean'] !== undefined ? `（是否想写 "${s(e['didYouMean'])}"？）` : ''}。`, causes: ['`type:` 拼写错误，或本版本不包含该服务商。'], fix: '运行 `zonekeeper providers` 查看支持的类型。' }),
  NAME_INVALID: (e) => ({ summary: `域名 "${s(e['name'])}" 无效：${reasonText('zh-CN', e['reason'])}${e['label'] !== undefined ? `（标签 "${s(e['label'])}"）` : ''}。`, causes: ['每个标签 1–63 字节，整个域名不超过 253 个字符，`*` 只能是最左侧的完整标签，只允许字母、数字、连字符和下划线。'], fix: '修正域名。未发送任何请求。' }),
  RECORD_INVALID: (e) => ({ summary: `记录值无效：${reasonText('zh-CN', e['reason'])}${e['value'] !== undefined ? `（"${s(e['value'])}"）` : ''}。`, causes: ['值与记录类型不符（不是合法 IP、TXT 单段超过 255 字节、未知类型）。'], fix: '修正记录值；过长的 TXT 请拆成带引号的多段："part1" "part2"。未发送任何请求。' }),
  CLOCK_UNTRUSTED: (e) =>
    e['url'] === undefined
      ? { summary: '可信时钟尚无任何采样。', causes: ['还没有收到 NTP、已签名的 DNS 应答或 HTTP Date。'], fix: '配置 `clock.ntp`，或先执行一次访问服务器的命令。' }
      : {
          summary: `无法校验 ${s(e['url'])} 的证书（${s(e['subject'])}，有效期 ${s(e['validFrom'])} 至 ${s(e['validTo'])}）：系统时钟为 ${s(e['systemTime'])}，不在有效期内，且当前时间未得到任何服务器确认。该证书未被接受；校验没有被跳过。`,
          causes: ['系统时钟不准。', '或证书确实已过期（或尚未生效）。'],
          fix: '配置 `clock.ntp`（或修正系统时钟），让 zonekeeper 能确认时间；之后会按确认的时间校验证书。',
        },
  CLOCK_SKEW: (e) => ({ summary: `系统时钟偏差 ${s(e['offsetMs'])} 毫秒。`, causes: ['NTP 未运行或被阻断。'], fix: 'zonekeeper 会自动校正；也请修好系统时钟（chrony / systemd-timesyncd）。' }),
  CLOCK_STATE_WRITE_FAILED: (e) => ({ summary: `无法在数据目录中保存时钟状态（${s(e['error'])}）。`, causes: ['数据目录不可写或磁盘已满。'], fix: '检查 --data 的权限和剩余空间。' }),
  NTP_FAILED: (e) => ({ summary: `没有 NTP 服务器应答（${s(e['servers'])}）。`, causes: ['UDP 123 端口被阻断、主机名错误或服务器宕机。'], fix: '检查 `clock.ntp` 和防火墙。' }),
  NTP_KISS_OF_DEATH: (e) => ({ summary: `NTP 服务器 ${s(e['server'])} 返回 Kiss-o'-Death ${s(e['kissCode'])}。`, causes: ['服务器对本客户端限速或拒绝服务。'], fix: '换一个 NTP 服务器或降低查询频率。' }),
  DNS_TIMEOUT: (e) => ({ summary: `DNS 服务器 ${s(e['server'])} 未在规定时间内应答。`, causes: ['服务器宕机、端口错误或防火墙丢包。'], fix: '检查地址和端口，以及服务器是否在 UDP 和 TCP 上监听。' }),
  DNS_NETWORK: (e) => ({ summary: `无法连接 DNS 服务器 ${s(e['server'])}（${s(e['error'])}）。`, causes: ['连接被拒绝：该地址没有服务在监听。'], fix: '检查地址和端口。' }),
  DNS_MALFORMED: (e) => ({ summary: `DNS 报文格式错误：${s(e['reason'])}。`, causes: ['服务器或中间设备有问题。'], fix: '请附上证据报告此问题。' }),
  DNS_SERVFAIL: (e) => ({ summary: `DNS 服务器 ${s(e['server'])} 返回 SERVFAIL。`, causes: ['服务器无法加载该区域。'], fix: '查看服务器日志。' }),
  DNS_REFUSED: (e) => ({ summary: `DNS 服务器 ${s(e['server'])} 拒绝了查询。`, causes: ['它不是权威服务器，或不对本客户端开放。'], fix: '检查 `dns.nameservers` / `dns.resolvers`。' }),
  ZONE_NOT_FOUND: (e) =>
    e['reason'] === 'not-in-account'
      ? { summary: `该凭据可见的 ${s(e['zoneCount'])} 个区域都不包含 ${s(e['name'])}。`, causes: [`可见的区域：${s(e['zones'])}。`, '该区域属于另一个账号，或密钥仅限于其他区域。'], fix: '使用该区域所属账号的凭据，或在服务商配置中设置 `zone:`。' }
      : { summary: `找不到 ${s(e['name'])} 所属的区域。`, causes: ['该名称不在解析器所知的任何区域中，或解析器不可达。'], fix: '在服务商配置中设置 `zone:`，或为该区域设置 `dns.nameservers`。' },
  NAMESERVERS_NOT_FOUND: (e) => ({ summary: `找不到 ${s(e['zone'] ?? e['name'])} 的权威服务器。`, causes: ['NS 记录无法解析。'], fix: '为该区域设置 `dns.nameservers`。' }),
  RESOLVER_LYING: (e) => ({ summary: `解析器 ${s(e['resolver'])} 对 ${s(e['name'])} 返回 ${s(e['answered'])}，而权威服务器返回 ${s(e['authoritative'])}。`, causes: ['过滤或改写 DNS 的解析器（路由器、运营商、VPN、分离解析）。'], fix: 'zonekeeper 直接查询权威服务器；DNS-01 和 DDNS 检查不要依赖该解析器。' }),
  RESOLVER_FAKE_IP: (e) => ({ summary: `解析器 ${s(e['resolver'])} 是 fake-IP 解析器：对 ${s(e['name'])} 返回 ${s(e['answered'])}（198.18.0.0/15）。`, causes: ['代理软件（Clash、Surge、sing-box）的 fake-IP 模式劫持了 DNS。'], fix: 'zonekeeper 直接查询权威服务器；其他工具请把你的域名加入 fake-ip-filter。' }),
  RESOLVER_NXDOMAIN_REWRITE: (e) => ({ summary: `解析器 ${s(e['resolver'])} 会为不存在的域名编造应答（${s(e['name'])} -> ${s(e['answered'])}）。`, causes: ['运营商或路由器把 NXDOMAIN 劫持到搜索/广告页。'], fix: '换用其他解析器；zonekeeper 不会用它判断生效。' }),
  RESOLVER_STALE: (e) => ({ summary: `解析器 ${s(e['resolver'])} 仍对 ${s(e['name'])} 返回旧值 ${s(e['answered'])}（TTL ${s(e['ttl'])}），权威服务器已是 ${s(e['authoritative'])}。`, causes: ['解析器缓存了旧值，TTL 到期后会更新。'], fix: 'zonekeeper 无需处理；如需更快生效请调低 TTL。' }),
  TSIG_BADSIG: (e) => ({ summary: `服务器 ${s(e['server'])} 拒绝了密钥 "${s(e['key'])}" 的 TSIG 签名（BADSIG）：密钥内容错误。`, causes: ['密钥与服务器上的不一致（BIND 先校验签名再校验时间，所以不是时钟问题）。', `算法与服务器不一致（本次使用 ${s(e['algorithm'])}）。`], fix: '从服务器的 key 配置（`key "..." { secret "..."; }`）重新复制密钥，并核对算法。' }),
  TSIG_BADKEY: (e) => ({ summary: `服务器 ${s(e['server'])} 不认识 TSIG 密钥 "${s(e['key'])}"（${s(e['algorithm'])}，BADKEY）。`, causes: ['密钥名拼写错误，或服务器上该密钥使用其他算法。'], fix: '使用与服务器配置完全一致的密钥名和算法。' }),
  TSIG_BADTIME: (e) => ({ summary: `校正时钟后服务器 ${s(e['server'])} 仍拒绝时间（BADTIME）。`, causes: ['服务器自身时钟在跳变，或有中间设备重放应答。'], fix: '检查服务器时钟；运行 `zonekeeper clock`。' }),
  TSIG_RESPONSE_UNSIGNED: (e) => ({ summary: `服务器 ${s(e['server'])} 对已签名的请求返回了未签名的应答。`, causes: ['有其他设备冒充服务器应答。'], fix: '确认该地址是真正的主服务器。' }),
  TSIG_RESPONSE_INVALID: (e) => ({ summary: `来自 ${s(e['server'])} 的应答签名校验失败。`, causes: ['应答被伪造或损坏，或密钥不匹配。'], fix: '检查密钥和网络路径。' }),
  UPDATE_REFUSED: (e) => ({ summary: `服务器 ${s(e['server'])} 拒绝更新区域 ${s(e['zone'])}（REFUSED）。`, causes: ['密钥有效，但 update-policy 不允许更新该名称或类型，或区域不是动态区域。'], fix: '在 `update-policy` 中授权（例如 `grant <key> zonesub ANY;`）。' }),
  UPDATE_NOTAUTH: (e) => ({ summary: `服务器 ${s(e['server'])} 不是 ${s(e['zone'])} 的权威服务器（NOTAUTH）。`, causes: ['区域填错，或该服务器是辅服务器。'], fix: '把更新发往主服务器，并检查 `zone:`。' }),
  UPDATE_NOTZONE: (e) => ({ summary: `有名称不在区域 ${s(e['zone'])} 内（NOTZONE）。`, causes: ['配置的区域不包含该名称。'], fix: '修正服务商的 `zone:`。' }),
  UPDATE_FAILED: (e) => ({ summary: `更新失败：${s(e['server'])} 返回 ${s(e['rcode'])}。`, causes: ['服务器无法应用该变更。'], fix: '查看服务器日志。' }),
  PROVIDER_AUTH: (e) => ({ summary: `服务商拒绝了凭据（${s(e['vendorCode'])}）。`, causes: ['密钥错误或已被吊销。'], fix: '更换凭据。' }),
  PROVIDER_PERMISSION: (e) => ({ summary: `凭据无权执行此操作（${s(e['vendorCode'])}）。`, causes: ['缺少该区域或记录的权限。'], fix: '授予相应权限。' }),
  PROVIDER_UNSUPPORTED: (e) => ({ summary: `该服务商不支持 ${s(e['capability'])}。`, causes: ['服务商不支持。'], fix: '换用其他服务商。' }),
  PROVIDER_REJECTED: (e) => ({ summary: `服务商拒绝了 ${s(e['action'])}（${s(e['vendorCode'])}）。`, causes: ['请求中的区域、记录或取值不被服务商接受，或服务商内部出错。'], fix: '查看证据中的服务商错误码和消息。' }),
  PROVIDER_RESPONSE_INVALID: (e) => ({ summary: `服务商对 ${s(e['action'])} 的应答无法解析（HTTP ${s(e['status'])}，${s(e['reason'])}）${e['excerpt'] !== undefined ? `：${s(e['excerpt'])}` : ''}。`, causes: ['应答来自代理或负载均衡（HTML 错误页），而不是 API，或应答被截断。', 'endpoint 指向的不是该服务商的 API。'], fix: '检查 `endpoint` 及途经的代理；稍后重试。写操作可能已生效也可能未生效：重试前先列出记录。' }),
  PROPAGATION_TIMEOUT: (e) => ({ summary: `${s(e['name'])} ${s(e['type'])} 在 ${s(e['timeoutMs'])} 毫秒内未在所有权威服务器生效；滞后的服务器：${lagging(e['lagging'], '返回', '；')}。`, causes: ['辅服务器收不到 NOTIFY 或无法传送区域。', '服务商已接受变更但发布较慢。'], fix: '检查到滞后服务器的区域传送，或调大 --timeout。' }),
  ACME_RATE_LIMITED: (e) => ({ summary: `CA 对该请求限流${e['retryAfter'] !== undefined ? `，直到 ${s(e['retryAfter'])}` : ''}：${s(e['detail'])}`, causes: ['这些域名或该账户的证书、订单或失败验证过多。'], fix: '等待限额重置；测试请使用 staging CA。' }),
  ACME_UNAUTHORIZED: (e) => ({ summary: `CA 无法验证 ${s(e['identifier'])}：${s(e['detail'])}${e['authoritative'] !== undefined ? `（权威服务器返回：${s(e['authoritative'])}）` : ''}`, causes: ['CA 看到了其他 TXT 值或没有值：其解析器缓存了 NXDOMAIN、CNAME 指向别处，或分离解析。'], fix: '检查所有权威服务器上 _acme-challenge 的值及其 CNAME。' }),
  ACME_CAA: (e) => ({ summary: `CAA 记录禁止该 CA 为 ${s(e['identifier'])} 签发：${s(e['detail'])}`, causes: ['区域中的 CAA 记录没有列出该 CA。'], fix: '为该 CA 添加 CAA 记录（issue / issuewild），或改用已列出的 CA。' }),
  ACME_DNS: (e) => ({ summary: `CA 验证 ${s(e['identifier'])} 时遇到 DNS 问题：${s(e['detail'])}`, causes: ['CA 无法解析该域名（SERVFAIL、超时、DNSSEC）。'], fix: '检查区域的名称服务器和 DNSSEC 后重试。' }),
  ACME_CONNECTION: (e) => ({ summary: `CA 验证时无法连接：${s(e['detail'])}`, causes: ['CA 与你的服务器之间网络有问题。'], fix: '稍后重试。' }),
  ACME_MALFORMED: (e) => ({ summary: `CA 认为请求格式错误：${s(e['detail'])}`, causes: ['程序缺陷，或 CA 不符合 RFC 8555。'], fix: '请附上 --verbose 输出报告此问题。' }),
  ACME_BAD_NONCE: (e) => ({ summary: `CA 持续拒绝 nonce（已尝试 ${s(e['attempts'])} 次）。`, causes: ['CA 过载，或有代理重放响应。'], fix: '稍后重试。' }),
  ACME_ACCOUNT_DOES_NOT_EXIST: (e) => ({ summary: `CA 不认识账户 ${s(e['account'])}。`, causes: ['账户已被停用或 CA 已重置。'], fix: '下次运行时会注册新账户。' }),
  ACME_EAB_REQUIRED: (e) => ({ summary: `CA ${s(e['directory'])} 要求外部账户绑定（EAB）。`, causes: ['ZeroSSL、Google 等需要在其控制台获取 EAB key id 和 HMAC key。'], fix: '为该 CA 设置 `eab: { kid, hmacKey }`。' }),
  ACME_REJECTED_IDENTIFIER: (e) => ({ summary: `CA 不会为 ${s(e['identifier'])} 签发：${s(e['detail'])}`, causes: ['该域名被 CA 策略禁止。'], fix: '换用其他域名或 CA。' }),
  ACME_SERVER_INTERNAL: (e) => ({ summary: `CA 内部错误：${s(e['detail'])}`, causes: ['CA 侧的问题。'], fix: '稍后重试。' }),
  ACME_BAD_CSR: (e) => ({ summary: `CA 拒绝了证书请求：${s(e['detail'])}`, causes: ['不支持的密钥类型或长度，或域名与订单不符。'], fix: '换用其他密钥类型（ec256 普遍支持）。' }),
  ACME_USER_ACTION_REQUIRED: (e) => ({ summary: `CA 需要你处理：${s(e['detail'])}`, causes: ['需要接受新的服务条款。'], fix: `阅读 ${s(e['instance'] ?? e['termsOfService'])} 并接受条款。` }),
  ACME_ALREADY_REVOKED: () => ({ summary: '该证书已被吊销。', causes: [], fix: '无需处理。' }),
  ACME_BAD_REVOCATION_REASON: (e) => ({ summary: `CA 不接受吊销原因 ${s(e['reason'])}。`, causes: ['多数 CA 接受原因 0、1、3、4、5。'], fix: '使用 unspecified、keyCompromise、affiliationChanged、superseded、cessationOfOperation 之一。' }),
  ACME_INVALID_CONTACT: (e) => ({ summary: `CA 拒绝了联系方式 ${s(e['detail'])}。`, causes: ['不是 mailto: 地址，或 CA 拒绝该域名。'], fix: '使用有效的邮箱地址。' }),
  ACME_ORDER_NOT_READY: (e) => ({ summary: `订单尚不能完成（${s(e['status'])}）。`, causes: ['仍有授权待验证。'], fix: '重试。' }),
  ACME_ORDER_INVALID: (e) => ({ summary: `${s(e['identifiers'])} 的订单已失效：${s(e['detail'])}`, causes: ['有验证失败；见各授权的错误。'], fix: '修正原因后重新签发。' }),
  ACME_TIMEOUT: (e) => ({ summary: `CA 未在 ${s(e['timeoutMs'])} 毫秒内完成 ${s(e['waitingFor'])}。`, causes: ['CA 响应慢。'], fix: '稍后重试或调大超时。' }),
  ACME_PROBLEM: (e) => ({ summary: `CA 返回 ${s(e['type'])}：${s(e['detail'])}`, causes: ['见 CA 给出的详情。'], fix: '按详情处理；若是暂时性问题请重试。' }),
  ACME_RESPONSE_INVALID: (e) => ({ summary: `CA 的响应无法使用：${s(e['reason'])}（${s(e['url'])}）。`, causes: ['CA 不符合 RFC 8555，或中间有代理。'], fix: '请附上 --verbose 输出报告此问题。' }),
  CA_UNKNOWN: (e) => ({ summary: `未知的 CA "${s(e['ca'])}"${e['didYouMean'] !== undefined ? `（是否想写 "${s(e['didYouMean'])}"？）` : ''}。`, causes: ['既不是预设，也不是 { directory, trust } 配置。'], fix: `使用 ${s(e['known'])} 之一，或 { directory: URL, trust: roots.pem }。` }),
  DEPLOY_FAILED: (e) => ({ summary: `部署证书失败（${s(e['type'])}${e['command'] !== undefined ? ` \`${s(e['command'])}\`` : ''}${e['dir'] !== undefined ? ` 到 ${s(e['dir'])}` : ''}）：${s(e['error'] ?? e['exit'])}${e['stderr'] !== undefined ? ` — ${s(e['stderr'])}` : ''}`, causes: ['钩子命令失败或目标目录不可写。'], fix: '证书已签发并保留；修复目标后运行 `zonekeeper cert renew --force` 或手动执行钩子。' }),
  CERTIFICATE_NOT_FOUND: (e) => ({ summary: `没有名为 "${s(e['name'])}" 的证书。`, causes: ['名称拼写错误，或从未在此签发。'], fix: '查看 `zonekeeper cert list`。' }),
  STORE_OPEN_FAILED: (e) => ({ summary: `无法打开数据库 ${s(e['database'])}（${s(e['error'])}）。`, causes: ['数据目录不存在且无法创建、不可写，或磁盘已满。'], fix: '检查 --data 的路径、权限和剩余空间。' }),
  STORE_CORRUPT: (e) => ({ summary: `数据库 ${s(e['database'])} 已损坏，或不是 zonekeeper 的数据库（${s(e['error'] ?? e['reason'])}）。`, causes: ['文件被截断或覆盖、磁盘有错误，或 --data 指向了其他程序的文件。'], fix: 'zonekeeper 没有改动该文件。请从备份恢复，或把它移走后以空数据库启动。' }),
  STORE_SCHEMA_TOO_NEW: (e) => ({ summary: `数据库 ${s(e['database'])} 的结构版本是 ${s(e['version'])}，而当前 zonekeeper 最高只支持 ${s(e['supported'])}。`, causes: ['更新版本的 zonekeeper 使用过这个数据目录。'], fix: '请运行更新版本的 zonekeeper（或恢复升级前的备份）。未做任何改动。' }),
  STORE_MIGRATION_FAILED: (e) => ({ summary: `将数据库 ${s(e['database'])} 升级到结构版本 ${s(e['version'])} 失败（${s(e['error'])}）。`, causes: ['磁盘已满或不可写，或数据库中有升级程序未预料的数据。'], fix: '升级已回滚，数据库保持原样。排除原因后重新启动，或附上 --verbose 输出报告此问题。' }),
  STORE_BUSY: (e) => ({ summary: `数据库 ${s(e['database'])} 被其他进程锁定超过 ${s(e['timeoutMs'])} 毫秒（${s(e['operation'])}）。`, causes: ['另一个 zonekeeper 进程正在执行较长的事务，或持有该文件的进程已挂起。'], fix: '重试；如果持续出现，请找出占用数据库文件的进程。' }),
  STORE_FAILED: (e) => ({ summary: `数据库操作失败：${s(e['database'])} 上的 ${s(e['operation'])}（${s(e['error'])}）。`, causes: ['磁盘已满或有故障，或文件变为不可写。'], fix: '检查 --data 的剩余空间和权限。' }),
  STORE_INVALID_RECORD: (e) => ({ summary: `拒绝保存 ${s(e['record'])} 记录：字段 ${s(e['field'])} 无效（${s(e['reason'])}）。`, causes: ['zonekeeper 的缺陷。'], fix: '请附上 --verbose 输出报告此问题。未写入任何内容。' }),
  STORE_CLOSED: (e) => ({ summary: `数据库关闭后仍被使用（${s(e['operation'])}）。`, causes: ['zonekeeper 的缺陷：关闭过程中仍有任务在运行。'], fix: '请附上 --verbose 输出报告此问题。' }),
  SECRET_KEY_INVALID: (e) => ({
    summary: `来自 ${s(e['source'])} 的加密密钥不是以十六进制或 base64 表示的 32 字节（${s(e['reason'])}）。`,
    causes: ['ZONEKEEPER_SECRET_KEY（或密钥文件）被截断、含有多余字符，或内容不对。'],
    fix: '请提供 64 个十六进制字符或 44 个 base64 字符，例如 <data>/secret.key 的内容，或 `openssl rand -base64 32` 的输出。未做任何改动。',
  }),
  SECRET_KEY_FILE_INSECURE: (e) => ({
    summary: `密钥文件 ${s(e['file'])} 的权限是 ${s(e['mode'])}：其他用户可以读取，zonekeeper 拒绝使用它。`,
    causes: ['复制或创建该文件时使用了宽松的 umask。'],
    fix: `请运行 \`chmod 600 ${s(e['file'])}\`（并检查是否有人读取过它）。未做任何改动。`,
  }),
  SECRET_KEY_FILE_FAILED: (e) => ({ summary: `无法${({ read: '读取', create: '创建', replace: '替换' } as Record<string, string>)[s(e['operation'])] ?? s(e['operation'])}密钥文件 ${s(e['file'])}（${s(e['error'])}）。`, causes: ['数据目录不可写，或磁盘已满。'], fix: '检查 --data 的权限和剩余空间。' }),
  SECRET_KEY_MISMATCH: (e) => ({
    summary: `已保存的机密（${s(e['where'])}）是用密钥 ${s(e['expectedKeyId'])} 加密的；当前可用的密钥是 ${s(e['availableKeyIds'])}（${s(e['keySource'])}）。`,
    causes: ['数据目录被迁移时没有带上 secret.key，或 ZONEKEEPER_SECRET_KEY 是另一个密钥。', '密钥已轮换，而本进程拿到的是旧密钥。'],
    fix: `请提供 id 为 ${s(e['expectedKeyId'])} 的密钥：从原来的位置复制 <data>/secret.key（权限 600），或把 ZONEKEEPER_SECRET_KEY 设为该密钥。未解密任何内容。`,
  }),
  SECRET_DECRYPT_FAILED: (e) => ({
    summary: `已保存的机密（${s(e['where'])}）无法解密：${s(e['reason'])}。`,
    causes: ['数据库已损坏，或加密值被改动过。'],
    fix: '请重新保存该机密（或从备份恢复数据库）。该值未被使用。',
  }),
  HTTP_CONNECTION: (e) => ({ summary: `无法连接 ${s(e['url'])}（${s(e['error'])}）。`, causes: ['主机名无法解析、该端口没有服务在监听，或防火墙、代理阻断了连接。'], fix: '检查 URL（`endpoint`）以及本机能否访问它。' }),
  HTTP_TIMEOUT: (e) => ({ summary: `${s(e['url'])} 未在 ${s(e['timeoutMs'])} 毫秒内应答。`, causes: ['服务器或网络路径过慢或丢包。'], fix: '稍后重试；检查到该主机的网络。' }),
  HTTP_STATUS: (e) => ({ summary: `${s(e['url'])} 返回 HTTP ${s(e['status'])}${e['detail'] !== undefined ? `：${s(e['detail'])}` : ''}。`, causes: ['服务器拒绝或无法处理该请求。'], fix: '查看状态码和详情；检查 endpoint 和请求内容。' }),
  HTTP_RESPONSE_TOO_LARGE: (e) => ({ summary: `${s(e['url'])} 的响应超过 ${s(e['limitBytes'])} 字节。`, causes: ['endpoint 写错（指向了下载而不是 API），或服务器行为异常。'], fix: '检查 URL（`endpoint`）。' }),
  HTTP_RATE_LIMITED: (e) => ({ summary: `${s(e['url'])} 对本客户端限流（HTTP ${s(e['status'])}${e['vendorCode'] !== undefined ? `，${s(e['vendorCode'])}` : ''}）${e['retryAfterMs'] !== undefined ? `，要求等待 ${s(e['retryAfterMs'])} 毫秒` : ''}。`, causes: ['该账户或地址在短时间内请求过多。'], fix: '等待后重试；降低运行频率。' }),
  TLS_UNTRUSTED: (e) => ({ summary: `${s(e['url'])} 的证书（${s(e['subject'])}，签发者 ${s(e['issuer'])}）不受信任（${s(e['verifyError'])}）。`, causes: ['服务器使用了未为该 endpoint 配置的私有 CA 或自签名证书。', '本机与服务器之间有设备拦截了 TLS（代理、杀毒软件、认证门户）。'], fix: '如果服务器确实使用私有 CA，请把其根证书配置为该 endpoint 的信任。TLS 校验永远不会关闭。' }),
  TLS_HOSTNAME_MISMATCH: (e) => ({ summary: `${s(e['url'])} 的证书（${s(e['subject'])}）不适用于 ${s(e['host'])}${e['names'] !== undefined ? `；证书中的名称为 ${s(e['names'])}` : ''}。`, causes: ['URL 中的主机名写错，或有其他服务器或代理冒名应答。'], fix: '使用证书中列出的主机名。' }),
  TLS_CERT_EXPIRED: (e) => ({ summary: `${s(e['url'])} 的证书 ${s(e['subject'])} 已于 ${s(e['validTo'])} 过期；可信时间为 ${s(e['trustedTime'])}（系统时钟 ${s(e['systemTime'])}）。`, causes: ['服务器没有续期证书。'], fix: '请服务器运维方续期证书。TLS 校验永远不会关闭。' }),
  TLS_CERT_NOT_YET_VALID: (e) => ({ summary: `${s(e['url'])} 的证书 ${s(e['subject'])} 自 ${s(e['validFrom'])} 起才生效；可信时间为 ${s(e['trustedTime'])}（系统时钟 ${s(e['systemTime'])}）。`, causes: ['服务器装了一张生效时间在未来的证书，或其 CA 的时钟有误。'], fix: '请服务器运维方检查证书。TLS 校验永远不会关闭。' }),
  IP_QUORUM_NOT_REACHED: (e) => ({
    summary: `未能确定 ${s(e['family'])} 地址：需要 ${s(e['quorum'])} 个来源应答同一个公网地址，最多只有 ${s(e['votes'])} 个。各来源：${ipSourceList('zh-CN', e['sources'], '；')}。`,
    causes: ['回显服务在该地址族下不可达，或返回的是网页、私有地址或代理（fake-IP）地址，而不是地址本身。', '各来源看到的地址不同（多条出口线路，或部分目的地走 VPN）。', '本机没有该地址族的公网地址（运营商级 NAT，或没有 IPv6）。'],
    fix: '逐一检查上面列出的来源；增加或更换来源、调低 `quorum`，若没有该地址族的公网地址，在 `ddns` 中把它设为 false。未做任何更改。',
  }),
  NOTIFY_FAILED: (e) => ({ summary: `通知器 ${s(e['notifier'])} 未能发送 ${s(e['kind'])} 事件：${s(e['url'])} 返回 HTTP ${s(e['status'])}。`, causes: ['接收地址错误、需要在 `headers:` 中提供令牌，或服务不可用。'], fix: '检查通知器的 url 和 headers；任务本身已完成。' }),
  WEB_UNAUTHENTICATED: () => ({ summary: '请先登录：此 API 需要会话或 API 令牌。', causes: ['没有会话 Cookie 或 Authorization 头，或已过期、已吊销。'], fix: '调用 POST /api/login，或发送 `Authorization: Bearer zkt_…`。' }),
  WEB_CSRF: () => ({ summary: '已拒绝：请求没有有效的 CSRF 令牌。', causes: ['其他网站的表单或脚本试图使用你的会话。', '重启后界面丢失了令牌。'], fix: '在 X-CSRF-Token 头中发送 zk_csrf Cookie 的值，或使用 API 令牌。' }),
  WEB_THROTTLED: (e) => ({ summary: `登录失败次数过多，请 ${s(e['retryAfterSeconds'])} 秒后再试。`, causes: ['来自该地址或该用户的密码多次错误。'], fix: '稍候再用正确的密码登录。' }),
  WEB_NOT_FOUND: (e) => ({ summary: `没有这个 API 路径：${s(e['path'])}。`, causes: [], fix: '路径见 /openapi.json。' }),
  WEB_SETUP_DONE: () => ({ summary: '初始化已完成：管理员账号已存在。', causes: [], fix: '用该账号登录。' }),
  WEB_BAD_REQUEST: (e) => ({ summary: `请求有误：${s(e['reason'])}。`, causes: [], fix: '请求体格式见 /openapi.json。' }),
  DAEMON_LISTEN_FAILED: (e) => ({ summary: `守护进程无法监听 ${s(e['listen'])}：${s(e['error'])}。`, causes: ['端口被其他进程（另一个 zonekeeper？）占用。', '该地址不属于本机。'], fix: '停止其他进程，或使用 --listen host:port。' }),
  SERVICE_UNSUPPORTED_PLATFORM: (e) => ({ summary: `zonekeeper 无法在 ${s(e['platform'])} 上把自己安装为服务。`, causes: ['只支持 systemd（Linux）、launchd（macOS）和 Windows 服务。'], fix: '用本系统的服务管理器手动启动 `zonekeeper run`，或使用 Docker 镜像。' }),
  SERVICE_MANAGER_UNAVAILABLE: (e) => ({ summary: `systemd（${s(e['scope'])}）不可用：${s(e['error'])}`, causes: ['本系统不是由 systemd 启动的（容器、未启用 systemd 的 WSL）。', '对 --user：本会话没有用户级管理器（用了 su/sudo 而不是登录，或未开启 lingering）。'], fix: '用 `--dry-run` 查看单元文件并在运行 systemd 的机器上安装，或使用 Docker 镜像，或手动启动 `zonekeeper run`。未做任何更改。' }),
  SERVICE_NOT_PERMITTED: (e) => ({ summary: `无权${OP_ZH[s(e['operation'])] ?? s(e['operation'])} ${s(e['path'])}（${s(e['error'])}）。${completed(e, '已完成')}`, causes: ['系统级服务需要 root 权限。', '文件系统是只读的。'], fix: '用 sudo 运行，或加 `--user` 为自己的账户安装。' }),
  SERVICE_PATH_UNREADABLE: (e) => ({ summary: `服务用户 ${s(e['user'])} 无法访问 ${s(e['path'])}（缺少 o+${s(e['missing'])} 权限），服务将无法启动 zonekeeper。全部：${s(e['paths'])}。`, causes: ['zonekeeper 被克隆或安装在用户主目录中，其他用户无法进入。'], fix: '把 zonekeeper 克隆或安装到所有用户可读的位置（如 /opt/zonekeeper，并在那里运行 `npm ci`），或使用 `--user`。未做任何更改。' }),
  SERVICE_FILE_FAILED: (e) => ({ summary: `无法${OP_ZH[s(e['operation'])] ?? s(e['operation'])} ${s(e['path'])}（${s(e['error'])}）。${completed(e, '已完成')}`, causes: ['同名的文件或目录挡住了路径，或磁盘已满。'], fix: '修正该路径后重新运行；重复运行是安全的。' }),
  SERVICE_COMMAND_FAILED: (e) => ({ summary: `\`${s(e['command'])}\` 失败（退出状态 ${s(e['status'])}）：${s(e['error'])}${completed(e, '已完成')}`, causes: ['服务管理器拒绝了该单元或无法启动它。', '守护进程启动后立即退出（查看其日志）。'], fix: '查看上面的信息和日志（`journalctl -u zonekeeper` 或 launchd 日志文件）；`zonekeeper service install --dry-run` 会列出每一步。重新运行 install 是安全的。' }),
  NOTIFY_REJECTED: (e) => ({ summary: `通知器 ${s(e['notifier'])} 未能发送 ${s(e['kind'])} 事件：${s(e['url'])} 拒绝了消息（${s(e['vendorCode'])}：${s(e['vendorMessage'])}）。`, causes: ['令牌、key 或 chat id 错误或已失效。', '签名密钥错误，或机器人要求关键词或 IP 白名单。', '服务商限制了机器人的发送频率。'], fix: '对照服务商应用中的机器人设置检查通知器配置；任务本身已完成。' }),
  SMTP_CONNECTION: (e) => ({ summary: `无法与邮件服务器 ${s(e['server'])} 通信（${s(e['error'])}）。`, causes: ['主机或端口错误，或防火墙阻止了发信端口。', '服务器不可用或响应过慢（超时）。'], fix: '检查 `host`、`port` 和 `tls`（starttls 用 587，implicit 用 465）；任务本身已完成。' }),
  SMTP_REPLY: (e) => ({ summary: `邮件服务器 ${s(e['server'])} 拒绝了 ${s(e['stage'])} 步骤：${s(e['replyCode'])} ${s(e['reply'])}${e['recipient'] !== undefined ? `（收件人 ${s(e['recipient'])}）` : ''}。`, causes: ['服务器不接受该发件人或收件人（禁止转发，或发件地址不属于该账号）。', '服务器临时故障（4xx 应答）。'], fix: '检查 `from` 和 `to` 是否为该账号允许使用的地址；任务本身已完成。' }),
  SMTP_AUTH_FAILED: (e) => ({ summary: `邮件服务器 ${s(e['server'])} 未接受 ${s(e['username'])} 的登录（${s(e['mechanism'])}${e['replyCode'] !== undefined ? `：${s(e['replyCode'])} ${s(e['reply'])}` : `；服务器提供：${s(e['offered'])}`}）。`, causes: ['用户名或密码错误，或服务商要求使用应用专用密码。', '服务器不提供 PLAIN 或 LOGIN 认证。'], fix: '检查 `username` 和 `password`（Gmail、Outlook 等需使用应用专用密码）。' }),
  SMTP_STARTTLS_UNAVAILABLE: (e) => ({ summary: `邮件服务器 ${s(e['server'])} 不支持 STARTTLS；未以明文发送任何内容。`, causes: ['该端口只提供隐式 TLS（465）或明文 SMTP。'], fix: '改用 `tls: implicit` 和 465 端口，或使用支持 STARTTLS 的端口（587）。' }),
  ABORTED: () => ({ summary: '已取消。', causes: [], fix: '' }),
  INTERNAL: (e) => ({ summary: `内部错误：${s(e['error'])}`, causes: ['zonekeeper 的缺陷。'], fix: '请附上 --verbose 输出报告此问题。' }),
};

export const CATALOGUES: Record<Lang, Catalogue> = { en, 'zh-CN': zh };

export function messageFor(lang: Lang, code: ErrorCode, evidence: Evidence): MessageText {
  return CATALOGUES[lang][code](evidence);
}
