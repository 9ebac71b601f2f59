/**
 * A YAML printer for JSON-like data (plain objects, arrays, strings, numbers, booleans, null), written to give
 * byte for byte what `yaml.stringify(value, YAML_OPTIONS)` gives (yaml 2.x; options in ./serialize.ts:
 * lineWidth 0, indent 2, no sorting, no aliases), several times faster, because it skips the document model.
 *
 * It covers what graylane emits and refuses everything else: for a value it is not sure of it returns
 * `undefined`, and the caller prints with `yaml` itself. Refused on purpose (rare in manifests, and where
 * `yaml`'s choices are the most intricate): strings with a line break (block scalars, folded double quotes),
 * keys printed longer than 1024 characters (explicit `? ` keys), top-level scalars, anything that is not plain
 * data (class instances, Map, Date, `toJSON`, functions, bigint, symbols), nesting deeper than MAX_DEPTH, and
 * anything while Object.prototype has an enumerable key (the printer walks mappings with for…in).
 * test/yaml-printer.test.ts holds it to `yaml` with generated values.
 *
 * The rules below restate yaml 2.x's documented behaviour for its core schema (YAML 1.2):
 * https://eemeli.org/yaml/#tostring-options and https://yaml.org/spec/1.2.2/#chapter-7-flow-style-productions
 */

/** Deeper than this, `yaml` itself decides (a cycle ends in its stack overflow, as before). */
const MAX_DEPTH = 1000;
/** `yaml` writes a longer implicit key as an explicit `? ` key. */
const MAX_IMPLICIT_KEY = 1024;

/** Thrown inside the printer when a value is outside what it covers; never escapes `printYaml`. */
class NotCovered extends Error {}
const NOT_COVERED = new NotCovered();

/**
 * The pieces of the document being printed, joined once at its end: the document is then one flat string, and
 * no rope of intermediate strings outlives it (those ropes were most of the printer's garbage-collection time).
 */
let out: string[] = [];

/** The YAML of one document, as `yaml.stringify` prints it, or `undefined` when the value is not covered. */
export function printYaml(value: unknown): string | undefined {
  // Saved and restored, so a getter that prints YAML itself cannot mix its text into this document.
  const outer = out;
  out = [];
  try {
    if (Array.isArray(value) ? !isPlainArray(value) : !isPlainObject(value)) return undefined;
    // Mappings are walked with for…in (no array of keys per mapping): the own keys in Object.keys order
    // (ECMA-262 EnumerateObjectProperties, for objects without enumerable inherited keys). With an enumerable
    // key on Object.prototype, for…in would list it too: `yaml` prints such values.
    if (prototypeHasEnumerableKeys()) return undefined;
    node(value, 0, false);
    out.push('\n');
    return out.join('');
  } catch (e) {
    if (e === NOT_COVERED) return undefined;
    throw e;
  } finally {
    out = outer;
  }
}

/**
 * Printed forms, computed once per distinct string: manifests repeat the same keys, names, hosts and labels
 * thousands of times. The printed form depends on the string alone (and, for keys, on the nesting level), so a
 * cache can only make printing faster, never different. Emptied when it grows past CACHE_LIMIT entries, so a
 * long-lived process does not keep every string it ever printed.
 */
const CACHE_LIMIT = 1 << 17;
let cached = 0;
/**
 * Levels with tables made in advance; deeper ones (never emitted by graylane) are computed each time. Made in
 * advance rather than on first use, so the optimised printer never meets a table it has not seen.
 */
const TABLE_LEVELS = 64;
const levels = Array.from({ length: TABLE_LEVELS }, (_, level) => level);
/** Per nesting level: a line break, the indentation, the printed key and `:`. */
const keyLines: readonly Map<string, string>[] = levels.map(() => new Map());
/**
 * The first key of a mapping that starts on the current line: at the top of the document ([0]) or right after
 * `- ` ([1]): the printed key and `:`.
 */
const inlineKeys = [new Map<string, string>(), new Map<string, string>()] as const;
/** A scalar string after `key:`: a space and the printed string. */
const spacedValues = new Map<string, string>();
/** A scalar string as a sequence item, after `- `. */
const bareValues = new Map<string, string>();
/** Per nesting level: a line break and the indentation. */
const lineStarts: readonly string[] = levels.map(indentedLine);
/** Per nesting level: a line break, the indentation and `- `. */
const itemStarts: readonly string[] = levels.map((level) => `${indentedLine(level)}- `);

function indentedLine(level: number): string {
  return `\n${'  '.repeat(level)}`;
}

function remember(cache: Map<string, string>, text: string, printed: string): string {
  if (++cached > CACHE_LIMIT) {
    cached = 1;
    for (const level of keyLines) level.clear();
    for (const place of inlineKeys) place.clear();
    spacedValues.clear();
    bareValues.clear();
  }
  cache.set(text, printed);
  return printed;
}

function lineStart(level: number): string {
  return level < TABLE_LEVELS ? lineStarts[level]! : indentedLine(level);
}

function itemStart(level: number): string {
  return level < TABLE_LEVELS ? itemStarts[level]! : `${indentedLine(level)}- `;
}

function keyLine(key: string, level: number): string {
  if (level >= TABLE_LEVELS) return `${indentedLine(level)}${implicitKey(key, false)}:`;
  const cache = keyLines[level]!;
  return cache.get(key) ?? remember(cache, key, `${lineStarts[level]!}${implicitKey(key, level === 0)}:`);
}

function inlineKey(key: string, level: number): string {
  const cache = inlineKeys[level === 0 ? 0 : 1];
  return cache.get(key) ?? remember(cache, key, `${implicitKey(key, level === 0)}:`);
}

