/**
 * The object set and the identity check are built in one pass each, with the group split once per run of one
 * apiVersion and no per-object tuples or Sets: they must give what the plain definitions give. The references
 * below restate those definitions (kubectl apply order, one object per identity, the later replacing the
 * earlier) in the simplest code; fast-check compares them on random object lists with repeated identities.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { groupOf, ObjectSet, type KubeObject } from '../compiler/model/object-set';
import { identityCollisions } from '../compiler/rules/checks/kubernetes-unique-identities';
import { kindKey, ref } from '../compiler/rules/rule';
import { kindKeys } from '../compiler/rules/run';

const word = fc.constantFrom('a', 'b', 'a|b', 'b/c', '');
const objectArb: fc.Arbitrary<KubeObject> = fc.record(
  {
    apiVersion: fc.constantFrom('networking.istio.io/v1', 'networking.istio.io/v1beta1', 'v1', 'traefik.io/v1alpha1', 'gateway.networking.k8s.io/v1', 'x'),
    kind: fc.constantFrom('VirtualService', 'DestinationRule', 'Service', 'Gateway', 'Widget', 'IngressRoute'),
    metadata: fc.record({ name: word, namespace: word }, { requiredKeys: [] }),
    spec: fc.record({ host: word, subsets: fc.array(fc.record({ name: word }), { maxLength: 3 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['kind'] },
);
/** Lists that repeat objects and identities: the same object twice, and copies. */
const objectsArb = fc.array(objectArb, { maxLength: 12 }).chain((objects) =>
  fc.array(fc.nat({ max: Math.max(0, objects.length - 1) }), { maxLength: 4 }).map((repeats) => (objects.length === 0 ? objects : [...objects, ...repeats.map((i) => objects[i]!)])),
);

/** The arbitrary's kinds that the model reads, by group (object-set.ts MODELLED). */
const MODELLED_HERE = new Set(['networking.istio.io:VirtualService', 'networking.istio.io:DestinationRule', 'networking.istio.io:Gateway', ':Service', 'traefik.io:IngressRoute', 'gateway.networking.k8s.io:Gateway']);

/** The definition: every object in order, the last definition of an identity kept, at its own place in apply order. */
function referenceSet(objects: readonly KubeObject[], defaultNamespace: string) {
  const identity = (o: KubeObject) => `${groupOf(o.apiVersion, o.kind)}/${o.kind ?? ''}/${o.metadata?.namespace ?? defaultNamespace}/${o.metadata?.name ?? ''}`;
  const last = new Map<string, number>();
  const count = new Map<string, number>();
  objects.forEach((o, i) => {
    last.set(identity(o), i);
    count.set(identity(o), (count.get(identity(o)) ?? 0) + 1);
  });
  const kept = objects.map((o, i) => ({ o, i })).filter(({ o, i }) => last.get(identity(o)) === i);
  const replaced = kept.filter(({ o }) => count.get(identity(o))! > 1).map(({ o }) => `${o.kind ?? ''} ${o.metadata?.namespace ?? defaultNamespace}/${o.metadata?.name ?? ''} is defined ${count.get(identity(o))} times; the last definition replaces the others, as kubectl apply does.`);
  return { order: kept.map(({ i }) => i), objects: kept.map(({ o }) => o), replaced, identity };
}

