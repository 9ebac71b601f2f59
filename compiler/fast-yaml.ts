/**
 * A fast path for reading YAML: js-yaml's loader (several times faster than building `yaml`'s syntax tree)
 * with a schema that resolves plain scalars exactly as `yaml`'s YAML 1.2 core schema does. It answers only
 * when it is sure to give the data `parseDocument(…).toJS()` gives; otherwise it declines (`undefined`) and the
 * caller takes the `yaml` path, which also produces every located diagnostic. So a decline costs speed, never
 * correctness; test/fast-yaml.test.ts compares both paths on the yaml-test-suite and on generated texts.
 *
 * It declines on:
 * - text that could use YAML features the two libraries treat differently or that need the slow path's checks:
 *   anchors, aliases, tags, directives, explicit keys (`?`), tabs, carriage returns, byte-order marks, quoted
 *   scalars and flow collections over several lines, and the places listed below where js-yaml is more lenient
 *   (a conservative look at the source: a false alarm only costs speed);
 * - any js-yaml exception (syntax errors, duplicate keys, more than one document, nesting past MAX_DEPTH);
 * - keys the two would spell differently: a null key (js-yaml "null", `yaml` ""), a collection as a key
 *   (js-yaml joins or "[object Object]", `yaml` prints it as YAML), and `<<` (a merge key for YAML 1.1 readers);
 * - keys the slow path refuses (RESERVED_KEYS, GL105), and an empty document (js-yaml undefined, `yaml` null).
 */
import { FAILSAFE_SCHEMA, load, Type, type LoadOptions } from 'js-yaml';
import { MAX_DEPTH, RESERVED_KEYS } from './plain-data';

/*
 * The core schema of `yaml` 2.x (node_modules/yaml/dist/schema/core/*.js): the first tag whose test matches a
 * plain scalar wins, in the order null, bool, int (octal, decimal, hex), float (.nan/.inf, exponent, fraction).
 * js-yaml's own core types accept more (`_` separators, `0b…`, signed hex, `.5e3`…), so they are not used.
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

// js-yaml calls resolve with the plain scalar's text, or null for an empty node.
const isText = (data: unknown): data is string => typeof data === 'string';

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: unknown) => data === null || (isText(data) && NULL.test(data)),
  construct: () => null,
});

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => isText(data) && BOOL.test(data),
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
});

// `yaml` parses decimal ints with parseInt(text, 10) (so "-0" is -0) and the others after their prefix.
const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => isText(data) && (INT_OCT.test(data) || INT_DEC.test(data) || INT_HEX.test(data)),
  construct: (data: string) => (INT_OCT.test(data) ? parseInt(data.substring(2), 8) : INT_DEC.test(data) ? parseInt(data, 10) : parseInt(data.substring(2), 16)),
});

const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: unknown) => isText(data) && (FLOAT_NAN_INF.test(data) || FLOAT_EXP.test(data) || FLOAT.test(data)),
  construct: (data: string) => {
    if (!FLOAT_NAN_INF.test(data)) return parseFloat(data);
    if (data.slice(-3).toLowerCase() === 'nan') return NaN;
    return data[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
});

/** FAILSAFE (str, seq, map) plus the core scalars above; no merge, timestamps, binary, omap, pairs or set. */
export const CORE_SCHEMA_OF_YAML = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * Source features the fast path leaves to `yaml`. `&` `*` `!` start an anchor, alias or tag, and `?` an
 * explicit key, only where a node starts: after the indentation of a line, after a `-` `?` `:` indicator and
 * spaces, or after a flow indicator `[` `{` `,` (YAML 1.2 §6.9, §7.4, §8.2); so `a && b` inside a plain scalar
 * (Traefik rules) is no anchor. js-yaml reads a block scalar's explicit indentation indicator (`|1-`) at the
 * top level otherwise (fast-check found it). `%` at a line start is a directive. Tabs, CRs, BOMs and the line
 * separators of YAML 1.1 (NEL, LS, PS) are where YAML readers differ most.
 */
