import { podSecurityCheckRule } from './pod-security-check-rule';

/** LP009: allowPrivilegeEscalation is not false (no no_new_privs). */
export const privilegeEscalationAllowed = podSecurityCheckRule({
  id: 'LP009',
  name: 'privilege-escalation-allowed',
  title: 'allowPrivilegeEscalation is not set to false',
  severity: 'warning',
  podSecurityChecks: ['allowPrivilegeEscalation'],
  rationale:
    'Without no_new_privs a setuid binary or a file capability can raise privileges after exec. no_new_privs does not stop ' +
    'a file capability whose capability the runtime already put in the permitted set, so the file-capability strategy keeps working.',
  remediation: 'securityContext:\n  allowPrivilegeEscalation: false',
});

/** LP010: a privileged container. */
export const privilegedContainer = podSecurityCheckRule({
  id: 'LP010',
  name: 'privileged-container',
  title: 'A container is privileged',
  severity: 'error',
  podSecurityChecks: ['privileged'],
  rationale: 'privileged: true gives every capability and the host\'s devices: a container escape is one step away. Binding a port never needs it.',
  remediation: 'Remove privileged: true; bind privileged ports with NET_BIND_SERVICE, the sysctl or a high port.',
});

/** LP011: no seccomp profile (RuntimeDefault or Localhost). */
export const seccompProfileMissing = podSecurityCheckRule({
  id: 'LP011',
  name: 'seccomp-profile-missing',
  title: 'No seccomp profile (RuntimeDefault or Localhost) is set',
  severity: 'warning',
  podSecurityChecks: ['seccompProfile_baseline', 'seccompProfile_restricted'],
  rationale: 'Kubernetes runs containers Unconfined unless a profile is set; RuntimeDefault blocks hundreds of rarely needed syscalls.',
  remediation: 'securityContext:   # pod level\n  seccompProfile:\n    type: RuntimeDefault\n(cdk8s-plus-27 has no seccomp field: HardenedContainer sets it.)',
});

/** LP012: host namespaces. */
export const hostNamespaces = podSecurityCheckRule({
  id: 'LP012',
  name: 'host-namespaces',
  title: 'The pod shares a host namespace (hostNetwork, hostPID, hostIPC)',
  severity: 'warning',
  podSecurityChecks: ['hostNamespaces'],
  rationale:
    "A pod in the host's network namespace binds the node's ports, sees its interfaces and cannot use the ip_unprivileged_port_start sysctl.",
  remediation: 'Remove hostNetwork/hostPID/hostIPC; expose the port through a Service (or hostPort only if unavoidable).',
});

/** LP013: hostPort. */
export const hostPortUsed = podSecurityCheckRule({
  id: 'LP013',
  name: 'host-port',
  title: 'A container port is published on the node with hostPort',
  severity: 'warning',
  podSecurityChecks: ['hostPorts'],
  rationale: 'hostPort ties the pod to a node port and bypasses NetworkPolicy on many CNIs; PSS baseline forbids it.',
  remediation: 'Remove hostPort and expose the port through a Service of type ClusterIP, NodePort or LoadBalancer.',
});

/** LP014: sysctls outside the safe set. */
export const unsafeSysctl = podSecurityCheckRule({
  id: 'LP014',
  name: 'unsafe-sysctl',
  title: 'The pod sets a sysctl outside the safe set',
  severity: 'warning',
  podSecurityChecks: ['sysctls'],
  rationale:
    'The kubelet rejects unsafe sysctls unless the node allows them (SysctlForbidden), and PSS baseline forbids them. ' +
    'net.ipv4.ip_unprivileged_port_start is in the safe set.',
  remediation: 'Keep only the safe sysctls (net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_port_range, net.ipv4.ping_group_range, …).',
});
