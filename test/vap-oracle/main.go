// Command vap-oracle is the reference for the ValidatingAdmissionPolicies that
// `k8s-least-privilege admission-policy` generates (src/admission/): it loads them with the code
// the Kubernetes API server runs (k8s.io/apiserver's ValidatingAdmissionPolicy plugin: its CEL
// compiler, its validator and its dispatcher, which matches policies and bindings and turns
// decisions into Deny, Warn and Audit), type-checks every expression against the OpenAPI schema of
// each kind the policy matches (the plugin's own TypeChecker), estimates each expression's cost with
// the API server's CEL cost estimator, and admits or denies objects as the API server would.
//
// Protocol: one JSON object per input line, one JSON object per output line, in the same order.
//
//	in:  {"id": "1", "load": "<YAML stream: ValidatingAdmissionPolicy and ...Binding documents>",
//	      "analyze": true, "sizeHints": {"<policy>": {"<variable>": "<path of the schema node that bounds it>"}}}
//	out: {"id": "1", "policies": ["..."], "bindings": ["..."], "compileErrors": {...}, "compileErrors130": {...},
//	      "typeCheck": {"<policy>": {"kinds": ["apps/v1, Kind=Deployment", ...], "warnings": [...]}},
//	      "costs": {"<policy>": {"<kind>": {"<expression>": {"min": 0, "max": 123}}}}}
//	     Loading replaces the policies loaded before. "typeCheck" and "costs" come with "analyze"
//	     (slow: every expression is compiled again for every kind).
//
//	in:  {"id": "2", "object": {<a Pod, Deployment, … as JSON>}, "oldObject": {…}, "operation": "CREATE",
//	      "subResource": "", "measure": true}
//	out: {"id": "2", "allowed": true, "message": "<the API server's Forbidden message>", "warnings": [...],
//	      "audit": {...}, "decisions": [{"policy", "binding", "action", "evaluation", "message"}],
//	      "cost": <runtime CEL cost of the matched policies' validations and messages, with "measure">}
//	     or {"id": "2", "error": "..."} when the object cannot be decoded as the API server decodes it.
//
// The schemas are the Kubernetes OpenAPI v3 documents that client-go embeds for its tests
// (k8s.io/client-go/openapi/openapitest: api/v1, apis/apps/v1, apis/batch/v1), read through the
// plugin's own schema resolver (resolver.ClientDiscoveryResolver). Expressions are also compiled in
// the environment of the oldest API server with ValidatingAdmissionPolicy v1 (Kubernetes 1.30), as
// an API server of that version validates a new policy (environment.NewExpressions).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/generic"
	"k8s.io/apiserver/pkg/admission/plugin/policy/matching"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/common"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
	"k8s.io/apiserver/pkg/cel/openapi"
	"k8s.io/apiserver/pkg/cel/openapi/resolver"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/client-go/discovery"
	listersv1 "k8s.io/client-go/listers/core/v1"
	openapiclient "k8s.io/client-go/openapi"
	"k8s.io/client-go/openapi/openapitest"
	"k8s.io/client-go/tools/cache"
)

// oldestVAPVersion is the first Kubernetes release with admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy.
var oldestVAPVersion = version.MajorMinor(1, 30)

// kinds are the kinds a generated policy may match: every kind with a pod template.
var kinds = []struct {
	gvk      schema.GroupVersionKind
	resource string
}{
	{corev1.SchemeGroupVersion.WithKind("Pod"), "pods"},
	{corev1.SchemeGroupVersion.WithKind("ReplicationController"), "replicationcontrollers"},
	{appsv1.SchemeGroupVersion.WithKind("Deployment"), "deployments"},
	{appsv1.SchemeGroupVersion.WithKind("StatefulSet"), "statefulsets"},
	{appsv1.SchemeGroupVersion.WithKind("DaemonSet"), "daemonsets"},
	{appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), "replicasets"},
	{batchv1.SchemeGroupVersion.WithKind("Job"), "jobs"},
	{batchv1.SchemeGroupVersion.WithKind("CronJob"), "cronjobs"},
}

type request struct {
	ID          string                       `json:"id"`
	Load        *string                      `json:"load"`
	SizeHints   map[string]map[string]string `json:"sizeHints"`
	Analyze     bool                         `json:"analyze"`
	Object      json.RawMessage              `json:"object"`
	OldObject   json.RawMessage              `json:"oldObject"`
	Operation   string                       `json:"operation"`
	SubResource string                       `json:"subResource"`
	Measure     bool                         `json:"measure"`
}

