import type { ContainerAnalysis } from '../model/bind-analysis';
import { canonicalCapabilityName, isAllCapabilities, NET_BIND_SERVICE } from '../model/capabilities';
import { containerFindings, declaresPrivilegedPort } from './support/container-findings';
import { defineRule } from './support/rule';
import { BASELINE_ADDABLE_CAPABILITIES } from '../model/pss/checks/capabilities-baseline';

/** LP005: capabilities added that binding a port does not need. */
export const capabilitiesBeyondNeed = defineRule({
  id: 'LP005',
  name: 'capabilities-beyond-need',
  title: 'A container adds capabilities beyond NET_BIND_SERVICE, or NET_BIND_SERVICE without a privileged port',
  severity: 'warning',
  podSecurityChecks: ['capabilities_baseline', 'capabilities_restricted'],
  rationale:
    'Every added capability widens what a compromised process can do. Binding a port needs NET_BIND_SERVICE and only ' +
    'for a port below ip_unprivileged_port_start; PSS baseline allows adding only the runtime\'s default capabilities ' +
    '(without NET_RAW), restricted only NET_BIND_SERVICE. A non-root container whose binary carries a file ' +
    'capability needs NET_BIND_SERVICE in its bounding set even without a declared port: with drop [ALL], exec of ' +
    'that binary fails with EPERM without it.',
  remediation:
    'Remove capabilities.add entries the program does not need, and say what Pod Security allows; declare the ports a ' +
    'container binds (containerPort); remove NET_BIND_SERVICE only from a root container whose binary has no file capability.',
  check: (input) =>
    containerFindings(input, (container) => {
      const extra = container.securityContext.add.filter((name) => isAllCapabilities(name) || canonicalCapabilityName(name) !== NET_BIND_SERVICE);
      if (extra.length > 0) return { message: `adds ${extra.join(', ')}: ${podSecurityOf(extra)}; binding a port needs only NET_BIND_SERVICE`, field: 'capabilities.add' };
      const addsNetBindService = container.securityContext.add.some((name) => canonicalCapabilityName(name) === NET_BIND_SERVICE);
      return addsNetBindService && !declaresPrivilegedPort(container) ? { message: withoutPrivilegedPort(container), field: 'capabilities.add' } : undefined;
    }),
});

/** What Pod Security says of added capabilities other than NET_BIND_SERVICE (names as written, as PSA compares them). */
function podSecurityOf(extra: readonly string[]): string {
  const beyondBaseline = extra.filter((name) => !BASELINE_ADDABLE_CAPABILITIES.has(name));
  if (beyondBaseline.length > 0) {
    return `Pod Security baseline forbids adding ${beyondBaseline.join(', ')} (only the runtime's default capabilities without NET_RAW), so the pod meets privileged only`;
  }
  return 'Pod Security baseline allows them, restricted allows adding only NET_BIND_SERVICE';
}

/**
 * NET_BIND_SERVICE added with no port below 1024 declared. Removing it is advice only for a
 * root container whose binary has no file capability: a binary that carries one (or may, as
 * far as the manifest tells) fails exec with EPERM once NET_BIND_SERVICE leaves the bounding set.
 */
function withoutPrivilegedPort(container: ContainerAnalysis): string {
  const context = container.securityContext;
  const fileCapability = context.fileCapabilities?.permitted.has(NET_BIND_SERVICE) === true;
  if (context.user.kind === 'root' && !fileCapability) return 'adds NET_BIND_SERVICE but declares no port below 1024: remove it, or declare the port it binds';
  const why = fileCapability
    ? 'its binary carries cap_net_bind_service, so exec fails with EPERM without it in the bounding set'
    : 'if its binary carries the file capability cap_net_bind_service, exec fails with EPERM without it in the bounding set';
  return `adds NET_BIND_SERVICE but declares no port below 1024: declare the port the program binds (containerPort) — keep NET_BIND_SERVICE: ${why}`;
}
