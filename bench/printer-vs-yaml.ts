/**
 * The YAML printer against what it replaces, on the same objects in one process: `yaml.stringify` with
 * graylane's options, object by object, interleaved round by round. Also checks that every object prints to the
 * same bytes both ways, at sizes the tests never reach.
 */
import { stringify } from 'yaml';
import type { Manifest } from '../compiler/emit/manifest';
import { manifestToYaml, YAML_OPTIONS } from '../compiler/serialize';
import { printYaml } from '../compiler/yaml-printer';
import { median } from './measure';

export interface PrinterComparison {
  readonly printerMs: number;
  readonly yamlMs: number;
  readonly jsonMs: number;
  /** Objects the printer declined (printed by `yaml` instead). */
  readonly declined: number;
  readonly differing: readonly string[];
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function timed(run: () => void): number {
  const t0 = cpuMs();
  run();
  return cpuMs() - t0;
}

export function comparePrinting(manifests: readonly Manifest[], rounds: number): PrinterComparison {
  const printer: number[] = [];
  const reference: number[] = [];
  const json: number[] = [];
  // Warm-up, untimed, so no side pays for the JIT compiling it.
  const sample = manifests.slice(0, 1000);
  sample.forEach(manifestToYaml);
  sample.forEach((m) => stringify(m, YAML_OPTIONS));
  sample.forEach((m) => JSON.stringify(m));
  for (let round = 0; round < rounds; round++) {
    printer.push(timed(() => manifests.forEach(manifestToYaml)));
    reference.push(timed(() => manifests.forEach((m) => stringify(m, YAML_OPTIONS))));
    json.push(timed(() => manifests.forEach((m) => JSON.stringify(m))));
  }
  const differing: string[] = [];
  let declined = 0;
  for (const m of manifests) {
    const printed = printYaml(m);
    if (printed === undefined) declined++;
    else if (printed !== stringify(m, YAML_OPTIONS)) differing.push(`${m.kind} ${m.metadata.name}`);
  }
  return { printerMs: median(printer), yamlMs: median(reference), jsonMs: median(json), declined, differing };
}
