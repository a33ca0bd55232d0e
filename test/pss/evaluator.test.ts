import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import type { PodSecurityEvaluation } from '../../src/model/pod-security-types';
import { evaluatePodSecurity, LATEST_POLICY_VERSION, levelVerdict, missedLevelPhrase, POD_SECURITY_CHECKS, resolvePolicyVersion } from '../../src/model/pss';

/** A pod whose containers are all restricted-compliant unless a test changes them. */
function restrictedContainer(name: string, securityContext: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    image: 'registry.k8s.io/pause',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
  };
}

function restrictedPod(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'p', ...metadata },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('web')],
      ...spec,
    },
  };
}

const ids = (e: PodSecurityEvaluation): string[] => e.violations.map((v) => v.checkId);
const violation = (e: PodSecurityEvaluation, id: string) => e.violations.find((v) => v.checkId === id);

describe('policy versions', () => {
  it('resolves latest and the default to the newest version', () => {
    expect(LATEST_POLICY_VERSION).toBe('v1.37');
    expect(resolvePolicyVersion()).toBe('v1.37');
    expect(resolvePolicyVersion('latest')).toBe('v1.37');
    expect(evaluatePodSecurity(restrictedPod()).version).toBe('v1.37');
  });

  it('keeps known versions and evaluates future ones as the newest, as upstream does', () => {
    expect(resolvePolicyVersion('v1.0')).toBe('v1.0');
    expect(resolvePolicyVersion('v1.25')).toBe('v1.25');
    expect(resolvePolicyVersion('v1.40')).toBe('v1.37');
    expect(evaluatePodSecurity(restrictedPod(), { version: 'v1.99' }).version).toBe('v1.37');
  });

  it.each(['v0.9', 'v1.01', '1.25', 'v1', 'v2.0', 'v1.-1', '', 'Latest', 'v1.99999999999999999999'])(
    'rejects %j with a RangeError naming the accepted forms',
    (version) => {
      expect(() => resolvePolicyVersion(version)).toThrow(RangeError);
      expect(() => evaluatePodSecurity(restrictedPod(), { version })).toThrow(/expected "latest" or "v1.N"/);
    },
  );

  it('applies the checks of the requested version (sysctls grow by version)', () => {
    const pod = restrictedPod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] } });
    expect(evaluatePodSecurity(pod, { version: 'v1.31' }).level).toBe('privileged');
    expect(evaluatePodSecurity(pod, { version: 'v1.32' }).level).toBe('restricted');
  });
});

