// Command judges answers, with Istio's and Traefik's own code, what graylane's checks and simulators claim.
// It reads one JSON file of cases (written by scripts/judges.ts) and writes the upstream verdicts as JSON;
// the comparison with graylane's answers is the script's job, so this binary never needs to know graylane.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"graylane.dev/tools/judges/istio"
	"graylane.dev/tools/judges/re2size"
	"graylane.dev/tools/judges/traefik"
)

type cases struct {
	Istio        []istio.ObjectSet   `json:"istio"`
	IstioRouting []istio.RoutingCase `json:"istioRouting"`
	Traefik      traefik.Cases       `json:"traefik"`
	Baggage      []re2size.Case      `json:"baggage"`
}

type verdicts struct {
	Istio        []istio.SetVerdict     `json:"istio"`
	IstioRouting []istio.RoutingVerdict `json:"istioRouting"`
	Traefik      traefik.Verdicts       `json:"traefik"`
	Baggage      []re2size.Verdict      `json:"baggage"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: judges CASES.json VERDICTS.json  (writes the upstream verdicts as JSON)")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "judges: %v\n", err)
		os.Exit(2)
	}
	var in cases
	if err := json.Unmarshal(raw, &in); err != nil {
		fmt.Fprintf(os.Stderr, "judges: %s is not a cases file: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	out := verdicts{Traefik: traefik.Judge(in.Traefik), IstioRouting: []istio.RoutingVerdict{}, Baggage: re2size.Judge(in.Baggage)}
	for _, c := range in.IstioRouting {
		out.IstioRouting = append(out.IstioRouting, istio.JudgeRouting(c))
	}
	for _, set := range in.Istio {
		v, err := istio.Judge(set)
		if err != nil {
			fmt.Fprintf(os.Stderr, "judges: object set %q: %v\n", set.Name, err)
			os.Exit(2)
		}
		out.Istio = append(out.Istio, v)
	}
	// A file, not stdout: Istio's and Traefik's loggers may write to stdout.
	raw, err = json.MarshalIndent(out, "", "  ")
	if err == nil {
		err = os.WriteFile(os.Args[2], raw, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "judges: %v\n", err)
		os.Exit(2)
	}
}
