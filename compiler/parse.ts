/**
 * Phase 1, parse: YAML text → plain data plus a locator from spec paths to line:column.
 * The locator is what lets every later phase point at the line a user has to change.
 *
 * Hostile text is refused here, before any later phase walks the data: duplicate keys (found in one pass, in
 * time linear in the input), aliases that are undefined, cyclic or expand too far, keys that would reach an
 * object's prototype, and nesting deeper than any spec needs.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, SourcePosition, SpecPath } from './diagnostics';
import { fastLoad } from './fast-yaml';
import { MAX_ALIAS_CHARS, MAX_DEPTH, MAX_EXPANDED_NODES, reservedKeyDiagnostic, tooDeepDiagnostic } from './plain-data';

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

/** Diagnostics a parse reports at most per kind; the rest are counted, so a hostile file cannot flood the output. */
const MAX_REPORTED = 100;

/**
 * The last parse without diagnostics (its result does not depend on `file`): the CLI asks for the same text up
 * to three times in one run (is it a spec? compile it; locate its objects), and a large spec's parse is most of
 * a command's time. One entry, so at most one spec's syntax tree is kept alive. Callers never mutate `data`.
 */
let lastParse: { readonly text: string; readonly parsed: ParsedSource } | undefined;

export function parseSpecText(text: string, file?: string): ParsedSource {
  if (lastParse !== undefined && lastParse.text === text) return lastParse.parsed;
  const parsed = parseUncached(text, file);
  if (parsed.diagnostics.length === 0) lastParse = { text, parsed };
  return parsed;
}

/**
 * js-yaml's fast path when it is sure of the same data (compiler/fast-yaml.ts); else the `yaml` path, which
 * alone reports diagnostics. A fast parse has no syntax tree: its locator parses with `yaml` on first use.
 */
function parseUncached(text: string, file?: string): ParsedSource {
  const fast = fastLoad(text);
  if (fast !== undefined) return { data: fast.data, locator: lazyLocator(text), diagnostics: [] };
  return parseSpecTextWithYaml(text, file);
}

/** Today's locator, built by a `yaml` parse of the text the first time a position is asked for. */
function lazyLocator(text: string): SourceLocator {
  let locator: SourceLocator | undefined;
  return {
    locate(path, key) {
      if (locator === undefined) {
        const lineCounter = new LineCounter();
        const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
        locator = sourceLocator(doc, (offset) => {
          const { line, col } = lineCounter.linePos(offset);
          return { line, column: col };
        });
      }
      return locator.locate(path, key);
    },
  };
}

/** The reference path: the `yaml` library's syntax tree, its checks and positions (uncached; tests compare with it). */
export function parseSpecTextWithYaml(text: string, file?: string): ParsedSource {
  const lineCounter = new LineCounter();
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const at = (offset: number | undefined): Pick<Diagnostic, 'file' | 'position'> => ({
    ...(file !== undefined ? { file } : {}),
    position: toPosition(offset ?? 0),
  });
  let doc: Document.Parsed;
  try {
    // uniqueKeys: false — the library's own check compares every key with every other (quadratic); ours is a Set.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { data: undefined, locator: noLocator, diagnostics: [{ ...tooDeepDiagnostic([]), ...at(0) }] };
  }
  const locator = sourceLocator(doc, toPosition);
  // After the first syntax error the parser reports its consequences too; only the first is the user's.
  const firstSyntax = doc.errors[0];
  // The library turns its own stack overflow on deep flow collections ([[[[…) into an error of the document.
  if (firstSyntax && /call stack/i.test(firstSyntax.message))
    return { data: undefined, locator, diagnostics: [{ ...tooDeepDiagnostic([]), ...at(firstSyntax.pos[0]) }] };
  if (firstSyntax) {
    const diagnostic: Diagnostic = {
      code: 'GL100',
      severity: 'error',
      message: `The file is not valid YAML: ${firstLine(firstSyntax.message)}.`,
      path: [],
      hint: 'fix the YAML syntax at this position',
      ...at(firstSyntax.pos[0]),
    };
    return { data: undefined, locator, diagnostics: [diagnostic] };
  }
  const diagnostics = structureDiagnostics(doc).map((d) => ({ ...d.diagnostic, ...at(d.offset) }));
  if (diagnostics.length > 0) return { data: undefined, locator, diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    // structureDiagnostics resolves every alias first; this is the library's own guard, kept as a backstop.
    if (!(e instanceof RangeError || e instanceof ReferenceError)) throw e;
    return { data: undefined, locator, diagnostics: [{ ...aliasDiagnostic(`the aliases cannot be expanded (${e.message})`, []), ...at(0) }] };
  }
  return { data, locator, diagnostics };
}

/**
 * The same structural checks for any parsed YAML document (rendered objects read by check/diff/explain):
 * duplicate keys, reserved keys, aliases, depth. Positions come from the caller's line counter.
 */
export function documentDiagnostics(doc: Document.Parsed, lineCounter: LineCounter, file?: string): Diagnostic[] {
  return structureDiagnostics(doc).map((d) => {
    const { line, col } = lineCounter.linePos(d.offset ?? 0);
    return { ...d.diagnostic, ...(file !== undefined ? { file } : {}), position: { line, column: col } };
  });
}

interface Placed {
  readonly diagnostic: Omit<Diagnostic, 'file' | 'position'>;
  readonly offset: number | undefined;
}

/**
 * One iterative pass over the syntax tree (no recursion, so no stack overflow however deep the text):
 * duplicate keys per mapping, reserved keys, nesting depth, and aliases — each resolved once, its expanded
 * size counted, so a "billion laughs" document is refused before anything expands it.
 */
