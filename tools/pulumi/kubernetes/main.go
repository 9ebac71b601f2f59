// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider.
//
// Upstream's own main (provider/cmd/pulumi-resource-kubernetes) embeds
// schema-embed.json, a file its `go generate` writes and the module zip does
// not carry, so `go build` of that package fails. This main is the same one
// call with the schema files the module zip does carry: scripts/tools.ts
// copies provider/cmd/pulumi-resource-kubernetes/{schema,terraform-mapping}.json
// from the module cache next to this file before building.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var pulumiSchema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
