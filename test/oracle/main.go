// Command psa-oracle is the reference oracle for Pod Security Standards: it runs the checks of
// the real Pod Security Admission library (k8s.io/pod-security-admission) over pods read from
// stdin, so that our TypeScript evaluator (src/model/pss) can be compared with the code the
// Kubernetes API server runs. It is also the reference for reading YAML: kubectl's own decoder
// (k8s.io/apimachinery/pkg/util/yaml), for our loader (src/input/load-document.ts).
//
// Protocol: one JSON object per input line, one JSON object per output line, in the same order.
//
//	in:  {"id": "p1", "pod": {<Pod: metadata, spec>}, "versions": ["latest", "v1.25"]}
//	     ("podYaml": "<YAML text>" may replace "pod"; it is converted as kubectl converts YAML)
//	     ("details": true adds the upstream reason and detail of every failing check)
//	out: {"id": "p1", "results": {"latest": {"baseline": ["hostPorts"], "restricted": ["hostPorts", "runAsNonRoot"]}},
//	      "resolved": {"latest": "v1.37"}, "warnings": [...]}
//	     or {"id": "p1", "error": "..."} when the line or the pod cannot be decoded.
//
//	in:  {"id": "y1", "yaml": "<a YAML or JSON stream>"}
//	out: {"id": "y1", "documents": [<JSON of each document>, ...]}
//	     (+ "error": "..." at the first document kubectl cannot read; "documents" holds those before it)
//
// The "yaml" mode is the ground truth for how kubectl reads manifests: each document becomes the
// JSON that kubectl's resource builder hands on (an empty document is null), see kubectlJSON.
//
// The lists are the ids (policy.CheckID) of the checks that fail at that level and policy
// version, baseline checks first, each group sorted, exactly as the upstream registry orders them.
// Each level is judged with its own check set, as the upstream registry builds it (policy/registry.go):
// "restricted" is the restricted checks plus the baseline checks that no restricted check in force
// at the version overrides (OverrideCheckIDs: capabilities_restricted replaces capabilities_baseline
// from v1.22, procMount_restricted replaces procMount from v1.35, restrictedVolumes replaces
// hostPathVolumes, seccompProfile_restricted replaces seccompProfile_baseline from v1.19). A level
// admits the pod when its list is empty; restricted may admit a pod baseline refuses (from v1.25 a
// Windows pod with seccompProfile Unconfined: the restricted check exempts Windows pods).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	kjson "sigs.k8s.io/json"
)

type request struct {
	ID       string          `json:"id"`
	Pod      json.RawMessage `json:"pod"`
	PodYAML  *string         `json:"podYaml"`
	YAML     *string         `json:"yaml"`
	Versions []string        `json:"versions"`
	Details  bool            `json:"details"`
}

type failure struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

type levelResult struct {
	Baseline   []string `json:"baseline"`
	Restricted []string `json:"restricted"`
}

type levelDetails struct {
	Baseline   []failure `json:"baseline"`
	Restricted []failure `json:"restricted"`
}

type response struct {
	ID        string                  `json:"id"`
	Documents []json.RawMessage       `json:"documents,omitempty"`
	Results   map[string]levelResult  `json:"results,omitempty"`
	Resolved  map[string]string       `json:"resolved,omitempty"`
	Details   map[string]levelDetails `json:"details,omitempty"`
	Warnings  []string                `json:"warnings,omitempty"`
	Error     string                  `json:"error,omitempty"`
}

// checkRef is one versioned check selected for a level and policy version.
type checkRef struct {
	id    string
	check policy.CheckPodFn
}

// registry mirrors policy.NewEvaluator's version inflation (k8s.io/pod-security-admission/policy/registry.go)
// but keeps the check ids, which the upstream Evaluator does not return.
type registry struct {
	maxVersion api.Version
	// baseline[minor], restricted[minor]: the checks of each level at policy version v1.<minor>.
	baseline, restricted map[int][]checkRef
	// overriddenBy[minor][baselineID] = the restricted check that replaces it at restricted.
	overriddenBy map[int]map[string]string
	upstream     policy.Evaluator
}