type typeCheckResult struct {
	Kinds    []string `json:"kinds"`
	Warnings []string `json:"warnings"`
}

type costRange struct {
	Min uint64 `json:"min"`
	Max uint64 `json:"max"`
}

type decisionReport struct {
	Policy     string `json:"policy"`
	Binding    string `json:"binding"`
	Action     string `json:"action"`
	Evaluation string `json:"evaluation"`
	Message    string `json:"message,omitempty"`
}

type response struct {
	ID               string                                     `json:"id"`
	Policies         []string                                   `json:"policies,omitempty"`
	Bindings         []string                                   `json:"bindings,omitempty"`
	CompileErrors    map[string][]string                        `json:"compileErrors,omitempty"`
	CompileErrors130 map[string][]string                        `json:"compileErrors130,omitempty"`
	TypeCheck        map[string]typeCheckResult                 `json:"typeCheck,omitempty"`
	Costs            map[string]map[string]map[string]costRange `json:"costs,omitempty"`
	Allowed          *bool                                      `json:"allowed,omitempty"`
	Message          string                                     `json:"message,omitempty"`
	Warnings         []string                                   `json:"warnings,omitempty"`
	Audit            map[string]string                          `json:"audit,omitempty"`
	Decisions        []decisionReport                           `json:"decisions,omitempty"`
	Cost             *int64                                     `json:"cost,omitempty"`
	CostError        string                                     `json:"costError,omitempty"`
	Error            string                                     `json:"error,omitempty"`
}

// oracle holds the loaded policies as the plugin holds them: one hook per policy, with its bindings
// and its compiled evaluator.
type oracle struct {
	scheme     *runtime.Scheme
	decoder    runtime.Decoder
	restMapper meta.RESTMapper
	namespaces cache.Indexer
	hooks      []validating.PolicyHook
	recorders  map[string]*recordingValidator
}

func newOracle() *oracle {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, admissionregistrationv1.AddToScheme, metav1.AddMetaToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	mapper := meta.NewDefaultRESTMapper(nil)
	for _, k := range kinds {
		mapper.AddSpecific(k.gvk, k.gvk.GroupVersion().WithResource(k.resource), k.gvk.GroupVersion().WithResource(strings.ToLower(k.gvk.Kind)), meta.RESTScopeNamespace)
	}
	return &oracle{
		scheme:     scheme,
		decoder:    serializer.NewCodecFactory(scheme).UniversalDeserializer(),
		restMapper: mapper,
		namespaces: cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{}),
		recorders:  map[string]*recordingValidator{},
	}
}

// compilePolicy is the plugin's own compilePolicy (validating/plugin.go, unexported there), made of
// the same exported parts: the composited compiler over the base environment of this API server
// version with strict cost, variables, match conditions, validations, audit annotations and messages.
func compilePolicy(policy *admissionregistrationv1.ValidatingAdmissionPolicy) validating.Validator {
	hasParam := policy.Spec.ParamKind != nil
	optionalVars := plugincel.OptionalVariableDeclarations{HasParams: hasParam, HasAuthorizer: true}
	expressionOptionalVars := plugincel.OptionalVariableDeclarations{HasParams: hasParam, HasAuthorizer: false}
	failurePolicy := policy.Spec.FailurePolicy
	var matcher matchconditions.Matcher
	filterCompiler, err := plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	if err != nil {
		return validating.NewValidator(nil, nil, nil, nil, failurePolicy, err)
	}
	filterCompiler.CompileAndStoreVariables(variableAccessors(policy.Spec.Variables), optionalVars, environment.StoredExpressions)
	if len(policy.Spec.MatchConditions) > 0 {
		accessors := make([]plugincel.ExpressionAccessor, len(policy.Spec.MatchConditions))
		for i := range policy.Spec.MatchConditions {
			accessors[i] = (*matchconditions.MatchCondition)(&policy.Spec.MatchConditions[i])
		}
		matcher = matchconditions.NewMatcher(filterCompiler.CompileCondition(accessors, optionalVars, environment.StoredExpressions), failurePolicy, "policy", "validate", policy.Name)
	}
	return validating.NewValidator(
		filterCompiler.CompileCondition(validationAccessors(policy.Spec.Validations), optionalVars, environment.StoredExpressions),
		matcher,
		filterCompiler.CompileCondition(auditAnnotationAccessors(policy.Spec.AuditAnnotations), optionalVars, environment.StoredExpressions),
		filterCompiler.CompileCondition(messageAccessors(policy.Spec.Validations), expressionOptionalVars, environment.StoredExpressions),
		failurePolicy,
		nil,
	)
}

