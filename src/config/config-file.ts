/**
 * Reading zonekeeper.yaml: the text, then the document with the line and
 * column of every value (for `config explain` and for errors).
 */
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { AppError } from '../core/errors.ts';
import { formatPath, type PathSegment } from './setting-path.ts';

/**
 * The file's text; undefined when it does not exist and `explicit` is false
 * (the default path: an empty config). CONFIG_NOT_FOUND when the user named
 * it and it is missing, or when it cannot be read at all.
 */
export function readConfigText(path: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || explicit)
      throw new AppError('CONFIG_NOT_FOUND', { evidence: { file: path, error: (e as NodeJS.ErrnoException).code ?? 'read failed' } });
    return undefined;
  }
}

/** The parser's first complaint, first line, as CONFIG_INVALID evidence (it carries the line and column). */
export function yamlError(file: string, message: string): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { file, reason: 'not valid YAML', error: (message.split('\n')[0] ?? '').replace(/:\s*$/, '') } });
}

export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

export interface ParsedConfigFile {
  /** The document as plain data (an empty file is `{}`). */
  readonly doc: unknown;
  /** formatPath text → where its value starts (1-based), for every key and item. */
  readonly positions: ReadonlyMap<string, FilePosition>;
}

/** Parse YAML text with positions; CONFIG_INVALID (with the parser's line and column) when it is not YAML. */
export function parseConfigText(text: string, file: string): ParsedConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const first = document.errors[0];
  if (first !== undefined) throw yamlError(file, first.message);
  const positions = new Map<string, FilePosition>();
  const at = (offset: number): FilePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const seen = new Set<Node>();
  const walk = (node: unknown, path: PathSegment[]): void => {
    const target = isAlias(node) ? node.resolve(document as Document) : node;
    if (target === undefined || seen.has(target as Node)) return; // an alias cycle
    if (isMap(target)) {
      seen.add(target);
      for (const pair of target.items) {
        if (!isScalar(pair.key)) continue;
        const child = [...path, String(pair.key.value)];
        const value = pair.value as Node | null;
        const range = value?.range ?? pair.key.range;
        if (range !== undefined && range !== null) positions.set(formatPath(child), at(range[0]));
        walk(value, child);
      }
      seen.delete(target);
    } else if (isSeq(target)) {
      seen.add(target);
      target.items.forEach((item, i) => {
        const child = [...path, i];
        const range = (item as Node | null)?.range;
        if (range !== undefined && range !== null) positions.set(formatPath(child), at(range[0]));
        walk(item, child);
      });
      seen.delete(target);
    }
  };
  walk(document.contents, []);
  let doc: unknown;
  try {
    doc = document.toJS() ?? {};
  } catch (e) {
    throw yamlError(file, (e as Error).message); // e.g. too many alias expansions
  }
  return { doc, positions };
}
