/** Small builders for pods in tests: one container, the fields a case varies. */
export interface ContainerCase {
  readonly runAsUser?: unknown;
  readonly runAsNonRoot?: unknown;
  readonly add?: unknown[];
  readonly drop?: unknown[];
  readonly privileged?: unknown;
  readonly allowPrivilegeEscalation?: unknown;
  readonly ports?: unknown[];
  readonly fileCapabilities?: unknown;
  readonly sysctl?: unknown;
  readonly hostNetwork?: unknown;
  readonly podSecurityContext?: Record<string, unknown>;
  readonly os?: string;
}

/** A pod with one container named `web` built from a case. */
export function podOf(c: ContainerCase): { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  const securityContext: Record<string, unknown> = {};
  if (c.runAsUser !== undefined) securityContext.runAsUser = c.runAsUser;
  if (c.runAsNonRoot !== undefined) securityContext.runAsNonRoot = c.runAsNonRoot;
  if (c.privileged !== undefined) securityContext.privileged = c.privileged;
  if (c.allowPrivilegeEscalation !== undefined) securityContext.allowPrivilegeEscalation = c.allowPrivilegeEscalation;
  if (c.add !== undefined || c.drop !== undefined) {
    securityContext.capabilities = { ...(c.add ? { add: c.add } : {}), ...(c.drop ? { drop: c.drop } : {}) };
  }
  const podSecurityContext: Record<string, unknown> = { ...(c.podSecurityContext ?? {}) };
  if (c.sysctl !== undefined) podSecurityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: c.sysctl }];
  return {
    metadata: c.fileCapabilities === undefined ? {} : { annotations: { 'file-capabilities.k8s-least-privilege.dev/web': c.fileCapabilities } },
    spec: {
      ...(c.hostNetwork !== undefined ? { hostNetwork: c.hostNetwork } : {}),
      ...(c.os ? { os: { name: c.os } } : {}),
      securityContext: podSecurityContext,
      containers: [{ name: 'web', image: 'example/web', securityContext, ports: c.ports ?? [{ containerPort: 80 }] }],
    },
  };
}
