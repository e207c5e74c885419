/**
 * Quoting for systemd unit files (systemd.syntax(7), systemd.service(5)
 * "Command lines"). A literal value is protected from the three things
 * systemd does to a command line: `%` specifiers, `$` environment
 * expansion, and splitting at whitespace (with C-style escapes inside
 * double quotes).
 */

/** Double-quoted with C escapes when `text` holds whitespace, a quote, a backslash or `;`, or is empty. */
function quoted(text: string): string {
  if (text !== '' && !/[\s"'\\;]/.test(text)) return text;
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n').replaceAll('\t', '\\t')}"`;
}

/** One literal argument for ExecStart=: `%` → `%%`, `$` → `$$`, quoted when needed. */
export function systemdArg(literal: string): string {
  // A function: in a string replacement "$$" would mean one "$".
  return quoted(literal.replaceAll('%', '%%').replaceAll('$', () => '$$'));
}

/** The program of ExecStart= (its first word): systemd expands specifiers there but not `$` variables. */
export function systemdExecutable(path: string): string {
  return quoted(path.replaceAll('%', '%%'));
}

/** A literal path for a setting that takes a path (WorkingDirectory=, EnvironmentFile=): specifiers escaped. */
export function systemdPath(literal: string): string {
  return literal.replaceAll('%', '%%');
}
