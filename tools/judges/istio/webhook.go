// Package istio runs Istio's own code on object sets: istiod's validating webhook per object, and the
// analyzers of `istioctl analyze --use-kube=false` over the whole set.
package istio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"
)

// ObjectSet is one group of Kubernetes objects that are applied together (one example, golden or stack).
type ObjectSet struct {
	Name    string            `json:"name"`
	Objects []json.RawMessage `json:"objects"`
	// Analyze runs the analyzers on the set; validation always runs.
	Analyze bool `json:"analyze"`
}

// ObjectVerdict is what istiod's webhook answered for one object.
type ObjectVerdict struct {
	Kind      string   `json:"kind"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	Allowed   bool     `json:"allowed"`
	Error     string   `json:"error,omitempty"`
	Warnings  []string `json:"warnings"`
	// Judged is false for kinds istiod's webhook does not serve (a Traefik or Kubernetes object).
	Judged bool `json:"judged"`
}

type SetVerdict struct {
	Name     string          `json:"name"`
	Objects  []ObjectVerdict `json:"objects"`
	Analysis []Message       `json:"analysis"`
}

// webhook is istiod's validating webhook, served in-process on a mux exactly as pilot/pkg/bootstrap
// registers it (schemas collections.PilotGatewayAPI(), the cluster's DNS suffix).
type webhook struct{ mux *http.ServeMux }

func newWebhook() (*webhook, error) {
	mux := http.NewServeMux()
	if _, err := server.New(server.Options{Schemas: collections.PilotGatewayAPI(), DomainSuffix: "cluster.local", Mux: mux}); err != nil {
		return nil, err
	}
	return &webhook{mux: mux}, nil
}

type objectHead struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func splitAPIVersion(apiVersion string) (group, version string) {
	for i := len(apiVersion) - 1; i >= 0; i-- {
		if apiVersion[i] == '/' {
			return apiVersion[:i], apiVersion[i+1:]
		}
	}
	return "", apiVersion
}

// validate sends one object to the webhook as the API server would on CREATE, and reads its answer.
func (w *webhook) validate(object json.RawMessage) (ObjectVerdict, error) {
	var head objectHead
	if err := json.Unmarshal(object, &head); err != nil {
		return ObjectVerdict{}, err
	}
	group, version := splitAPIVersion(head.APIVersion)
	verdict := ObjectVerdict{Kind: head.Kind, Namespace: head.Metadata.Namespace, Name: head.Metadata.Name, Warnings: []string{}}
	if _, served := collections.PilotGatewayAPI().FindByGroupKind(groupKind(group, head.Kind)); !served {
		verdict.Allowed = true
		return verdict, nil
	}
	verdict.Judged = true
	review := map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"request": map[string]any{
			"uid":       "graylane-judge",
			"kind":      map[string]string{"group": group, "version": version, "kind": head.Kind},
			"resource":  map[string]string{"group": group, "version": version, "resource": head.Kind},
			"name":      head.Metadata.Name,
			"namespace": head.Metadata.Namespace,
			"operation": "CREATE",
			"object":    object,
		},
	}
	body, err := json.Marshal(review)
	if err != nil {
		return verdict, err
	}
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return verdict, fmt.Errorf("webhook answered HTTP %d: %s", rec.Code, rec.Body.String())
	}
	var answer struct {
		Response struct {
			Allowed  bool     `json:"allowed"`
			Warnings []string `json:"warnings"`
			Result   *struct {
				Message string `json:"message"`
			} `json:"status"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		return verdict, fmt.Errorf("webhook answer is not an AdmissionReview: %v", err)
	}
	verdict.Allowed = answer.Response.Allowed
	if answer.Response.Warnings != nil {
		verdict.Warnings = answer.Response.Warnings
	}
	if answer.Response.Result != nil && !answer.Response.Allowed {
		verdict.Error = answer.Response.Result.Message
	}
	return verdict, nil
}
