/**
 * The npm package as consumers get it: pack it, install the tarball into a fresh project (offline: the
 * tarball plus the dependencies already installed here), type-check a small consumer program that creates a
 * Release and uses `graylane/compiler`, and run it under Pulumi mocks.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './support/examples';

const CONSUMER = `import * as pulumi from '@pulumi/pulumi';
import { Release, type ReleaseSpecArgs } from 'graylane';
import { compile } from 'graylane/compiler';

const spec: ReleaseSpecArgs = {
  apiVersion: 'graylane.dev/v1alpha1',
  kind: 'Release',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    targets: ['istio'],
    services: { web: { port: 8080 }, cart: { port: 8080 } },
    lanes: { base: { baseline: true, selector: { version: 'v1' } }, gray: { selector: { version: 'v2' }, services: ['cart'], fallback: ['base'] } },
    trafficLabel: { header: 'x-lane' },
    entry: { gateway: 'istio-system/public', hosts: ['shop.example.com'], service: 'web', rules: [{ name: 'all', weights: { base: 90, gray: 10 } }] },
  },
};

export const objects = compile(spec).outputs[0]!.manifests.length;
export const release = new Release('shop', { spec });
export const names: pulumi.Output<Record<string, string[]>> = release.objectNames;
`;

const RUNNER = `const pulumi = require('@pulumi/pulumi');
const registered = [];
pulumi.runtime.setMocks({ newResource: (a) => { registered.push(a.type + ' ' + a.name); return { id: a.name, state: a.inputs }; }, call: (a) => a.inputs }, 'consumer', 'test', false);
const program = require('./out/index.js');
program.names.apply((names) => setTimeout(() => console.log(JSON.stringify({ objects: program.objects, names, registered: registered.sort() })), 100));
`;

describe('the npm package', () => {
  it('packs, installs offline, type-checks a consumer and runs it under mocks', () => {
    const work = mkdtempSync(join(tmpdir(), 'graylane-pack-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    for (const expected of ['dist/components/index.js', 'dist/components/index.d.ts', 'dist/compiler/index.js', 'bin/graylane.js', 'schema/release.schema.json', 'PulumiPlugin.yaml', 'package.json'])
      assert.ok(files.includes(expected), `${expected} is in the package`);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('stacks/') || f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no sources, tests or stacks in the package');

    const consumer = join(work, 'consumer');
    const modules = join(consumer, 'node_modules');
    mkdirSync(join(modules, 'graylane'), { recursive: true });
    execFileSync('tar', ['xzf', join(work, packed[0]!.filename), '-C', join(modules, 'graylane'), '--strip-components=1']);
    // Offline: every dependency and peer the package declares, plus the consumer's tools, from this checkout.
    const manifest = JSON.parse(readFileSync(join(modules, 'graylane', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    for (const dep of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies), 'typescript', '@types/node']) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
    }
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { graylane: `file:../${packed[0]!.filename}` } }));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', outDir: 'out', skipLibCheck: true, types: ['node'] }, files: ['index.ts'] }));
    writeFileSync(join(consumer, 'index.ts'), CONSUMER);
    writeFileSync(join(consumer, 'run.js'), RUNNER);

    execFileSync(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: consumer, stdio: 'pipe' });
    const result = JSON.parse(execFileSync(process.execPath, ['run.js'], { cwd: consumer, encoding: 'utf8' })) as { objects: number; names: Record<string, string[]>; registered: string[] };
    assert.equal(result.objects, 6);
    assert.deepEqual(result.names, {
      DestinationRule: ['shop/cart-base', 'shop/cart-gray', 'shop/web-base'],
      VirtualService: ['shop/cart', 'shop/shop-entry', 'shop/web'],
    });
    assert.equal(result.registered.length, 7);
    assert.ok(result.registered.includes('graylane:index:Release shop'));
    assert.ok(result.registered.includes('kubernetes:networking.istio.io/v1:VirtualService shop-virtualservice-shop-cart'));
  });

  it('declares every package its built code imports', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) {
          for (const [, spec] of readFileSync(path, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
            const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
            if (!name.startsWith('node:')) imported.add(name);
          }
        }
      }
    };
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
    for (const dir of ['compiler', 'components', 'cli']) walk(join(ROOT, 'dist', dir));
    assert.deepEqual([...imported].filter((n) => !declared.has(n)), []);
  });
});
