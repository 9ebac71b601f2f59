/**
 * Names the spec hands to Kubernetes and Istio, checked as they check them, at the spec path that holds
 * them: a lane `namespace: "../../x"` would otherwise become host `reviews.../../x.svc.cluster.local`,
 * which the API server or istiod refuses only after apply (or, worse, routes nowhere).
 *
 * Rules, from upstream: namespaces are RFC 1123 labels and Service names RFC 1035 labels (Kubernetes
 * apimachinery validation); hosts are RFC 1123 subdomains whose last label is not all digits (Istio's
 * validateDNS1123Labels); exportTo entries are ".", "*" or a namespace, without duplicates, "*" alone
 * (Istio's validateExportTo; "~" is for ServiceEntries only, and graylane's exportTo applies to every object).
 */
import type { Diagnostic, SpecPath } from './diagnostics';
import { isDnsSubdomain, labelKeyProblem, labelValueProblem } from './kubernetes-syntax';
import type { Plan } from './plan';
import { lanesByService, lanesRunning } from './plan';
import type { ReleaseSpec } from './spec/schema';
import { toLabel } from './suggest';

type Found = Omit<Diagnostic, 'file' | 'position'>;

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function checkNames(spec: ReleaseSpec, plan: Plan): Found[] {
  const out: Found[] = [];
  const bad = (path: SpecPath, message: string, hint: string) => out.push({ code: 'GL240', severity: 'error', path, message, hint });
  const s = spec.spec;

  for (const [name, lane] of Object.entries(s.lanes)) {
    if (lane.namespace !== undefined && !isLabel(lane.namespace))
      bad(['spec', 'lanes', name, 'namespace'], `Namespace "${lane.namespace}" of lane "${name}" is not a Kubernetes namespace name (a lowercase RFC 1123 label: a-z, 0-9, "-", 63 characters at most).`, `rename it to "${toLabel(lane.namespace) || 'lane-namespace'}"`);
  }
  // Only these lanes fill a template per service; each is visited for the services it runs.
  const templated = lanesByService(plan.lanes.filter((lane) => lane.kind === 'serviceName' || lane.kind === 'endpoints'));
  for (const service of plan.services) {
    const own = s.services[service.name];
    if (own?.host !== undefined && hostProblem(own.host))
      bad(['spec', 'services', service.name, 'host'], `Host "${own.host}" of service "${service.name}" is not a valid host name: ${hostProblem(own.host)}.`, 'write a DNS name such as "reviews.shop.svc.cluster.local"');
    for (const [key, value] of Object.entries(own?.workloadLabels ?? {}))
      labelProblems(out, ['spec', 'services', service.name, 'workloadLabels', key], key, value);
    (own?.ports ?? []).forEach((p, i) => {
      if (p.name !== undefined && portNameProblem(p.name))
        bad(['spec', 'services', service.name, 'ports', i, 'name'], `Port name "${p.name}" is not a Kubernetes port name: ${portNameProblem(p.name)}.`, `e.g. "http-${p.number}"`);
    });
    // Templates (serviceName, host) are checked once filled in, per service: that is the name that is used.
    for (const lane of lanesRunning(templated, service.name)) {
      const destination = service.resolution[lane.name];
      if (!destination || destination.lane !== lane.name) continue;
      if (lane.kind === 'serviceName') {
        const serviceName = destination.host.split('.svc.cluster.local')[0]!.split('.').slice(0, -1).join('.');
        if (!(serviceName.length <= 63 && DNS_1035_LABEL.test(serviceName)))
          bad(['spec', 'lanes', lane.name, 'serviceName'], `serviceName of lane "${lane.name}" makes "${serviceName}" for service "${service.name}", which is not a Kubernetes Service name (an RFC 1035 label: starts with a letter, then a-z, 0-9, "-", 63 characters at most).`, 'write e.g. "{service}-' + toLabel(lane.name) + '"');
      }
      if (lane.kind === 'endpoints' && hostProblem(destination.host))
        bad(['spec', 'lanes', lane.name, lane.host !== undefined ? 'host' : 'endpoints'], `Lane "${lane.name}" puts service "${service.name}" on host "${destination.host}", which is not a valid host name: ${hostProblem(destination.host)}.`, 'write a DNS name such as "{service}.{lane}.mock.internal"');
    }
  }
  (s.entry?.hosts ?? []).forEach((h, i) => {
    // Wildcards are refused on their own (GL223).
    if (!h.includes('*') && hostProblem(h))
      bad(['spec', 'entry', 'hosts', i], `Entry host "${h}" is not a valid host name: ${hostProblem(h)}.`, 'write the DNS name clients use, e.g. "shop.example.com"');
  });
  exportToProblems(s.exportTo ?? [], plan.namespace).forEach(([i, message, hint]) => bad(['spec', 'exportTo', i], message, hint));
  for (const [key, value] of Object.entries(s.trafficLabel?.workloadSelector ?? {}))
    labelProblems(out, ['spec', 'trafficLabel', 'workloadSelector', key], key, value);
  return out;
}

