import type { CheckDefinition, EvaluateCheck } from './check';
import { allowPrivilegeEscalationCheck } from './checks/allow-privilege-escalation';
import { appArmorProfileCheck } from './checks/app-armor-profile';
import { capabilitiesBaselineCheck } from './checks/capabilities-baseline';
import { capabilitiesRestrictedCheck } from './checks/capabilities-restricted';
import { hostNamespacesCheck } from './checks/host-namespaces';
import { hostPathVolumesCheck } from './checks/host-path-volumes';
import { hostPortsCheck } from './checks/host-ports';
import { hostProbesAndHostLifecycleCheck } from './checks/host-probes-and-host-lifecycle';
import { privilegedCheck } from './checks/privileged';
import { procMountCheck } from './checks/proc-mount';
import { procMountRestrictedCheck } from './checks/proc-mount-restricted';
import { restrictedVolumesCheck } from './checks/restricted-volumes';
import { runAsNonRootCheck } from './checks/run-as-non-root';
import { runAsUserCheck } from './checks/run-as-user';
import { seLinuxOptionsCheck } from './checks/se-linux-options';
import { seccompProfileBaselineCheck } from './checks/seccomp-profile-baseline';
import { seccompProfileRestrictedCheck } from './checks/seccomp-profile-restricted';
import { sysctlsCheck } from './checks/sysctls';
import { windowsHostProcessCheck } from './checks/windows-host-process';
import { LATEST_POLICY_MINOR, policyMinor } from './policy-version';

/**
 * Every check upstream defines at some policy version, baseline checks first, each group in
 * upstream's evaluation order (check ids sorted bytewise).
 */
export const CHECK_DEFINITIONS: readonly CheckDefinition[] = [
  appArmorProfileCheck,
  capabilitiesBaselineCheck,
  hostNamespacesCheck,
  hostPathVolumesCheck,
  hostPortsCheck,
  hostProbesAndHostLifecycleCheck,
  privilegedCheck,
  procMountCheck,
  seLinuxOptionsCheck,
  seccompProfileBaselineCheck,
  sysctlsCheck,
  windowsHostProcessCheck,
  allowPrivilegeEscalationCheck,
  capabilitiesRestrictedCheck,
  procMountRestrictedCheck,
  restrictedVolumesCheck,
  runAsNonRootCheck,
  runAsUserCheck,
  seccompProfileRestrictedCheck,
];

/** A check as it applies at one policy version. */
export interface ActiveCheck {
  /** The check. */
  readonly check: CheckDefinition;
  /** Its evaluation at this version. */
  readonly evaluate: EvaluateCheck;
  /** Whether it decides the baseline level (every baseline check). */
  readonly decidesBaseline: boolean;
  /**
   * Whether it decides the restricted level: every restricted check, and every baseline check
   * that no restricted check overrides at this version (upstream `OverrideCheckIDs`).
   */
  readonly decidesRestricted: boolean;
}

function activeChecksAt(minor: number): readonly ActiveCheck[] {
  const active = CHECK_DEFINITIONS.flatMap((check) => {
    const version = [...check.versions].reverse().find((v) => policyMinor(v.since) <= minor);
    return version ? [{ check, version }] : [];
  });
  const overridden = new Set(active.flatMap(({ version }) => version.overrides ?? []));
  return active.map(({ check, version }) => ({
    check,
    evaluate: version.evaluate,
    decidesBaseline: check.level === 'baseline',
    decidesRestricted: check.level === 'restricted' || !overridden.has(check.id),
  }));
}

// Built once at load: 38 small arrays, so evaluating a pod allocates no tables.
const ACTIVE_BY_MINOR: readonly (readonly ActiveCheck[])[] = Array.from({ length: LATEST_POLICY_MINOR + 1 }, (_, minor) =>
  activeChecksAt(minor),
);

/** The checks that apply at policy version `v1.<minor>`, in evaluation order. */
export function activeChecks(minor: number): readonly ActiveCheck[] {
  return ACTIVE_BY_MINOR[minor];
}
