import { apiServerRejects } from './api-server-rejects';
import { capabilitiesBeyondNeed } from './capabilities-beyond-need';
import { capabilitiesNotDropped } from './capabilities-not-dropped';
import { capabilityNameSpelling } from './capability-name-spelling';
import { fileCapabilityAnnotationInvalid } from './file-capability-annotation';
import { fileCapabilityAnnotationContradicted } from './file-capability-annotation-contradicted';
import { hostNamespaces, hostPortUsed, privilegedContainer, privilegeEscalationAllowed, seccompProfileMissing, unsafeSysctl } from './pod-security-hardening';
import { podSecurityLevelMissed } from './pod-security-level-missed';
import { portBindUnknown } from './port-bind-unknown';
import { portBindsOnlyOnLoweringRuntimes } from './port-binds-only-on-lowering-runtimes';
import { portCannotBind } from './port-cannot-bind';
import { InputRule, Rule, RuleMetadata } from './rule';
import { namespaceEnforceLevelMissed, namespaceWarnLevelMissed } from './namespace-level';
import { serviceTargetPortUnmatched } from './service-target-port';
import { runAsNonRootContradicted } from './run-as-non-root-contradicted';
import { runsAsRoot } from './runs-as-root';
import { suppressionWithoutReason } from './suppression-annotation';

export * from './rule';
export { DEFAULT_REQUIRED_LEVEL, TARGET_LEVEL_ANNOTATION, TARGET_VERSION_ANNOTATION } from './pod-security-level-missed';
export { readSuppressionAnnotation, Suppression, SUPPRESS_ANNOTATION } from './suppression-annotation';

let ruleIds: ReadonlySet<string> | undefined;

/** The ids of every rule. */
export function ruleIdSet(): ReadonlySet<string> {
  return (ruleIds ??= new Set(ALL_RULES.map((rule) => rule.id)));
}

/** Every rule, in id order. */
export const RULES: readonly Rule[] = [
  suppressionWithoutReason(ruleIdSet),
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