describe('levels and violations', () => {
  it('meets restricted with no violation', () => {
    expect(evaluatePodSecurity(restrictedPod())).toEqual({
      version: 'v1.37',
      level: 'restricted',
      violations: [],
      levels: { baseline: { allowed: true, violations: [] }, restricted: { allowed: true, violations: [] } },
    });
  });

  it('reports both a baseline check and the restricted check that overrides it', () => {
    const e = evaluatePodSecurity(restrictedPod({ volumes: [{ name: 'host', hostPath: { path: '/' } }] }));
    expect(e.level).toBe('privileged');
    expect(ids(e)).toEqual(['hostPathVolumes', 'restrictedVolumes']);
    expect(violation(e, 'hostPathVolumes')).toMatchObject({ level: 'baseline', detail: 'volume "host"', fieldPaths: ['spec.volumes[0].hostPath'] });
    expect(violation(e, 'restrictedVolumes')?.detail).toBe('volume "host" uses restricted volume type "hostPath"');
    // Each level runs its own checks: restricted runs restrictedVolumes instead of hostPathVolumes.
    expect(e.levels.baseline.violations.map((v) => v.checkId)).toEqual(['hostPathVolumes']);
    expect(e.levels.restricted.violations.map((v) => v.checkId)).toEqual(['restrictedVolumes']);
  });

  it('treats a volume with no source as the emptyDir the API server defaults it to', () => {
    expect(evaluatePodSecurity(restrictedPod({ volumes: [{ name: 'scratch' }] })).level).toBe('restricted');
  });

  it('meets baseline only when just restricted checks fail', () => {
    const e = evaluatePodSecurity(restrictedPod({ containers: [{ name: 'web', image: 'nginx' }] }));
    expect(e.level).toBe('baseline');
    expect(ids(e)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
    expect(e.violations.every((v) => v.level === 'restricted')).toBe(true);
  });

  it('checks init and ephemeral containers, with their own field paths', () => {
    const e = evaluatePodSecurity(
      restrictedPod({
        initContainers: [restrictedContainer('init', { privileged: true })],
        ephemeralContainers: [restrictedContainer('debug', { capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } })],
      }),
    );
    expect(violation(e, 'privileged')).toMatchObject({
      container: 'init',
      fieldPaths: ['spec.initContainers[0].securityContext.privileged'],
      detail: 'container "init" must not set securityContext.privileged=true',
    });
    expect(violation(e, 'capabilities_restricted')).toMatchObject({
      container: 'debug',
      fieldPaths: ['spec.ephemeralContainers[0].securityContext.capabilities.add'],
    });
  });

  it('groups containers per check as upstream does, naming no single container', () => {
    const e = evaluatePodSecurity({ metadata: {}, spec: { containers: [{ name: 'a' }, { name: 'b' }] } });
    expect(violation(e, 'runAsNonRoot')).toMatchObject({
      reason: 'runAsNonRoot != true',
      detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
      fieldPaths: ['spec.containers[0].securityContext.runAsNonRoot', 'spec.containers[1].securityContext.runAsNonRoot'],
    });
    expect(violation(e, 'runAsNonRoot')?.container).toBeUndefined();
  });

  it('words details like the admission controller', () => {
    const e = evaluatePodSecurity({
      metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } },
      spec: {
        hostNetwork: true,
        hostPID: true,
        securityContext: { seLinuxOptions: { type: 'spc_t', user: 'root' } },
        containers: [{ name: 'web', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
      },
    });
    expect(e.violations.map((v) => `${v.checkId} | ${v.reason}: ${v.detail}`)).toEqual([
      'appArmorProfile | forbidden AppArmor profiles: container "web" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/web="unconfined""',
      'hostNamespaces | host namespaces: hostNetwork=true, hostPID=true',
      'hostPorts | hostPort: container "web" uses hostPort 80',
      'seLinuxOptions | seLinuxOptions: pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set',
      'allowPrivilegeEscalation | allowPrivilegeEscalation != false: container "web" must set securityContext.allowPrivilegeEscalation=false',
      'capabilities_restricted | unrestricted capabilities: container "web" must set securityContext.capabilities.drop=["ALL"]',
      'runAsNonRoot | runAsNonRoot != true: pod or container "web" must set securityContext.runAsNonRoot=true',
      'seccompProfile_restricted | seccompProfile: pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    ]);
    expect(violation(e, 'appArmorProfile')?.fieldPaths).toEqual([
      'spec.containers[0].securityContext.appArmorProfile.type',
      "metadata.annotations['container.apparmor.security.beta.kubernetes.io/web']",
    ]);
  });
});

describe('capability names are compared exactly', () => {
  const withCapabilities = (capabilities: unknown) => restrictedPod({ containers: [restrictedContainer('web', { capabilities })] });

  it('accepts drop ALL + add NET_BIND_SERVICE at restricted', () => {
    expect(evaluatePodSecurity(withCapabilities({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] })).level).toBe('restricted');
  });

  it('fails restricted for drop ["all"], which the runtime would still honour', () => {
    const e = evaluatePodSecurity(withCapabilities({ drop: ['all'] }));
    expect(e.level).toBe('baseline');
    expect(violation(e, 'capabilities_restricted')?.detail).toBe('container "web" must set securityContext.capabilities.drop=["ALL"]');
  });

  it.each(['CAP_NET_BIND_SERVICE', 'net_bind_service'])('does not treat %s as NET_BIND_SERVICE at baseline', (name) => {
    const e = evaluatePodSecurity(withCapabilities({ drop: ['ALL'], add: [name] }));
    expect(e.level).toBe('privileged');
    expect(violation(e, 'capabilities_baseline')?.detail).toBe(`container "web" must not include "${name}" in securityContext.capabilities.add`);
  });

  it('applies capabilities_baseline at restricted before v1.22 and capabilities_restricted from v1.22', () => {
    const pod = withCapabilities({ add: ['NET_RAW'] });
    expect(ids(evaluatePodSecurity(pod, { version: 'v1.21' }))).toEqual(['capabilities_baseline']);
    expect(ids(evaluatePodSecurity(pod, { version: 'v1.22' }))).toEqual(['capabilities_baseline', 'capabilities_restricted']);
  });
});

describe('pod-level and container-level fields', () => {
  it('lets containers inherit pod-level runAsNonRoot and seccompProfile', () => {
    expect(evaluatePodSecurity(restrictedPod()).level).toBe('restricted');
  });

  it('lets a container-level value override the pod-level one', () => {
    const e = evaluatePodSecurity(
      restrictedPod({ containers: [restrictedContainer('web', { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } })] }),
    );
    expect(violation(e, 'runAsNonRoot')).toMatchObject({ container: 'web', detail: 'container "web" must not set securityContext.runAsNonRoot=false' });
    expect(violation(e, 'seccompProfile_baseline')?.detail).toBe('container "web" must not set securityContext.seccompProfile.type to "Unconfined"');
  });

  it('rejects a pod-level runAsNonRoot=false even when every container sets true', () => {
    const e = evaluatePodSecurity(
      restrictedPod({
        securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [restrictedContainer('web', { runAsNonRoot: true })],
      }),
    );
    expect(violation(e, 'runAsNonRoot')).toMatchObject({ detail: 'pod must not set securityContext.runAsNonRoot=false', fieldPaths: ['spec.securityContext.runAsNonRoot'] });
  });

  it('names pod and containers together when both set a forbidden value', () => {
    const e = evaluatePodSecurity(
      restrictedPod({
        securityContext: { runAsNonRoot: true, windowsOptions: { hostProcess: true }, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [restrictedContainer('a', { windowsOptions: { hostProcess: true } }), restrictedContainer('b', { windowsOptions: { hostProcess: true } })],
      }),
    );
    expect(violation(e, 'windowsHostProcess')?.detail).toBe('pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true');
  });
});

describe('windows pods (spec.os.name)', () => {
  const windowsPod = { metadata: {}, spec: { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'iis' }] } };

  it('exempts Windows pods from capabilities, seccomp and allowPrivilegeEscalation from v1.25', () => {
    expect(evaluatePodSecurity(windowsPod, { version: 'v1.25' }).level).toBe('restricted');
  });

  it('does not exempt them before v1.25', () => {
    expect(ids(evaluatePodSecurity(windowsPod, { version: 'v1.24' }))).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]);
  });

  it('judges each level with its own checks: restricted may admit a Windows pod that baseline refuses (v1.25+)', () => {
    // seccompProfile_restricted (Windows pods exempt) replaces seccompProfile_baseline at restricted;
    // capabilities_restricted replaces capabilities_baseline likewise.
    const pod = {
      metadata: {},
      spec: {
        ...windowsPod.spec,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
        containers: [{ name: 'iis', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
      },
    };
    const e = evaluatePodSecurity(pod, { version: 'v1.25' });
    expect(e.levels.restricted).toEqual({ allowed: true, violations: [] });
    expect(e.levels.baseline.allowed).toBe(false);
    expect(e.levels.baseline.violations.map((v) => v.checkId)).toEqual(['capabilities_baseline', 'seccompProfile_baseline']);
    expect(e.level).toBe('restricted');
    expect(levelVerdict(e, 'privileged')).toEqual({ allowed: true, violations: [] });
    expect(missedLevelPhrase(e, 'baseline')).toBe('meets restricted but not baseline');
    // Before v1.25 the restricted checks do not exempt Windows pods: neither level admits it.
    expect(evaluatePodSecurity(pod, { version: 'v1.24' })).toMatchObject({
      level: 'privileged',
      levels: { baseline: { allowed: false }, restricted: { allowed: false } },
    });
  });

  it('still requires runAsNonRoot and the baseline checks of Windows pods', () => {
    const e = evaluatePodSecurity({ metadata: {}, spec: { ...windowsPod.spec, securityContext: { windowsOptions: { hostProcess: true } } } });
    expect(ids(e)).toEqual(['windowsHostProcess', 'runAsNonRoot']);
  });
});