const UNSURE_SOURCE = /(?:^[ ]*|[-?:,[{][ ]*)(?:[&*!?]|[|>][-+]?[0-9])|^%|[\t\r\uFEFF\x85\u2028\u2029]/m;
/**
 * Where js-yaml is more lenient than `yaml` (yaml-test-suite 9JBA, CVW2, SU5Z, 9KBC, 82AN, S98Z): a comment
 * glued to a quoted scalar or flow indicator; a document marker with anything after it (js-yaml even reads
 * `---word` as a marker), or a document end marker; a line of spaces only (block scalars with more-indented
 * leading empty lines are an error for `yaml`); a sequence entry with nothing on its line (`-` or `- # …`),
 * after which js-yaml takes a less indented `- b` into the same sequence; a block scalar header that starts
 * its line, whose content js-yaml measures from that line's indentation (both found by fast-check).
 */
const LENIENT_SOURCE = /["'\]},]#|^---(?!\s*$)|^\.\.\.|^ +$|^[ ]*(?:-[ ]+)*-[ ]*(?:#.*)?$|^[ ]*[|>]/m;

/**
 * `yaml` refuses an implicit block key whose `:` is more than 1024 characters from its start (YAML 1.2 §7.4.2),
 * js-yaml does not check: so a `:` that far into any line is left to `yaml` (a key cannot start before its line).
 */
const FAR_COLON = /^[^\n]{1000}[^\n]*:/m;

export function fastPathDeclines(text: string): boolean {
  return UNSURE_SOURCE.test(text) || LENIENT_SOURCE.test(text) || FAR_COLON.test(text) || spansLines(text) || commentOutdented(text);
}

/**
 * Whether a comment line is less indented than the content line after it. `yaml` may then end the mapping
 * value before the comment and read on as a new key (`a:\n\n# c\n x\nb: 1` is an error for `yaml`, `{a: x, b: 1}`
 * for js-yaml; fast-check found it); graylane writes comments at the indentation of what follows.
 */
function commentOutdented(text: string): boolean {
  let commentIndent = -1;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end) {
      const indent = i - start;
      if (text.charCodeAt(i) === 35) commentIndent = commentIndent < 0 ? indent : Math.min(commentIndent, indent);
      else {
        if (commentIndent >= 0 && indent > commentIndent) return true;
        commentIndent = -1;
      }
    }
    start = end + 1;
  }
  return false;
}

const LF = 10;
const DOUBLE = 34;
const SINGLE = 39;
const BACKSLASH = 92;
const isOpen = (c: number) => c === 91 || c === 123; // [ {
const isClose = (c: number) => c === 93 || c === 125; // ] }
// A quoted scalar starts a node: at a line start, after a space or a flow indicator, or after a JSON-like key.
const beforeNode = (c: number) => c === LF || c === 32 || c === 44 || c === 58 || isOpen(c);

/**
 * Whether a quoted scalar or a flow collection may continue on another line. There js-yaml accepts
 * continuation lines `yaml` refuses as not indented enough (yaml-test-suite QB6E, 9C9N), so such texts are
 * left to `yaml`. Every quote that may open a scalar must close on its line; brackets are counted both with
 * and without the quoted parts, so a bracket inside a quote can neither hide nor fake a multi-line collection.
 */
function spansLines(text: string): boolean {
  let depth = 0;
  let depthOutsideQuotes = 0;
  let previous = LF;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      if (depth !== 0 || depthOutsideQuotes !== 0) return true;
    } else if ((c === DOUBLE || c === SINGLE) && beforeNode(previous)) {
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === LF) return true;
        if (isOpen(d)) depth++;
        else if (isClose(d) && --depth < 0) return true;
        if (c === DOUBLE && d === BACKSLASH) {
          if (text.charCodeAt(j + 1) === LF) return true;
          j++;
        } else if (d === c) {
          if (c === SINGLE && text.charCodeAt(j + 1) === SINGLE) j++;
          else break;
        }
      }
      if (j >= text.length) return true;
      i = j;
    } else if (isOpen(c)) {
      depth++;
      depthOutsideQuotes++;
    } else if (isClose(c) && (--depth < 0 || --depthOutsideQuotes < 0)) {
      return true;
    }
    previous = text.charCodeAt(i);
  }
  return depth !== 0 || depthOutsideQuotes !== 0;
}