func variableAccessors(variables []admissionregistrationv1.Variable) []plugincel.NamedExpressionAccessor {
	out := make([]plugincel.NamedExpressionAccessor, len(variables))
	for i, v := range variables {
		out[i] = &validating.Variable{Name: v.Name, Expression: v.Expression}
	}
	return out
}

func validationAccessors(validations []admissionregistrationv1.Validation) []plugincel.ExpressionAccessor {
	out := make([]plugincel.ExpressionAccessor, len(validations))
	for i, v := range validations {
		out[i] = &validating.ValidationCondition{Expression: v.Expression, Message: v.Message, Reason: v.Reason}
	}
	return out
}

func messageAccessors(validations []admissionregistrationv1.Validation) []plugincel.ExpressionAccessor {
	out := make([]plugincel.ExpressionAccessor, len(validations))
	for i, v := range validations {
		if v.MessageExpression != "" {
			out[i] = &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression}
		}
	}
	return out
}

func auditAnnotationAccessors(annotations []admissionregistrationv1.AuditAnnotation) []plugincel.ExpressionAccessor {
	out := make([]plugincel.ExpressionAccessor, len(annotations))
	for i, a := range annotations {
		out[i] = &validating.AuditAnnotationCondition{Key: a.Key, ValueExpression: a.ValueExpression}
	}
	return out
}

// recordingValidator passes every call to the plugin's validator and keeps its last result, so that
// each decision (not only the first denial, which is all the Forbidden message names) is reported.
type recordingValidator struct {
	validating.Validator
	last []validating.ValidateResult
}

func (r *recordingValidator) Validate(ctx context.Context, gvr schema.GroupVersionResource, attr *admission.VersionedAttributes, params runtime.Object, ns *corev1.Namespace, budget int64, authz authorizer.UnconditionalAuthorizer) validating.ValidateResult {
	result := r.Validator.Validate(ctx, gvr, attr, params, ns, budget, authz)
	r.last = append(r.last, result)
	return result
}

// load reads a YAML stream of policies and bindings and compiles every policy.
func (o *oracle) load(text string, hints map[string]map[string]string, analyze bool) response {
	var policies []*admissionregistrationv1.ValidatingAdmissionPolicy
	var bindings []*admissionregistrationv1.ValidatingAdmissionPolicyBinding
	reader := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	for {
		var raw json.RawMessage
		if err := reader.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return response{Error: fmt.Sprintf("reading the policies: %v", err)}
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
			continue
		}
		obj, _, err := o.decoder.Decode(raw, nil, nil)
		if err != nil {
			return response{Error: fmt.Sprintf("decoding a document: %v", err)}
		}
		switch typed := obj.(type) {
		case *admissionregistrationv1.ValidatingAdmissionPolicy:
			setPolicyDefaults(typed)
			policies = append(policies, typed)
		case *admissionregistrationv1.ValidatingAdmissionPolicyBinding:
			bindings = append(bindings, typed)
		default:
			return response{Error: fmt.Sprintf("unexpected document of kind %T", obj)}
		}
	}
	out := response{CompileErrors: map[string][]string{}, CompileErrors130: map[string][]string{}, TypeCheck: map[string]typeCheckResult{}, Costs: map[string]map[string]map[string]costRange{}}
	o.hooks = nil
	o.recorders = map[string]*recordingValidator{}
	for _, policy := range policies {
		out.Policies = append(out.Policies, policy.Name)
		validator := compilePolicy(policy)
		if err := validator.CompileError(); err != nil {
			out.CompileErrors[policy.Name] = append(out.CompileErrors[policy.Name], err.Error())
		}
		out.CompileErrors[policy.Name] = append(out.CompileErrors[policy.Name], compileIssues(policy, environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()), environment.StoredExpressions)...)
		out.CompileErrors130[policy.Name] = compileIssues(policy, environment.MustBaseEnvSet(oldestVAPVersion), environment.NewExpressions)
		recorder := &recordingValidator{Validator: validator}
		o.recorders[policy.Name] = recorder
		hook := validating.PolicyHook{Policy: policy, Evaluator: recorder}
		for _, binding := range bindings {
			if binding.Spec.PolicyName == policy.Name {
				hook.Bindings = append(hook.Bindings, binding)
			}
		}
		o.hooks = append(o.hooks, hook)
		if analyze {
			out.TypeCheck[policy.Name] = o.typeCheck(policy)
			out.Costs[policy.Name] = o.estimateCosts(policy, hints[policy.Name])
		}
	}
	for _, binding := range bindings {
		out.Bindings = append(out.Bindings, binding.Name)
	}
	return out
}