function structureDiagnostics(doc: Document.Parsed): Placed[] {
  const out: Placed[] = [];
  const counts = new Map<string, number>();
  const add = (diagnostic: Placed['diagnostic'], offset: number | undefined) => {
    const n = (counts.get(diagnostic.code) ?? 0) + 1;
    counts.set(diagnostic.code, n);
    if (n <= MAX_REPORTED) out.push({ diagnostic, offset });
  };
  const anchors = new Map<string, Node>();
  // Expanded size of each anchored node, filled when its subtree is done; aliases add it, never re-walk it.
  const expanded = new Map<Node, number>();
  // Characters of scalars, likewise: one long string behind many aliases is a bomb of bytes, not of nodes.
  const expandedChars = new Map<Node, number>();
  let total = 0;
  let chars = 0;
  let aliasChars = 0;
  type Frame = { node: unknown; path: SpecPath; depth: number; ancestors: ReadonlySet<Node>; exit?: { node: Node; startTotal: number; startChars: number } };
  const stack: Frame[] = [{ node: doc.contents, path: [], depth: 0, ancestors: new Set() }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.exit) {
      expanded.set(frame.exit.node, total - frame.exit.startTotal);
      expandedChars.set(frame.exit.node, chars - frame.exit.startChars);
      continue;
    }
    const { node, path, depth, ancestors } = frame;
    if (node === null || node === undefined) continue;
    const offset = (node as Node).range?.[0];
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        add(aliasDiagnostic(`the alias *${node.source} is used before (or without) an anchor &${node.source}`, path), offset);
      } else if (ancestors.has(target)) {
        add(aliasDiagnostic(`the alias *${node.source} is inside the node it names, which would make the data infinite`, path), offset);
      } else {
        const targetChars = expandedChars.get(target) ?? (isScalar(target) ? String(target.value).length : 0);
        total += expanded.get(target) ?? 1;
        chars += targetChars;
        aliasChars += targetChars;
      }
      if (total > MAX_EXPANDED_NODES || aliasChars > MAX_ALIAS_CHARS) {
        add(aliasDiagnostic(total > MAX_EXPANDED_NODES ? `the aliases expand the document to more than ${MAX_EXPANDED_NODES} values` : `the aliases repeat more than ${MAX_ALIAS_CHARS} characters of text`, path), offset);
        return out;
      }
      continue;
    }
    total++;
    if (isScalar(node)) chars += String(node.value).length;
    if (depth > MAX_DEPTH) {
      add(tooDeepDiagnostic(path), offset);
      continue;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    if (!isMap(node) && !isSeq(node)) continue;
    const inner = new Set(ancestors).add(n);
    stack.push({ node, path, depth, ancestors, exit: { node: n, startTotal: total - 1, startChars: chars } });
    const children: Frame[] = [];
    if (isSeq(node)) {
      node.items.forEach((item, i) => children.push({ node: item, path: [...path, i], depth: depth + 1, ancestors: inner }));
    } else {
      const seen = new Set<string>();
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        const key = pair.key;
        const keyOffset = (key as Node | null)?.range?.[0];
        if (isScalar(key)) {
          const name = String(key.value);
          if (seen.has(name))
            add({ code: 'GL110', severity: 'error', message: `The key "${name}" appears twice in the same mapping; YAML would keep only one of them.`, path: [], hint: 'remove or rename one of the two keys' }, keyOffset);
          seen.add(name);
          const reserved = reservedKeyDiagnostic(name, [...path, name]);
          if (reserved) add(reserved, keyOffset);
          children.push({ node: pair.value, path: [...path, name], depth: depth + 1, ancestors: inner });
        } else {
          // Merge keys (<<), aliases and collections as keys: the data model (JSON) has string keys only.
          children.push({ node: key, path, depth: depth + 1, ancestors: inner }, { node: pair.value, path, depth: depth + 1, ancestors: inner });
        }
      }
    }
    // Reversed, so the stack visits children in document order and anchors are defined before their aliases.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

function aliasDiagnostic(problem: string, path: SpecPath): Placed['diagnostic'] {
  return { code: 'GL100', severity: 'error', message: `The file is not valid YAML for graylane: ${problem}.`, path, hint: 'write the value out, or define the anchor (&name) before its alias (*name)' };
}

/** Looks paths up through the syntax tree; each mapping's keys are indexed once, so many look-ups stay linear. */
export function sourceLocator(doc: Document.Parsed, toPosition: (offset: number) => SourcePosition): SourceLocator {
  const index = new WeakMap<Node, Map<string, Pair>>();
  const pairsOf = (map: Node & { items: unknown[] }): Map<string, Pair> => {
    let pairs = index.get(map);
    if (!pairs) {
      pairs = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !pairs.has(String(p.key.value))) pairs.set(String(p.key.value), p);
      index.set(map, pairs);
    }
    return pairs;
  };
  return {
    locate(path, key = false) {
      let node: unknown = doc.contents;
      let keyNode: Node | undefined;
      let found: Node | undefined = isNodeWithRange(node) ? node : undefined;
      for (const part of path) {
        keyNode = undefined;
        if (isMap(node)) {
          const pair = pairsOf(node).get(String(part));
          if (!pair) break;
          keyNode = pair.key as Node;
          node = pair.value;
        } else if (isSeq(node) && typeof part === 'number') {
          node = node.items[part];
        } else break;
        if (isAlias(node)) node = node.resolve(doc);
        if (!isNodeWithRange(node)) break;
        found = node;
      }
      const target = key && keyNode?.range ? keyNode : found;
      return target?.range ? toPosition(target.range[0]) : undefined;
    },
  };
}

function isNodeWithRange(n: unknown): n is Node {
  return typeof n === 'object' && n !== null && 'range' in n;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/\.$/, '');
}
