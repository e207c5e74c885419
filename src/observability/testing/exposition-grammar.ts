/** A check of the Prometheus text format 0.0.4 line grammar, for tests. */
import assert from 'node:assert/strict';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(String.raw`^# HELP ${NAME} (?:[^\\\n]|\\\\|\\n)*$`);
const TYPE = new RegExp(String.raw`^# TYPE ${NAME} (counter|gauge|histogram|summary|untyped)$`);
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"`;
const SAMPLE = new RegExp(String.raw`^${NAME}(\{${LABEL}(,${LABEL})*\})? (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$`);

/** Fails unless every line of `text` is a valid 0.0.4 HELP, TYPE or sample line and the text ends with a newline. */
export function assertExposition(text: string): void {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) assert.ok(HELP.test(line) || TYPE.test(line) || SAMPLE.test(line), `not 0.0.4: ${JSON.stringify(line)}`);
}

/** The sample lines of metric `name` (exact name, any labels). */
export function sampleLines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}
