import { apiServerRejects } from './api-server-rejects';
import { capabilitiesBeyondNeed } from './capabilities-beyond-need';
import { capabilitiesNotDropped } from './capabilities-not-dropped';
import { capabilityNameSpelling } from './capability-name-spelling';
import { fileCapabilityAnnotationContradicted } from './file-capability-annotation-contradicted';
import { fileCapabilityAnnotationInvalid } from './file-capability-annotation-invalid';
import { hostNamespaces } from './host-namespaces';
import { hostPortUsed } from './host-port';
import { namespaceEnforceLevelMissed } from './namespace-enforce-level-missed';
import { namespaceWarnLevelMissed } from './namespace-warn-level-missed';
import { podSecurityLevelMissed } from './pod-security-level-missed';
import { portBindUnknown } from './port-bind-unknown';
import { portBindsOnlyOnLoweringRuntimes } from './port-binds-only-on-lowering-runtimes';
import { portCannotBind } from './port-cannot-bind';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed';
import { privilegedContainer } from './privileged-container';
import { runAsNonRootContradicted } from './run-as-non-root-contradicted';
import { runsAsRoot } from './runs-as-root';
import { seccompProfileMissing } from './seccomp-profile-missing';
import { serviceTargetPortUnmatched } from './service-target-port-unmatched';
import type { InputRule, Rule, RuleMetadata } from './support/rule';
import { suppressionInvalid } from './suppression-invalid';
import { unsafeSysctl } from './unsafe-sysctl';

export * from './support/rule';
export { DEFAULT_REQUIRED_LEVEL, TARGET_LEVEL_ANNOTATION, TARGET_VERSION_ANNOTATION } from './pod-security-level-missed';
export { readSuppressionAnnotation, Suppression, SUPPRESS_ANNOTATION } from './support/suppression-annotation';

/** Every rule over one pod, in id order. */
export const RULES: readonly Rule[] = [
  suppressionInvalid,
  portCannotBind,
  portBindUnknown,
  portBindsOnlyOnLoweringRuntimes,
  capabilitiesNotDropped,
  capabilitiesBeyondNeed,
  capabilityNameSpelling,
  runsAsRoot,
  runAsNonRootContradicted,
  privilegeEscalationAllowed,
  privilegedContainer,
  seccompProfileMissing,
  hostNamespaces,
  hostPortUsed,
  unsafeSysctl,
  fileCapabilityAnnotationInvalid,
  fileCapabilityAnnotationContradicted,
  apiServerRejects,
  podSecurityLevelMissed,
];

/** The rules that need the whole input at once (the CLI and the cdk8s plugin run them). */
export const INPUT_RULES: readonly InputRule[] = [serviceTargetPortUnmatched, namespaceEnforceLevelMissed, namespaceWarnLevelMissed];

/** Every rule's metadata, pod rules and input rules, in id order: for docs, SARIF and suppressions. */
export const ALL_RULES: readonly RuleMetadata[] = [...RULES, ...INPUT_RULES].sort((a, b) => (a.id < b.id ? -1 : 1));

const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((rule) => rule.id));

/** The ids of every rule. */
export function ruleIdSet(): ReadonlySet<string> {
  return RULE_IDS;
}
