/** Mermaid's own parser, in Node: mermaid needs a DOM, which jsdom provides. */
import { JSDOM } from 'jsdom';

let parser: Promise<(text: string) => Promise<unknown>> | undefined;

export function mermaidParse(text: string): Promise<unknown> {
  parser ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    const g = globalThis as Record<string, unknown>;
    g.window = dom.window;
    g.document = dom.window.document;
    g.DOMParser = dom.window.DOMParser;
    g.Element = dom.window.Element;
    // mermaid is an ES module; a dynamic import keeps this file CommonJS.
    const mermaid = ((await import('mermaid')) as unknown as { default: { initialize(c: object): void; parse(t: string): Promise<unknown> } }).default;
    mermaid.initialize({ startOnLoad: false });
    return (t: string) => mermaid.parse(t);
  })();
  return parser.then((parse) => parse(text));
}
