/**
 * TXT values as DME stores them: quoted character-strings (`"text"`, long
 * values as several `"…" "…"`), with `\"` and `\\` escaped.
 */

/** The stored form of one TXT text. */
export function quoteTxt(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The text of a stored TXT value: the quoted strings joined; a value that is not quoted is returned as it is. */
export function unquoteTxt(value: string): string {
  const v = value.trim();
  if (!v.startsWith('"')) return value;
  let out = '';
  let i = 0;
  while (i < v.length) {
    if (v[i] !== '"') {
      if (/\s/.test(v[i] as string)) {
        i++;
        continue;
      }
      return value;
    }
    i++;
    for (;;) {
      if (i >= v.length) return value;
      const c = v[i] as string;
      if (c === '\\' && i + 1 < v.length) {
        out += v[i + 1] as string;
        i += 2;
      } else if (c === '"') {
        i++;
        break;
      } else {
        out += c;
        i++;
      }
    }
  }
  return out;
}
