/** `graylane check` findings as text, JSON, SARIF 2.1.0 (code scanning) or GitHub workflow annotations. */
import { RULES } from '../compiler/rules/registry';
import type { Finding } from '../compiler/rules/run';
import type { Located } from './object-locations';
import { objectLabel } from './object-label';

export interface LocatedFinding extends Finding {
  readonly location?: Located;
}

const ref = (f: Finding) => objectLabel(f.object);
const where = (l: Located | undefined) => (l ? `${l.file}:${l.line}:${l.column}` : '<objects>');

export function checkText(findings: readonly LocatedFinding[], environment: string): string {
  const lines = findings.map((f) => `${where(f.location)}: ${f.level} ${f.rule}: ${f.message}`);
  const mandatory = findings.filter((f) => f.level === 'mandatory').length;
  lines.push(findings.length === 0 ? `no findings (environment ${environment})` : `${findings.length} finding${findings.length === 1 ? '' : 's'} (${mandatory} mandatory) in environment ${environment}`);
  return `${lines.join('\n')}\n`;
}

export function checkJson(findings: readonly LocatedFinding[], environment: string): string {
  return `${JSON.stringify({ environment, findings: findings.map((f) => ({ rule: f.rule, level: f.level, message: f.message, object: ref(f), ...(f.location ? { location: f.location } : {}) })) }, null, 2)}\n`;
}

export function checkSarif(findings: readonly LocatedFinding[], version: string): string {
  const used = RULES.filter((r) => findings.some((f) => f.rule === r.name) || true);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'graylane',
            version,
            informationUri: 'https://github.com/graylane/graylane',
            rules: used.map((r) => ({
              id: r.name,
              name: r.name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: r.rationale },
              defaultConfiguration: { level: r.defaultLevel === 'mandatory' ? 'error' : r.defaultLevel === 'advisory' ? 'warning' : 'none' },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: used.findIndex((r) => r.name === f.rule),
          level: f.level === 'mandatory' ? 'error' : 'warning',
          message: { text: f.message },
          locations: f.location
            ? [{ physicalLocation: { artifactLocation: { uri: f.location.file }, region: { startLine: f.location.line, startColumn: f.location.column } } }]
            : [],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `::error file=…,line=…,col=…,title=…::message`, escaped as the workflow-command syntax requires. */
export function checkGithub(findings: readonly LocatedFinding[]): string {
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return findings
    .map((f) => {
      const props = [
        ...(f.location ? [`file=${prop(f.location.file)}`, `line=${f.location.line}`, `col=${f.location.column}`] : []),
        `title=${prop(`graylane ${f.rule}`)}`,
      ].join(',');
      return `::${f.level === 'mandatory' ? 'error' : 'warning'} ${props}::${data(f.message)}\n`;
    })
    .join('');
}
