/**
 * The sysctl strategy: the pod lowers `net.ipv4.ip_unprivileged_port_start` to the lowest
 * privileged port, so a non-root process with no capability binds it. Restricted; a safe sysctl
 * since Kubernetes 1.22; pod-wide; impossible with hostNetwork.
 */
import { imageCapabilityConflict } from './file-capability';
import type { StrategyDefinition } from './strategy-definition';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../../model/pod-network';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../../model/runtime-profile';
import type { BindStrategyKind } from '../bind-strategy';
import { BindStrategy } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import { formatKubernetesVersion, isAtLeast, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE } from '../kubernetes-version';
import type { PlanFacts } from '../plan-facts';
import { describePorts } from '../port-requests';

/** The sysctl strategy (`BindStrategy.unprivilegedPortSysctl()`). */
export const unprivilegedPortSysctl: StrategyDefinition<'unprivilegedPortSysctl'> = {
  kind: 'unprivilegedPortSysctl',
  runsAsRoot: false,
  summary: `the pod sets ${UNPRIVILEGED_PORT_START_SYSCTL} to the lowest port, so a non-root process with no capability binds it; the sysctl is pod-wide (every container of the pod may bind ports from there up).`,
  maxLevel: () => ({ level: 'restricted' }),
  obstacle: (facts) => {
    if (facts.lowestPrivileged === undefined) {
      return `${describePorts(facts.ports)} ${facts.ports.length === 1 ? 'is' : 'are'} not privileged (≥ ${KERNEL_DEFAULT_UNPRIVILEGED_PORT_START}), so ${UNPRIVILEGED_PORT_START_SYSCTL} need not change`;
    }
    if (facts.hostNetwork) return `${UNPRIVILEGED_PORT_START_SYSCTL} is a network-namespace sysctl, and the kubelet rejects it with hostNetwork (SysctlForbidden)`;
    if (!isAtLeast(facts.kubernetes, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)) {
      return `${UNPRIVILEGED_PORT_START_SYSCTL} is a safe sysctl only since Kubernetes ${formatKubernetesVersion(UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE)} (kubernetes#103298), and ${facts.propName('minKubernetesVersion')} is ${formatKubernetesVersion(facts.kubernetes)}`;
    }
    if (facts.imageHasFileCapability) return imageCapabilityConflict(facts);
    return undefined;
  },
  autoReason: (facts) =>
    `The application's port is fixed; the pod sets the safe sysctl ${UNPRIVILEGED_PORT_START_SYSCTL}=${facts.lowestPrivileged} (Kubernetes ≥ 1.22), so a non-root process with no capability binds ${describePorts(facts.ports)} — ` +
    `no capability and no image change. The sysctl is pod-wide: every container of the pod may bind ports ≥ ${facts.lowestPrivileged}, in the pod's own network namespace only.`,
  render: (base, facts) => ({
    ...base,
    podSecurityContext: { ...base.podSecurityContext, sysctls: [{ name: UNPRIVILEGED_PORT_START_SYSCTL, value: String(facts.lowestPrivileged) }] },
  }),
  remedies: (facts, failed) => (facts.lowestPrivileged !== undefined ? sysctlRemedies(facts, failed) : []),
};

function sysctlRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  const old = !isAtLeast(facts.kubernetes, UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE);
  const since = formatKubernetesVersion(UNPRIVILEGED_PORT_SYSCTL_SAFE_SINCE);
  const newer = `declare ${facts.propName('minKubernetesVersion')}: '${since}' if every cluster runs Kubernetes ≥ ${since}`;
  if (failed === 'unprivilegedPortSysctl') {
    return old ? [{ text: newer, change: { minKubernetesVersion: since } }] : [];
  }
  return [
    {
      text: `BindStrategy.unprivilegedPortSysctl() (restricted, no capability and no image change${old ? `; ${newer}` : ''})`,
      change: { strategy: BindStrategy.unprivilegedPortSysctl(), ...(old ? { minKubernetesVersion: since } : {}) },
    },
  ];
}
