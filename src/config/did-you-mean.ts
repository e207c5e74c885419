function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_row, i) => Array.from({ length: b.length + 1 }, (_cell, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * The closest candidate within a small edit distance, for "did you mean"
 * hints: case is ignored, at most max(2, ⌊length/3⌋) edits, the first
 * candidate wins a tie, and a candidate that shares nothing with the input
 * (as many edits as the longer of the two is long) is never suggested.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const c of candidates) {
    const dist = distance(input.toLowerCase(), c.toLowerCase());
    if (dist < bestD && dist < Math.max(input.length, c.length)) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}