function isLabel(name: string): boolean {
  return name.length <= 63 && DNS_1123_LABEL.test(name);
}

/** Why a host is not one Kubernetes and Istio accept, or undefined. */
export function hostProblem(host: string): string | undefined {
  if (host.length === 0) return 'it is empty';
  if (host.length > 253) return 'it is longer than 253 characters';
  if (!isDnsSubdomain(host)) return 'a host is lowercase letters, digits, "-" and "." (RFC 1123), each dot-separated part 63 characters at most, starting and ending with a letter or digit';
  if (host.split('.').some((part) => part.length > 63)) return 'a dot-separated part is longer than 63 characters';
  if (/^\d+$/.test(host.split('.').pop()!)) return 'its last part is all digits (an IP address is not a host name here)';
  return undefined;
}

/** IANA service name, as Kubernetes validates port names. */
function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return 'it is longer than 15 characters';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.includes('--')) return 'use lowercase letters, digits and single "-", starting and ending with a letter or digit';
  if (!/[a-z]/.test(name)) return 'it must contain at least one letter';
  return undefined;
}

function exportToProblems(entries: readonly string[], namespace: string): [number, string, string][] {
  const out: [number, string, string][] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (entry !== '.' && entry !== '*' && !isLabel(entry)) {
      out.push([i, `exportTo entry "${entry}" is neither ".", "*" nor a namespace name (a lowercase RFC 1123 label).`, entry === '~' ? '"~" is for ServiceEntries only; graylane exports every object alike: use "."' : `write "." (this namespace), "*" (all) or a namespace such as "${toLabel(entry) || 'istio-system'}"`]);
      return;
    }
    const key = entry === '.' ? namespace : entry;
    const note = key === namespace && entries.includes('.') ? ` ("." is namespace "${namespace}")` : '';
    if (seen.has(key)) out.push([i, `exportTo lists "${entry}" twice${note}; Istio refuses duplicates.`, `remove the second "${entry}"`]);
    seen.add(key);
  });
  if (entries.includes('*') && entries.length > 1)
    out.push([entries.indexOf('*'), 'exportTo has "*" beside other entries; "*" already means every namespace, and Istio refuses it combined.', 'keep only "*", or list the namespaces']);
  return out;
}

function labelProblems(out: Found[], path: SpecPath, key: string, value: string): void {
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) out.push({ code: 'GL208', severity: 'error', path, message: `Label key "${key}" is not valid Kubernetes syntax: ${keyProblem}.`, hint: `e.g. "${toLabel(key) || 'app'}"` });
  const valueProblem = labelValueProblem(value);
  if (valueProblem) out.push({ code: 'GL208', severity: 'error', path, message: `Label value "${value}" of "${key}" is not valid Kubernetes syntax: ${valueProblem}.`, hint: `e.g. "${toLabel(value) || 'v1'}"` });
}
