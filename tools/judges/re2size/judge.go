// Package re2size compiles the baggage regexes graylane emits with Go's regexp (RE2 syntax) and reports each
// program's size: the instruction count of regexp/syntax's compiled program, the measure RE2 and Envoy limit
// (re2.max_program_size: Istio's bootstrap sets 32768, plain Envoy and Envoy Gateway keep RE2's default 100).
// Go's count is close to, not identical with, RE2 C++'s ProgramSize. It also evaluates each regex on probe
// lists as Envoy's safe_regex does (a full match), so graylane's JavaScript reading can be compared.
package re2size

import (
	"regexp"
	"regexp/syntax"
)

type Case struct {
	Regex  string   `json:"regex"`
	Probes []string `json:"probes"`
}

type Verdict struct {
	Regex   string `json:"regex"`
	Size    int    `json:"size"`
	Error   string `json:"error,omitempty"`
	Matches []bool `json:"matches"`
}

func Judge(cases []Case) []Verdict {
	out := []Verdict{}
	for _, c := range cases {
		v := Verdict{Regex: c.Regex, Matches: []bool{}}
		parsed, err := syntax.Parse(c.Regex, syntax.Perl)
		if err == nil {
			var prog *syntax.Prog
			prog, err = syntax.Compile(parsed.Simplify())
			if err == nil {
				v.Size = len(prog.Inst)
			}
		}
		var full *regexp.Regexp
		if err == nil {
			full, err = regexp.Compile(`^(?:` + c.Regex + `)$`)
		}
		if err != nil {
			v.Error = err.Error()
		} else {
			for _, p := range c.Probes {
				v.Matches = append(v.Matches, full.MatchString(p))
			}
		}
		out = append(out, v)
	}
	return out
}
