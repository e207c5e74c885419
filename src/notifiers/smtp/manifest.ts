/**
 * The smtp notifier's manifest. TLS is not optional: `tls: starttls`
 * (default, port 587) upgrades the connection before anything else is
 * sent, `tls: implicit` (port 465) starts with TLS. The certificate is
 * always verified (system roots, or `trust`).
 */
import { hostname } from 'node:os';
import { AppError } from '../../core/errors.ts';
import { readTrustFile } from '../../config/trust-file.ts';
import { timeoutSetting } from '../../providers/settings.ts';
import { NOTIFIER_COMMON_FIELDS, textValue } from '../common-fields.ts';
import type { NotifierManifest } from '../types.ts';
import { SmtpNotifier, type SmtpConfig } from './notifier.ts';

/** An ASCII mailbox local@domain, no spaces, brackets or line breaks (they would reach SMTP commands and headers). */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/;

function invalid(path: string, reason: string, value?: string): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...(value === undefined ? {} : { value }) } });
}

export const smtpNotifierManifest: NotifierManifest<SmtpConfig> = {
  id: 'smtp',
  displayName: 'E-mail over SMTP (STARTTLS or implicit TLS, always verified)',
  fields: [
    { name: 'host', type: 'string', required: true, secret: false, description: 'the SMTP server (submission service)' },
    { name: 'port', type: 'integer', required: false, secret: false, description: 'default 587 with starttls, 465 with implicit' },
    { name: 'tls', type: 'string', required: false, secret: false, description: 'starttls: upgrade before anything is sent; implicit: TLS from the first byte', default: 'starttls', enum: ['starttls', 'implicit'] },
    { name: 'username', type: 'string', required: false, secret: false, credential: true, description: 'login (AUTH PLAIN or LOGIN, only ever over TLS)' },
    { name: 'password', type: 'string', required: false, secret: true, description: 'password for username' },
    { name: 'from', type: 'string', required: true, secret: false, description: 'sender address (user@example.com)' },
    { name: 'to', type: 'string', required: true, secret: false, description: 'recipient addresses, separated by commas' },
    { name: 'ehlo', type: 'string', required: false, secret: false, description: 'the name given in EHLO; default this machine\'s host name' },
    { name: 'trust', type: 'string', required: false, secret: false, description: 'PEM file of the roots trusted for this server only (default: the system roots)' },
    { name: 'timeout', type: 'integer', required: false, secret: false, description: 'ms for the whole conversation', default: 30_000 },
    ...NOTIFIER_COMMON_FIELDS,
  ],
  parse(raw, path) {
    const host = textValue(raw, 'host').trim().replace(/^\[(.*)\]$/, '$1');
    if (!HOST.test(host)) throw invalid(`${path}.host`, 'expected a host name or an IP address', host);
    const tls = raw['tls'] === 'implicit' ? 'implicit' : 'starttls';
    const port = typeof raw['port'] === 'number' ? raw['port'] : tls === 'implicit' ? 465 : 587;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`${path}.port`, 'expected a port number from 1 to 65535', String(port));
    const from = textValue(raw, 'from').trim();
    if (!ADDRESS.test(from)) throw invalid(`${path}.from`, 'expected an ASCII e-mail address like user@example.com', from);
    const to = textValue(raw, 'to')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (to.length === 0) throw invalid(`${path}.to`, 'expected at least one address');
    for (const a of to) if (!ADDRESS.test(a)) throw invalid(`${path}.to`, 'expected ASCII e-mail addresses like user@example.com, separated by commas', a);
    const username = typeof raw['username'] === 'string' && raw['username'] !== '' ? raw['username'] : undefined;
    const password = typeof raw['password'] === 'string' && raw['password'] !== '' ? raw['password'] : undefined;
    if ((username === undefined) !== (password === undefined)) throw invalid(`${path}.${username === undefined ? 'username' : 'password'}`, 'username and password go together');
    const ehlo = typeof raw['ehlo'] === 'string' && raw['ehlo'] !== '' ? raw['ehlo'] : hostname() || 'localhost';
    if (!HOST.test(ehlo)) throw invalid(`${path}.ehlo`, 'expected a host name', ehlo);
    const trust = typeof raw['trust'] === 'string' ? readTrustFile(raw['trust'], `${path}.trust`) : undefined;
    return {
      host,
      port,
      tls,
      from,
      to,
      ehlo,
      ...(username === undefined || password === undefined ? {} : { auth: { username, password } }),
      ...(trust === undefined ? {} : { caPem: trust }),
      timeoutMs: timeoutSetting(raw, path, 30_000),
    };
  },
  create: (config, deps) => new SmtpNotifier(config, deps),
};
