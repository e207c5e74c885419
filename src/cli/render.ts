import type { AppError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { messageFor, type Lang } from './messages.ts';

export function langFromEnv(env: NodeJS.ProcessEnv): Lang {
  const v = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  return /^zh/i.test(v) ? 'zh-CN' : 'en';
}

const LABELS: Record<Lang, { error: string; warning: string; info: string; causes: string; fix: string; evidence: string }> = {
  en: { error: 'error', warning: 'warning', info: 'note', causes: 'likely causes', fix: 'fix', evidence: 'evidence' },
  'zh-CN': { error: '错误', warning: '警告', info: '提示', causes: '可能原因', fix: '解决办法', evidence: '证据' },
};

/** A diagnosis as text for a terminal. */
export function renderDiagnosis(lang: Lang, severity: 'error' | 'warning' | 'info', code: AppError['code'], evidence: AppError['diagnosis']['evidence'], verbose: boolean): string {
  const m = messageFor(lang, code, evidence);
  const l = LABELS[lang];
  const lines = [`${l[severity]} [${code}]: ${m.summary}`];
  if (m.causes.length > 0) lines.push(`  ${l.causes}:`, ...m.causes.map((c) => `    - ${c}`));
  if (m.fix !== '') lines.push(`  ${l.fix}: ${m.fix}`);
  if (verbose) lines.push(`  ${l.evidence}: ${JSON.stringify(evidence)}`);
  return lines.join('\n');
}

export function renderError(lang: Lang, e: AppError, verbose: boolean): string {
  return renderDiagnosis(lang, 'error', e.code, e.diagnosis.evidence, verbose);
}

export function renderFinding(lang: Lang, f: Finding, verbose: boolean): string {
  return renderDiagnosis(lang, f.severity, f.code, f.evidence, verbose);
}
