/**
 * The checker checks the objects of the input one at a time, with what each needs of the others
 * from the input's index (src/check/cross-resource-index.ts): the Service targets of a workload,
 * a Service's input-rule findings, a pod's Namespaces. This compares it, on random inputs where
 * Services, workloads and Namespaces come in any order, with the whole-input way: every object
 * kept, the Services matched over all of them (`serviceTargetsOf`), the input rules run once over
 * every pod, Service and Namespace. Both ways must give the same reports, and so must an input
 * read twice because it is too large to keep.
 */
import { dump } from 'js-yaml';
import { SeededRandom } from '../../bench/corpus';
import { checkInputs } from '../../src/check/check-inputs';
import type { CheckOptions } from '../../src/check/check-object';
import { checkObject, suppressionReason, suppressionsOf } from '../../src/check/check-object';
import { writeCheck } from '../../src/check/check-run';
import { formatFieldPath, parseFieldPath } from '../../src/check/node-path';
import { parseInputs, readInput } from '../../src/check/parsed-input';
import type { FindingReport, ResourceReport } from '../../src/check/report';
import { podSecurityLevelReport } from '../../src/check/report';
import type { InputSource } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { serviceTargetsOf } from '../../src/model/service-selection';
import type { CheckedObject } from '../../src/rules';
import { INPUT_RULES } from '../../src/rules';

const OPTIONS: CheckOptions = { runtimeProfile: findRuntimeProfile('strict')! };

/** A random input of workloads, Services and Namespaces that select, target and label each other. */
function randomInput(seed: number, objects: number): InputSource {
  const random = new SeededRandom(seed);
  const apps = ['web', 'api', 'dns', 'mail'];
  const namespaces = ['a', 'b', null];
  const documents: unknown[] = [];
  const labels = () => {
    const result: Record<string, unknown> = { app: random.pick(apps) };
    if (random.chance(0.5)) result.tier = random.pick(['front', 'back']);
    if (random.chance(0.1)) result.weird = random.pick([7, true, 'x']);
    return result;
  };
  const port = () => random.pick<unknown>([80, 443, 53, 8080, 9090, 'http', 0, '80', null]);
  for (let index = 0; index < objects; index++) {
    const namespace = random.pick(namespaces);
    const metadata = (name: string) => ({
      name,
      ...(namespace === null ? {} : { namespace }),
      ...(random.chance(0.15) ? { annotations: { 'k8s-least-privilege.dev/suppress': random.pick(['LP016: moving', 'LP021: known', 'LP022: later']) } } : {}),
    });
    const roll = random.next();
    if (roll < 0.45) {
      const containers = Array.from({ length: random.int(1, 2) }, (_, c) => ({
        name: `c${c}`,
        image: 'example/app:1',
        ports: Array.from({ length: random.int(0, 2) }, () => ({
          containerPort: random.pick<unknown>([80, 443, 8080, 53, 'x']),
          ...(random.chance(0.5) ? { name: random.pick(['http', 'dns', 'admin']) } : {}),
          ...(random.chance(0.3) ? { protocol: random.pick(['TCP', 'UDP', 'tcp']) } : {}),
        })),
        securityContext: random.pick([
          { runAsUser: 1000, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
          { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
          { privileged: true },
          { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
        ]),
      }));
      const template = { metadata: { labels: labels() }, spec: { containers, ...(random.chance(0.3) ? { initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always' }] } : {}) } };
      const pod = random.chance(0.2);
      documents.push(
        pod
          ? { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata(`pod-${index}`), labels: template.metadata.labels }, spec: template.spec }
          : { apiVersion: 'apps/v1', kind: 'Deployment', metadata: metadata(`deploy-${index}`), spec: { template } },
      );
    } else if (roll < 0.8) {
      const selector = random.chance(0.1) ? {} : random.chance(0.5) ? { app: random.pick(apps) } : labels();
      const ports = Array.from({ length: random.int(1, 3) }, () => {
        const entry: Record<string, unknown> = { port: random.pick([80, 443, 53]) };
        if (random.chance(0.7)) entry.targetPort = port();
        if (random.chance(0.3)) entry.protocol = random.pick(['TCP', 'UDP', 'SCTP', 'udp']);
        return random.chance(0.05) ? 'not a port' : entry;
      });
      documents.push({ apiVersion: 'v1', kind: 'Service', metadata: metadata(`svc-${index}`), spec: { ...(random.chance(0.9) ? { selector } : {}), ports } });
    } else if (roll < 0.9) {
      const name = random.pick(['a', 'b']);
      const namespaceLabels: Record<string, string> = {};
      for (const mode of ['enforce', 'audit', 'warn']) {
        if (random.chance(0.5)) namespaceLabels[`pod-security.kubernetes.io/${mode}`] = random.pick(['baseline', 'restricted', 'privileged', 'bogus']);
        if (random.chance(0.3)) namespaceLabels[`pod-security.kubernetes.io/${mode}-version`] = random.pick(['latest', 'v1.24', 'v1.19', 'nonsense']);
      }
      documents.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels } });
    } else {
      documents.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(`config-${index}`), data: { key: 'value' } });
    }
  }
  // A List whose items are objects of their own, some of them Services and workloads.
  documents.push({ apiVersion: 'v1', kind: 'List', items: documents.slice(0, 4) });
  return { file: 'input.yaml', ok: true, text: documents.map((document) => dump(document)).join('---\n') };
}

/** The reports as the checker made them before its index: every object kept, the rules over the whole input. */
function wholeInputReports(source: InputSource): ResourceReport[] {
  const parsed = parseInputs([source]);
  const objects = parsed.objects.map(({ object }) => object);
  const options = { ...OPTIONS, serviceTargets: serviceTargetsOf(objects) };
  const reports = parsed.objects.map(({ object, source: where, lineOf }) => {
    const { analysis, containers, findings } = checkObject(object, options);
    const located = (path: readonly (string | number)[], reason: string | undefined) => ({
      path: formatFieldPath(path),
      line: lineOf([...object.path, ...path]),
      suppressed: reason !== undefined,
      ...(reason === undefined ? {} : { suppressionReason: reason }),
    });
    const report: ResourceReport & { findings: FindingReport[] } = {
      source: where,
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.name,
      namespace: object.namespace,
      ...(analysis === undefined
        ? {}
        : {
          podSecurityLevel: analysis.podSecurity.level,
          podSecurity: {
            baseline: podSecurityLevelReport(analysis.podSecurity.levels.baseline),
            restricted: podSecurityLevelReport(analysis.podSecurity.levels.restricted),
          },
        }),
      containers,
      findings: findings.map(({ path, suppressionReason: reason, ...finding }) => ({ ...finding, ...located(path, reason) })),
    };
    return { report, checked: { object, podSecurity: analysis?.podSecurity } };
  });
  const collected = reports.filter(({ checked: { object } }) => object.pod !== undefined || object.kind === 'Service' || object.kind === 'Namespace');
  const checkedObjects: CheckedObject[] = collected.map(({ checked }) => checked);
  for (const rule of INPUT_RULES) {
    for (const finding of rule.checkInput(checkedObjects)) {
      const { report, checked } = collected[finding.objectIndex];
      const reason = suppressionReason(suppressionsOf(checked.object, OPTIONS), rule.id, finding.container);
      const path = parseFieldPath(finding.path);
      report.findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        message: finding.message,
        container: finding.container,
        path: formatFieldPath(path),
        line: parsed.objects[reports.indexOf(collected[finding.objectIndex])].lineOf([...checked.object.path, ...path]),
        suppressed: reason !== undefined,
        ...(reason === undefined ? {} : { suppressionReason: reason }),
      });
    }
  }
  return reports.map(({ report }) => report);
}

