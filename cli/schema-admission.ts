/**
 * Hand-written objects as the API server would take them (compiler/crd), before any rule or simulator reads
 * them. An object it would refuse is not config a mesh can run, and reading it anyway gives answers about traffic
 * that never happens: GL112, at the field, exit 2. A null it would drop (a null header match) is dropped here
 * too, with a warning (GL113), so the model reads what the cluster stores: that match then matches more.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { formatDiagnostic, type Diagnostic } from '../compiler';
import { objectSchemas } from './object-schemas';
import { formatPath, type SourcePosition, type SpecPath } from '../compiler/diagnostics';
import type { FastDocument } from '../compiler/fast-yaml';
import { sourceLocator, type SourceLocator } from '../compiler/parse';
import { objectLabel } from './object-label';

/** Enough to fix a file by; the rest are counted, so a large wrong directory cannot flood the terminal. */
export const MAX_SCHEMA_ERRORS = 50;

export interface Admitted {
  /** The documents as the cluster stores them (dropped nulls removed), in order. */
  readonly documents: FastDocument[];
  readonly warnings: Diagnostic[];
}

/** Admits the documents of one file; refusals are collected in `errors` (formatted), counted past the limit. */
export class SchemaAdmission {
  readonly errors: string[] = [];
  private more = 0;

  admit(file: { readonly name: string; readonly text: string }, documents: readonly FastDocument[]): Admitted {
    const schemas = objectSchemas();
    const out: FastDocument[] = [];
    const warnings: Diagnostic[] = [];
    let locators: SourceLocator[] | undefined;
    documents.forEach((document, index) => {
      const admission = schemas.admit(document.data);
      if (admission === undefined || (admission.problems.length === 0 && admission.droppedNulls.length === 0)) {
        out.push(document);
        return;
      }
      const object = document.data as { apiVersion: string; kind: string; metadata?: unknown };
      const crd = schemas.schemaOf(object);
      const against = crd ? ` (the CRD of ${object.kind} ${object.apiVersion} in ${crd.release})` : '';
      // Positions inside the document need its syntax tree: parsed once per file, only when something is found.
      locators ??= documentLocators(file.text);
      const locator = locatorOf(locators[index], document);
      const at = (path: SpecPath, key: boolean): SourcePosition => locator?.locate(path, key) ?? { line: document.line, column: document.column };
      for (const problem of admission.problems) {
        if (this.errors.length >= MAX_SCHEMA_ERRORS) {
          this.more++;
          continue;
        }
        const diagnostic: Diagnostic = {
          code: 'GL112',
          severity: 'error',
          file: file.name,
          position: at(problem.path, problem.atKey === true),
          path: problem.path,
          message: `${objectLabel(object)} is not a valid ${object.kind}: ${problem.message}${against}.`,
          hint: 'the API server refuses this object (kubectl apply --dry-run=server says so too), so no proxy runs it as written; graylane reads objects only as their CRD shapes them',
        };
        this.errors.push(formatDiagnostic(diagnostic));
      }
      for (const path of admission.droppedNulls) {
        warnings.push({
          code: 'GL113',
          severity: 'warning',
          file: file.name,
          position: at(path, true),
          path,
          message: `${objectLabel(object)}: the API server drops the null at ${formatPath(path)} (its schema allows no null and has no default), so the cluster stores, and graylane reads, the object without it${against}.`,
          hint: 'write the value you mean, or remove the key; a dropped match condition matches every request',
        });
      }
      out.push({ ...document, data: admission.stored });
    });
    return { documents: out, warnings };
  }

  /** The refusals, with a count of those past the limit. */
  report(): string[] {
    return this.more > 0 ? [...this.errors, `… and ${this.more} more GL112 problem${this.more === 1 ? '' : 's'} (the first ${MAX_SCHEMA_ERRORS} are shown)`] : this.errors;
  }
}

/** The document's locator when its content starts where the fast path said (empty documents may count apart). */
function locatorOf(candidate: SourceLocator | undefined, document: FastDocument): SourceLocator | undefined {
  const start = candidate?.locate([]);
  return start?.line === document.line && start.column === document.column ? candidate : undefined;
}

function documentLocators(text: string): SourceLocator[] {
  const lineCounter = new LineCounter();
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return parseAllDocuments(text, { lineCounter, uniqueKeys: false }).map((doc) => sourceLocator(doc, toPosition));
}