// setPolicyDefaults applies the API server's defaults for a stored policy
// (k8s.io/kubernetes pkg/apis/admissionregistration/v1 defaults.go, which is not importable):
// failurePolicy Fail, matchPolicy Equivalent, empty (match-all) namespace and object selectors, and
// every scope in each rule. Without them a missing selector would match nothing.
func setPolicyDefaults(policy *admissionregistrationv1.ValidatingAdmissionPolicy) {
	if policy.Spec.FailurePolicy == nil {
		fail := admissionregistrationv1.Fail
		policy.Spec.FailurePolicy = &fail
	}
	constraints := policy.Spec.MatchConstraints
	if constraints == nil {
		return
	}
	if constraints.MatchPolicy == nil {
		equivalent := admissionregistrationv1.Equivalent
		constraints.MatchPolicy = &equivalent
	}
	if constraints.NamespaceSelector == nil {
		constraints.NamespaceSelector = &metav1.LabelSelector{}
	}
	if constraints.ObjectSelector == nil {
		constraints.ObjectSelector = &metav1.LabelSelector{}
	}
	for i := range constraints.ResourceRules {
		if constraints.ResourceRules[i].Scope == nil {
			all := admissionregistrationv1.AllScopes
			constraints.ResourceRules[i].Scope = &all
		}
	}
}

// compileIssues compiles every expression of the policy in an environment and lists what fails:
// the variables first (each one sees those before it), then the rest.
func compileIssues(policy *admissionregistrationv1.ValidatingAdmissionPolicy, base *environment.EnvSet, mode environment.Type) []string {
	var issues []string
	compiler, err := plugincel.NewCompositedCompiler(base)
	if err != nil {
		return []string{err.Error()}
	}
	options := plugincel.OptionalVariableDeclarations{HasParams: policy.Spec.ParamKind != nil, HasAuthorizer: true}
	for _, v := range policy.Spec.Variables {
		result := compiler.CompileAndStoreVariable(&validating.Variable{Name: v.Name, Expression: v.Expression}, options, mode)
		if result.Error != nil {
			issues = append(issues, fmt.Sprintf("variables.%s: %v", v.Name, result.Error))
		}
	}
	check := func(label string, accessor plugincel.ExpressionAccessor, opts plugincel.OptionalVariableDeclarations) {
		if result := compiler.CompileCELExpression(accessor, opts, mode); result.Error != nil {
			issues = append(issues, fmt.Sprintf("%s: %v", label, result.Error))
		}
	}
	for i := range policy.Spec.MatchConditions {
		check(fmt.Sprintf("matchConditions[%d]", i), (*matchconditions.MatchCondition)(&policy.Spec.MatchConditions[i]), options)
	}
	for i, v := range policy.Spec.Validations {
		check(fmt.Sprintf("validations[%d].expression", i), &validating.ValidationCondition{Expression: v.Expression}, options)
		if v.MessageExpression != "" {
			check(fmt.Sprintf("validations[%d].messageExpression", i), &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression}, plugincel.OptionalVariableDeclarations{HasParams: options.HasParams})
		}
	}
	return issues
}

// embeddedDiscovery serves the OpenAPI v3 documents client-go embeds for its tests, as an API
// server's discovery would: the schema resolver asks for nothing else.
type embeddedDiscovery struct {
	discovery.DiscoveryInterface
	client openapiclient.Client
}

func (d embeddedDiscovery) OpenAPIV3() openapiclient.Client { return d.client }

var schemaResolver = &resolver.ClientDiscoveryResolver{Discovery: embeddedDiscovery{client: openapitest.NewEmbeddedFileClient()}}

