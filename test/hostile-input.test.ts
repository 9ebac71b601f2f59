/**
 * Odd and hostile input (issue 11): each case found by fuzzing, with the exact exit status and message.
 * Silently wrong first (keys that reach a prototype, colliding names, names Kubernetes refuses, map order),
 * then crashes and hangs (aliases, size, I/O, config, the library API), then paths.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compile, formatDiagnostic } from '../compiler';
import { selfCheck } from '../compiler/compile';
import type { Manifest } from '../compiler/emit/manifest';
import { runCli } from '../scripts/run-cli';
import { BASE_SPEC, mutate } from './support/base-spec';
import { ROOT } from './support/examples';

/** Every error of compiling `text` as shop.yaml, formatted as the CLI prints it. */
const errors = (text: string) =>
  compile(text, { file: 'shop.yaml' })
    .diagnostics.filter((d) => d.severity === 'error')
    .map(formatDiagnostic);

const workdir = () => mkdtempSync(join(tmpdir(), 'graylane-hostile-'));

describe('silently wrong: keys that reach a prototype', () => {
  it('refuses a __proto__ header instead of dropping it (which made the A/B rule a catch-all)', () => {
    assert.deepEqual(errors(mutate('headers: { x-beta: { exact: "1" } }', 'headers: { __proto__: { exact: shenzhen } }')), [
      'shop.yaml:28:22: error GL105 spec.entry.rules[0].match.headers.__proto__: The key "__proto__" is reserved: "__proto__", "constructor", "prototype" cannot be names or keys in a spec, because JavaScript objects would read them as their prototype.\n  hint: rename the key',
    ]);
  });

  it('refuses constructor and prototype as lane, service and label names, from YAML and from objects', () => {
    assert.match(errors(mutate('    gray:\n', '    constructor:\n'))[0]!, /^shop\.yaml:15:5: error GL105 spec\.lanes\.constructor: The key "constructor" is reserved/);
    assert.match(errors(mutate('    cart: { port: 8080 }', '    prototype: { port: 8080 }'))[0]!, /^shop\.yaml:10:5: error GL105 spec\.services\.prototype:/);
    // JSON.parse makes __proto__ an own key, as YAML does; zod would copy it onto the prototype.
    const fromJson = compile(JSON.parse('{"apiVersion":"graylane.dev/v1alpha1","kind":"Release","metadata":{"name":"x","labels":{"__proto__":"x"}}}'));
    assert.deepEqual(fromJson.diagnostics.map((d) => [d.code, d.path.join('.')]), [['GL105', 'metadata.labels.__proto__']]);
  });

  it('refuses an object literal whose __proto__ sets the prototype (the key is not an own property)', () => {
    const r = compile({ apiVersion: 'graylane.dev/v1alpha1', kind: 'Release', metadata: { name: 'x' }, spec: { entry: { rules: [{ name: 'ab', match: { headers: { __proto__: { exact: 'x' } } } }] } } });
    assert.equal(r.diagnostics[0]!.code, 'GL107');
    assert.equal(
      r.diagnostics[0]!.message,
      'spec.entry.rules[0].match.headers is not a plain object (it inherits from another object (a `__proto__` key written in code sets the prototype, it adds no key)); a spec is made of plain objects, lists and JSON values.',
    );
  });

  it('reads references as own keys only: toString and hasOwnProperty are not defined lanes or services', () => {
    assert.deepEqual(errors(mutate('        lane: gray', '        lane: toString')), ['shop.yaml:29:15: error GL201 spec.entry.rules[0].lane: Lane "toString" is not defined in spec.lanes.\n  hint: expected one of: "base", "gray"']);
    assert.deepEqual(errors(mutate('    service: web', '    service: hasOwnProperty')), ['shop.yaml:24:14: error GL202 spec.entry.service: Service "hasOwnProperty" is not defined in spec.services.\n  hint: expected one of: "web", "cart"']);
  });
});

