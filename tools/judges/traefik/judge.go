// Package traefik runs Traefik v3.7.9's own rule parser and HTTP muxer, and the circuit-breaker expression
// parser its circuitBreaker middleware hands expressions to (vulcand/oxy/v2 cbreaker, at Traefik's version).
package traefik

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"

	"github.com/traefik/traefik/v3/pkg/middlewares/requestdecorator"
	httpmuxer "github.com/traefik/traefik/v3/pkg/muxer/http"
	"github.com/vulcand/oxy/v2/cbreaker"
)

type Rule struct {
	Rule string `json:"rule"`
	// Syntax is "v3" or "v2" (Traefik's ruleSyntax).
	Syntax string `json:"syntax"`
}

type Router struct {
	Name string `json:"name"`
	Rule string `json:"rule"`
	// Priority as written; 0 means Traefik's default, the rule's length (pkg/server/router).
	Priority int    `json:"priority"`
	Syntax   string `json:"syntax"`
}

type Request struct {
	Host    string            `json:"host"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Query   map[string]string `json:"query"`
}

type RoutingCase struct {
	Name     string    `json:"name"`
	Routers  []Router  `json:"routers"`
	Requests []Request `json:"requests"`
}

type Cases struct {
	Rules           []Rule        `json:"rules"`
	CircuitBreakers []string      `json:"circuitBreakers"`
	Routing         []RoutingCase `json:"routing"`
}

type RuleVerdict struct {
	Rule   string `json:"rule"`
	Syntax string `json:"syntax"`
	Error  string `json:"error,omitempty"`
}

type ExpressionVerdict struct {
	Expression string `json:"expression"`
	Error      string `json:"error,omitempty"`
}

type Choice struct {
	// Router is the router Traefik's muxer served the request with; empty when none matched (404).
	Router string `json:"router"`
	// Matching lists every router whose rule alone matches, highest effective priority first.
	Matching []string `json:"matching"`
	// Tie is true when the chosen router shares its priority with another matching one: Traefik's order
	// between them is then not defined (its muxer sorts with sort.Sort over a map's iteration order).
	Tie bool `json:"tie"`
}

type RoutingVerdict struct {
	Name    string   `json:"name"`
	Error   string   `json:"error,omitempty"`
	Choices []Choice `json:"choices"`
}

type Verdicts struct {
	Rules           []RuleVerdict       `json:"rules"`
	CircuitBreakers []ExpressionVerdict `json:"circuitBreakers"`
	Routing         []RoutingVerdict    `json:"routing"`
}

func Judge(in Cases) Verdicts {
	out := Verdicts{Rules: []RuleVerdict{}, CircuitBreakers: []ExpressionVerdict{}, Routing: []RoutingVerdict{}}
	for _, r := range in.Rules {
		v := RuleVerdict{Rule: r.Rule, Syntax: r.Syntax}
		if err := parseRule(r.Rule, r.Syntax); err != nil {
			v.Error = err.Error()
		}
		out.Rules = append(out.Rules, v)
	}
	for _, e := range in.CircuitBreakers {
		v := ExpressionVerdict{Expression: e}
		if _, err := cbreaker.New(http.NotFoundHandler(), e); err != nil {
			v.Error = err.Error()
		}
		out.CircuitBreakers = append(out.CircuitBreakers, v)
	}
	for _, c := range in.Routing {
		out.Routing = append(out.Routing, route(c))
	}
	return out
}

// parseRule adds the rule to an empty muxer: AddRoute is where Traefik parses a router's rule.
func parseRule(rule, syntax string) error {
	parser, err := httpmuxer.NewSyntaxParser()
	if err != nil {
		return err
	}
	return httpmuxer.NewMuxer(parser, nil).AddRoute(rule, syntax, 1, "kubernetescrd", http.NotFoundHandler())
}

func effectivePriority(r Router) int {
	if r.Priority == 0 {
		return httpmuxer.GetRulePriority(r.Rule)
	}
	return r.Priority
}

type named string

func (n named) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Graylane-Router", string(n))
	w.WriteHeader(http.StatusOK)
}

func newRequest(r Request) *http.Request {
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.Path}
	if u.Path == "" {
		u.Path = "/"
	}
	q := url.Values{}
	for k, v := range r.Query {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	req := httptest.NewRequest(http.MethodGet, u.String(), nil)
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	return req
}

// serve passes the request through the request decorator first, as every Traefik entry point does: the Host
// matcher reads the canonical host it puts in the request's context.
func serve(m *httpmuxer.Muxer, r Request) string {
	rec := httptest.NewRecorder()
	requestdecorator.New(nil).ServeHTTP(rec, newRequest(r), m.ServeHTTP)
	return rec.Header().Get("X-Graylane-Router")
}

// route builds the muxer Traefik's router manager builds for one entry point and serves each request.
func route(c RoutingCase) RoutingVerdict {
	v := RoutingVerdict{Name: c.Name, Choices: []Choice{}}
	parser, err := httpmuxer.NewSyntaxParser()
	if err != nil {
		v.Error = err.Error()
		return v
	}
	all := httpmuxer.NewMuxer(parser, nil)
	alone := map[string]*httpmuxer.Muxer{}
	for _, r := range c.Routers {
		if err := all.AddRoute(r.Rule, r.Syntax, effectivePriority(r), "kubernetescrd", named(r.Name)); err != nil {
			v.Error = err.Error()
			return v
		}
		one := httpmuxer.NewMuxer(parser, nil)
		_ = one.AddRoute(r.Rule, r.Syntax, effectivePriority(r), "kubernetescrd", named(r.Name))
		alone[r.Name] = one
	}
	byPriority := append([]Router(nil), c.Routers...)
	sort.SliceStable(byPriority, func(i, j int) bool { return effectivePriority(byPriority[i]) > effectivePriority(byPriority[j]) })
	for _, req := range c.Requests {
		choice := Choice{Router: serve(all, req), Matching: []string{}}
		chosen := -1
		for _, r := range byPriority {
			if serve(alone[r.Name], req) == r.Name {
				choice.Matching = append(choice.Matching, r.Name)
				if r.Name == choice.Router {
					chosen = effectivePriority(r)
				}
			}
		}
		for _, r := range byPriority {
			if r.Name != choice.Router && effectivePriority(r) == chosen && serve(alone[r.Name], req) == r.Name {
				choice.Tie = true
			}
		}
		v.Choices = append(v.Choices, choice)
	}
	return v
}
