/**
 * kubernetes-unique-identities: No two objects share group, kind, namespace and name, and no host has two subsets of one name.
 *
 * Severity: mandatory in every environment.
 * Rationale: The second of two objects with one identity replaces the first when applied, and duplicate subsets of a host are merged by Istio: either way routes lose their destination (503s) with no error.
 * Kind: stack policy. The predicate is kubernetesUniqueIdentities in compiler/rules/checks/kubernetes-unique-identities.ts, shared with `graylane check`.
 */
import { kubernetesUniqueIdentities } from '../../compiler/rules/checks/kubernetes-unique-identities';
import { toPolicy } from '../adapter';

export default toPolicy(kubernetesUniqueIdentities);
