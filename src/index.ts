/**
 * k8s-least-privilege: whether every container port binds with the least privilege,
 * and which Pod Security Standards level each pod meets.
 */
export * from './model';
export * from './rules';
export { checkInputs } from './check/check-inputs';
export { checkObject, CheckOptions, ConfiguredSuppression, ObjectCheck, ObjectFinding } from './check/check-object';
export { formatFieldPath } from './check/node-path';
export * from './check/report';
export { readSources, InputSource } from './input/read-sources';
export { formatHuman } from './report/human-format';
export { formatJson } from './report/json-format';
export { formatSarif } from './report/sarif-format';
export * from './planner';
export * from './image';
// The constructs need cdk8s (a peer dependency); the CLI never loads this entry point.
export * from './constructs';
export { LeastPrivilegeValidation } from './integrations/cdk8s-validation';
export { leastPrivilegePolicies } from './integrations/pulumi-policy';