describe('silently wrong: colliding object names', () => {
  const collide = mutate(
    '    web: { port: 8080 }\n    cart: { port: 8080 }\n',
    '    a-b: { port: 8080 }\n    a: { port: 8080 }\n    web: { port: 8080 }\n',
    mutate('    gray:\n      selector: { version: v2 }\n      services: [cart]\n', '    c:\n      selector: { version: v3 }\n      services: [a-b]\n    b-c:\n      selector: { version: v4 }\n      services: [a]\n    gray:\n      selector: { version: v2 }\n      services: [web]\n'),
  );

  it('refuses service a-b × lane c beside service a × lane b-c (both DestinationRule a-b-c), naming both', () => {
    assert.deepEqual(errors(collide), [
      'shop.yaml:17:7: error GL241 spec.lanes.c: Target istio would emit DestinationRule shop/a-b-c twice: for service "a" in lane "b-c" and for service "a-b" in lane "c"; applying them keeps only one, and the other\'s routes would fail.\n  hint: rename a service or lane so that "<service>-<lane>" names differ (names are joined with "-")',
    ]);
  });

  it('refuses a service named <release>-entry, whose VirtualService is the entry\'s name', () => {
    assert.deepEqual(errors(mutate('    cart: { port: 8080 }\n', '    cart: { port: 8080 }\n    shop-entry: { port: 8080 }\n')), [
      'shop.yaml:23:5: error GL241 spec.entry: Target istio would emit VirtualService shop/shop-entry twice: for service "shop-entry" and for the entry (spec.entry); applying them keeps only one, and the other\'s routes would fail.\n  hint: rename a service or lane so that "<service>-<lane>" names differ (names are joined with "-")',
    ]);
  });

  it('render writes nothing for such a spec, and says why (it used to say "wrote 6 files" and write 5)', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'shop.yaml'), collide);
    const r = await runCli(['render', 'shop.yaml', '-o', 'out'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error GL241 spec\.lanes\.c: Target istio would emit DestinationRule shop\/a-b-c twice/);
    assert.deepEqual(readdirSync(dir), ['shop.yaml']);
  });

  it('GL500 includes a duplicate-identity check (objects and subsets), so no graylane bug can ship one', () => {
    const dr = (name: string, host: string, subsets: string[]): Manifest => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: 'shop', labels: {} }, spec: { host, subsets: subsets.map((s) => ({ name: s, labels: { version: s } })) } });
    assert.deepEqual(selfCheck('istio', [dr('x', 'a', ['v1']), dr('x', 'b', ['v2'])]).map((d) => d.message), [
      'graylane emitted an object that breaks rule kubernetes-unique-identities for target istio: DestinationRule shop/x is defined twice; applying them keeps only the last one.',
    ]);
    assert.deepEqual(selfCheck('istio', [dr('x', 'a', ['v1']), dr('y', 'a', ['v1'])]).map((d) => d.message), [
      'graylane emitted an object that breaks rule kubernetes-unique-identities for target istio: DestinationRule shop/y and DestinationRule shop/x both define subset "v1" of host a; Istio keeps one of them.',
    ]);
  });
});

