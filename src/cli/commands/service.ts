/**
 * `zonekeeper service install|uninstall|status [--user] [--dry-run]`: run
 * the daemon under the system's service manager (systemd on Linux, launchd
 * on macOS; a printed NSSM/sc.exe recipe on Windows). `--dry-run` prints
 * the files and commands and changes nothing.
 */
import { homedir, userInfo } from 'node:os';
import { AppError } from '../../core/errors.ts';
import { accessProblems, protectHomeFor } from '../../service/access.ts';
import { applyPlan, describeStep, type StepOutcome } from '../../service/apply.ts';
import { currentLaunch } from '../../service/launch.ts';
import { serviceLayout, type ServiceLayout } from '../../service/layout.ts';
import { installPlan, uninstallPlan } from '../../service/plan.ts';
import { commandRunner, type CommandRunner } from '../../service/run-command.ts';
import { launchdStatus, systemdStatus, type ServiceStatus } from '../../service/status.ts';
import { SERVICE_USER } from '../../service/systemd-unit.ts';
import type { ServicePlan, ServiceScope, Step } from '../../service/types.ts';
import { windowsStatusRecipe } from '../../service/windows-recipe.ts';
import { usage } from '../args.ts';
import type { CommandContext } from '../command.ts';

/** A POSIX shell word: bare when safe, else single-quoted. For printing commands to copy. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

const octal = (mode: number): string => `0${mode.toString(8)}`;

function context(ctx: CommandContext, name: string): { scope: ServiceScope; dryRun: boolean; layout: ServiceLayout } {
  if (ctx.words.length > 2) throw usage(`service ${name} takes no arguments`, { extra: ctx.words.slice(2).join(' ') });
  for (const key of ctx.options.keys()) if (key !== 'user' && key !== 'dry-run') throw usage(`--${key} is not an option of service ${name}`);
  // The service has its own config and data paths; a flag here would be silently ignored.
  if (ctx.global.sources?.config === 'flag' || ctx.global.sources?.data === 'flag') {
    throw usage(`service ${name} uses the service's own config and data paths (see --dry-run); change them with a drop-in, not --config/--data`);
  }
  const scope: ServiceScope = ctx.options.get('user') === true ? 'user' : 'system';
  const home = ctx.env['HOME'] !== undefined && ctx.env['HOME'] !== '' ? ctx.env['HOME'] : homedir();
  const layout = serviceLayout({ platform: process.platform, scope, home, env: ctx.env, uid: process.getuid?.() ?? -1 });
  return { scope, dryRun: ctx.options.get('dry-run') === true, layout };
}

/** Changing a system-wide service needs root; checked before anything is touched. */
function requireRoot(layout: ServiceLayout, file: string, operation: 'write' | 'remove'): void {
  if (layout.manager !== 'windows' && layout.scope === 'system' && (process.getuid?.() ?? 0) !== 0) {
    throw new AppError('SERVICE_NOT_PERMITTED', { evidence: { path: file, operation, error: 'not root', completed: [] } });
  }
}

/** Is the manager there to take the unit? (`systemctl show -p Version` asks the manager itself.) */
async function requireSystemd(layout: ServiceLayout, run: CommandRunner): Promise<void> {
  if (layout.manager !== 'systemd') return;
  const r = await run(['systemctl', ...(layout.scope === 'user' ? ['--user'] : []), 'show', '-p', 'Version']);
  if (r.status !== 0) {
    const error = (r.stderr.split('\n').find((l) => l.trim() !== '') ?? r.error ?? `exit status ${r.status}`).trim();
    throw new AppError('SERVICE_MANAGER_UNAVAILABLE', { evidence: { manager: 'systemd', scope: layout.scope, error } });
  }
}

function stepJson(step: Step, outcome?: StepOutcome): Record<string, unknown> {
  const base: Record<string, unknown> = step.action === 'write' || step.action === 'mkdir' ? { ...step, mode: octal(step.mode) } : { ...step };
  return outcome === undefined ? base : { ...base, outcome: outcome.outcome, ...(outcome.detail === undefined ? {} : { detail: outcome.detail }) };
}

function printPlan(ctx: CommandContext, plan: ServicePlan): void {
  for (const step of plan.steps) {
    if (step.action === 'write') {
      ctx.out(`--- write ${step.path} (mode ${octal(step.mode)}${step.onlyIfMissing ? ', unless it exists' : ''})`);
      ctx.out(step.content.replace(/\n$/, ''));
    } else if (step.action === 'run') ctx.out(`--- run: ${step.argv.map(shellWord).join(' ')}${step.mayFail ? '   (may fail)' : ''}`);
    else ctx.out(`--- ${step.action} ${step.path}${step.action === 'mkdir' ? ` (mode ${octal(step.mode)})` : ''}`);
  }
  if (plan.recipe !== undefined) ctx.out(plan.recipe.replace(/\n$/, ''));
}

