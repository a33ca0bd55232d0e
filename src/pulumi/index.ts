/**
 * The Pulumi face of the planner: `PrivilegedPortService` as a `pulumi.ComponentResource` that
 * creates `@pulumi/kubernetes` children. Only this entry point loads `@pulumi/pulumi` and
 * `@pulumi/kubernetes` (optional peer dependencies); the main entry point never does.
 *
 * ```ts
 * import { PrivilegedPortService } from 'k8s-least-privilege/pulumi';
 * ```
 */
export * from './admission-policy';
export * from './privileged-port-service';
export { plannedPodTemplate, PlannedPodTemplate, PlannedContainer } from './pod-template';
// The intent types, so a Pulumi program needs only this entry point.
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
// The image read before planning (`imageInspection`), without loading cdk8s.
export { readImageInspection, ReadImageInspectionOptions, ImageInspection } from '../image';
export { AdmissionPolicyMode, AdmissionPolicyOptionError, AdmissionPolicyOptions } from '../admission';