describe('silently wrong: names Kubernetes and Istio would refuse', () => {
  it('a lane namespace "../../x"', () => {
    assert.deepEqual(errors(mutate('      selector: { version: v2 }\n      services: [cart]', '      namespace: "../../x"\n      services: [cart]')), [
      'shop.yaml:16:18: error GL240 spec.lanes.gray.namespace: Namespace "../../x" of lane "gray" is not a Kubernetes namespace name (a lowercase RFC 1123 label: a-z, 0-9, "-", 63 characters at most).\n  hint: rename it to "x"',
    ]);
  });

  it('service hosts, workload labels and exportTo entries', () => {
    assert.deepEqual(errors(mutate('    cart: { port: 8080 }\n', '    cart: { port: 8080, host: "Cart..x", workloadLabels: { "a/b/c": "v" } }\n  exportTo: [".", "shop", "~", "*"]\n')), [
      'shop.yaml:10:31: error GL240 spec.services.cart.host: Host "Cart..x" of service "cart" is not a valid host name: a host is lowercase letters, digits, "-" and "." (RFC 1123), each dot-separated part 63 characters at most, starting and ending with a letter or digit.\n  hint: write a DNS name such as "reviews.shop.svc.cluster.local"',
      'shop.yaml:10:69: error GL208 spec.services.cart.workloadLabels["a/b/c"]: Label key "a/b/c" is not valid Kubernetes syntax: a label key has at most one "/".\n  hint: e.g. "a-b-c"',
      'shop.yaml:11:19: error GL240 spec.exportTo[1]: exportTo lists "shop" twice ("." is namespace "shop"); Istio refuses duplicates.\n  hint: remove the second "shop"',
      'shop.yaml:11:27: error GL240 spec.exportTo[2]: exportTo entry "~" is neither ".", "*" nor a namespace name (a lowercase RFC 1123 label).\n  hint: "~" is for ServiceEntries only; graylane exports every object alike: use "."',
      'shop.yaml:11:32: error GL240 spec.exportTo[3]: exportTo has "*" beside other entries; "*" already means every namespace, and Istio refuses it combined.\n  hint: keep only "*", or list the namespaces',
    ]);
  });

  it('an endpoint lane host, checked once its placeholders are filled in', () => {
    assert.deepEqual(errors(mutate('      selector: { version: v2 }\n      services: [cart]\n      fallback: [base]', '      endpoints: [{ address: 10.0.0.1 }]\n      host: "{service}_mock"\n      services: [cart]\n      fallback: [base]')), [
      'shop.yaml:17:13: error GL240 spec.lanes.gray.host: Lane "gray" puts service "cart" on host "cart_mock", which is not a valid host name: a host is lowercase letters, digits, "-" and "." (RFC 1123), each dot-separated part 63 characters at most, starting and ending with a letter or digit.\n  hint: write a DNS name such as "{service}.{lane}.mock.internal"',
    ]);
  });
});

describe('silently wrong: map order', () => {
  it('the same labels and selectors in another order give the same bytes', () => {
    const ordered = mutate('      selector: { version: v2 }', '      selector: { version: v2, track: gray }', mutate('  namespace: shop\n', '  namespace: shop\n  labels: { team: a, app: shop }\n'));
    const reordered = mutate('      selector: { version: v2 }', '      selector: { track: gray, version: v2 }', mutate('  namespace: shop\n', '  namespace: shop\n  labels: { app: shop, team: a }\n'));
    const a = compile(ordered);
    assert.ok(a.ok, a.diagnostics.map(formatDiagnostic).join('\n'));
    assert.equal(compile(reordered).outputs[0]!.yaml, a.outputs[0]!.yaml);
    assert.match(a.outputs[0]!.yaml, /labels:\n {4}app: shop\n {4}team: a\n/);
  });
});

