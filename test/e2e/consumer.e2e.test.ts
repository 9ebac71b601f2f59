/**
 * The npm package as a consumer uses it, under the real engine: pack it, install the tarball into a fresh
 * Pulumi project (offline, as test/package.test.ts does), compile a small program that creates a Release,
 * `pulumi up` (rendering to a directory) and `pulumi destroy`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { compile } from '../../compiler';
import { PulumiWorkspace, renderedObjects, ROOT } from './support/pulumi-workspace';

const SPEC = {
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

const PROGRAM = `import { Release, type ReleaseSpecArgs } from 'graylane';

const spec: ReleaseSpecArgs = ${JSON.stringify(SPEC)};

export const objects = new Release('shop', { spec }).objectNames;
`;

describe('the npm package in a fresh Pulumi project', () => {
  it('runs pulumi up and destroy', () => {
    const workspace = new PulumiWorkspace();
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', workspace.dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as { filename: string }[];
    const consumer = join(workspace.dir, 'consumer');
    const modules = join(consumer, 'node_modules');
    mkdirSync(join(modules, 'graylane'), { recursive: true });
    execFileSync('tar', ['xzf', join(workspace.dir, packed[0]!.filename), '-C', join(modules, 'graylane'), '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(modules, 'graylane', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    for (const dep of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies), 'typescript', '@types/node']) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
    }
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, main: 'out/index.js' }));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', outDir: 'out', skipLibCheck: true, types: ['node'] }, files: ['index.ts'] }),
    );
    writeFileSync(join(consumer, 'index.ts'), PROGRAM);
    writeFileSync(join(consumer, 'Pulumi.yaml'), stringify({ name: 'consumer', runtime: { name: 'nodejs', options: { typescript: false } }, main: 'out/index.js' }));
    execFileSync(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: consumer, stdio: 'pipe' });

    const rendered = join(workspace.dir, 'rendered');
    workspace.ok(['stack', 'init', 'test', '--secrets-provider', 'passphrase'], consumer);
    workspace.ok(['config', 'set', 'kubernetes:renderYamlToDirectory', rendered, '--stack', 'test'], consumer);
    const up = workspace.pulumi(['up', '--yes', '--skip-preview', '--stack', 'test'], consumer);
    assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
    const expected = compile(SPEC).outputs[0]!.manifests;
    assert.deepEqual(renderedObjects(rendered), [...expected].sort((a, b) => (`${a.kind}/${a.metadata.name}` < `${b.kind}/${b.metadata.name}` ? -1 : 1)));
    assert.deepEqual(JSON.parse(workspace.ok(['stack', 'output', 'objects', '--json', '--stack', 'test'], consumer)), {
      DestinationRule: ['shop/cart-base', 'shop/cart-gray', 'shop/web-base'],
      VirtualService: ['shop/cart', 'shop/shop-entry', 'shop/web'],
    });

    const destroy = workspace.pulumi(['destroy', '--yes', '--skip-preview', '--stack', 'test'], consumer);
    assert.equal(destroy.status, 0, destroy.stderr);
    assert.deepEqual(renderedObjects(rendered), []);
    workspace.ok(['stack', 'rm', '--yes', '--stack', 'test'], consumer);
  });
});