// versionDescription is one policy version in the output of --registry.
type versionDescription struct {
	Baseline     []string          `json:"baseline"`
	Restricted   []string          `json:"restricted"`
	OverriddenBy map[string]string `json:"overriddenBy"`
}

// describe is the registry as JSON (psa-oracle --registry): which checks run at each level and
// version, and which baseline check a restricted check replaces.
func (r *registry) describe() map[string]interface{} {
	versions := map[string]versionDescription{}
	for minor := range r.baseline {
		refIDs := func(refs []checkRef) []string {
			out := []string{}
			for _, ref := range refs {
				out = append(out, ref.id)
			}
			return out
		}
		versions[api.MajorMinorVersion(1, minor).String()] = versionDescription{
			Baseline: refIDs(r.baseline[minor]), Restricted: refIDs(r.restricted[minor]), OverriddenBy: r.overriddenBy[minor],
		}
	}
	return map[string]interface{}{"library": "k8s.io/pod-security-admission v0.37.2", "newest": r.maxVersion.String(), "versions": versions}
}

func newRegistry() (*registry, error) {
	checks := policy.DefaultChecks()
	upstream, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		return nil, err
	}
	r := &registry{baseline: map[int][]checkRef{}, restricted: map[int][]checkRef{}, overriddenBy: map[int]map[string]string{}, upstream: upstream}
	maxMinor := 0
	for _, c := range checks {
		last := c.Versions[len(c.Versions)-1].MinimumVersion
		if last.Minor() > maxMinor {
			maxMinor = last.Minor()
		}
	}
	r.maxVersion = api.MajorMinorVersion(1, maxMinor)

	var baselineIDs, restrictedIDs []string
	for _, c := range checks {
		if c.Level == api.LevelRestricted {
			restrictedIDs = append(restrictedIDs, string(c.ID))
		} else {
			baselineIDs = append(baselineIDs, string(c.ID))
		}
	}
	sort.Strings(baselineIDs)
	sort.Strings(restrictedIDs)
	ordered := append(append([]string{}, baselineIDs...), restrictedIDs...)
	byID := map[string]policy.Check{}
	for _, c := range checks {
		byID[string(c.ID)] = c
	}

	// The versioned check in force at v1.<minor>: the one with the greatest MinimumVersion <= it.
	inForce := func(c policy.Check, minor int) *policy.VersionedCheck {
		var found *policy.VersionedCheck
		for i := range c.Versions {
			if c.Versions[i].MinimumVersion.Minor() <= minor {
				found = &c.Versions[i]
			}
		}
		return found
	}
	for minor := 0; minor <= maxMinor; minor++ {
		overridden := map[string]string{}
		for _, id := range restrictedIDs {
			if vc := inForce(byID[id], minor); vc != nil {
				for _, o := range vc.OverrideCheckIDs {
					overridden[string(o)] = id
				}
			}
		}
		r.overriddenBy[minor] = overridden
		for _, id := range ordered {
			c := byID[id]
			vc := inForce(c, minor)
			if vc == nil {
				continue
			}
			ref := checkRef{id: id, check: vc.CheckPod}
			if c.Level == api.LevelBaseline {
				r.baseline[minor] = append(r.baseline[minor], ref)
				if overridden[id] == "" {
					r.restricted[minor] = append(r.restricted[minor], ref)
				}
			} else {
				r.restricted[minor] = append(r.restricted[minor], ref)
			}
		}
	}
	return r, nil
}

// resolve maps "latest" and versions newer than the newest policy to the newest policy, as the
// upstream evaluator does.
func (r *registry) resolve(v api.Version) api.Version {
	if r.maxVersion.Older(v) {
		return r.maxVersion
	}
	return v
}