describe('crashes and hangs: YAML aliases, size, depth, odd numbers', () => {
  const cases: [string, string, string][] = [
    ['an undefined alias', 'a: *x\n', 'shop.yaml:1:4: error GL100 a: The file is not valid YAML for graylane: the alias *x is used before (or without) an anchor &x.'],
    ['an alias before its anchor', 'a: *x\nb: &x 1\n', 'shop.yaml:1:4: error GL100 a: The file is not valid YAML for graylane: the alias *x is used before (or without) an anchor &x.'],
    ['an alias inside its own anchor', 'a: &a [*a]\n', 'shop.yaml:1:8: error GL100 a[0]: The file is not valid YAML for graylane: the alias *a is inside the node it names, which would make the data infinite.'],
    [
      '"billion laughs"',
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
      'shop.yaml:5:29: error GL100 e[7]: The file is not valid YAML for graylane: the aliases expand the document to more than 100000 values.',
    ],
  ];
  for (const [what, text, expected] of cases) {
    it(`${what}: GL100 at the alias`, () => assert.deepEqual(errors(text).map((e) => e.split('\n')[0]), [expected]));
  }

  it('finds one duplicate among 20,000 keys (one pass with a Set, no longer every key against every other)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: 1\n`).join('');
    assert.deepEqual(errors(`a:\n${keys}  k7: 2\n`).map((e) => e.split('\n')[0]), ['shop.yaml:20002:3: error GL110: The key "k7" appears twice in the same mapping; YAML would keep only one of them.']);
  });

  it('nesting deeper than 64 levels, block or flow, is GL106 (it was "Maximum call stack size exceeded")', () => {
    const block = Array.from({ length: 900 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    assert.match(errors(block)[0]!, /^shop\.yaml:66:66: error GL106 k(\.k){64}: k(\.k){64} is nested more than 64 levels deep; no part of a release spec is\./);
    assert.match(errors(`a: ${'['.repeat(5000)}${']'.repeat(5000)}`)[0]!, /^shop\.yaml:1:\d+: error GL106: The document is nested more than 64 levels deep/);
  });

  it('an empty document names the document and its position', () => {
    assert.deepEqual(errors(''), ['shop.yaml:1:1: error GL102: The document is empty; a release spec is a mapping with apiVersion, kind, metadata and spec.\n  hint: start from an example: examples/bookinfo-lanes.release.yaml']);
  });

  it('.inf, .nan and 1e309 are named, not called "null"', () => {
    for (const [value, shown] of [['.inf', 'Infinity'], ['.nan', 'NaN'], ['1e309', 'Infinity'], ['-.inf', '-Infinity']]) {
      assert.deepEqual(errors(mutate('web: { port: 8080 }', `web: { port: ${value} }`)), [
        `shop.yaml:9:18: error GL102 spec.services.web.port: spec.services.web.port is ${shown} (YAML .inf, .nan or a number too large for a double), but it must be a number.\n  hint: write a number here`,
      ]);
    }
  });

  it('an object made too large by the spec blames the spec (GL242), not graylane (GL500)', () => {
    assert.deepEqual(errors(mutate('headers: { x-beta: { exact: "1" } }', `headers: { x-beta: { exact: "${'x'.repeat(600 * 1024)}" } }`)), [
      'shop.yaml:22:5: error GL242 spec.entry: The spec makes an object of the entry (spec.entry) too large for target istio: VirtualService shop/shop-entry is 615094 bytes of JSON, over the 524288-byte limit; split it (e.g. one VirtualService per host).\n  hint: shorten the long values (match strings, hosts, labels) or split the release into several',
    ]);
  });
});

describe('crashes: compile() from graylane/compiler returns diagnostics for any input', () => {
  const spec = () => compile(BASE_SPEC).spec as unknown as Record<string, unknown>;
  const first = (source: unknown, options?: unknown) => {
    const r = compile(source, options as never);
    assert.equal(r.ok, false);
    return `${r.diagnostics[0]!.code} ${r.diagnostics[0]!.message}`;
  };

  it('a cyclic object, a BigInt, a function', () => {
    const cyclic = spec();
    (cyclic.metadata as Record<string, unknown>).self = cyclic;
    assert.equal(first(cyclic), 'GL107 metadata.self contains itself (a cycle); a spec is a tree of JSON values.');
    assert.equal(first({ ...spec(), metadata: { name: 'shop', n: 1n } }), 'GL107 metadata.n is a BigInt; a spec holds only JSON values (strings, numbers, booleans, null, lists and mappings).');
    assert.equal(first({ ...spec(), kind: () => 'Release' }), 'GL107 kind is a function; a spec holds only JSON values (strings, numbers, booleans, null, lists and mappings).');
  });

  it('options null, targets {} and targets "istio" (which was read as five letters)', () => {
    assert.equal(first(BASE_SPEC, null), 'GL108 The compile options are invalid: options: Invalid input: expected object, received null.');
    assert.equal(first(BASE_SPEC, { targets: {} }), 'GL108 The compile options are invalid: options.targets: Invalid input: expected array, received object.');
    assert.equal(first(BASE_SPEC, { targets: 'istio' }), 'GL108 The compile options are invalid: options.targets: Invalid input: expected array, received string.');
    assert.equal(first(BASE_SPEC, { step: -1 }), 'GL108 The compile options are invalid: options.step: Too small: expected number to be >=0.');
  });

  it('numbers, strings, arrays and null as the spec', () => {
    for (const source of [42, null, [], true, undefined]) assert.match(first(source), /^GL102 /);
  });

  it('a deep object', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) deep = (deep.k = {}) as Record<string, unknown>;
    assert.match(first(root), /^GL106 k(\.k){64} is nested more than 64 levels deep/);
  });

  it("only the caller's own exceptions propagate (a throwing getter)", () => {
    const hostile = { ...spec() };
    Object.defineProperty(hostile, 'kind', { enumerable: true, get: () => { throw new Error('the caller\'s own'); } });
    assert.throws(() => compile(hostile), /the caller's own/);
  });
});