describe('ObjectSet (one pass, as kubectl apply keeps objects)', () => {
  it('keeps the last definition of each identity, in apply order, with the same notes and lookups', () => {
    fc.assert(
      fc.property(objectsArb, fc.constantFrom('default', 'a'), (objects, ns) => {
        const set = new ObjectSet(objects, ns);
        const ref = referenceSet(objects, ns);
        assert.deepEqual(set.all.map((s) => s.order), ref.order);
        assert.deepEqual(set.all.map((s) => s.object), ref.objects);
        for (const s of set.all) {
          assert.equal(s.group, groupOf(s.object.apiVersion, s.object.kind));
          assert.equal(s.namespace, s.object.metadata?.namespace ?? ns);
          assert.equal(set.find(s.group, s.kind, s.namespace, s.name), s);
        }
        // Replacement notes first, in apply order; then the unmodelled kinds.
        assert.deepEqual(set.notes.filter((n) => n.includes('is defined')), ref.replaced);
        assert.deepEqual(set.notes.slice(0, ref.replaced.length), ref.replaced);
        for (const kind of ['VirtualService', 'DestinationRule', 'Service', 'Gateway', 'IngressRoute', 'Widget'])
          assert.deepEqual(set.kind(kind), set.all.filter((s) => s.kind === kind && MODELLED_HERE.has(`${s.group}:${s.kind}`)));
      }),
      { numRuns: 500 },
    );
  });

  it('skips holes of a hand-written array, as forEach did', () => {
    const objects: KubeObject[] = [];
    objects[1] = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
    const set = new ObjectSet(objects);
    assert.deepEqual(set.all.map((s) => [s.order, s.name]), [[1, 's']]);
  });
});

/** The definition: each object against every earlier one (quadratic, and plainly right). */
function referenceCollisions(objects: readonly KubeObject[]) {
  const out: { first: KubeObject; second: KubeObject; what: string; subset: boolean }[] = [];
  const group = (o: KubeObject) => {
    const v = o.apiVersion ?? '';
    return v.includes('/') ? v.slice(0, v.indexOf('/')) : v;
  };
  const identity = (o: KubeObject) => `${group(o)}|${o.kind}|${o.metadata?.namespace ?? 'default'}|${o.metadata?.name}`;
  const subsetKeys: { key: string; owner: KubeObject }[] = [];
  objects.forEach((o, i) => {
    const first = objects.slice(0, i).find((e) => identity(e) === identity(o));
    if (first) out.push({ first, second: o, what: ref(o), subset: false });
    if (o.kind !== 'DestinationRule') return;
    const spec = o.spec as { host?: string; subsets?: { name?: string }[] } | undefined;
    const here: string[] = [];
    for (const subset of spec?.subsets ?? []) {
      const key = `${o.metadata?.namespace ?? 'default'}|${spec?.host}|${subset.name}`;
      const owner = subsetKeys.find((k) => k.key === key)?.owner;
      if (owner && (owner !== o || here.includes(key))) out.push({ first: owner, second: o, what: `subset "${subset.name}" of host ${spec?.host}`, subset: true });
      else if (!owner) subsetKeys.push({ key, owner: o });
      here.push(key);
    }
  });
  return out;
}

describe('identityCollisions (one pass)', () => {
  it('finds what comparing each object with every earlier one finds, in the same order', () => {
    fc.assert(
      fc.property(objectsArb, (objects) => {
        assert.deepEqual(identityCollisions(objects), referenceCollisions(objects));
      }),
      { numRuns: 500 },
    );
  });

  it('tells a subset defined twice by one rule from one rule listed twice', () => {
    const twice = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' }, spec: { host: 'h', subsets: [{ name: 'a' }, { name: 'a' }] } };
    const once = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 's' }, spec: { host: 'g', subsets: [{ name: 'a' }] } };
    assert.deepEqual(identityCollisions([twice]).map((c) => c.what), ['subset "a" of host h']);
    assert.deepEqual(identityCollisions([once, once]).map((c) => [c.what, c.subset]), [['DestinationRule default/s', false]]);
  });
});

describe('kindKeys (the rule runner\'s group:Kind per object, made once per run of one kind)', () => {
  it('gives what kindKey gives for each object, holes left as holes', () => {
    fc.assert(
      fc.property(objectsArb, fc.array(fc.nat({ max: 15 }), { maxLength: 3 }), (objects, holes) => {
        const list = [...objects];
        for (const i of holes) if (i < list.length) delete list[i];
        const keys = kindKeys(list);
        assert.equal(keys.length, list.length);
        list.forEach((o, i) => assert.equal(keys[i], kindKey(o)));
        for (let i = 0; i < list.length; i++) assert.equal(i in keys, i in list);
      }),
      { numRuns: 500 },
    );
  });
});