describe('hostUsers: false (user namespaces)', () => {
  const rootInUserNamespace = (hostUsers: unknown) => ({
    metadata: {},
    spec: {
      hostUsers,
      securityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('web', { procMount: 'Unmasked' })],
    },
  });

  it('relaxes runAsNonRoot, runAsUser and baseline procMount from v1.35', () => {
    const e = evaluatePodSecurity(rootInUserNamespace(false), { version: 'v1.35' });
    expect(ids(e)).toEqual(['procMount_restricted']);
    expect(e.level).toBe('baseline');
  });

  it('does not relax them at v1.34', () => {
    const e = evaluatePodSecurity(rootInUserNamespace(false), { version: 'v1.34' });
    expect(ids(e)).toEqual(['procMount', 'runAsNonRoot', 'runAsUser']);
    expect(e.level).toBe('privileged');
  });

  it.each([true, 'false', undefined])('relaxes nothing for hostUsers %j', (hostUsers) => {
    expect(ids(evaluatePodSecurity(rootInUserNamespace(hostUsers)))).toEqual(['procMount', 'procMount_restricted', 'runAsNonRoot', 'runAsUser']);
  });
});

describe('seccomp annotations before v1.19', () => {
  it('judges the alpha annotations, not the fields, up to v1.18', () => {
    const pod = {
      metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/web': 'docker/default' } },
      spec: { containers: [{ name: 'web', securityContext: { seccompProfile: { type: 'Unconfined' } } }] },
    };
    expect(violation(evaluatePodSecurity(pod, { version: 'v1.18' }), 'seccompProfile_baseline')).toMatchObject({
      detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      fieldPaths: ["metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']"],
    });
    expect(violation(evaluatePodSecurity(pod, { version: 'v1.19' }), 'seccompProfile_baseline')?.detail).toBe(
      'container "web" must not set securityContext.seccompProfile.type to "Unconfined"',
    );
  });
});

