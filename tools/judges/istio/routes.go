package istio

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"istio.io/istio/pilot/pkg/model"
	pilotcore "istio.io/istio/pilot/pkg/networking/core"
	"istio.io/istio/pkg/test"
)

// RoutingCase asks which Envoy route a sidecar in Namespace picks for each request, from the routes istiod's
// config generator builds for it (pilot/pkg/networking/core's ConfigGenTest, the harness of Istio's own tests).
type RoutingCase struct {
	Name string `json:"name"`
	// Config is the Istio objects (and ServiceEntries standing for the Kubernetes Services) as YAML.
	Config    string `json:"config"`
	Namespace string `json:"namespace"`
	// Gateway asks for the ingress gateway's routes (a router proxy labelled istio=ingressgateway in Namespace)
	// instead of a sidecar's.
	Gateway  bool           `json:"gateway"`
	Requests []RouteRequest `json:"requests"`
}

type RouteRequest struct {
	Port      int               `json:"port"`
	Authority string            `json:"authority"`
	Path      string            `json:"path"`
	Headers   map[string]string `json:"headers"`
}

type WeightedCluster struct {
	Cluster string `json:"cluster"`
	Weight  uint32 `json:"weight"`
}

type RouteChoice struct {
	VirtualHost string            `json:"virtualHost"`
	Route       string            `json:"route"`
	Clusters    []WeightedCluster `json:"clusters"`
	// Problem says why no weighted cluster was chosen (no route config, virtual host or route; a redirect).
	Problem string `json:"problem,omitempty"`
}

type RoutingVerdict struct {
	Name    string        `json:"name"`
	Error   string        `json:"error,omitempty"`
	Choices []RouteChoice `json:"choices"`
}

// JudgeRouting builds the sidecar's routes once per case and chooses a route for each request as Envoy does:
// virtual host by authority, then the first route whose match holds.
func JudgeRouting(c RoutingCase) RoutingVerdict {
	out := RoutingVerdict{Name: c.Name, Choices: []RouteChoice{}}
	var configs []*route.RouteConfiguration
	err := test.Wrap(func(t test.Failer) {
		cg := pilotcore.NewConfigGenTest(t, pilotcore.TestOptions{ConfigString: c.Config})
		p := &model.Proxy{ConfigNamespace: c.Namespace, Metadata: &model.NodeMetadata{Namespace: c.Namespace}}
		if c.Gateway {
			labels := map[string]string{"istio": "ingressgateway"}
			p.Type, p.Labels, p.Metadata.Labels = model.Router, labels, labels
		}
		proxy := cg.SetupProxy(p)
		configs = cg.Routes(proxy)
	})
	if err != nil {
		out.Error = err.Error()
		return out
	}
	byName := map[string]*route.RouteConfiguration{}
	for _, rc := range configs {
		byName[rc.GetName()] = rc
	}
	for _, req := range c.Requests {
		name := strconv.Itoa(req.Port)
		if c.Gateway {
			name = "http." + name // the gateway's route configuration for a plain-HTTP server port
		}
		out.Choices = append(out.Choices, choose(byName[name], req))
	}
	return out
}

func choose(rc *route.RouteConfiguration, req RouteRequest) RouteChoice {
	if rc == nil {
		return RouteChoice{Problem: fmt.Sprintf("the sidecar has no route configuration for port %d", req.Port)}
	}
	vh := virtualHost(rc.GetVirtualHosts(), req.Authority)
	if vh == nil {
		return RouteChoice{Problem: fmt.Sprintf("no virtual host of route configuration %s answers %s", rc.GetName(), req.Authority)}
	}
	for _, r := range vh.GetRoutes() {
		if !routeMatches(r.GetMatch(), req) {
			continue
		}
		choice := RouteChoice{VirtualHost: vh.GetName(), Route: r.GetName(), Clusters: []WeightedCluster{}}
		action := r.GetRoute()
		switch {
		case action == nil:
			choice.Problem = "the route does not forward (redirect or direct response)"
		case action.GetCluster() != "":
			choice.Clusters = append(choice.Clusters, WeightedCluster{Cluster: action.GetCluster(), Weight: 100})
		case action.GetWeightedClusters() != nil:
			for _, wc := range action.GetWeightedClusters().GetClusters() {
				choice.Clusters = append(choice.Clusters, WeightedCluster{Cluster: wc.GetName(), Weight: wc.GetWeight().GetValue()})
			}
		default:
			choice.Problem = "the route names no cluster"
		}
		return choice
	}
	return RouteChoice{VirtualHost: vh.GetName(), Problem: "no route of the virtual host matches"}
}

