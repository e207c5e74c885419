/**
 * The Prometheus text exposition format, version 0.0.4: per family a
 * `# HELP` line (backslash and newline escaped), a `# TYPE` line, then one
 * line per sample: `name{label="value",…} number`. Label values escape
 * backslash, double quote and newline; numbers are Go-style floats (`+Inf`,
 * `-Inf`, `NaN`); histogram bounds render the same way in `le`. Lines end
 * with "\n", the document too.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  readonly name: string;
  /** Label name and value (numbers are formatted like sample values, for `le`). */
  readonly labels: readonly (readonly [string, string | number])[];
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function sampleLine(s: Sample): string {
  const labels = s.labels.map(([k, v]) => `${k}="${escapeLabelValue(typeof v === 'number' ? formatNumber(v) : v)}"`);
  return `${s.name}${labels.length === 0 ? '' : `{${labels.join(',')}}`} ${formatNumber(s.value)}`;
}

export function render(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(sampleLine(s));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
