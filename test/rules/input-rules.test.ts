import { dump } from 'js-yaml';
import { checkInputs } from '../../src/check/check-inputs';
import type { FindingReport, ResourceReport } from '../../src/check/report';
import type { InputSource } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';

function check(...objects: object[]): ResourceReport[] {
  const source: InputSource = { file: 'input.yaml', ok: true, text: objects.map((o) => dump(o)).join('---\n') };
  return [...checkInputs([source], { runtimeProfile: findRuntimeProfile('strict')! }).resources];
}

function findingsOf(resource: ResourceReport, ruleId: string): FindingReport[] {
  return resource.findings.filter((finding) => finding.ruleId === ruleId);
}

/** A restricted pod template listening on `port`, named `http`, labelled app=web. */
function deployment(port: number, extra: { namespace?: string; securityContext?: object } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(extra.namespace ? { namespace: extra.namespace } : {}) },
    spec: {
      template: {
        metadata: { labels: { app: 'web', tier: 'front' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'web',
              image: 'example/web',
              ports: [{ name: 'http', containerPort: port }],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...extra.securityContext },
            },
          ],
        },
      },
    },
  };
}

function service(targetPort: number | string | undefined, extra: { selector?: object; protocol?: string; annotations?: object } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', annotations: extra.annotations ?? {} },
    spec: {
      selector: extra.selector ?? { app: 'web' },
      ports: [{ port: 80, ...(targetPort === undefined ? {} : { targetPort }), ...(extra.protocol ? { protocol: extra.protocol } : {}) }],
    },
  };
}

describe('LP016 service-target-port-unmatched', () => {
  test('the half-done move to a high port: the Service still targets 80', () => {
    const [, svc] = check(deployment(8080), service(80));
    const [finding] = findingsOf(svc, 'LP016');
    expect(finding).toMatchObject({ severity: 'warning', path: 'spec.ports[0].targetPort', line: 39 });
    expect(finding.message).toMatch(/targets 80, which no container of Deployment\/web declares \(declared: 8080\/TCP "http"\)/);
  });

  test.each([
    ['the number', 8080],
    ['the name', 'http'],
  ])('targeting %s of a declared port is fine', (_what, target) => {
    expect(findingsOf(check(deployment(8080), service(target))[1], 'LP016')).toEqual([]);
  });

  test('no targetPort means the port itself', () => {
    expect(findingsOf(check(deployment(8080), service(undefined))[1], 'LP016')).toHaveLength(1);
    expect(findingsOf(check(deployment(80), service(undefined))[1], 'LP016')).toEqual([]);
  });

  test('a named targetPort that nothing declares, and a protocol mismatch', () => {
    expect(findingsOf(check(deployment(8080), service('web'))[1], 'LP016')).toHaveLength(1);
    expect(findingsOf(check(deployment(8080), service(8080, { protocol: 'UDP' }))[1], 'LP016')).toHaveLength(1);
  });

  test('nothing is said when the selected pods are not in the input', () => {
    expect(findingsOf(check(deployment(8080), service(80, { selector: { app: 'api' } }))[1], 'LP016')).toEqual([]);
    expect(findingsOf(check(service(80))[0], 'LP016')).toEqual([]);
  });

  test('a suppression on the Service, with its reason', () => {
    const [, svc] = check(deployment(8080), service(80, { annotations: { 'k8s-least-privilege.dev/suppress': 'LP016: the app also listens on 80' } }));
    expect(findingsOf(svc, 'LP016')[0]).toMatchObject({ suppressed: true, suppressionReason: 'the app also listens on 80' });
  });
});

function namespace(labels: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels } };
}

const KEEPS_CAPABILITIES = { capabilities: { drop: ['NET_RAW'] } };

