/**
 * The admission policy: ValidatingAdmissionPolicies generated from the capability model, which the
 * API server of every cluster since Kubernetes 1.30 runs without a webhook.
 */
export {
  ADMISSION_POLICY_MODES,
  ADMISSION_POLICY_NAME_PREFIX,
  AdmissionPolicyMode,
  AdmissionPolicyOptionError,
  AdmissionPolicyOptions,
  admissionPolicyManifests,
  admissionPolicySizeHints,
  admissionPolicyYaml,
  KubernetesManifest,
  resolveAdmissionPolicyOptions,
} from './admission-policy';
export { REMEDY_MARKERS, RemedyKind } from './remedies';
export { POD_SOURCES, PodSource, ResourceRule } from './pod-sources';
