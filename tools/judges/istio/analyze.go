package istio

import (
	"bytes"
	"encoding/json"
	"sort"

	"istio.io/istio/pkg/config/analysis/analyzers"
	"istio.io/istio/pkg/config/analysis/local"
	"istio.io/istio/pkg/config/resource"
	"sigs.k8s.io/yaml"
)

// Message is one finding of Istio's analyzers.
type Message struct {
	Code    string `json:"code"`
	Level   string `json:"level"`
	Message string `json:"message"`
	// Resource is "Kind namespace/name" of the object the message is about.
	Resource string `json:"resource"`
}

// analyze runs every analyzer on the set from an in-memory file, as `istioctl analyze --use-kube=false
// --all-namespaces FILE` does (istioctl/pkg/analyze: NewIstiodAnalyzer, AddDefaultResources, AddReaderKubeSource).
func analyze(set ObjectSet) ([]Message, error) {
	sa := local.NewIstiodAnalyzer(analyzers.AllCombined(), resource.Namespace(""), resource.Namespace("istio-system"), nil)
	if err := sa.AddDefaultResources(); err != nil {
		return nil, err
	}
	var stream bytes.Buffer
	for _, object := range set.Objects {
		doc, err := yaml.JSONToYAML(object)
		if err != nil {
			return nil, err
		}
		stream.WriteString("---\n")
		stream.Write(doc)
	}
	out := []Message{}
	// istioctl prints file errors and analyzes what it could read; a parse error is a finding here.
	if err := sa.AddReaderKubeSource([]local.ReaderSource{{Name: set.Name, Reader: &stream}}); err != nil {
		out = append(out, Message{Code: "PARSE", Level: "Error", Message: err.Error()})
	}
	cancel := make(chan struct{})
	result, err := sa.Analyze(cancel)
	if err != nil {
		return nil, err
	}
	for i := range result.Messages {
		m := &result.Messages[i]
		u := m.Unstructured(false)
		msg := Message{Code: m.Type.Code(), Level: m.Type.Level().String(), Message: u["message"].(string)}
		if m.Resource != nil {
			msg.Resource = m.Resource.Metadata.Schema.Kind() + " " + m.Resource.Metadata.FullName.String()
		}
		out = append(out, msg)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := json.Marshal(out[i])
		b, _ := json.Marshal(out[j])
		return string(a) < string(b)
	})
	return out, nil
}
