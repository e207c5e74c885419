/**
 * The mail one event becomes (RFC 5322 + MIME), 7-bit clean so any server
 * takes it without SMTPUTF8 or 8BITMIME:
 * - a Subject with anything but plain ASCII (or longer than 60 characters)
 *   is RFC 2047 "B" encoded-words of UTF-8, whole characters per word,
 *   every line of the header at most 76 characters;
 * - the body is text/plain; charset=UTF-8 in base64, lines of 76;
 * - Date is the trusted time (+0000), Message-ID random at the sender's
 *   domain, `Auto-Submitted: auto-generated` (RFC 3834) so auto-responders
 *   stay quiet, `X-Zonekeeper-Event: <kind>` for filters.
 * Lines end in CRLF; `dotStuff` prepares the text for DATA.
 */
import { randomBytes } from 'node:crypto';

export interface MailParts {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Epoch ms. */
  readonly date: number;
  readonly kind: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC: "Sun, 22 Nov 2026 12:00:00 +0000". */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()] ?? ''}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** At most this many UTF-8 bytes per encoded-word: base64 of 39 bytes is 52 characters, the word 64. */
const WORD_BYTES = 39;

/**
 * An unstructured header field (`Name: value`), RFC 2047-encoded when it
 * is not short plain ASCII, folded so no line exceeds 76 characters.
 */
export function encodedHeader(name: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean) && clean.length <= 60) return `${name}: ${clean}`;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk !== '') words.push(chunk);
  return `${name}: ${words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ')}`;
}

/** base64 of the UTF-8 text, CRLF line ends, wrapped at 76 characters. */
function base64Body(text: string): string {
  const b64 = Buffer.from(`${text.replace(/\r?\n/g, '\r\n')}\r\n`, 'utf8').toString('base64');
  return (b64.match(/.{1,76}/g) ?? []).join('\r\n');
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** The whole message, headers and body, CRLF line ends, no final CRLF.CRLF. */
export function buildMessage(m: MailParts): string {
  const headers = [
    `From: zonekeeper <${m.from}>`,
    `To: ${m.to.join(',\r\n ')}`,
    encodedHeader('Subject', m.subject),
    `Date: ${rfc5322Date(m.date)}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${domainOf(m.from)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    'Auto-Submitted: auto-generated',
    `X-Zonekeeper-Event: ${m.kind.replace(/[^a-z0-9-]/g, '')}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${base64Body(m.text)}`;
}

/** RFC 5321 §4.5.2: a line starting with "." gets another one. */
export function dotStuff(message: string): string {
  return message.replace(/(^|\r\n)\./g, '$1..');
}
