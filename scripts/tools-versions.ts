/**
 * The versions `npm run tools` builds (tools/pulumi/*\/go.mod pins them) and `npm run e2e` runs.
 *
 * They differ from the npm lock's (@pulumi/pulumi 3.270.0, @pulumi/kubernetes 4.34.2) because the Go module
 * proxy reachable here does not serve those: github.com/pulumi/pulumi/pkg/v3@v3.270.0 answers "not
 * available" (v3.274.1 is served), and github.com/pulumi/pulumi-kubernetes/provider/v4 is served only as
 * the pseudo-version of the v4.25.0 tag. The npm packages stay as locked: the CLI and the provider are
 * separate processes that speak the versioned gRPC protocol with them.
 */
import { join } from 'node:path';

export const TOOL_VERSIONS = {
  /** github.com/pulumi/pulumi/pkg/v3 (the CLI and engine) and sdk/v3 (the language host's libraries). */
  cli: '3.274.1',
  /** github.com/pulumi/pulumi-kubernetes/provider/v4@v4.0.0-20260115033456-f47bc2d6f199 = tag v4.25.0. */
  kubernetesProvider: '4.25.0',
} as const;

export const TOOLS_BIN = join(__dirname, '..', '.tools', 'bin');
