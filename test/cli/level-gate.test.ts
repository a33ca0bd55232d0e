import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CheckReport } from '../../src/check/report';
import { runCli } from '../../src/cli/main';

/**
 * The default gate: a workload that misses the required Pod Security level (`--level`, config
 * key `level`, default baseline) is an error (LP020); a stricter level missed stays a warning;
 * the workload's pod-security-level annotation can only raise the level.
 */

const DIR = mkdtempSync(join(tmpdir(), 'level-gate-'));

function workload(name: string, podSpec: Record<string, unknown>, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(annotations === undefined ? {} : { annotations }) },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

const HARDENED = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/** Each way the issue names of missing baseline: a capability, a hostPort, seccomp Unconfined. */
const ESCALATIONS: Record<string, Record<string, unknown>> = {
  'adds SYS_ADMIN': { containers: [{ name: 'app', image: 'example/app:1', securityContext: { ...HARDENED, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }] },
  'hostPort 80': { containers: [{ name: 'app', image: 'example/app:1', ports: [{ containerPort: 8080, hostPort: 80 }], securityContext: HARDENED }] },
  'seccomp Unconfined': {
    securityContext: { seccompProfile: { type: 'Unconfined' } },
    containers: [{ name: 'app', image: 'example/app:1', securityContext: { ...HARDENED, seccompProfile: undefined } }],
  },
};

/** Baseline, not restricted: runs as root (with only NET_BIND_SERVICE). */
const BASELINE_ONLY = {
  containers: [
    {
      name: 'web',
      image: 'example/web:1',
      ports: [{ containerPort: 80 }],
      securityContext: { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'RuntimeDefault' } },
    },
  ],
};

function file(name: string, objects: readonly Record<string, unknown>[]): string {
  const path = join(DIR, name);
  writeFileSync(path, objects.map((object) => stringify(object)).join('---\n'));
  return path;
}

function check(...argv: string[]): { status: number; report: CheckReport; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(['check', '--image-facts', 'assume-none', '--format', 'json', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, report: stdout === '' ? (undefined as never) : (JSON.parse(stdout) as CheckReport), stderr };
}

function gateFindings(report: CheckReport) {
  return report.resources.flatMap((resource) => resource.findings.filter((finding) => finding.ruleId === 'LP020'));
}

describe('the default gate: baseline', () => {
  test.each(Object.keys(ESCALATIONS))('a pod that %s is an error by default (exit 1), naming the failing check', (name) => {
    const { status, report } = check(file(`${name.replace(/ /g, '-')}.yaml`, [workload('app', ESCALATIONS[name])]));
    expect(status).toBe(1);
    expect(report.requiredLevel).toBe('baseline');
    const [finding, ...rest] = gateFindings(report);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', path: 'spec.template.spec', line: expect.any(Number) });
    expect(finding.message).toMatch(/^the pod meets only privileged \(v1\.\d+\), and baseline is the level required of every workload/);
    expect(finding.message).toMatch(/capabilities_baseline|hostPorts|seccompProfile_baseline/);
  });

  test('--level privileged turns the gate off: the same pods exit 0, the checks stay warnings', () => {
    const path = file('all.yaml', Object.entries(ESCALATIONS).map(([name, spec]) => workload(name.replace(/ /g, '-').toLowerCase(), spec)));
    const { status, report } = check('--level', 'privileged', path);
    expect(status).toBe(0);
    expect(gateFindings(report)).toEqual([]);
    expect(report.summary.findings.warning).toBeGreaterThanOrEqual(3);
  });

  test('a pod that meets baseline and misses restricted passes the default gate: restricted stays warnings', () => {
    const { status, report } = check(file('baseline-only.yaml', [workload('web', BASELINE_ONLY)]));
    expect(report.resources[0].podSecurityLevel).toBe('baseline');
    expect(gateFindings(report)).toEqual([]);
    expect(status).toBe(0);
    expect(report.resources[0].findings.map((finding) => finding.severity)).not.toContain('error');
    expect(report.resources[0].findings.length).toBeGreaterThan(0);
  });

  test('--level restricted makes that pod an error, with the restricted checks it misses', () => {
    const { status, report } = check('--level', 'restricted', file('baseline-only-strict.yaml', [workload('web', BASELINE_ONLY)]));
    expect(status).toBe(1);
    expect(report.requiredLevel).toBe('restricted');
    expect(gateFindings(report)[0].message).toMatch(/meets only baseline .* restricted is the level required .*runAsNonRoot/);
  });
});

describe('the annotation raises the level, never lowers it', () => {
  test('pod-security-level: restricted raises the default gate for that workload', () => {
    const path = file('raised.yaml', [
      workload('strict', BASELINE_ONLY, { 'k8s-least-privilege.dev/pod-security-level': 'restricted' }),
      workload('default', BASELINE_ONLY),
    ]);
    const { status, report } = check(path);
    expect(status).toBe(1);
    expect(report.resources.map((resource) => resource.findings.some((finding) => finding.ruleId === 'LP020'))).toEqual([true, false]);
    expect(gateFindings(report)[0].message).toMatch(/^labelled restricted \(v1\.\d+\), and the pod meets only baseline/);
  });

  test('pod-security-level: privileged does not lower the gate; a suppression with its reason does', () => {
    const labelled = workload('agent', ESCALATIONS['adds SYS_ADMIN'], { 'k8s-least-privilege.dev/pod-security-level': 'privileged' });
    expect(check(file('lowered.yaml', [labelled])).status).toBe(1);
    const metadata = labelled.metadata as Record<string, unknown>;
    const suppressed = { ...labelled, metadata: { ...metadata, annotations: { 'k8s-least-privilege.dev/suppress': 'LP020: the node agent mounts filesystems' } } };
    const { status, report } = check(file('suppressed.yaml', [suppressed]));
    expect(status).toBe(0);
    expect(gateFindings(report)).toMatchObject([{ suppressed: true }]);
  });
});

describe('the level setting', () => {
  test('the config file key level, overridden by --level', () => {
    const path = file('config-gate.yaml', [workload('web', BASELINE_ONLY)]);
    const config = join(DIR, 'strict.yaml');
    writeFileSync(config, 'level: restricted\n');
    expect(check('--config', config, path).status).toBe(1);
    expect(check('--config', config, '--level', 'baseline', path).status).toBe(0);
  });

  test('a level that does not exist is a usage error naming the setting, its value and the levels', () => {
    const path = file('any.yaml', [workload('web', BASELINE_ONLY)]);
    expect(check('--level', 'strict', path)).toMatchObject({ status: 2, stderr: expect.stringContaining('--level "strict" is not one of privileged, baseline, restricted') });
    const config = join(DIR, 'wrong.yaml');
    writeFileSync(config, 'level: 3\n');
    expect(check('--config', config, path)).toMatchObject({ status: 2, stderr: expect.stringContaining(`${config}: level 3 is not one of privileged, baseline, restricted`) });
  });

  test('the human summary says which level was required', () => {
    let stdout = '';
    runCli(['check', '--image-facts', 'assume-none', file('human.yaml', [workload('web', BASELINE_ONLY)])], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(stdout).toMatch(/under runtime profile strict, required level baseline:/);
  });
});
