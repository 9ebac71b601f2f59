/**
 * `npm run tools`: builds the Pulumi CLI, a Node.js language host and the Kubernetes provider from
 * tools/pulumi/ (Go modules pinned by their go.sum) into .tools/bin, for `npm run e2e`.
 *
 * Cached: each binary is rebuilt only when the hash of its module's go.mod, go.sum and Go sources (and
 * the Go version) changes; a second run is a no-op. Builds use `-p 2` (the machine is shared) and
 * `-trimpath -ldflags=-s -w` (smaller binaries, faster links).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_BIN, TOOL_VERSIONS } from './tools-versions';

const ROOT = join(__dirname, '..');
const MODULES = join(ROOT, 'tools', 'pulumi');

interface Tool {
  /** Binary name in .tools/bin (the name the Pulumi CLI looks up on $PATH). */
  readonly binary: string;
  /** Go module directory under tools/pulumi. */
  readonly module: string;
  /** Package to build, as `go build` takes it inside that module. */
  readonly pkg: string;
  readonly ldflags: string;
  /** Runs before the build (e.g. copies files the main package embeds). */
  readonly prepare?: (moduleDir: string) => void;
}

const SDK_VERSION_VAR = 'github.com/pulumi/pulumi/sdk/v3/go/common/version.Version';
const K8S_VERSION_VAR = 'github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version';

const TOOLS: readonly Tool[] = [
  {
    binary: 'pulumi',
    module: 'cli',
    pkg: 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi',
    ldflags: `-s -w -X ${SDK_VERSION_VAR}=v${TOOL_VERSIONS.cli}`,
  },
  {
    binary: 'pulumi-language-nodejs',
    module: 'cli',
    pkg: './language-nodejs',
    ldflags: `-s -w -X ${SDK_VERSION_VAR}=v${TOOL_VERSIONS.cli}`,
  },
  {
    binary: 'pulumi-resource-kubernetes',
    module: 'kubernetes',
    pkg: '.',
    ldflags: `-s -w -X ${K8S_VERSION_VAR}=${TOOL_VERSIONS.kubernetesProvider}`,
    prepare: copyKubernetesSchema,
  },
];

function fail(message: string): never {
  console.error(`npm run tools: ${message}`);
  process.exit(2);
}

function go(args: readonly string[], cwd: string): string {
  const result = spawnSync('go', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GOFLAGS: '-trimpath -mod=readonly -buildvcs=false', GOTOOLCHAIN: 'local' },
  });
  if (result.error) fail(`could not run go ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`go ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  return result.stdout;
}

/** The provider's main embeds its schema; the module zip carries schema.json, not the generated schema-embed.json. */
function copyKubernetesSchema(moduleDir: string): void {
  // `go mod download -json` fetches the module into a fresh cache and says where it is (`go list -m` would
  // print an empty Dir before the first download).
  const download = JSON.parse(go(['mod', 'download', '-json', 'github.com/pulumi/pulumi-kubernetes/provider/v4'], moduleDir)) as { Dir?: string; Error?: string };
  if (!download.Dir) fail(`could not download the Kubernetes provider module: ${download.Error ?? 'no directory'}`);
  const providerDir = download.Dir;
  for (const file of ['schema.json', 'terraform-mapping.json']) {
    const target = join(moduleDir, file);
    rmSync(target, { force: true });
    copyFileSync(join(providerDir, 'cmd', 'pulumi-resource-kubernetes', file), target);
  }
}

function cacheKey(tool: Tool, goVersion: string): string {
  const moduleDir = join(MODULES, tool.module);
  const hash = createHash('sha256').update(goVersion).update(tool.pkg).update(tool.ldflags);
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(dir, entry.name))
        : /\.go$|^go\.(mod|sum)$/.test(entry.name)
          ? [join(dir, entry.name)]
          : [],
    );
  for (const file of sources(moduleDir).sort()) hash.update(file.slice(moduleDir.length)).update(readFileSync(file));
  return hash.digest('hex');
}

function main(): void {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    fail(
      'the Go toolchain is missing (`go version` failed). Install Go 1.26 or newer and put `go` on PATH; ' +
        '`npm test` does not need it, only `npm run tools` and `npm run e2e` do.',
    );
  }
  const goVersion = version.stdout.trim();
  mkdirSync(TOOLS_BIN, { recursive: true });
  const started = Date.now();
  let built = 0;
  for (const tool of TOOLS) {
    const output = join(TOOLS_BIN, tool.binary);
    const stamp = `${output}.key`;
    const key = cacheKey(tool, goVersion);
    if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
      console.log(`${tool.binary}: up to date`);
      continue;
    }
    const moduleDir = join(MODULES, tool.module);
    const toolStarted = Date.now();
    tool.prepare?.(moduleDir);
    go(['build', '-p', '2', `-ldflags=${tool.ldflags}`, '-o', output, tool.pkg], moduleDir);
    writeFileSync(stamp, key);
    built++;
    console.log(`${tool.binary}: built in ${((Date.now() - toolStarted) / 1000).toFixed(1)}s`);
  }
  console.log(`npm run tools: ${built} built, ${TOOLS.length - built} cached, ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main();
