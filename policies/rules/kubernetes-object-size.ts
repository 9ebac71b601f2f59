/**
 * kubernetes-object-size: Each object is at most 512 KiB as JSON.
 *
 * Severity: mandatory in every environment.
 * Rationale: The API server refuses requests over about 1.5 MiB, and large routing objects slow every Envoy config push.
 * Kind: resource policy. The predicate is kubernetesObjectSize in compiler/rules/checks/kubernetes-object-size.ts, shared with `graylane check`.
 */
import { kubernetesObjectSize } from '../../compiler/rules/checks/kubernetes-object-size';
import { toPolicy } from '../adapter';

export default toPolicy(kubernetesObjectSize);
