/**
 * TXT values as Huawei Cloud DNS holds them: zone-file character strings,
 * quoted (`"v"`), `"` and `\` escaped, split every 255 bytes into several
 * strings. `quoteTxt` and `unquoteTxt` are inverses for our unquoted data.
 */

/** Our TXT data → Huawei's quoted form. */
export function quoteTxt(data: string): string {
  const bytes = Buffer.from(data, 'utf8');
  const parts: string[] = [];
  for (let i = 0; i < bytes.length || parts.length === 0; ) {
    // Cut at 255 bytes without splitting a UTF-8 sequence.
    let end = Math.min(i + 255, bytes.length);
    while (end < bytes.length && end > i && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(i, end).toString('utf8'));
    i = end;
    if (end === bytes.length) break;
  }
  return parts.map((p) => `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
}

/** Huawei's quoted form → our data (strings concatenated); an unquoted value is kept as is. */
export function unquoteTxt(value: string): string {
  const v = value.trim();
  if (!v.startsWith('"')) return value;
  let out = '';
  let i = 0;
  while (i < v.length) {
    if (v[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < v.length && v[i] !== '"') {
      if (v[i] === '\\' && i + 1 < v.length) i++;
      out += v[i];
      i++;
    }
    i++;
  }
  return out;
}