// typeCheck runs the plugin's TypeChecker over the policy (validations and their messages), and
// over its variables and match conditions, which TypeChecker.Check leaves out, with the same
// context. Every kind the policy matches must have been resolved: the checker skips a kind whose
// schema it cannot find, which would make the check vacuous.
func (o *oracle) typeCheck(policy *admissionregistrationv1.ValidatingAdmissionPolicy) typeCheckResult {
	checker := &validating.TypeChecker{SchemaResolver: schemaResolver, RestMapper: o.restMapper}
	result := typeCheckResult{Warnings: []string{}}
	for _, k := range matchedKinds(policy) {
		if _, err := schemaResolver.ResolveSchema(k); err != nil {
			result.Warnings = append(result.Warnings, fmt.Sprintf("%v: no schema: %v", k, err))
			continue
		}
		result.Kinds = append(result.Kinds, k.String())
	}
	for _, w := range checker.Check(policy) {
		result.Warnings = append(result.Warnings, w.FieldRef+": "+w.Warning)
	}
	ctx := checker.CreateContext(policy)
	for i, v := range policy.Spec.Variables {
		if issues := checker.CheckExpression(ctx, v.Expression).String(); issues != "" {
			result.Warnings = append(result.Warnings, fmt.Sprintf("spec.variables[%d].expression (%s): %s", i, v.Name, issues))
		}
	}
	for i, m := range policy.Spec.MatchConditions {
		if issues := checker.CheckExpression(ctx, m.Expression).String(); issues != "" {
			result.Warnings = append(result.Warnings, fmt.Sprintf("spec.matchConditions[%d].expression: %s", i, issues))
		}
	}
	return result
}

// matchedKinds are the kinds of our table that the policy's resource rules name.
func matchedKinds(policy *admissionregistrationv1.ValidatingAdmissionPolicy) []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	if policy.Spec.MatchConstraints == nil {
		return nil
	}
	for _, k := range kinds {
		for _, rule := range policy.Spec.MatchConstraints.ResourceRules {
			if contains(rule.APIGroups, k.gvk.Group) && contains(rule.APIVersions, k.gvk.Version) && contains(rule.Resources, k.resource) {
				out = append(out, k.gvk)
				break
			}
		}
	}
	return out
}

func contains(list []string, value string) bool {
	for _, item := range list {
		if item == value {
			return true
		}
	}
	return false
}

// astCompiler is the type checker's compiler (validating/typechecking.go typeCheckingCompiler:
// object and oldObject typed by the kind's schema, no program) that keeps each checked AST, so
// that its cost can be estimated.
type astCompiler struct {
	composited *plugincel.CompositedCompiler
	asts       map[string]*cel.Ast
	label      string
}

func (c *astCompiler) CompileCELExpression(accessor plugincel.ExpressionAccessor, _ plugincel.OptionalVariableDeclarations, mode environment.Type) plugincel.CompilationResult {
	env, err := c.composited.Env(mode)
	if err != nil {
		return plugincel.CompilationResult{Error: &apiservercel.Error{Type: apiservercel.ErrorTypeInternal, Detail: err.Error()}, ExpressionAccessor: accessor}
	}
	ast, issues := env.Compile(accessor.GetExpression())
	if issues != nil {
		return plugincel.CompilationResult{Error: &apiservercel.Error{Type: apiservercel.ErrorTypeInvalid, Detail: issues.String()}, ExpressionAccessor: accessor}
	}
	c.asts[c.label] = ast
	return plugincel.CompilationResult{OutputType: ast.OutputType()}
}

// typedEnvSet is the type checker's environment (validating/typechecking.go buildEnvSet) for one kind.
func typedEnvSet(object *apiservercel.DeclType) (*environment.EnvSet, error) {
	requestType := plugincel.BuildRequestType()
	namespaceType := plugincel.BuildNamespaceType()
	return environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).Extend(environment.VersionedOptions{
		IntroducedVersion: version.MajorMinor(1, 0),
		EnvOptions: []cel.EnvOption{
			cel.Variable(plugincel.NamespaceVarName, namespaceType.CelType()),
			cel.Variable(plugincel.RequestVarName, requestType.CelType()),
			cel.Variable(plugincel.ObjectVarName, object.CelType()),
			cel.Variable(plugincel.OldObjectVarName, object.CelType()),
			cel.Variable("authorizer", library.AuthorizerType),
		},
		DeclTypes: []*apiservercel.DeclType{namespaceType, requestType, object},
	})
}

