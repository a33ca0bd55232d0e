/**
 * The fixtures every enforcement point is tested with: the same Kubernetes object must give the
 * same rule ids through the Pulumi policy pack, the cdk8s validation plugin and the CLI.
 * `expectedRuleIds` is what `checkObject` says under the default options (strict runtime,
 * latest Pod Security Standards); the table test pins it, the enforcement tests compare to it.
 */

/** One Kubernetes object and the rule ids each enforcement point must report for it. */
export interface EnforcementFixture {
  /** A short id, also the construct id in the cdk8s app. */
  readonly id: string;
  /** Why the object is in the table. */
  readonly description: string;
  /** The Pulumi resource type the object arrives as (`kubernetes:<group>/<version>:<Kind>`). */
  readonly pulumiType: string;
  /** The object, as a manifest (and as the Pulumi resource's inputs). */
  readonly object: Readonly<Record<string, unknown>>;
  /** Every rule id reported for the object, sorted; empty for a compliant one. */
  readonly expectedRuleIds: readonly string[];
  /** Whether an error-severity finding is among them (it fails `cdk8s synth` and is `mandatory` in Pulumi). */
  readonly fails: boolean;
}

/** A container hardened every way the rules ask for, listening on `port`. */
function hardenedContainer(name: string, port: number, protocol = 'TCP'): Record<string, unknown> {
  return {
    name,
    image: `registry.example/${name}:1.0`,
    ports: [{ containerPort: port, protocol }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

function deployment(name: string, podSpec: Record<string, unknown>, podAnnotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, ...(podAnnotations ? { annotations: podAnnotations } : {}) }, spec: podSpec },
    },
  };
}

function pod(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec };
}

function cronJob(name: string, podSpec: Record<string, unknown>, podAnnotations?: Record<string, string>): Record<string, unknown> {
  const metadata = podAnnotations ? { annotations: podAnnotations } : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { metadata, spec: { restartPolicy: 'OnFailure', ...podSpec } } } } },
  };
}

/** The table. */
export const ENFORCEMENT_FIXTURES: readonly EnforcementFixture[] = [
  {
    id: 'high-port',
    description: 'restricted: non-root, no capability, listens on 8080 (the Service maps 80 → 8080)',
    pulumiType: 'kubernetes:apps/v1:Deployment',
    object: deployment('high-port', { containers: [hardenedContainer('web', 8080)] }),
    expectedRuleIds: [],
    fails: false,
  },
  {
    id: 'sysctl-80',
    description: 'restricted: non-root binds 80 because the pod lowers ip_unprivileged_port_start',
    pulumiType: 'kubernetes:core/v1:Pod',
    object: pod('sysctl-80', {
      securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] },
      containers: [hardenedContainer('web', 80)],
    }),
    expectedRuleIds: [],
    fails: false,
  },
  {
    id: 'file-capability',
    description: 'restricted: non-root binary with cap_net_bind_service=+ep, NET_BIND_SERVICE kept in the bounding set',
    pulumiType: 'kubernetes:batch/v1:CronJob',
    object: cronJob('file-capability', {
      containers: [
        {
          ...hardenedContainer('web', 443),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    }, { 'file-capabilities.k8s-least-privilege.dev/web': 'cap_net_bind_service=+ep' }),
    expectedRuleIds: [],
    fails: false,
  },
  {
    id: 'non-root-net-bind',
    description: 'the trap: non-root + add NET_BIND_SERVICE on port 80 — no ambient capabilities, EACCES',
    pulumiType: 'kubernetes:apps/v1:Deployment',
    object: deployment('non-root-net-bind', {
      containers: [
        {
          ...hardenedContainer('web', 80),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    }),
    expectedRuleIds: ['LP001'],
    fails: true,
  },
  {
    id: 'cap-prefix',
    description: 'root, drop ALL, add CAP_NET_BIND_SERVICE: containerd reads CAP_CAP_NET_BIND_SERVICE and grants nothing',
    pulumiType: 'kubernetes:core/v1:Pod',
    object: pod('cap-prefix', {
      containers: [
        {
          name: 'dns',
          image: 'registry.example/dns:1.0',
          ports: [{ containerPort: 53, protocol: 'UDP' }],
          securityContext: {
            runAsUser: 0,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    }),
    expectedRuleIds: ['LP001', 'LP006', 'LP007', 'LP020'],
    fails: true,
  },
  {
    id: 'defaults',
    description: 'nothing set: root with the runtime default capabilities binds 80, and is neither baseline-hardened nor restricted',
    pulumiType: 'kubernetes:apps/v1:Deployment',
    object: deployment('defaults', { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }),
    expectedRuleIds: ['LP002', 'LP004', 'LP009', 'LP011'],
    fails: false,
  },
  {
    id: 'privileged',
    description: 'privileged: true on a scheduled job',
    pulumiType: 'kubernetes:batch/v1:CronJob',
    object: cronJob('privileged', {
      containers: [{ name: 'agent', image: 'registry.example/agent:1.0', securityContext: { privileged: true } }],
    }),
    expectedRuleIds: ['LP009', 'LP010', 'LP011', 'LP020'],
    fails: true,
  },
  {
    id: 'escalations',
    description: 'SYS_ADMIN, hostPort 80 and seccomp Unconfined: each misses baseline, the level required by default, so it fails',
    pulumiType: 'kubernetes:apps/v1:Deployment',
    object: deployment('escalations', {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [
        {
          name: 'web',
          image: 'registry.example/web:1.0',
          ports: [{ containerPort: 8080, hostPort: 80 }],
          securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } },
        },
      ],
    }),
    expectedRuleIds: ['LP005', 'LP011', 'LP013', 'LP020'],
    fails: true,
  },
];
