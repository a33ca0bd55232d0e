/**
 * Issue 7: large input, through the real binary. A 100 MB file (Helm-sized output: many
 * ConfigMaps, a Deployment in ten documents, one broken document in the middle) and a
 * directory of 10,000 files. What is asserted is what must hold on any machine: every
 * document accounted for, the exit status, and the peak resident memory of the child
 * process under a generous bound. Times are printed, not asserted.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkWithBinaryMeasuringMemory, parseReport, workDirectory, removeWorkDirectories } from './run-checker';

afterAll(removeWorkDirectories);

const MEMORY_BOUND_BYTES = 1.5 * 1024 ** 3;
const MB = 1024 * 1024;

function deployment(index: number, port: number): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: web-${index}`,
    '  namespace: shop',
    'spec:',
    `  selector: {matchLabels: {app: web-${index}}}`,
    '  template:',
    `    metadata: {labels: {app: web-${index}}}`,
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    `          ports: [{containerPort: ${port}}]`,
    '          securityContext: {runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}',
    '',
  ].join('\n');
}

function configMap(index: number): string {
  const line = `    ${'x'.repeat(76)}\n`;
  return `# Source: chart/templates/configmap-${index}.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${index}\ndata:\n  blob: |\n${line.repeat(100)}`;
}

function report(label: string, seconds: number, maxRssBytes: number): void {
  // eslint-disable-next-line no-console
  console.log(`${label}: ${seconds.toFixed(1)} s, peak RSS ${(maxRssBytes / MB).toFixed(0)} MB`);
}

describe('large input, through the binary: bounded memory, every document, the right exit status', () => {
  const directory = workDirectory('large');

  test('a 100 MB file: every document checked, the broken one an error entry, exit 2', () => {
    const file = join(directory, 'helm-output.yaml');
    const descriptor = openSync(file, 'w');
    let size = 0;
    let documents = 0;
    let deployments = 0;
    let denied = 0;
    let brokenDocument = -1;
    while (size < 100 * MB) {
      let text: string;
      if (documents % 10 === 0) {
        // Every third Deployment listens on 80 as non-root with no capability: LP001.
        const port = deployments % 3 === 0 ? 80 : 8080;
        if (port === 80) denied++;
        text = deployment(deployments++, port);
      } else if (brokenDocument === -1 && size > 50 * MB) {
        brokenDocument = documents;
        text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n';
      } else {text = configMap(documents);}
      const chunk = `---\n${text}`;
      writeSync(descriptor, chunk);
      size += Buffer.byteLength(chunk);
      documents++;
    }
    closeSync(descriptor);

    const started = process.hrtime.bigint();
    const { run, maxRssBytes } = checkWithBinaryMeasuringMemory(['--format', 'json', file]);
    report(`100 MB file (${documents.toLocaleString('en-US')} documents)`, Number(process.hrtime.bigint() - started) / 1e9, maxRssBytes);

    const result = parseReport(run);
    expect(run.status).toBe(2);
    expect(result.errors).toEqual([{ file, document: brokenDocument, line: expect.any(Number), message: expect.stringMatching(/^invalid YAML/) }]);
    expect(result.summary.resources).toBe(documents - 1);
    expect(result.summary.workloads).toBe(deployments);
    expect(result.summary.ports.denied).toBe(denied);
    expect(result.resources[result.resources.length - 1].source.document).toBe(documents - 1);
    expect(maxRssBytes).toBeLessThan(MEMORY_BOUND_BYTES);
  });

  test('a directory of 10,000 files: every file read, exit 1 for the one error finding', () => {
    const tree = join(directory, 'tree');
    for (let index = 0; index < 10_000; index++) {
      const subdirectory = join(tree, `team-${Math.floor(index / 1000)}`);
      if (index % 1000 === 0) mkdirSync(subdirectory, { recursive: true });
      // One file in 10,000 holds DESIGN.md's trap; the others keep to a high port.
      const port = index === 7777 ? 80 : 8080;
      writeFileSync(
        join(subdirectory, `pod-${index}.yaml`),
        `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${index}}\nspec:\n  containers:\n    - name: web\n      ports: [{containerPort: ${port}}]\n` +
          '      securityContext: {runAsUser: 1000, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}\n',
      );
    }
    const started = process.hrtime.bigint();
    const { run, maxRssBytes } = checkWithBinaryMeasuringMemory(['--format', 'json', tree]);
    report('10,000 files', Number(process.hrtime.bigint() - started) / 1e9, maxRssBytes);

    const result = parseReport(run);
    expect(run.status).toBe(1);
    expect(result.errors).toEqual([]);
    expect(result.summary).toMatchObject({ files: 10_000, resources: 10_000, workloads: 10_000, ports: { denied: 1 } });
    expect(result.resources.filter((resource) => resource.findings.some((finding) => finding.ruleId === 'LP001')).map((resource) => resource.name)).toEqual(['pod-7777']);
    expect(maxRssBytes).toBeLessThan(MEMORY_BOUND_BYTES);
  });
});
