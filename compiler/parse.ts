/**
 * Phase 1, parse: YAML text → plain data plus a locator from spec paths to line:column.
 * The locator is what lets every later phase point at the line a user has to change.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic, SourcePosition, SpecPath } from './diagnostics';

export interface SourceLocator {
  /** Position of the value at `path`, or of its nearest existing parent. `key` points at the key instead. */
  locate(path: SpecPath, key?: boolean): SourcePosition | undefined;
}

export interface ParsedSource {
  readonly data: unknown;
  readonly locator: SourceLocator;
  readonly diagnostics: Diagnostic[];
}

export const noLocator: SourceLocator = { locate: () => undefined };

export function parseSpecText(text: string, file?: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // After the first syntax error the parser reports its consequences too; only the first is the user's.
  const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const errors = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax);
  const diagnostics: Diagnostic[] = errors.map((e) => {
    const duplicate = e.code === 'DUPLICATE_KEY';
    return {
      code: duplicate ? 'GL110' : 'GL100',
      severity: 'error',
      message: duplicate
        ? `The key "${keyAt(text, e.pos[0])}" appears twice in the same mapping; YAML would keep only one of them.`
        : `The file is not valid YAML: ${firstLine(e.message)}.`,
      path: [],
      hint: duplicate ? 'remove or rename one of the two keys' : 'fix the YAML syntax at this position',
      ...(file !== undefined ? { file } : {}),
      position: toPosition(e.pos[0]),
    };
  });
  const locator: SourceLocator = {
    locate(path, key = false) {
      let node: unknown = doc.contents;
      let keyNode: Node | undefined;
      let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
      for (const part of path) {
        keyNode = undefined;
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
          if (!pair) break;
          keyNode = pair.key as Node;
          node = pair.value;
        } else if (isSeq(node) && typeof part === 'number') {
          node = node.items[part];
        } else break;
        if (!isNodeWithRange(node)) break;
        found = node;
      }
      const target = key && keyNode?.range ? keyNode : found;
      return target?.range ? toPosition(target.range[0]) : undefined;
    },
  };
  if (diagnostics.length > 0) return { data: undefined, locator, diagnostics };
  return { data: doc.toJS({ maxAliasCount: 100 }), locator, diagnostics };
}

function keyAt(text: string, offset: number): string {
  return (/^["']?([^"':\n]*)/.exec(text.slice(offset))?.[1] ?? '').trim();
}

function isNodeWithRange(n: unknown): n is Node {
  return typeof n === 'object' && n !== null && 'range' in n;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/\.$/, '');
}