/** The reports of a check that reads its input `keptChars` at most into memory. */
function reportsOf(source: InputSource, keptChars: number): ResourceReport[] {
  const resources: ResourceReport[] = [];
  const writer = { start: () => undefined, resource: (resource: ResourceReport) => resources.push(resource), finish: () => undefined };
  writeCheck(readInput([source], keptChars), OPTIONS, writer);
  return resources;
}

describe('the cross-resource index', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('gives each object what the whole input gives it (seed %i)', (seed) => {
    const source = randomInput(seed, 120);
    const expected = wholeInputReports(source);
    // The input rules and the Services find something, or the comparison proves little.
    const ruleIds = new Set(expected.flatMap((report) => report.findings.map((finding) => finding.ruleId)));
    expect([...ruleIds].filter((id) => ['LP016', 'LP021', 'LP022'].includes(id)).length).toBeGreaterThan(0);
    expect(checkInputs([source], OPTIONS).resources).toEqual(expected);
    expect(reportsOf(source, 0)).toEqual(expected);
  });

  test('finds the findings of every rule the corpora exercise', () => {
    const found = new Set<string>();
    let serviceTargets = 0;
    for (let seed = 1; seed <= 8; seed++) {
      for (const report of wholeInputReports(randomInput(seed, 120))) {
        for (const finding of report.findings) found.add(finding.ruleId);
        serviceTargets += report.containers.flatMap((container) => container.ports).filter((port) => port.source === 'service').length;
      }
    }
    expect([...found].filter((id) => ['LP016', 'LP021', 'LP022'].includes(id)).sort()).toEqual(['LP016', 'LP021', 'LP022']);
    expect(serviceTargets).toBeGreaterThan(0);
  });
});