/**
 * The data of a one-document text, exactly as `parseDocument(text, { strict: true, uniqueKeys: false }).toJS()`
 * gives it when `yaml` reports no problem, or `undefined` when the fast path is not sure (the caller then
 * parses with `yaml`). `undefined` is never data: an empty document (data null) is declined.
 */
export function fastLoad(text: string): { data: unknown } | undefined {
  if (fastPathDeclines(text)) return undefined;
  const loaded = loadChecked(text);
  return loaded === undefined || loaded.data === undefined ? undefined : loaded;
}

export interface FastDocument {
  /** null for a document of comments only (callers skip it, as they skip `yaml`'s null documents). */
  readonly data: unknown;
  /** Where the document's content starts, as `yaml`'s `lineCounter.linePos(doc.contents.range[0])` (1-based). */
  readonly line: number;
  readonly column: number;
}

/**
 * The documents of a multi-document text, as `parseAllDocuments(text, { uniqueKeys: false })` gives them when
 * `yaml` reports no problem in any, or `undefined` when the fast path is not sure. The text is cut at its
 * `---` lines (fastPathDeclines leaves only bare `---` lines and no `...`; a line starting with `---` ends a
 * document even inside a block or quoted scalar, YAML 1.2 §9.1.4 c-forbidden) and each part is loaded alone:
 * without directives, documents do not depend on each other.
 */
export function fastLoadAll(text: string): FastDocument[] | undefined {
  if (fastPathDeclines(text)) return undefined;
  const out: FastDocument[] = [];
  const marker = /^---[ ]*$/gm;
  let start = 0;
  let line = 1;
  for (;;) {
    const match = marker.exec(text);
    const end = match === null ? text.length : match.index;
    const part = text.slice(start, end);
    if (start > 0 || part.length > 0) {
      const loaded = loadChecked(part);
      if (loaded === undefined) return undefined;
      if (loaded.data !== undefined) out.push({ data: loaded.data, ...contentStart(part, line) });
    }
    if (match === null) return out;
    line += countLines(part);
    start = end;
  }
}

/** The first character of a document part that is neither a marker, a blank, nor a comment. */
function contentStart(part: string, firstLine: number): { line: number; column: number } {
  for (let start = 0, line = firstLine; start < part.length; line++) {
    const newline = part.indexOf('\n', start);
    const end = newline < 0 ? part.length : newline;
    const l = part.slice(start, end);
    const column = l.search(/\S/);
    if (column >= 0 && l[column] !== '#' && !/^---[ ]*$/.test(l)) return { line, column: column + 1 };
    start = end + 1;
  }
  return { line: firstLine, column: 1 };
}

function countLines(part: string): number {
  let n = 0;
  for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) n++;
  return n;
}

/** js-yaml's data for one document when it agrees with `yaml` (undefined for an empty one), else undefined. */
function loadChecked(text: string): { data: unknown } | undefined {
  const collections = new Set<object>();
  const options: LoadOptions & { maxDepth: number; listener: (event: string, state: { result: unknown }) => void } = {
    schema: CORE_SCHEMA_OF_YAML,
    // Deeper than MAX_DEPTH is the slow path's GL106; js-yaml counts at least one level per level of data.
    maxDepth: MAX_DEPTH,
    // Every collection js-yaml builds from the text; one that is not in the data was used as a key.
    listener: (event, state) => {
      if (event === 'close' && typeof state.result === 'object' && state.result !== null) collections.add(state.result);
    },
  };
  let data: unknown;
  try {
    data = load(text, options);
  } catch {
    return undefined;
  }
  if (data !== undefined && !agreesWithYaml(data, collections)) return undefined;
  return { data };
}

/** One iterative walk over the loaded data: the key checks listed at the top, and depth. */
function agreesWithYaml(data: unknown, collections: ReadonlySet<object>): boolean {
  let seen = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return false;
    if (collections.has(value)) seen++;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === 'null' || key === '<<' || RESERVED_KEYS.has(key)) return false;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return seen === collections.size;
}
