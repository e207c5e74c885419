/**
 * The RFC 3986 percent-encoding that AWS SigV4 ("UriEncode") and Tencent COS
 * ("UrlEncode") sign with. Pure; no state.
 *
 * Contract: the UTF-8 bytes of the string, every byte outside the unreserved
 * set A-Z a-z 0-9 - _ . ~ written as %XX with upper-case hex. So space is
 * %20 (never +), `$` is %24, `*` is %2A, and ! ' ( ) are encoded too
 * (encodeURIComponent would leave them). With `keepSlash`, `/` is kept
 * (for paths); otherwise it is %2F.
 *
 * Throws INTERNAL for a string holding a lone UTF-16 surrogate: it has no
 * UTF-8 form, and signing U+FFFD instead would sign something else.
 */
import { AppError } from '../core/errors.ts';

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x7e // ~
  );
}

export function uriEncode(value: string, keepSlash = false): string {
  if (!value.isWellFormed()) {
    throw new AppError('INTERNAL', { evidence: { reason: 'string with a lone UTF-16 surrogate cannot be percent-encoded' } });
  }
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (isUnreserved(byte) || (keepSlash && byte === 0x2f)) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