describe('crashes: the CLI reads only what it should, and says why not', () => {
  const setup = () => {
    const dir = workdir();
    writeFileSync(join(dir, 'shop.yaml'), BASE_SPEC);
    return dir;
  };
  const expectUsage = async (dir: string, args: string[], message: string) => {
    const r = await runCli(args, dir);
    assert.equal(r.stderr, `graylane: error: ${message}\n`);
    assert.equal(r.status, 2);
  };

  it('a FIFO (it used to hang), a directory named x.yaml, /dev/zero, a dangling link, a symlink loop', async () => {
    const dir = setup();
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    mkdirSync(join(dir, 'x.yaml'));
    symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml'));
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    await expectUsage(dir, ['render', 'fifo.yaml'], 'cannot read "fifo.yaml": it is a named pipe (FIFO), not a regular file');
    await expectUsage(dir, ['validate', 'x.yaml'], 'cannot read "x.yaml": it is a directory, not a regular file');
    await expectUsage(dir, ['render', '/dev/zero'], 'cannot read "/dev/zero": it is a character device, not a regular file');
    await expectUsage(dir, ['render', 'dangling.yaml'], 'cannot read "dangling.yaml": no such file or directory (ENOENT)');
    await expectUsage(dir, ['render', 'loop-a'], 'cannot read "loop-a": too many symbolic links encountered (ELOOP)');
  });

  it('check on an object named by a mapping whose toString is a string: GL112 at the name, labelled as JSON (FUZZ_SEED=2071948707 found "internal error")', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'objects.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {toString: ""}\n  namespace: shop\nspec:\n  hosts: [cart]\n  http:\n  - route:\n    - destination: {host: cart}\n');
    const r = await runCli(['check', 'objects.yaml'], dir);
    assert.equal(r.status, 2);
    assert.equal(r.stderr.split('\n')[0], 'objects.yaml:4:9: error GL112 metadata.name: VirtualService shop/{"toString":""} is not a valid VirtualService: is a mapping; it must be a string (the CRD of VirtualService networking.istio.io/v1 in Istio 1.30.3 (and ASM\'s fields)).');
    assert.equal(r.stdout, '');
  });

  it('diff and explain on a VirtualService whose route is a mapping, not a list: GL112 at the field, nothing simulated (both were "internal error")', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'old'));
    mkdirSync(join(dir, 'new'));
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: cart, namespace: shop}\nspec:\n  hosts: [cart]\n  http:\n  - route:\n      destination: {host: cart}\n';
    writeFileSync(join(dir, 'old/vs.yaml'), vs);
    writeFileSync(join(dir, 'new/vs.yaml'), vs);
    writeFileSync(join(dir, 'new/dr.yaml'), 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: cart, namespace: shop}\nspec:\n  host: cart\n  subsets: [{name: v1, labels: {version: v1}}]\n');
    const gl112 = 'old/vs.yaml:8:7: error GL112 spec.http[0].route: VirtualService shop/cart is not a valid VirtualService: is a mapping; it must be a list (the CRD of VirtualService networking.istio.io/v1 in Istio 1.30.3 (and ASM\'s fields)).';
    const diff = await runCli(['diff', 'old', 'new'], dir);
    assert.equal(diff.status, 2, diff.stderr);
    assert.equal(diff.stderr.split('\n')[0], gl112);
    assert.equal(diff.stdout, '');
    const explain = await runCli(['explain', 'old', '--mesh', '--host', 'cart.shop.svc.cluster.local'], dir);
    assert.equal(explain.status, 2, explain.stderr);
    assert.equal(explain.stderr.split('\n')[0], gl112);
  });

  it('a header match that is null is dropped, as the API server drops it (apiextensions-apiserver prunenulls.go), with GL113: the match then matches every request', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'objects'));
    writeFileSync(join(dir, 'objects/cart.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: cart, namespace: shop}\nspec:\n  hosts: [cart]\n  http:\n  - match:\n    - headers:\n        x-lane: null\n    route:\n    - destination: {host: cart, subset: gray}\n  - route:\n    - destination: {host: cart, subset: stable}\n');
    writeFileSync(join(dir, 'objects/dr.yaml'), 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: cart, namespace: shop}\nspec:\n  host: cart\n  subsets: [{name: gray, labels: {version: gray}}, {name: stable, labels: {version: stable}}]\n');
    const warning = 'objects/cart.yaml:9:9: warning GL113 spec.http[0].match[0].headers["x-lane"]: VirtualService shop/cart: the API server drops the null at spec.http[0].match[0].headers["x-lane"]';
    const check = await runCli(['check', 'objects'], dir);
    assert.ok(check.stderr.startsWith(warning), check.stderr);
    const r = await runCli(['explain', 'objects', '--mesh', '--host', 'cart.shop.svc.cluster.local', '--format', 'json'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stderr.startsWith(warning), r.stderr);
    // Without its only condition the first route takes every request: all of it goes to gray, none to stable.
    assert.match(r.stdout, /"subset": "gray"/);
    assert.doesNotMatch(r.stdout, /"subset": "stable"/);
  });

  it('explain on a Service whose ports are a number, which no rule reads and no CRD covers: the simulator\'s object is found by halving and located (GL111)', async () => {
    const dir = workdir();
    mkdirSync(join(dir, 'objects'));
    for (const name of ['cart', 'pay', 'ship', 'stock'])
      writeFileSync(join(dir, `objects/${name}.yaml`), `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  hosts: [${name}]\n  http:\n  - route:\n    - destination: {host: ${name}}\n`);
    writeFileSync(join(dir, 'objects/service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec:\n  ports: 5\n');
    assert.notEqual((await runCli(['check', 'objects'], dir)).status, 2, 'no rule reads the ports');
    const r = await runCli(['explain', 'objects', '--mesh', '--host', 'cart.shop.svc.cluster.local'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.split('\n')[0]!, /^objects\/service\.yaml:1:1: error GL111: Service shop\/cart does not have the shape of a Service, so the route simulator cannot read it \(/);
  });

  it('input directories: dangling .yaml links, a link to a FIFO, links that loop back up', async () => {
    const dir = setup();
    mkdirSync(join(dir, 'objects/sub'), { recursive: true });
    writeFileSync(join(dir, 'objects/a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n');
    symlinkSync('..', join(dir, 'objects/sub/up'));
    await expectUsage(dir, ['check', 'objects'], 'cannot read "objects/sub/up": a symbolic link loops back to "objects"');
    const dangling = setup();
    mkdirSync(join(dangling, 'objects'));
    symlinkSync('gone.yaml', join(dangling, 'objects/b.yaml'));
    symlinkSync('gone', join(dangling, 'objects/not-yaml'));
    await expectUsage(dangling, ['check', 'objects'], 'cannot read "objects/b.yaml": no such file or directory (ENOENT)');
  });

  it('the input limit counts a directory\'s files together, and says so for the file that crosses it', async () => {
    const dir = setup();
    mkdirSync(join(dir, 'objects'));
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n';
    writeFileSync(join(dir, 'objects/a.yaml'), doc);
    writeFileSync(join(dir, 'objects/b.yaml'), doc);
    await expectUsage(dir, ['check', 'objects', '--max-input-size', String(Buffer.byteLength(doc) + 10)], `cannot read "objects/b.yaml": with the files of this input read before it, the input is over the limit of ${Buffer.byteLength(doc) + 10} bytes (for all files of one input together); raise it with --max-input-size, e.g. --max-input-size 16MiB`);
  });

  it('the input limit: a file over it is refused, --max-input-size raises it', async () => {
    const dir = setup();
    await expectUsage(dir, ['validate', 'shop.yaml', '--max-input-size', '512'], `cannot read "shop.yaml": it is at least ${Buffer.byteLength(BASE_SPEC)} bytes, over the input limit of 512 bytes (for all files of one input together); raise it with --max-input-size, e.g. --max-input-size 16MiB`);
    const r = await runCli(['--max-input-size', '64KiB', 'validate', 'shop.yaml'], dir);
    assert.equal(r.status, 0, r.stderr);
    const bad = await runCli(['validate', 'shop.yaml', '--max-input-size', 'lots'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /option '--max-input-size <size>' argument 'lots' is invalid\. write a size in bytes/);
  });

  it('-o naming a regular file, a dangling symlink, or a place that cannot be written', async () => {
    const dir = setup();
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync('nowhere', join(dir, 'dangling'));
    await expectUsage(dir, ['render', 'shop.yaml', '-o', 'file'], `cannot use "${join(dir, 'file')}" as the output directory: it is a regular file`);
    await expectUsage(dir, ['render', 'shop.yaml', '-o', 'dangling'], `cannot use "${join(dir, 'dangling')}" as the output directory: it is a symbolic link that does not resolve: no such file or directory (ENOENT)`);
    await expectUsage(dir, ['render', 'shop.yaml', '-o', 'file/out'], `cannot use "${join(dir, 'file/out')}" as the output directory: not a directory (ENOTDIR)`);
    assert.deepEqual(readdirSync(dir).sort(), ['dangling', 'file', 'shop.yaml']);
    // /proc refuses new directories with ENOENT, on which Node's recursive mkdir loops forever.
    if (existsSync('/proc/self')) await expectUsage(dir, ['render', 'shop.yaml', '-o', '/proc/graylane/out'], 'cannot create the parent directory of "/proc/graylane/out": no such file or directory (ENOENT)');
  });

  it('-o in a directory nobody may write, even root (sysfs)', { skip: existsSync('/sys/kernel') ? false : 'no /sys here' }, async () => {
    await expectUsage(ROOT, ['render', 'examples/flip-flop.release.yaml', '-o', '/sys/graylane-out'], 'cannot lock "/sys/graylane-out" (/sys/.graylane-out.lock): permission denied (EACCES)');
  });

  it('-o under a read-only parent', { skip: process.getuid?.() === 0 ? 'running as root, which may write to a read-only directory' : false }, async () => {
    const dir = setup();
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o555);
    await expectUsage(dir, ['render', 'shop.yaml', '-o', 'ro/out'], `cannot lock "${join(dir, 'ro/out')}" (${join(dir, 'ro/.out.lock')}): permission denied (EACCES)`);
  });

  it('--version ends with a newline', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag], ROOT);
      assert.equal(r.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
    }
  });
});

