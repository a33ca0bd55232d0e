/**
 * cdk8s constructs (cdk8s-plus-27, the reference, through cdk8s-plus-33) that are correct by
 * construction for a declared Pod Security level: a thin face on the planner (`../planner`),
 * checked by the capability model at synth time. Only this module loads cdk8s; the model, the
 * checker and the CLI never import it. No cdk8s-plus is loaded until a construct needs one.
 */
export * from './admission-policy';
export * from './hardened-container';
export * from './harden-workload';
export * from './privileged-port-service';
export { requireVerifiedPod } from './pod-verification';
export {
  Cdk8sPlusContainer,
  Cdk8sPlusContainerProps,
  Cdk8sPlusModule,
  Cdk8sPlusServiceProps,
  Cdk8sPlusWorkload,
  cdk8sPlusOf,
  ContainerPropOf,
  ContainerPropsOf,
  ServicePropOf,
  ServicePropsOf,
  SUPPORTED_CDK8S_PLUS_PACKAGES,
  WorkloadContainerOf,
  WorkloadContainerPropsOf,
} from './cdk8s-plus';
// The intent types and the image read before planning (`imageInspection`), so that a cdk8s app
// needs only this entry point (`k8s-least-privilege/cdk8s`), as a Pulumi program needs only `/pulumi`.
export {
  BindRemedy,
  BindStrategy,
  BindStrategyError,
  BindStrategyKind,
  ClusterFeatures,
  ResolvedBindStrategyKind,
  PrivilegedPortIntent,
  PrivilegedPortPlan,
  PrivilegedPortRequest,
} from '../planner';
export { readImageInspection, ReadImageInspectionOptions, ImageInspection } from '../image';
export { AdmissionPolicyMode, AdmissionPolicyOptionError, AdmissionPolicyOptions } from '../admission';