describe('LP021/LP022: the level a Namespace in the same input sets', () => {
  test('a pod that misses the enforced level is an error naming the failing check', () => {
    const [, workload] = check(namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), deployment(8080, { namespace: 'shop', securityContext: KEEPS_CAPABILITIES }));
    const [finding] = findingsOf(workload, 'LP021');
    expect(finding).toMatchObject({ severity: 'error', path: 'metadata.namespace', line: 12 });
    expect(finding.message).toMatch(/pod-security.kubernetes.io\/enforce=restricted \(v1.37\).*meets only baseline.*capabilities_restricted/);
  });

  test('the enforce-version label pins the policy: capabilities_restricted exists only from v1.22', () => {
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.21' };
    const [, workload] = check(namespace(labels), deployment(8080, { namespace: 'shop', securityContext: KEEPS_CAPABILITIES }));
    expect(findingsOf(workload, 'LP021')).toEqual([]);
  });

  test('warn and audit labels are warnings', () => {
    const [, workload] = check(namespace({ 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' }), deployment(8080, { namespace: 'shop', securityContext: KEEPS_CAPABILITIES }));
    expect(findingsOf(workload, 'LP022').map((f) => f.message.match(/kubernetes.io\/(\w+)=/)?.[1])).toEqual(['warn', 'audit']);
    expect(findingsOf(workload, 'LP021')).toEqual([]);
  });

  test('a pod that meets the level, one in another namespace, or a level that is not one say nothing', () => {
    expect(findingsOf(check(namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), deployment(8080, { namespace: 'shop' }))[1], 'LP021')).toEqual([]);
    expect(findingsOf(check(namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), deployment(8080, { namespace: 'other', securityContext: KEEPS_CAPABILITIES }))[1], 'LP021')).toEqual([]);
    expect(findingsOf(check(namespace({ 'pod-security.kubernetes.io/enforce': 'strict' }), deployment(8080, { namespace: 'shop', securityContext: KEEPS_CAPABILITIES }))[1], 'LP021')).toEqual([]);
  });
});

describe('each Pod Security level judged with its own checks, as admission judges it', () => {
  // From v1.25 seccompProfile_restricted exempts Windows pods and replaces seccompProfile_baseline
  // at restricted: restricted admits this pod, baseline refuses it.
  const windowsPod = (annotations: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'iis', namespace: 'shop', annotations },
    spec: {
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'iis', image: 'mcr.microsoft.com/windows/servercore/iis' }],
    },
  });

  test('the JSON report gives each level its verdict and failing checks', () => {
    const [pod] = check(windowsPod());
    expect(pod.podSecurityLevel).toBe('restricted');
    expect(pod.podSecurity).toEqual({
      baseline: { allowed: false, checks: [{ id: 'seccompProfile_baseline', reason: 'seccompProfile' }] },
      restricted: { allowed: true, checks: [] },
    });
  });

  test('LP021 judges an enforced baseline by baseline\'s checks, not by the level the pod meets', () => {
    const [, baseline] = check(namespace({ 'pod-security.kubernetes.io/enforce': 'baseline' }), windowsPod());
    expect(findingsOf(baseline, 'LP021').map((f) => f.message)).toEqual([
      expect.stringMatching(/enforce=baseline \(v1.37\) and the pod meets restricted but not baseline: .*failing: seccompProfile_baseline/),
    ]);
    const [, restricted] = check(namespace({ 'pod-security.kubernetes.io/enforce': 'restricted' }), windowsPod());
    expect(findingsOf(restricted, 'LP021')).toEqual([]);
  });

  test('LP020 likewise, for the level the workload is labelled for', () => {
    const [labelledBaseline] = check(windowsPod({ 'k8s-least-privilege.dev/pod-security-level': 'baseline' }));
    expect(findingsOf(labelledBaseline, 'LP020').map((f) => f.message)).toEqual([
      expect.stringMatching(/labelled baseline \(v1.37\), and the pod meets restricted but not baseline: seccompProfile_baseline/),
    ]);
    const [labelledRestricted] = check(windowsPod({ 'k8s-least-privilege.dev/pod-security-level': 'restricted' }));
    expect(findingsOf(labelledRestricted, 'LP020')).toEqual([]);
  });
});
