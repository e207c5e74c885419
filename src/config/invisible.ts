/**
 * Characters that make a pasted credential silently wrong: surrounding
 * whitespace, zero-width and formatting characters, non-breaking spaces,
 * control characters. Reports the first one with its position (1-based,
 * counted in characters, so an astral character counts as one) and Unicode
 * name; never the secret itself. A plain space (U+0020) only counts at
 * either end; every other space, control character or default-ignorable
 * (invisible) code point counts anywhere.
 */
const NAMED: Record<number, string> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x20: 'SPACE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x3000: 'IDEOGRAPHIC SPACE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (BOM)',
};

export interface InvisibleCharacter {
  /** "U+200B" */
  readonly codePoint: string;
  readonly name: string;
  /** 1-based character position in the value. */
  readonly position: number;
  readonly length: number;
  readonly where: 'leading' | 'trailing' | 'inside';
}

const CONTROL = /^\p{Cc}$/u;
const SPACE = /^\p{Z}$/u;
/** Controls, every kind of space or separator, and code points that render as nothing. */
const SUSPICIOUS = /^[\p{Cc}\p{Z}\p{Default_Ignorable_Code_Point}]$/u;

function nameOf(cp: number, ch: string): string {
  return NAMED[cp] ?? (CONTROL.test(ch) ? 'CONTROL CHARACTER' : SPACE.test(ch) ? 'SPACE (typographic)' : 'INVISIBLE CHARACTER');
}

export function findInvisibleCharacter(value: string): InvisibleCharacter | undefined {
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const cp = ch.codePointAt(0) as number;
    const plainSpace = cp === 0x20; // a plain space only matters at either end
    if (!SUSPICIOUS.test(ch) || (plainSpace && i !== 0 && i !== chars.length - 1)) continue;
    return {
      codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
      name: nameOf(cp, ch),
      position: i + 1,
      length: chars.length,
      where: i === 0 ? 'leading' : i === chars.length - 1 ? 'trailing' : 'inside',
    };
  }
  return undefined;
}