describe('probe and lifecycle hosts (v1.34)', () => {
  const pod = restrictedPod({
    containers: [{ ...restrictedContainer('web'), livenessProbe: { httpGet: { host: 'b.example', port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: 'a.example', port: 80 } } } }],
  });

  it('is not checked before v1.34', () => {
    expect(evaluatePodSecurity(pod, { version: 'v1.33' }).level).toBe('restricted');
  });

  it('names the container and the sorted hosts', () => {
    expect(violation(evaluatePodSecurity(pod, { version: 'v1.34' }), 'hostProbesAndHostLifecycle')).toMatchObject({
      detail: 'container "web" uses probe or lifecycle hosts "a.example", "b.example"',
      fieldPaths: ['spec.containers[0].livenessProbe.httpGet.host', 'spec.containers[0].lifecycle.preStop.tcpSocket.host'],
    });
  });
});

describe('malformed input', () => {
  it.each([
    ['null pod parts', { metadata: null, spec: null }],
    ['scalar spec', { metadata: 'x', spec: 42 }],
    ['containers not a list', { metadata: {}, spec: { containers: 'web' } }],
    ['null container and security context', { metadata: {}, spec: { containers: [null, { name: 'a', securityContext: null }] } }],
    ['capabilities as a string', { metadata: {}, spec: { containers: [{ name: 'a', securityContext: { capabilities: 'ALL' } }] } }],
    ['annotations as a list', { metadata: { annotations: ['x'] }, spec: {} }],
    ['volumes of scalars', { metadata: {}, spec: { volumes: [1, 'x', null] } }],
  ])('does not throw on %s', (_, pod) => {
    expect(() => evaluatePodSecurity(pod as never)).not.toThrow();
  });

  it('never reads a wrongly typed restricted value as compliant (fail closed)', () => {
    const e = evaluatePodSecurity(
      restrictedPod({
        hostNetwork: 'true',
        securityContext: { runAsNonRoot: 'true', runAsUser: '0', seccompProfile: { type: 'RuntimeDefault' } },
        containers: [restrictedContainer('web', { privileged: 'yes', allowPrivilegeEscalation: 'false', capabilities: { drop: 'ALL', add: 'NET_RAW' } })],
      }),
    );
    expect(ids(e)).toEqual([
      'capabilities_baseline',
      'hostNamespaces',
      'privileged',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'runAsUser',
    ]);
    expect(violation(e, 'hostNamespaces')?.detail).toBe('hostNetwork=true');
  });

  it('never throws on arbitrary JSON-like pods', () => {
    const key = fc.constantFrom(
      'metadata', 'annotations', 'spec', 'containers', 'initContainers', 'ephemeralContainers', 'securityContext', 'capabilities',
      'add', 'drop', 'name', 'privileged', 'volumes', 'hostPath', 'ports', 'hostPort', 'sysctls', 'seccompProfile', 'type',
      'seLinuxOptions', 'appArmorProfile', 'windowsOptions', 'hostProcess', 'procMount', 'os', 'hostUsers', 'runAsUser',
      'runAsNonRoot', 'livenessProbe', 'httpGet', 'host', 'lifecycle', 'preStop', '__proto__', 'constructor',
    );
    const value = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 5 })),
    })).tree;
    fc.assert(
      fc.property(value, value, (metadata, spec) => {
        for (const version of ['v1.0', 'v1.18', 'v1.25', 'latest']) {
          const e = evaluatePodSecurity({ metadata, spec }, { version });
          expect(['privileged', 'baseline', 'restricted']).toContain(e.level);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('POD_SECURITY_CHECKS', () => {
  it('lists every upstream check once, baseline then restricted, each in upstream order', () => {
    const byLevel = (level: string) => POD_SECURITY_CHECKS.filter((c) => c.level === level).map((c) => c.id);
    const sorted = (xs: string[]) => [...xs].sort();
    expect(POD_SECURITY_CHECKS.map((c) => c.id)).toEqual([...byLevel('baseline'), ...byLevel('restricted')]);
    expect(byLevel('baseline')).toEqual(sorted(byLevel('baseline')));
    expect(byLevel('restricted')).toEqual(sorted(byLevel('restricted')));
    expect(POD_SECURITY_CHECKS).toHaveLength(19);
    for (const check of POD_SECURITY_CHECKS) {
      expect(check.versions.length).toBeGreaterThan(0);
      expect(check.documentation).toMatch(/^https:\/\/kubernetes\.io\//);
      expect(check.source).toMatch(/^https:\/\/github\.com\/kubernetes\/pod-security-admission\//);
    }
  });

  it('are all documented in docs/pod-security.md', () => {
    const docs = fs.readFileSync(path.resolve(__dirname, '../../docs/pod-security.md'), 'utf8');
    for (const check of POD_SECURITY_CHECKS) {
      expect(docs).toContain(`\`${check.id}\``);
      for (const version of check.versions) expect(docs).toContain(version.since);
    }
  });
});

describe('performance', () => {
  it('evaluates 20,000 pods quickly', () => {
    const pods = Array.from({ length: 20_000 }, (_, i) =>
      restrictedPod({ containers: [restrictedContainer(`c${i}`), restrictedContainer('sidecar', { runAsUser: i % 3 })] }),
    );
    const start = process.hrtime.bigint();
    for (const pod of pods) evaluatePodSecurity(pod);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    expect(seconds).toBeLessThan(10);
  });
});