func (r *registry) evaluate(level api.Level, v api.Version, pod *corev1.Pod) ([]failure, error) {
	v = r.resolve(v)
	refs := r.baseline[v.Minor()]
	if level == api.LevelRestricted {
		refs = r.restricted[v.Minor()]
	}
	failures := []failure{}
	var ours []string
	for _, ref := range refs {
		res := ref.check(&pod.ObjectMeta, &pod.Spec)
		if !res.Allowed {
			failures = append(failures, failure{ID: ref.id, Reason: res.ForbiddenReason, Detail: res.ForbiddenDetail})
			ours = append(ours, res.ForbiddenReason+"\x00"+res.ForbiddenDetail)
		}
	}
	// Cross-check against the upstream Evaluator itself, so a drift in our id bookkeeping cannot
	// go unnoticed: the same checks must fail with the same reasons, in the same order.
	var theirs []string
	for _, res := range r.upstream.EvaluatePod(api.LevelVersion{Level: level, Version: v}, &pod.ObjectMeta, &pod.Spec) {
		if !res.Allowed {
			theirs = append(theirs, res.ForbiddenReason+"\x00"+res.ForbiddenDetail)
		}
	}
	if !reflect.DeepEqual(ours, theirs) {
		return nil, fmt.Errorf("internal: check-id registry disagrees with policy.Evaluator at %s %s: %q vs %q", level, v, ours, theirs)
	}
	return failures, nil
}

// decodePod decodes a pod as the API server's JSON serializer does
// (k8s.io/apimachinery/pkg/runtime/serializer/json): field names are case-sensitive, a value of
// the wrong type (e.g. `privileged: "true"`) is an error (the request is rejected with 400), and
// unknown or duplicate fields are "strict" errors, which the API server rejects only under
// fieldValidation=Strict (kubectl's default) and otherwise drops with a warning; here they are
// returned as warnings and the pod is still evaluated.
func decodePod(raw []byte) (*corev1.Pod, []string, error) {
	pod := &corev1.Pod{}
	strict, err := kjson.UnmarshalStrict(raw, pod)
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	for _, s := range strict {
		warnings = append(warnings, s.Error())
	}
	applyAPIServerDefaults(pod)
	return pod, warnings, nil
}

// applyAPIServerDefaults applies the API server defaults that change a Pod Security verdict for
// every pod spec, pods and pod templates alike: a volume with no source becomes an emptyDir
// (SetDefaults_Volume, k8s.io/kubernetes/pkg/apis/core/v1/defaults.go), and the
// restrictedVolumes check sees the defaulted object.
//
// Deliberately not applied: with hostNetwork, the API server defaults a container port's
// hostPort to its containerPort, but (since 1.28, DefaultHostNetworkHostPortsInPodTemplates off)
// only for Pods, not for the pod templates of workloads. Such a pod already fails
// hostNamespaces at baseline, so the level never changes; this oracle judges specs as a
// template is judged.
func applyAPIServerDefaults(pod *corev1.Pod) {
	for i := range pod.Spec.Volumes {
		if allPtrFieldsNil(&pod.Spec.Volumes[i].VolumeSource) {
			pod.Spec.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
}

// allPtrFieldsNil is k8s.io/utils/pointer.AllPtrFieldsNil, which SetDefaults_Volume uses.
func allPtrFieldsNil(obj interface{}) bool {
	v := reflect.ValueOf(obj)
	if !v.IsValid() {
		return true
	}
	if v.Kind() == reflect.Ptr {
		if v.IsNil() {
			return true
		}
		v = v.Elem()
	}
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Kind() == reflect.Ptr && !v.Field(i).IsNil() {
			return false
		}
	}
	return true
}

func ids(fs []failure) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func (r *registry) handle(line []byte) response {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return response{Error: "invalid request line: " + err.Error()}
	}
	resp := response{ID: req.ID}
	if req.YAML != nil {
		docs, err := kubectlJSON(*req.YAML)
		resp.Documents = docs
		if err != nil {
			resp.Error = err.Error()
		}
		return resp
	}
	raw := []byte(req.Pod)
	if req.PodYAML != nil {
		docs, err := kubectlJSON(*req.PodYAML)
		if err != nil {
			resp.Error = "invalid pod YAML: " + err.Error()
			return resp
		}
		if len(docs) != 1 {
			resp.Error = fmt.Sprintf("invalid pod YAML: %d documents, expected one", len(docs))
			return resp
		}
		raw = docs[0]
	}
	if len(raw) == 0 || string(raw) == "null" {
		resp.Error = "no pod"
		return resp
	}
	pod, warnings, err := decodePod(raw)
	if err != nil {
		resp.Error = "cannot decode pod: " + err.Error()
		return resp
	}
	resp.Warnings = warnings
	versions := req.Versions
	if len(versions) == 0 {
		versions = []string{"latest"}
	}
	resp.Results = map[string]levelResult{}
	resp.Resolved = map[string]string{}
	if req.Details {
		resp.Details = map[string]levelDetails{}
	}
	for _, vs := range versions {
		v, err := api.ParseVersion(vs)
		if err != nil {
			return response{ID: req.ID, Error: fmt.Sprintf("version %q: %v", vs, err)}
		}
		b, err := r.evaluate(api.LevelBaseline, v, pod)
		if err != nil {
			return response{ID: req.ID, Error: err.Error()}
		}
		rs, err := r.evaluate(api.LevelRestricted, v, pod)
		if err != nil {
			return response{ID: req.ID, Error: err.Error()}
		}
		resp.Results[vs] = levelResult{Baseline: ids(b), Restricted: ids(rs)}
		resp.Resolved[vs] = r.resolve(v).String()
		if req.Details {
			resp.Details[vs] = levelDetails{Baseline: b, Restricted: rs}
		}
	}
	return resp
}

