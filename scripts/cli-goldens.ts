/**
 * The inspection commands' outputs kept as goldens: explain (the requests of EXPECTED.md), diff and graph,
 * for every example. Each golden file holds one or more invocations, each preceded by its command line.
 */
export const CLI_GOLDENS: Record<string, string[][]> = {
  'test/golden/bookinfo-lanes/explain.txt': [
    ['explain', 'examples/bookinfo-lanes.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--header', 'location=shenzhen', '--hops', 'reviews,ratings'],
    ['explain', 'examples/bookinfo-lanes.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--header', 'x-dev-lane=dev-x', '--hops', 'reviews,ratings'],
    ['explain', 'examples/bookinfo-lanes.release.yaml', '--gateway', 'istio-system/bookinfo-gateway', '--host', 'bookinfo.example.com', '--header', 'x-lane=dev-x', '--hops', 'ratings'],
    ['explain', 'examples/bookinfo-lanes.release.yaml', '--mesh', '--host', 'details', '--header', 'x-lane=mock'],
  ],
  'test/golden/bookinfo-lanes/diff.md': [['diff', 'examples/bookinfo-lanes.release.yaml', 'test/fixtures/specs/bookinfo-more-lanes.release.yaml']],
  'test/golden/bookinfo-lanes/graph.mmd': [['graph', 'examples/bookinfo-lanes.release.yaml']],
  'test/golden/bookinfo-lanes/graph.dot': [['graph', 'examples/bookinfo-lanes.release.yaml', '--format', 'dot']],
  'test/golden/flip-flop/explain.txt': [
    ['explain', 'examples/flip-flop.release.yaml', '--step', '1', '--mesh', '--host', 'search-api', '--hops', 'search-ranker,search-index'],
    ['explain', 'examples/flip-flop.release.yaml', '--step', '4', '--mesh', '--host', 'search-api', '--hops', 'search-ranker'],
  ],
  'test/golden/flip-flop/diff.md': [['diff', 'examples/flip-flop.release.yaml', 'examples/flip-flop.release.yaml', '--old-step', '1', '--new-step', '2']],
  'test/golden/flip-flop/graph.mmd': [['graph', 'examples/flip-flop.release.yaml', '--step', '1']],
  'test/golden/flip-flop/graph.dot': [['graph', 'examples/flip-flop.release.yaml', '--step', '1', '--format', 'dot']],
  'test/golden/coding-demo/explain.txt': [
    ['explain', 'examples/coding-demo.release.yaml', '--entry-point', 'web', '--host', 'pro.coding', '--header', 'location=shenzhen'],
    ['explain', 'examples/coding-demo.release.yaml', '--entry-point', 'web', '--host', 'pro.coding'],
  ],
  'test/golden/coding-demo/diff.md': [['diff', 'examples/coding-demo.release.yaml', 'examples/coding-demo.release.yaml']],
  'test/golden/coding-demo/graph.mmd': [['graph', 'examples/coding-demo.release.yaml']],
  'test/golden/coding-demo/graph.dot': [['graph', 'examples/coding-demo.release.yaml', '--format', 'dot']],
  'test/golden/asm-full-link/explain.txt': [
    ['explain', 'examples/asm-full-link.release.yaml', '--gateway', 'istio-system/mall-gateway', '--host', 'mall.example.com', '--header', 'x-mock=payment', '--hops', 'cart,payment'],
    ['explain', 'examples/asm-full-link.release.yaml', '--mesh', '--host', 'order', '--header', 'x-asm-prefer-tag=testing-trunk', '--source-label', 'env=dev-x'],
  ],
  'test/golden/asm-full-link/diff.md': [['diff', 'examples/bookinfo-lanes.release.yaml', 'examples/asm-full-link.release.yaml', '--format', 'text']],
  'test/golden/asm-full-link/graph.mmd': [['graph', 'examples/asm-full-link.release.yaml']],
  'test/golden/asm-full-link/graph.dot': [['graph', 'examples/asm-full-link.release.yaml', '--format', 'dot']],
};

/** `$ graylane a b c` — shell-quoted enough to copy. */
export function commandLine(args: readonly string[]): string {
  return `$ graylane ${args.map((a) => (/^[\w./:=,@-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;
}
