/** Summaries of repeated timings and a plain-text table to print them in. */

export interface Summary {
  readonly runs: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

/** min / median / max of the timings (median of an even count: mean of the middle two). Throws on none. */
export function summarize(ms: readonly number[]): Summary {
  if (ms.length === 0) throw new Error('no timings to summarize');
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const at = (i: number): number => s[i] ?? Number.NaN;
  return {
    runs: s.length,
    minMs: at(0),
    medianMs: s.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2,
    maxMs: at(s.length - 1),
  };
}

/** Milliseconds as seconds with millisecond resolution: 1234.5 → "1.235". */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * A Markdown-compatible table, columns padded to their widest cell.
 * `right[i]` right-aligns column i (numbers).
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number): string => {
    const w = widths[i] ?? 0;
    return right[i] === true ? text.padStart(w) : text.padEnd(w);
  };
  const line = (cells: readonly string[]): string => `| ${headers.map((_, i) => cell(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] === true ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
