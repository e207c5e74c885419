/**
 * Stable error codes. A published code is never renamed or reused with a new
 * meaning (undici's rule); add new codes instead. `kind` drives the exit
 * status: usage and config errors exit 2 (nothing was changed), the rest 1.
 */
export const ERROR_CODES = {
  // usage and configuration: exit 2, nothing sent
  USAGE: { kind: 'usage' },
  CONFIG_INVALID: { kind: 'config' },
  CONFIG_NOT_FOUND: { kind: 'config' },
  CONFIG_REFERENCE_UNRESOLVED: { kind: 'config' },
  SECRET_INVISIBLE_CHARACTER: { kind: 'config' },
  PROVIDER_UNKNOWN: { kind: 'config' },
  PROVIDER_TYPE_UNKNOWN: { kind: 'config' },
  NAME_INVALID: { kind: 'usage' },
  RECORD_INVALID: { kind: 'usage' },
  // clock
  CLOCK_UNTRUSTED: { kind: 'clock' },
  CLOCK_SKEW: { kind: 'clock' },
  NTP_FAILED: { kind: 'network' },
  NTP_KISS_OF_DEATH: { kind: 'network' },
  CLOCK_STATE_WRITE_FAILED: { kind: 'internal' },
  // DNS transport and discovery
  DNS_TIMEOUT: { kind: 'network' },
  DNS_NETWORK: { kind: 'network' },
  DNS_MALFORMED: { kind: 'network' },
  DNS_SERVFAIL: { kind: 'network' },
  DNS_REFUSED: { kind: 'permission' },
  ZONE_NOT_FOUND: { kind: 'config' },
  NAMESERVERS_NOT_FOUND: { kind: 'network' },
  RESOLVER_LYING: { kind: 'finding' },
  RESOLVER_FAKE_IP: { kind: 'finding' },
  RESOLVER_NXDOMAIN_REWRITE: { kind: 'finding' },
  RESOLVER_STALE: { kind: 'finding' },
  // TSIG / RFC 2136
  TSIG_BADSIG: { kind: 'auth' },
  TSIG_BADKEY: { kind: 'auth' },
  TSIG_BADTIME: { kind: 'clock' },
  TSIG_RESPONSE_UNSIGNED: { kind: 'auth' },
  TSIG_RESPONSE_INVALID: { kind: 'auth' },
  UPDATE_REFUSED: { kind: 'permission' },
  UPDATE_NOTAUTH: { kind: 'permission' },
  UPDATE_NOTZONE: { kind: 'config' },
  UPDATE_FAILED: { kind: 'provider' },
  // providers in general
  PROVIDER_AUTH: { kind: 'auth' },
  PROVIDER_PERMISSION: { kind: 'permission' },
  PROVIDER_UNSUPPORTED: { kind: 'config' },
  /** The vendor API refused a request for a reason of its own (vendorCode in the evidence). */
  PROVIDER_REJECTED: { kind: 'provider' },
  /** The vendor answered, but its answer cannot be read (an HTML page, truncated JSON/XML, a body that is not the API's shape). */
  PROVIDER_RESPONSE_INVALID: { kind: 'provider' },
  // propagation
  PROPAGATION_TIMEOUT: { kind: 'timeout' },
  // ACME
  ACME_RATE_LIMITED: { kind: 'provider' },
  ACME_UNAUTHORIZED: { kind: 'provider' },
  ACME_CAA: { kind: 'provider' },
  ACME_DNS: { kind: 'network' },
  ACME_CONNECTION: { kind: 'network' },
  ACME_MALFORMED: { kind: 'provider' },
  ACME_BAD_NONCE: { kind: 'provider' },
  ACME_ACCOUNT_DOES_NOT_EXIST: { kind: 'provider' },
  ACME_EAB_REQUIRED: { kind: 'config' },
  ACME_REJECTED_IDENTIFIER: { kind: 'provider' },
  ACME_SERVER_INTERNAL: { kind: 'provider' },
  ACME_BAD_CSR: { kind: 'provider' },
  ACME_USER_ACTION_REQUIRED: { kind: 'provider' },
  ACME_ALREADY_REVOKED: { kind: 'provider' },
  ACME_BAD_REVOCATION_REASON: { kind: 'usage' },
  ACME_INVALID_CONTACT: { kind: 'config' },
  ACME_ORDER_NOT_READY: { kind: 'provider' },
  ACME_ORDER_INVALID: { kind: 'provider' },
  ACME_TIMEOUT: { kind: 'timeout' },
  ACME_PROBLEM: { kind: 'provider' },
  ACME_RESPONSE_INVALID: { kind: 'provider' },
  CA_UNKNOWN: { kind: 'config' },
  CERTIFICATE_NOT_FOUND: { kind: 'usage' },
  DEPLOY_FAILED: { kind: 'provider' },
  // store (SQLite / PostgreSQL)
  STORE_OPEN_FAILED: { kind: 'internal' },
  STORE_CORRUPT: { kind: 'internal' },
  STORE_SCHEMA_TOO_NEW: { kind: 'config' },
  STORE_MIGRATION_FAILED: { kind: 'internal' },
  STORE_BUSY: { kind: 'timeout' },
  STORE_FAILED: { kind: 'internal' },
  STORE_INVALID_RECORD: { kind: 'internal' },
  STORE_CLOSED: { kind: 'internal' },
  // secrets at rest (src/secrets)
  /** ZONEKEEPER_SECRET_KEY or a key file does not hold 32 bytes as hex or base64. */
  SECRET_KEY_INVALID: { kind: 'config' },
  /** The key file is readable or writable by group or others (the evidence names its mode). */
  SECRET_KEY_FILE_INSECURE: { kind: 'config' },
  /** The key file cannot be read, created or replaced (I/O). */
  SECRET_KEY_FILE_FAILED: { kind: 'internal' },
  /** A sealed value names a key id that no available key has: the wrong key (the evidence names the expected id). */
  SECRET_KEY_MISMATCH: { kind: 'config' },
  /** A sealed value is malformed or fails authentication under its key: damaged or tampered with. */
  SECRET_DECRYPT_FAILED: { kind: 'internal' },
  // outbound HTTP(S) (src/http)
  HTTP_CONNECTION: { kind: 'network' },
  HTTP_TIMEOUT: { kind: 'timeout' },
  HTTP_STATUS: { kind: 'provider' },
  HTTP_RESPONSE_TOO_LARGE: { kind: 'provider' },
  HTTP_RATE_LIMITED: { kind: 'provider' },
  TLS_UNTRUSTED: { kind: 'network' },
  TLS_HOSTNAME_MISMATCH: { kind: 'network' },
  TLS_CERT_EXPIRED: { kind: 'network' },
  TLS_CERT_NOT_YET_VALID: { kind: 'network' },
  // DDNS address detection (src/ddns/ip)
  /** No address was answered by enough sources (quorum); the evidence names every source and its reason. */
  IP_QUORUM_NOT_REACHED: { kind: 'network' },
  // notifications
  NOTIFY_FAILED: { kind: 'provider' },
  // web API
  WEB_UNAUTHENTICATED: { kind: 'auth' },
  WEB_CSRF: { kind: 'permission' },
  WEB_THROTTLED: { kind: 'auth' },
  WEB_NOT_FOUND: { kind: 'usage' },
  WEB_SETUP_DONE: { kind: 'usage' },
  WEB_BAD_REQUEST: { kind: 'usage' },
  DAEMON_LISTEN_FAILED: { kind: 'config' },
  // service install (src/service)
  /** No service manager zonekeeper knows on this platform (evidence: platform). */
  SERVICE_UNSUPPORTED_PLATFORM: { kind: 'usage' },
  /** systemd is not running or not reachable (a container, no user session); nothing was changed. */
  SERVICE_MANAGER_UNAVAILABLE: { kind: 'config' },
  /** Writing or removing a service file was refused (not root, read-only file system). */
  SERVICE_NOT_PERMITTED: { kind: 'permission' },
  /** The service's user cannot reach Node or the sources (a clone in a private home directory); nothing was changed. */
  SERVICE_PATH_UNREADABLE: { kind: 'config' },
  /** A service file could not be written or removed for another reason (evidence: path, error). */
  SERVICE_FILE_FAILED: { kind: 'internal' },
  /** systemctl, launchctl or systemd-sysusers failed (evidence: command, status, error, completed). */
  SERVICE_COMMAND_FAILED: { kind: 'internal' },
  // notifications
  NOTIFY_REJECTED: { kind: 'provider' },
  SMTP_CONNECTION: { kind: 'network' },
  SMTP_REPLY: { kind: 'provider' },
  SMTP_AUTH_FAILED: { kind: 'auth' },
  SMTP_STARTTLS_UNAVAILABLE: { kind: 'provider' },
  // generic
  ABORTED: { kind: 'aborted' },
  INTERNAL: { kind: 'internal' },
} as const satisfies Record<string, { kind: ErrorKind }>;

export type ErrorKind =
  | 'usage'
  | 'config'
  | 'clock'
  | 'network'
  | 'auth'
  | 'permission'
  | 'provider'
  | 'timeout'
  | 'finding'
  | 'aborted'
  | 'internal';

export type ErrorCode = keyof typeof ERROR_CODES;

export function errorKind(code: ErrorCode): ErrorKind {
  return ERROR_CODES[code].kind;
}

/** Exit status for a failure with this code: 2 for bad usage or configuration, else 1. */
export function exitStatusFor(code: ErrorCode): 1 | 2 {
  const kind = errorKind(code);
  return kind === 'usage' || kind === 'config' ? 2 : 1;
}