/** install and uninstall: print the plan (--dry-run, Windows) or check, apply and report it. */
async function carryOut(ctx: CommandContext, name: 'install' | 'uninstall', plan: ServicePlan, layout: ServiceLayout, dryRun: boolean, warnings: readonly string[]): Promise<void> {
  const head = { ok: true, command: `service ${name}`, manager: plan.manager, scope: plan.scope };
  if (dryRun || plan.manager === 'windows') {
    if (ctx.global.json) ctx.out(JSON.stringify({ ...head, dryRun: true, executed: false, steps: plan.steps.map((s) => stepJson(s)), ...(plan.recipe === undefined ? {} : { recipe: plan.recipe }), notes: plan.notes, warnings }));
    else {
      ctx.out(plan.manager === 'windows' ? `zonekeeper service ${name}: the Windows recipe` : `dry run: nothing is changed; \`zonekeeper service ${name}\` would:`);
      printPlan(ctx, plan);
      for (const w of warnings) ctx.err(`warning: ${w}`);
      for (const n of plan.notes) ctx.out(n);
    }
    return;
  }
  const run = commandRunner();
  await requireSystemd(layout, run);
  const outcomes = await applyPlan(plan.steps, { run });
  if (ctx.global.json) {
    ctx.out(JSON.stringify({ ...head, dryRun: false, executed: true, steps: outcomes.map((o) => stepJson(o.step, o)), notes: plan.notes, warnings }));
    return;
  }
  ctx.out(`${name === 'install' ? 'installed' : 'uninstalled'} zonekeeper (${plan.manager}, ${plan.scope})`);
  for (const o of outcomes) ctx.out(`  ${o.outcome.padEnd(6)} ${describeStep(o.step)}${o.detail === undefined ? '' : `: ${o.detail}`}`);
  for (const n of plan.notes) ctx.out(n);
}

export async function serviceInstall(ctx: CommandContext): Promise<void> {
  const { dryRun, layout } = context(ctx, 'install');
  const launch = currentLaunch();
  const userName = ctx.env['USER'] ?? userInfo().username;
  const plan = installPlan({ layout, launch, protectHome: protectHomeFor(launch), userName });
  const warnings: string[] = [];
  if (!dryRun && layout.manager !== 'windows') requireRoot(layout, plan.steps.find((s) => s.action === 'write')?.path ?? '/', 'write');
  if (layout.manager === 'systemd' && layout.scope === 'system') {
    const problems = accessProblems(launch);
    if (problems.length > 0 && !dryRun) {
      throw new AppError('SERVICE_PATH_UNREADABLE', { evidence: { user: SERVICE_USER, path: problems[0]?.path ?? '', missing: problems[0]?.missing ?? '', paths: problems.map((p) => `${p.path} (o+${p.missing})`) } });
    }
    for (const p of problems) warnings.push(`the ${SERVICE_USER} user cannot ${p.missing === 'x' ? 'pass or run' : 'read'} ${p.path}: install would refuse`);
  }
  await carryOut(ctx, 'install', plan, layout, dryRun, warnings);
}

export async function serviceUninstall(ctx: CommandContext): Promise<void> {
  const { dryRun, layout } = context(ctx, 'uninstall');
  const plan = uninstallPlan(layout);
  if (!dryRun && layout.manager !== 'windows') requireRoot(layout, plan.steps.find((s) => s.action === 'remove')?.path ?? '/', 'remove');
  await carryOut(ctx, 'uninstall', plan, layout, dryRun, []);
}

function statusLines(s: ServiceStatus): string[] {
  const yn = (v: boolean | null, word: string | null): string => `${v === null ? 'unknown' : v ? 'yes' : 'no'}${word === null || word === (v ? 'yes' : 'no') ? '' : ` (${word})`}`;
  return [
    `${s.name} (${s.manager}, ${s.scope}): ${s.file}`,
    `  installed  ${s.installed ? 'yes' : 'no'}`,
    `  enabled    ${yn(s.enabled, s.enabledState)}`,
    `  active     ${yn(s.active, s.activeState)}${s.pid === null ? '' : `, pid ${s.pid}`}`,
    ...(s.managerError === null ? [] : [`  ${s.manager}: ${s.managerError}`]),
  ];
}

export async function serviceStatus(ctx: CommandContext): Promise<void> {
  const { layout } = context(ctx, 'status');
  if (ctx.options.get('dry-run') === true) throw usage('service status changes nothing; --dry-run is for install and uninstall');
  if (layout.manager === 'windows') {
    const recipe = windowsStatusRecipe();
    if (ctx.global.json) ctx.out(JSON.stringify({ ok: true, command: 'service status', manager: 'windows', executed: false, recipe }));
    else ctx.out(`the state of the Windows service (nothing was executed):\n${recipe.replace(/\n$/, '')}`);
    return;
  }
  const run = commandRunner(30_000);
  const s = layout.manager === 'systemd' ? await systemdStatus(layout, run) : await launchdStatus(layout, run);
  if (ctx.global.json) ctx.out(JSON.stringify({ ok: true, command: 'service status', ...s }));
  else for (const line of statusLines(s)) ctx.out(line);
}