describe('crashes: check --config is validated by a schema', () => {
  const run = async (config: string) => {
    const dir = workdir();
    writeFileSync(join(dir, 'shop.yaml'), BASE_SPEC);
    writeFileSync(join(dir, 'rules.json'), config);
    return runCli(['check', 'shop.yaml', '--config', 'rules.json'], dir);
  };

  it('enforcement levels are case-sensitive ("Mandatory" used to mean nothing, silently)', async () => {
    const r = await run('{ "istio-exportto-set": { "enforcementLevel": "Mandatory" } }');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'rules.json:1:47: error GL109: ["istio-exportto-set"].enforcementLevel is "Mandatory"; allowed: "mandatory", "advisory", "disabled" (lowercase).\n  hint: did you mean "mandatory"?\n');
  });

  it('unknown rules and settings, wrong parameter types, duplicate keys, null', async () => {
    const unknown = await run('{ "istio-exportto-sett": {} }');
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr.split('\n')[0], 'rules.json:1:3: error GL109: Unknown rule "istio-exportto-sett"; no rule of graylane check has this name.');
    assert.match(unknown.stderr, /hint: did you mean "istio-exportto-set"\?/);
    const setting = await run('{ "istio-max-weight-change": { "maxChnage": 10 } }');
    assert.equal(setting.stderr.split('\n')[0], 'rules.json:1:32: error GL109: Unknown setting "maxChnage" of rule "istio-max-weight-change".');
    const type = await run('{ "kubernetes-object-size": { "maxBytes": "big" } }');
    assert.equal(type.stderr.split('\n')[0], 'rules.json:1:43: error GL109: ["kubernetes-object-size"].maxBytes: expected number, received string.');
    const duplicate = await run('{ "kubernetes-object-size": {}, "kubernetes-object-size": {} }');
    assert.match(duplicate.stderr, /^rules\.json:1:33: error GL110: The key "kubernetes-object-size" appears twice/);
    const empty = await run('null');
    assert.equal(empty.stderr, 'rules.json:1:1: error GL109: The settings: expected object, received null.\n  hint: write an object: { "<rule>": { "enforcementLevel": "mandatory", … } }\n');
    for (const r of [setting, type, duplicate, empty]) assert.equal(r.status, 2);
  });

  it('a valid config still applies', async () => {
    const r = await run('{ "istio-exportto-set": { "enforcementLevel": "mandatory" } }');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /mandatory istio-exportto-set/);
  });
});