// virtualHost picks as Envoy does: an exact domain, then the longest "*suffix", then the longest "prefix*", then "*".
func virtualHost(hosts []*route.VirtualHost, authority string) *route.VirtualHost {
	authority = strings.ToLower(authority)
	var best *route.VirtualHost
	bestRank, bestLen := 0, -1
	for _, vh := range hosts {
		for _, d := range vh.GetDomains() {
			d = strings.ToLower(d)
			rank, length := 0, len(d)
			switch {
			case d == authority:
				rank = 4
			case d == "*":
				rank = 1
			case strings.HasPrefix(d, "*") && strings.HasSuffix(authority, d[1:]) && len(authority) > len(d)-1:
				rank = 3
			case strings.HasSuffix(d, "*") && strings.HasPrefix(authority, d[:len(d)-1]) && len(authority) > len(d)-1:
				rank = 2
			}
			if rank > bestRank || (rank == bestRank && rank > 0 && length > bestLen) {
				best, bestRank, bestLen = vh, rank, length
			}
		}
	}
	return best
}

func routeMatches(m *route.RouteMatch, req RouteRequest) bool {
	path := req.Path
	if path == "" {
		path = "/"
	}
	switch p := m.GetPathSpecifier().(type) {
	case *route.RouteMatch_Prefix:
		if !strings.HasPrefix(path, p.Prefix) {
			return false
		}
	case *route.RouteMatch_Path:
		if path != p.Path {
			return false
		}
	case *route.RouteMatch_SafeRegex:
		if !fullMatch(p.SafeRegex.GetRegex(), path) {
			return false
		}
	case *route.RouteMatch_PathSeparatedPrefix:
		if path != p.PathSeparatedPrefix && !strings.HasPrefix(path, p.PathSeparatedPrefix+"/") {
			return false
		}
	case nil:
	default:
		return false
	}
	for _, h := range m.GetHeaders() {
		if !headerMatches(h, req) {
			return false
		}
	}
	for _, q := range m.GetQueryParameters() {
		if q.GetStringMatch() != nil || q.GetPresentMatch() {
			return false // graylane's requests carry no query; a query condition cannot hold
		}
	}
	return true
}

func headerValue(req RouteRequest, name string) (string, bool) {
	if name == ":authority" || name == "host" {
		return req.Authority, true
	}
	if name == ":path" {
		return req.Path, true
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func headerMatches(h *route.HeaderMatcher, req RouteRequest) bool {
	value, present := headerValue(req, h.GetName())
	if !present && h.GetTreatMissingHeaderAsEmpty() {
		value, present = "", true
	}
	var ok bool
	switch spec := h.GetHeaderMatchSpecifier().(type) {
	case *route.HeaderMatcher_PresentMatch:
		ok = present == spec.PresentMatch
	case *route.HeaderMatcher_StringMatch:
		ok = present && stringMatches(spec.StringMatch, value)
	case *route.HeaderMatcher_ExactMatch:
		ok = present && value == spec.ExactMatch
	case *route.HeaderMatcher_PrefixMatch:
		ok = present && strings.HasPrefix(value, spec.PrefixMatch)
	case *route.HeaderMatcher_SafeRegexMatch:
		ok = present && fullMatch(spec.SafeRegexMatch.GetRegex(), value)
	case nil:
		ok = present
	default:
		ok = false
	}
	if h.GetInvertMatch() {
		// Envoy: an inverted matcher on an absent header matches, except for present_match semantics above.
		return !ok
	}
	return ok
}

func stringMatches(m *matcher.StringMatcher, value string) bool {
	v := value
	if m.GetIgnoreCase() {
		v = strings.ToLower(v)
	}
	lower := func(s string) string {
		if m.GetIgnoreCase() {
			return strings.ToLower(s)
		}
		return s
	}
	switch p := m.GetMatchPattern().(type) {
	case *matcher.StringMatcher_Exact:
		return v == lower(p.Exact)
	case *matcher.StringMatcher_Prefix:
		return strings.HasPrefix(v, lower(p.Prefix))
	case *matcher.StringMatcher_Suffix:
		return strings.HasSuffix(v, lower(p.Suffix))
	case *matcher.StringMatcher_Contains:
		return strings.Contains(v, lower(p.Contains))
	case *matcher.StringMatcher_SafeRegex:
		return fullMatch(p.SafeRegex.GetRegex(), value)
	}
	return false
}

func fullMatch(re, s string) bool {
	compiled, err := regexp.Compile("^(?:" + re + ")$")
	return err == nil && compiled.MatchString(s)
}