// sizeEstimator bounds the size of a value reached from `object` by a path, as the API server bounds
// CRD fields (apiextensions' sizeEstimator): the schema's maxItems/maxLength, else what fits in the
// largest request the API server accepts (celconfig.MaxRequestSizeBytes, 3 MiB), which
// common.SchemaDeclType computes. A variable is bounded by the schema node its hint names.
type sizeEstimator struct {
	root  *apiservercel.DeclType
	hints map[string]string
}

func (s *sizeEstimator) EstimateSize(element checker.AstNode) *checker.SizeEstimate {
	if size, ok := s.sizeByPath(element.Path()); ok {
		return &checker.SizeEstimate{Min: 0, Max: size}
	}
	// No schema node bounds it (an index into a map, a variable without a hint): no value in a
	// request is larger than the request itself, as the API server bounds strings and lists it
	// knows nothing more of.
	if t := element.Type(); t != nil {
		switch t.Kind() {
		case types.StringKind, types.BytesKind, types.ListKind, types.MapKind:
			return &checker.SizeEstimate{Min: 0, Max: uint64(celconfig.MaxRequestSizeBytes)}
		}
	}
	return nil
}

func (s *sizeEstimator) sizeByPath(path []string) (uint64, bool) {
	if len(path) == 0 {
		return 0, false
	}
	var steps []string
	switch path[0] {
	case plugincel.ObjectVarName, plugincel.OldObjectVarName:
		steps = path[1:]
	case "variables":
		if len(path) < 2 {
			return 0, false
		}
		hint, ok := s.hints[path[1]]
		switch {
		case !ok:
			return 0, false
		case hint == "":
			// A scalar of a fixed set of values (a state name, a number).
			return 64, true
		case strings.HasPrefix(hint, "verdicts:"):
			// One list per container of the pod; each holds five fields and at most the container's ports.
			spec := strings.TrimPrefix(hint, "verdicts:")
			if len(path) == 2 {
				var total uint64
				for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
					size, ok := s.walk(strings.Split(spec+"."+list, "."))
					if !ok {
						return 0, false
					}
					total += size
				}
				return total, true
			}
			ports, ok := s.walk(strings.Split(spec+".containers.@items.ports", "."))
			return ports + 5, ok
		}
		steps = append(strings.Split(hint, "."), path[2:]...)
	default:
		return 0, false
	}
	return s.walk(steps)
}

func (s *sizeEstimator) walk(steps []string) (uint64, bool) {
	node := s.root
	for _, step := range steps {
		switch step {
		case "@items", "@values":
			if node.ElemType == nil {
				return 0, false
			}
			node = node.ElemType
		case "@keys":
			if node.KeyType == nil {
				return 0, false
			}
			node = node.KeyType
		default:
			field, ok := node.Fields[step]
			if !ok || field.Type == nil {
				return 0, false
			}
			node = field.Type
		}
	}
	return uint64(node.MaxElements), true
}

// EstimateCallCost leaves every call to the API server's own cost functions (library.CostEstimator).
func (s *sizeEstimator) EstimateCallCost(_, _ string, _ *checker.AstNode, _ []checker.AstNode) *checker.CallEstimate {
	return nil
}