describe('spec recognition: by the parsed document, never a text pattern', () => {
  const flow = `{ "apiVersion": "graylane.dev/v1alpha1", kind: 'Release', metadata: { name: shop }, spec: { targets: [istio], services: { web: { port: 80 } }, lanes: { base: { baseline: true } }, entry: { service: web, rules: [{ name: all, lane: nowhere }] } } }\n`;
  const spellings: [string, string][] = [
    ['flow style, quoted', flow],
    ['a comment after kind', mutate('kind: Release\n', 'kind: Release # the release\n')],
    ['quoted kind and apiVersion', mutate('apiVersion: graylane.dev/v1alpha1\nkind: Release\n', '"apiVersion": \'graylane.dev/v1alpha1\'\n"kind": "Release"\n')],
  ];
  for (const [what, text] of spellings) {
    it(`${what}: check compiles it as a spec`, async () => {
      const dir = workdir();
      writeFileSync(join(dir, 'shop.yaml'), what.startsWith('flow') ? text : mutate('        lane: gray', '        lane: nowhere', text));
      const r = await runCli(['check', 'shop.yaml'], dir);
      assert.equal(r.status, 2, r.stdout);
      assert.match(r.stderr, /error GL201 spec\.entry\.rules\[0\]\.lane: Lane "nowhere" is not defined in spec\.lanes\./);
    });
  }

  it('a text that only mentions kind: Release in a block scalar is not a spec', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes }\ndata:\n  text: |\napiVersion: graylane.dev/v1alpha1\n'.replace('data:\n  text: |\napiVersion', 'data:\n  text: |\n    kind: Release\n    apiVersion'));
    const r = await runCli(['check', 'cm.yaml'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'no findings (environment dev)\n');
  });
});

