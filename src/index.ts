/**
 * k8s-least-privilege: whether every container port binds with the least privilege,
 * and which Pod Security Standards level each pod meets.
 *
 * The main entry point needs no peer dependency, in its code or its types. The faces that do
 * are entry points of their own (package.json `exports`):
 * - `k8s-least-privilege/cdk8s`: the constructs (cdk8s, constructs, a cdk8s-plus);
 * - `k8s-least-privilege/pulumi`: the Pulumi component (@pulumi/pulumi, @pulumi/kubernetes);
 * - `k8s-least-privilege/policy-pack`: `leastPrivilegePolicies` (@pulumi/policy).
 */
export * from './model';
export * from './rules';
export { checkInputs } from './check/check-inputs';
export { checkObject, CheckOptions, ConfiguredSuppression, ObjectCheck, ObjectFinding } from './check/check-object';
export { ConfigError } from './check/config-error';
export { EnforcementConfig, RegistryConfig, SuppressionConfig } from './check/config-schema';
export { formatFieldPath } from './check/node-path';
export * from './check/report';
export { readSources, InputSource } from './input/read-sources';
export { formatHuman } from './report/human-format';
export { formatJson } from './report/json-format';
export { formatSarif } from './report/sarif-format';
export * from './planner';
export * from './image';
// The admission policy's own entry points; its CEL building blocks stay internal.
export {
  ADMISSION_POLICY_MODES,
  AdmissionPolicyMode,
  AdmissionPolicyOptionError,
  AdmissionPolicyOptions,
  admissionPolicyManifests,
  admissionPolicyYaml,
  KubernetesManifest,
} from './admission';
// The cdk8s validation plugin needs nothing from cdk8s-cli (it spells out the interface it implements).
export { LeastPrivilegeValidation, LeastPrivilegeValidationProperties } from './integrations/cdk8s-validation';