// estimateCosts is the static cost of every expression for every kind the policy matches, from the
// CEL cost estimator with the API server's cost functions (library.CostEstimator).
func (o *oracle) estimateCosts(policy *admissionregistrationv1.ValidatingAdmissionPolicy, hints map[string]string) map[string]map[string]costRange {
	out := map[string]map[string]costRange{}
	for _, gvk := range matchedKinds(policy) {
		s, err := schemaResolver.ResolveSchema(gvk)
		if err != nil {
			continue
		}
		declType := common.SchemaDeclType(&openapi.Schema{Schema: s}, true).MaybeAssignTypeName(gvk.Kind + "Type")
		envSet, err := typedEnvSet(declType)
		if err != nil {
			out[gvk.String()] = map[string]costRange{"error: " + err.Error(): {}}
			continue
		}
		composited, err := plugincel.NewCompositedCompilerForTypeChecking(envSet)
		if err != nil {
			continue
		}
		compiler := &astCompiler{composited: composited, asts: map[string]*cel.Ast{}}
		composited.Compiler = compiler
		options := plugincel.OptionalVariableDeclarations{HasAuthorizer: true}
		for _, v := range policy.Spec.Variables {
			compiler.label = "variables." + v.Name
			composited.CompileAndStoreVariable(&validating.Variable{Name: v.Name, Expression: v.Expression}, options, environment.StoredExpressions)
		}
		for i, m := range policy.Spec.MatchConditions {
			compiler.label = fmt.Sprintf("matchConditions[%d] %s", i, m.Name)
			compiler.CompileCELExpression(&validating.Variable{Expression: m.Expression}, options, environment.StoredExpressions)
		}
		for i, v := range policy.Spec.Validations {
			compiler.label = fmt.Sprintf("validations[%d].expression", i)
			compiler.CompileCELExpression(&validating.Variable{Expression: v.Expression}, options, environment.StoredExpressions)
			if v.MessageExpression != "" {
				compiler.label = fmt.Sprintf("validations[%d].messageExpression", i)
				compiler.CompileCELExpression(&validating.Variable{Expression: v.MessageExpression}, options, environment.StoredExpressions)
			}
		}
		env, err := composited.Env(environment.StoredExpressions)
		if err != nil {
			continue
		}
		estimator := &library.CostEstimator{SizeEstimator: &sizeEstimator{root: declType, hints: hints}}
		costs := map[string]costRange{}
		for label, ast := range compiler.asts {
			estimate, err := env.EstimateCost(ast, estimator)
			if err != nil {
				costs[label+" (error: "+err.Error()+")"] = costRange{Max: math.MaxUint64}
				continue
			}
			costs[label] = costRange{Min: estimate.Min, Max: estimate.Max}
		}
		out[gvk.String()] = costs
	}
	return out
}

type warningRecorder struct{ warnings []string }

func (w *warningRecorder) AddWarning(_, text string) { w.warnings = append(w.warnings, text) }

// evaluate admits or denies one object as the plugin's dispatcher does for the loaded policies.
func (o *oracle) evaluate(req request) response {
	obj, gvk, err := o.decoder.Decode(req.Object, nil, nil)
	if err != nil {
		return response{Error: fmt.Sprintf("the API server cannot decode the object: %v", err)}
	}
	var old runtime.Object
	if len(req.OldObject) > 0 && string(req.OldObject) != "null" {
		if old, _, err = o.decoder.Decode(req.OldObject, nil, nil); err != nil {
			return response{Error: fmt.Sprintf("the API server cannot decode the old object: %v", err)}
		}
	}
	mapping, err := o.restMapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return response{Error: fmt.Sprintf("no resource for %v: %v", gvk, err)}
	}
	accessor, err := meta.Accessor(obj)
	if err != nil {
		return response{Error: err.Error()}
	}
	namespace := accessor.GetNamespace()
	if namespace == "" {
		namespace = "default"
	}
	if _, exists, _ := o.namespaces.GetByKey(namespace); !exists {
		_ = o.namespaces.Add(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace, Labels: map[string]string{"kubernetes.io/metadata.name": namespace}}})
	}
	operation := admission.Operation(req.Operation)
	if operation == "" {
		operation = admission.Create
	}
	var options runtime.Object = &metav1.CreateOptions{}
	if operation == admission.Update {
		options = &metav1.UpdateOptions{}
	}
	attributes := admission.NewAttributesRecord(obj, old, *gvk, namespace, accessor.GetName(), mapping.Resource, req.SubResource, operation, options, false, &user.DefaultInfo{Name: "vap-oracle"})
	interfaces := admission.NewObjectInterfacesFromScheme(o.scheme)
	for _, recorder := range o.recorders {
		recorder.last = nil
	}
	recorder := &warningRecorder{}
	ctx := warning.WithWarningRecorder(context.Background(), recorder)
	matcher := generic.NewPolicyMatcher(matching.NewMatcher(listersv1.NewNamespaceLister(o.namespaces), nil))
	dispatchErr := validating.NewDispatcher(nil, matcher).Dispatch(ctx, attributes, interfaces, o.hooks)
	allowed := dispatchErr == nil
	out := response{Allowed: &allowed, Warnings: recorder.warnings}
	if dispatchErr != nil {
		out.Message = dispatchErr.Error()
	}
	if getter, ok := attributes.(admission.AnnotationsGetter); ok {
		out.Audit = getter.GetAnnotations("RequestResponse")
	}
	for _, hook := range o.hooks {
		for _, result := range o.recorders[hook.Policy.Name].last {
			for _, decision := range result.Decisions {
				binding := ""
				if len(hook.Bindings) > 0 {
					binding = hook.Bindings[0].Name
				}
				out.Decisions = append(out.Decisions, decisionReport{Policy: hook.Policy.Name, Binding: binding, Action: string(decision.Action), Evaluation: string(decision.Evaluation), Message: decision.Message})
			}
		}
	}
	if req.Measure {
		cost, costErr := o.measure(attributes, *gvk, interfaces, mapping.Resource)
		out.Cost = &cost
		if costErr != nil {
			out.CostError = costErr.Error()
		}
	}
	return out
}

