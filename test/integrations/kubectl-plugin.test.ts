/**
 * A live cluster's objects: `kubectl get … -o yaml` prints one `List`, and the package's
 * `kubectl-least_privilege` executable makes the check a kubectl plugin (`kubectl least-privilege`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { BIN_DIR, envWithBin, kubectlAvailability, runWithStdin } from './integration-tools';
import type { CheckReport } from '../../src/check/report';
import { describeWhenAvailable } from '../skips/gated-describe';

const LIST = readFileSync(join(__dirname, 'fixtures', 'kubectl-get-list.yaml'), 'utf8');

/** What a report says of each resource, whatever its line. */
function verdicts(report: CheckReport) {
  return report.resources.map((r) => ({
    resource: `${r.kind} ${r.namespace}/${r.name}`,
    ports: r.containers.flatMap((c) => c.ports.map((p) => `${c.name} ${p.containerPort}/${p.protocol} ${p.bind}`)),
    rules: r.findings.map((f) => f.ruleId),
  }));
}

describe('kubectl get -o yaml: a List with status, managedFields and resourceVersion', () => {
  const listRun = runWithStdin(['check', '--format', 'json', '-'], LIST);
  const report = JSON.parse(listRun.stdout) as CheckReport;

  test('reads as its items: every workload checked, no input error', () => {
    expect(report.errors).toEqual([]);
    expect(listRun.status).toBe(1);
    expect(verdicts(report).map((v) => [v.resource, v.ports])).toEqual([
      ['Deployment shop/web', ['web 80/TCP denied']],
      ['DaemonSet shop/dns', ['dns 8053/UDP allowed']],
      ['Pod shop/web-6d4b9c7f8d-x7k2p', ['web 80/TCP denied']],
    ]);
  });

  test('the same report as the items given one by one, each at its own line', () => {
    const items = (load(LIST) as { items: unknown[] }).items;
    const stream = items.map((item) => JSON.stringify(item)).join('\n---\n');
    const itemsReport = JSON.parse(runWithStdin(['check', '--format', 'json', '-'], stream).stdout) as CheckReport;
    expect(verdicts(report)).toEqual(verdicts(itemsReport));
    const itemLines = LIST.split('\n').flatMap((line, index) => (line.startsWith('- apiVersion:') ? [index + 1] : []));
    expect(report.resources.map((r) => r.source.line)).toEqual(itemLines);
  });
});

describeWhenAvailable('kubectl plugin tests', 'kubectl least-privilege: the real kubectl finds the plugin', kubectlAvailability(), () => {
  // No cluster is contacted: a plugin runs before kubectl reads any kubeconfig.
  const env = envWithBin({ KUBECONFIG: '/nonexistent/kubeconfig' });

  test('kubectl plugin list names bin/kubectl-least_privilege', () => {
    const result = spawnSync('kubectl', ['plugin', 'list'], { env, encoding: 'utf8' });
    expect(result.stdout).toContain(join(BIN_DIR, 'kubectl-least_privilege'));
  });

  test('kubectl least-privilege check - reads the List and fails on its ports', () => {
    const result = spawnSync('kubectl', ['least-privilege', 'check', '--image-facts', 'assume-none', '-'], { env, input: LIST, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/<stdin>:\d+ +error +LP001 +container "web" port 80\/TCP cannot bind/);
    expect(result.stdout).toMatch(/Checked 3 resources/);
  });
});