function implicitKey(key: string, topLevel: boolean): string {
  const printed = string(key, topLevel);
  if (printed.length > MAX_IMPLICIT_KEY) throw NOT_COVERED;
  return printed;
}

/**
 * Prints `value` after `key:` (`afterKey`: a scalar or empty collection on the same line after a space, a
 * collection from the next line) or where the line already holds `- ` or nothing (the start of the document):
 * a collection's first entry on the current line. A collection's entries are at `level`.
 *
 * Mappings and sequences are one function, not four that call each other: the optimising compiler then
 * compiles one recursive function once instead of copies of each inlined into the others, which cost more
 * time than the printing of a large stream (measured: `node --trace-opt`).
 */
function node(value: unknown, level: number, afterKey: boolean): void {
  if (typeof value === 'string') {
    out.push(afterKey ? (spacedValues.get(value) ?? remember(spacedValues, value, ` ${string(value, false)}`)) : (bareValues.get(value) ?? remember(bareValues, value, string(value, false))));
  } else if (Array.isArray(value)) {
    if (!isPlainArray(value)) throw NOT_COVERED;
    if (value.length === 0) {
      out.push(afterKey ? ' []' : '[]');
      return;
    }
    if (level > MAX_DEPTH) throw NOT_COVERED;
    if (afterKey) out.push(lineStart(level));
    // A block sequence of `- ` items. Indexed, not `for…of`, only for speed; a hole reads as `undefined`,
    // which `yaml` prints as null too.
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? '- ' : itemStart(level));
      node(value[i], level + 1, false);
    }
  } else if (isPlainObject(value)) {
    if (level > MAX_DEPTH) throw NOT_COVERED;
    // A block mapping. Entries whose value is `undefined` are left out, as in JSON; none left prints `{}`.
    let printed = 0;
    for (const key in value) {
      const entry = value[key];
      if (entry === undefined) continue;
      out.push(printed === 0 && !afterKey ? inlineKey(key, level) : keyLine(key, level));
      printed++;
      node(entry, level + 1, true);
    }
    if (printed === 0) out.push(afterKey ? ' {}' : '{}');
  } else if (afterKey) out.push(` ${scalar(value)}`);
  else out.push(value === undefined ? 'null' : scalar(value));
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return string(value, false);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return 'null';
      throw NOT_COVERED;
  }
}

/** Numbers as JSON writes them, except the ones JSON has no word for. */
function number(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  // For finite numbers JSON.stringify is ToString (ECMA-262 SerializeJSONProperty), so String() gives the same.
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Letters first, then letters, digits and `_./-`: plain, unless it is one of the words for null or a boolean. */
const SIMPLE_WORD = /^[A-Za-z][\w./-]*$/;
const NULL_OR_BOOLEAN_WORD = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Characters only a double-quoted scalar can hold: C0 and C1 controls except tab and line feed, lone surrogates. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
/**
 * A plain scalar cannot start with an indicator or whitespace, be a lone `-`/`?` or start with one before a
 * blank, hold `: ` or ` #`, or end with a blank or `:`.
 */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][\t ]|:[\t ]|[\t ]#|[\t :]$/;
/** Plain text the core schema would read back as null, a boolean, an integer or a float. */
const READS_AS_NON_STRING =
  /^(?:~|[Nn]ull|NULL)?$|^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$|^0o[0-7]+$|^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$|^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$|^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$|^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Whitespace besides space, tab and line feed. */
const OTHER_WHITESPACE = /[^\S \t\n]/u;
/** A document marker; `yaml` quotes a key that starts with one only at the top level of a document. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/;

/**
 * A string scalar: plain when that reads back as the same string, else quoted: single quotes when the text
 * has double quotes but no single ones, double quotes (with escapes) otherwise.
 */
function string(value: string, topLevelKey: boolean): string {
  if (SIMPLE_WORD.test(value) && !NULL_OR_BOOLEAN_WORD.test(value)) return value;
  if (value.includes('\n')) throw NOT_COVERED;
  // Whitespace other than space and tab (no-break and other Unicode spaces): left to `yaml`, whose quoting of it
  // the printer does not copy (fast-check found " ...a" with such a first character).
  if (OTHER_WHITESPACE.test(value)) throw NOT_COVERED;
  if (NEEDS_ESCAPES.test(value)) return doubleQuoted(value);
  const plain = !NOT_PLAIN.test(value) && !READS_AS_NON_STRING.test(value) && !(topLevelKey && DOCUMENT_MARKER.test(value));
  if (plain) return value;
  return value.includes('"') && !value.includes("'") ? `'${value}'` : doubleQuoted(value);
}

/** The named YAML escapes that replace JSON's `\u00XX`; other `\u00XX` become `\xXX` (YAML 1.2 §5.7). */
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e' };
const JSON_ESCAPE = /\\u([0-9a-f]{4})|\\./g;

/** JSON's string, with YAML's shorter escapes where YAML has one. Only for text without line breaks. */
function doubleQuoted(value: string): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u')) return json;
  return json.replace(JSON_ESCAPE, (escape: string, code: string | undefined) => {
    if (code === undefined) return escape;
    return NAMED_ESCAPES[code] ?? (code.startsWith('00') ? `\\x${code.slice(2)}` : escape);
  });
}

function prototypeHasEnumerableKeys(): boolean {
  for (const key in Object.prototype) if (key !== undefined) return true;
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  // `yaml` calls a `toJSON` it finds, so such objects are its to print.
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function isPlainArray(value: unknown[]): boolean {
  return Object.getPrototypeOf(value) === Array.prototype && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
