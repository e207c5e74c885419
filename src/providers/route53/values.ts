/**
 * Route 53's presentation forms of names and TXT values.
 *
 * - Names come back absolute, lower-case where written so, with characters
 *   other than a-z 0-9 - _ . as `\NNN` (octal): `*` is `\052`.
 * - A TXT value is one or more character-strings, each quoted:
 *   `"v=spf1 -all"`, `"part one" "part two"`; inside quotes `\"` and `\\`
 *   are escapes and `\NNN` is one byte (octal). Each string holds at most
 *   255 bytes, so longer text is split.
 */

/** `\NNN` octal escapes (and `\x` for any other x) decoded, bytes read as UTF-8. */
function unescapeBytes(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      const oct = /^[0-7]{3}/.exec(s.slice(i + 1, i + 4));
      if (oct !== null) {
        bytes.push(parseInt(oct[0], 8) & 0xff);
        i += 3;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(s[i] as string, 'utf8'));
      continue;
    }
    bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A Route 53 name (`\052.example.com.`) as plain lower-case text (`*.example.com.`). */
export function decodeName(name: string): string {
  return unescapeBytes(name).toLowerCase();
}

/** The text of a TXT value: its character-strings, unquoted and unescaped, joined. */
export function decodeTxt(value: string): string {
  const parts: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) parts.push(unescapeBytes(m[1] ?? m[2] ?? ''));
  return parts.join('');
}

/** `text` as a Route 53 TXT value: quoted strings of at most 255 bytes, `"` and `\` escaped, non-ASCII as `\NNN`. */
export function encodeTxt(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const strings: string[] = [];
  for (let start = 0; start === 0 || start < bytes.length; start += 255) {
    let s = '';
    for (const b of bytes.subarray(start, start + 255)) {
      if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
      else if (b < 0x20 || b > 0x7e) s += `\\${b.toString(8).padStart(3, '0')}`;
      else s += String.fromCharCode(b);
    }
    strings.push(`"${s}"`);
  }
  return strings.join(' ');
}