describe('paths: git revisions and names', () => {
  const repo = () => {
    const dir = workdir();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    mkdirSync(join(dir, 'rendered'));
    writeFileSync(join(dir, 'rendered/configmap-ünïcode.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: u, namespace: shop }\nspec: { hosts: [web], http: [{ route: [{ destination: { host: nowhere } }] }] }\n');
    git('add', '.');
    git('commit', '-qm', 'x');
    return dir;
  };

  it('a revision starting with "-" never reaches git as an option', async () => {
    const r = await runCli(['check', 'git:--abbrev=7:HEAD'], repo());
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'graylane: error: "--abbrev=7" in "git:--abbrev=7:HEAD" is not a git revision (it starts with "-")\n');
  });

  it('files with non-ASCII names are read (ls-tree -z)', async () => {
    const r = await runCli(['check', 'git:HEAD:rendered', '--env', 'prod'], repo());
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^HEAD:rendered\/configmap-ünïcode\.yaml:1:1: mandatory istio-exportto-set: VirtualService shop\/u does not set exportTo/);
  });
});

describe('paths: -o LINK', () => {
  it('follows the link and replaces its target; the link stays a link', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'shop.yaml'), BASE_SPEC);
    assert.equal((await runCli(['render', 'shop.yaml', '-o', 'v1'], dir)).status, 0);
    symlinkSync('v1', join(dir, 'current'));
    writeFileSync(join(dir, 'shop.yaml'), mutate('{ base: 50, gray: 50 }', '{ base: 40, gray: 60 }'));
    const r = await runCli(['render', 'shop.yaml', '--step', '1', '-o', 'current'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['current', 'shop.yaml', 'v1']);
    assert.match(readFileSync(join(dir, 'v1/istio/virtualservice-shop-entry.yaml'), 'utf8'), /weight: 60/);
    assert.ok(existsSync(join(dir, 'current/istio/virtualservice-shop-entry.yaml')));
  });
});
