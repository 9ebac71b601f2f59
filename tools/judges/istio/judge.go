package istio

import "istio.io/istio/pkg/config"

func groupKind(group, kind string) config.GroupVersionKind {
	return config.GroupVersionKind{Group: group, Kind: kind}
}

// Judge validates every object of the set with the webhook and, when asked, analyzes the set.
func Judge(set ObjectSet) (SetVerdict, error) {
	out := SetVerdict{Name: set.Name, Objects: []ObjectVerdict{}, Analysis: []Message{}}
	wh, err := newWebhook()
	if err != nil {
		return out, err
	}
	for _, object := range set.Objects {
		v, err := wh.validate(object)
		if err != nil {
			return out, err
		}
		out.Objects = append(out.Objects, v)
	}
	if set.Analyze {
		messages, err := analyze(set)
		if err != nil {
			return out, err
		}
		out.Analysis = messages
	}
	return out, nil
}