// kubectlJSON reads a YAML or JSON stream as kubectl's resource builder reads a manifest
// (k8s.io/cli-runtime/pkg/resource.StreamVisitor.Visit, v0.37.2): the decoder is
// k8s.io/apimachinery/pkg/util/yaml.NewYAMLOrJSONDecoder, whose YAML side hands each document to
// sigs.k8s.io/yaml.Unmarshal (go.yaml.in/yaml/v2, YAML 1.1 scalars, non-strict: a duplicate key
// is not an error) and whose JSON side is encoding/json; each document arrives as the JSON of a
// runtime.RawExtension. StreamVisitor then skips empty and null documents; here they are kept
// as null, so that the n-th document of the answer is the n-th document of the stream.
func kubectlJSON(text string) ([]json.RawMessage, error) {
	decoder := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	docs := []json.RawMessage{}
	for {
		ext := runtime.RawExtension{}
		if err := decoder.Decode(&ext); err != nil {
			if err == io.EOF {
				return docs, nil
			}
			return docs, err
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 {
			raw = []byte("null")
		}
		docs = append(docs, raw)
	}
}

func main() {
	r, err := newRegistry()
	if err != nil {
		fmt.Fprintln(os.Stderr, "psa-oracle:", err)
		os.Exit(2)
	}
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Printf("k8s.io/pod-security-admission v0.37.2, newest policy %s\n", r.maxVersion)
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "--registry" {
		if err := json.NewEncoder(os.Stdout).Encode(r.describe()); err != nil {
			os.Exit(2)
		}
		return
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, readErr := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			if err := enc.Encode(r.handle(line)); err != nil {
				fmt.Fprintln(os.Stderr, "psa-oracle:", err)
				os.Exit(2)
			}
		}
		// Flush when the caller has nothing more queued, so a batch is answered in one write
		// and a caller waiting on one line is never left waiting.
		if in.Buffered() == 0 || readErr != nil {
			if err := out.Flush(); err != nil {
				os.Exit(2)
			}
		}
		if readErr == io.EOF {
			return
		}
		if readErr != nil {
			fmt.Fprintln(os.Stderr, "psa-oracle:", readErr)
			os.Exit(2)
		}
	}
}
