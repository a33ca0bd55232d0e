import type { ImageFactsLookup } from '../../src/model/image-facts';

/**
 * One compliant and one non-compliant pod per rule, side by side. Every case is a
 * Deployment so the same objects can go through any enforcement point.
 */
export interface RuleCase {
  readonly ruleId: string;
  readonly compliant: object;
  readonly nonCompliant: object;
  /** What the images say (check --images), for rules that compare the manifest with the image. */
  readonly imageFacts?: ImageFactsLookup;
}

/** A restricted, binding container: non-root uid, sysctl for port 80, everything dropped. */
const HARDENED_CONTAINER = {
  name: 'web',
  image: 'example/web',
  ports: [{ containerPort: 80 }],
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

interface Variation {
  container?: object;
  securityContext?: object;
  podSecurityContext?: object;
  podSpec?: object;
  templateAnnotations?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Deployment built from the hardened baseline with a variation applied. */
export function deployment(variation: Variation = {}): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: variation.annotations ?? {} },
    spec: {
      template: {
        metadata: { annotations: variation.templateAnnotations ?? {} },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
            sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }],
            ...variation.podSecurityContext,
          },
          containers: [
            {
              ...HARDENED_CONTAINER,
              ...variation.container,
              securityContext: { ...HARDENED_CONTAINER.securityContext, ...variation.securityContext },
            },
          ],
          ...variation.podSpec,
        },
      },
    },
  };
}

const NO_SYSCTL = { sysctls: [] };
const FILE_CAP = { 'file-capabilities.k8s-least-privilege.dev/web': 'cap_net_bind_service=+ep' };

export const RULE_CASES: readonly RuleCase[] = [
  {
    ruleId: 'LP000',
    compliant: deployment({ annotations: { 'k8s-least-privilege.dev/suppress': 'LP007: needs root' } }),
    nonCompliant: deployment({ annotations: { 'k8s-least-privilege.dev/suppress': 'LP007' } }),
  },
  {
    ruleId: 'LP001',
    compliant: deployment(),
    nonCompliant: deployment({ podSecurityContext: NO_SYSCTL, securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }),
  },
  {
    ruleId: 'LP002',
    compliant: deployment(),
    // The image's USER decides: root binds with NET_BIND_SERVICE, non-root does not.
    nonCompliant: deployment({
      podSecurityContext: { ...NO_SYSCTL, runAsNonRoot: undefined, runAsUser: undefined },
      securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
    }),
  },
  {
    // Under the strict profile nothing binds thanks to the runtime; this rule fires under containerd-2 (see the test).
    ruleId: 'LP003',
    compliant: deployment(),
    nonCompliant: deployment({ podSecurityContext: NO_SYSCTL }),
  },
  { ruleId: 'LP004', compliant: deployment(), nonCompliant: deployment({ securityContext: { capabilities: { drop: ['NET_RAW'] } } }) },
  {
    ruleId: 'LP005',
    compliant: deployment({ templateAnnotations: FILE_CAP, podSecurityContext: NO_SYSCTL, securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }),
    nonCompliant: deployment({ securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'NET_RAW'] } } }),
  },
  { ruleId: 'LP006', compliant: deployment(), nonCompliant: deployment({ securityContext: { capabilities: { drop: ['all'] } } }) },
  {
    ruleId: 'LP007',
    compliant: deployment(),
    nonCompliant: deployment({ podSecurityContext: { runAsNonRoot: false, runAsUser: 0 } }),
  },
  { ruleId: 'LP008', compliant: deployment(), nonCompliant: deployment({ podSecurityContext: { runAsUser: 0 } }) },
  { ruleId: 'LP009', compliant: deployment(), nonCompliant: deployment({ securityContext: { allowPrivilegeEscalation: true } }) },
  { ruleId: 'LP010', compliant: deployment(), nonCompliant: deployment({ securityContext: { privileged: true } }) },
  { ruleId: 'LP011', compliant: deployment(), nonCompliant: deployment({ podSecurityContext: { seccompProfile: undefined } }) },
  { ruleId: 'LP012', compliant: deployment(), nonCompliant: deployment({ podSpec: { hostPID: true } }) },
  { ruleId: 'LP013', compliant: deployment(), nonCompliant: deployment({ container: { ports: [{ containerPort: 80, hostPort: 80 }] } }) },
  {
    ruleId: 'LP014',
    compliant: deployment(),
    nonCompliant: deployment({ podSecurityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } }),
  },
  {
    ruleId: 'LP015',
    compliant: deployment({ templateAnnotations: FILE_CAP }),
    nonCompliant: deployment({ templateAnnotations: { 'file-capabilities.k8s-least-privilege.dev/api': 'cap_net_bind_service=+ep' } }),
  },
  {
    // The image's binary carries no file capability although the annotation says it does.
    ruleId: 'LP017',
    compliant: deployment({ templateAnnotations: { 'file-capabilities.k8s-least-privilege.dev/web': 'cap_chown=+ep' } }),
    nonCompliant: deployment({ templateAnnotations: FILE_CAP }),
    imageFacts: () => ({
      image: 'example/web (oci-archive:web.tar)',
      user: { uid: 1000, configured: '1000', numeric: true },
      userFailure: undefined,
      startFailure: undefined,
      binary: {
        path: '/usr/bin/web',
        fileCapabilities: { permitted: new Set(['CHOWN']), inheritable: new Set(), effective: true, text: 'cap_chown=ep' },
        note: undefined,
      },
      exposedPorts: [],
    }),
  },
  {
    ruleId: 'LP018',
    compliant: deployment({ container: { ports: [{ name: 'http', containerPort: 80 }] } }),
    nonCompliant: deployment({ container: { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 8080 }] } }),
  },
  {
    ruleId: 'LP020',
    compliant: deployment({ annotations: { 'k8s-least-privilege.dev/pod-security-level': 'restricted' } }),
    nonCompliant: deployment({
      annotations: { 'k8s-least-privilege.dev/pod-security-level': 'restricted' },
      securityContext: { capabilities: { drop: ['all'] } },
    }),
  },
];