// measure is the runtime cost of the validations and messages of every policy that matches, as the
// plugin's evaluators count it against RuntimeCELCostBudget (each expression is also held to
// PerCallLimit by its program).
func (o *oracle) measure(attributes admission.Attributes, gvk schema.GroupVersionKind, interfaces admission.ObjectInterfaces, gvr schema.GroupVersionResource) (int64, error) {
	versioned, err := admission.NewVersionedAttributes(attributes, gvk, interfaces)
	if err != nil {
		return 0, err
	}
	var total int64
	var errs []string
	for _, hook := range o.hooks {
		if len(matchedKinds(hook.Policy)) == 0 || !contains(resourcesOf(hook.Policy), gvr.Resource) {
			continue
		}
		compiler, err := plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
		if err != nil {
			return 0, err
		}
		options := plugincel.OptionalVariableDeclarations{HasAuthorizer: true}
		compiler.CompileAndStoreVariables(variableAccessors(hook.Policy.Spec.Variables), options, environment.StoredExpressions)
		validations := compiler.CompileCondition(validationAccessors(hook.Policy.Spec.Validations), options, environment.StoredExpressions)
		messages := compiler.CompileCondition(messageAccessors(hook.Policy.Spec.Validations), plugincel.OptionalVariableDeclarations{}, environment.StoredExpressions)
		request := plugincel.CreateAdmissionRequest(attributes, metav1.GroupVersionResource(gvr), metav1.GroupVersionKind(gvk))
		budget := int64(celconfig.RuntimeCELCostBudget)
		results, remaining, err := validations.ForInput(context.Background(), versioned, request, plugincel.OptionalVariableBindings{}, nil, budget)
		if err != nil {
			errs = append(errs, hook.Policy.Name+": "+err.Error())
			continue
		}
		for _, r := range results {
			if r.Error != nil {
				errs = append(errs, hook.Policy.Name+": "+r.Error.Error())
			}
		}
		_, remainingAfterMessages, err := messages.ForInput(context.Background(), versioned, request, plugincel.OptionalVariableBindings{}, nil, remaining)
		if err != nil {
			errs = append(errs, hook.Policy.Name+" messages: "+err.Error())
			remainingAfterMessages = remaining
		}
		total += budget - remainingAfterMessages
	}
	if len(errs) > 0 {
		return total, errors.New(strings.Join(errs, "; "))
	}
	return total, nil
}

func resourcesOf(policy *admissionregistrationv1.ValidatingAdmissionPolicy) []string {
	var out []string
	for _, rule := range policy.Spec.MatchConstraints.ResourceRules {
		out = append(out, rule.Resources...)
	}
	return out
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Printf("k8s.io/apiserver v0.37.2 (CEL environment of Kubernetes %s; policies also compiled as Kubernetes %s validates them)\n", environment.DefaultCompatibilityVersion(), oldestVAPVersion)
		return
	}
	o := newOracle()
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var req request
			var resp response
			if jsonErr := json.Unmarshal(line, &req); jsonErr != nil {
				resp = response{Error: "invalid request line: " + jsonErr.Error()}
			} else if req.Load != nil {
				resp = o.load(*req.Load, req.SizeHints, req.Analyze)
			} else {
				resp = o.evaluate(req)
			}
			resp.ID = req.ID
			sortDecisions(resp.Decisions)
			if encodeErr := encoder.Encode(resp); encodeErr != nil {
				fmt.Fprintln(os.Stderr, encodeErr)
				os.Exit(1)
			}
		}
		if in.Buffered() == 0 {
			out.Flush()
		}
		if err != nil {
			return
		}
	}
}

func sortDecisions(decisions []decisionReport) {
	sort.SliceStable(decisions, func(i, j int) bool { return decisions[i].Policy < decisions[j].Policy })
}
