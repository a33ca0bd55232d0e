/**
 * `check --jobs N` (src/check/parallel-check.ts): the report made on several threads is the one a
 * single thread makes, byte for byte, in every format, with the same exit status. In this process
 * with chunks of a few documents (cross-resource rules across chunks, errors between them, an input
 * kept and one read twice, registry mode), and through the binary with `--jobs 1`, 2 and 3 on inputs
 * above the size where threads start. The worker threads run the compiled lib/ (the test task
 * compiles it first). No timing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateCorpus } from '../../bench/corpus';
import type { CheckOptions } from '../../src/check/check-object';
import type { CheckOutcome } from '../../src/check/check-run';
import { readImagesOf, writeCheck } from '../../src/check/check-run';
import type { ImageFactsMode } from '../../src/check/image-facts-mode';
import { imageFactsLookup } from '../../src/check/image-facts-mode';
import type { ParallelLimits } from '../../src/check/parallel-check';
import { inputForJobs, PARALLEL_MIN_CHARS, writeCheckInParallel } from '../../src/check/parallel-check';
import { readInput } from '../../src/check/parsed-input';
import type { ReportWriter } from '../../src/check/report';
import { runCli } from '../../src/cli/main';
import type { InputSource } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { humanReportWriter } from '../../src/report/human-format';
import { jsonReportWriter } from '../../src/report/json-format';
import { sarifReportWriter } from '../../src/report/sarif-format';

const BIN = join(__dirname, '..', '..', 'bin', 'k8s-least-privilege');

const FORMATS: Record<string, (write: (text: string) => void) => ReportWriter> = {
  json: jsonReportWriter,
  sarif: sarifReportWriter('0.0.0-test'),
  human: humanReportWriter,
};

/** A Deployment in `shop`, labelled app: far-web, listening on 8080 (named http); an annotation suppresses LP009. */
const FAR_WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: far-web
  namespace: shop
  annotations:
    k8s-least-privilege.dev/suppress: "LP009: the vendor image needs its profile"
spec:
  selector: {matchLabels: {app: far-web}}
  template:
    metadata: {labels: {app: far-web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
          securityContext: {runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

/** A root pod in `shop` on port 80: LP007 and more; the config's suppression covers LP007. */
const ROOT_POD = `apiVersion: v1
kind: Pod
metadata: {name: root-dns, namespace: shop}
spec:
  containers:
    - name: dns
      image: coredns/coredns:1.11.3
      ports: [{containerPort: 53, protocol: UDP}]
      securityContext: {runAsUser: 0}
`;

/** The Service of FAR_WEB, far from it: port 80 targets 80, which it does not declare (LP016), and 9090 is judged on it. */
const FAR_SERVICE = `apiVersion: v1
kind: Service
metadata: {name: far-web, namespace: shop}
spec:
  selector: {app: far-web}
  ports:
    - {port: 80, targetPort: 80}
    - {port: 9090, targetPort: 9090}
    - {port: 8080, targetPort: http}
`;

/** The Namespace of the pods above, last: it enforces restricted and warns at restricted (LP021, LP022). */
const SHOP = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
`;

const BROKEN = ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n', '42\n', 'kind: Pod\nmetadata: {name: no-api-version}\n'];

/** A stream whose cross-resource rules span it: FAR_WEB first, errors and the root pod in the middle, the Service and Namespace last. */
function streamOf(documents: number, seed: number): string {
  const half = Math.floor(documents / 2);
  return [
    `---\n${FAR_WEB}`,
    generateCorpus(half, seed).text,
    ...BROKEN.map((text) => `---\n${text}`),
    `---\n${ROOT_POD}`,
    generateCorpus(documents - half, seed + 1).text,
    `---\n${FAR_SERVICE}---\n${SHOP}`,
  ].join('');
}

interface Written {
  readonly text: string;
  readonly outcome: CheckOutcome;
}

const SUPPRESSIONS = [{ ruleId: 'LP007', reason: 'dnsmasq drops root after binding port 53', kind: 'Pod', name: 'root-dns' }];
const OPTIONS: CheckOptions = { runtimeProfile: findRuntimeProfile('strict')!, suppressions: SUPPRESSIONS };

/** Sources in memory (each can be read again, as a file can), with an unreadable one between them. */
function sources(): InputSource[] {
  const file = (name: string, text: string): InputSource => {
    const source: InputSource = { file: name, ok: true, text, reread: () => source };
    return source;
  };
  return [
    file('a.yaml', streamOf(40, 1)),
    { file: 'missing.yaml', ok: false, message: 'cannot read: no such file' },
    file('b.yaml', `---\n${FAR_WEB.replace(/far-web/g, 'b-web')}`),
    file('empty.yaml', '# nothing\n'),
    file('c.yaml', streamOf(30, 7)),
  ];
}

/** The text a check writes in `format`, and its outcome. */
async function written(format: string, check: (writer: ReportWriter) => CheckOutcome | Promise<CheckOutcome>): Promise<Written> {
  const chunks: string[] = [];
  const outcome = await check(FORMATS[format]((text) => chunks.push(text)));
  return { text: chunks.join(''), outcome };
}

function oneThread(format: string, mode: ImageFactsMode) {
  const options = { ...OPTIONS, imageFacts: imageFactsLookup(mode, undefined, new Map(), undefined) };
  return written(format, (writer) => writeCheck(readInput(sources()), options, writer));
}

function threads(format: string, mode: ImageFactsMode, jobs: number, limits: ParallelLimits) {
  return written(format, (writer) => writeCheckInParallel(sources(), { jobs, options: OPTIONS, imageFacts: mode }, () => writer, limits));
}

describe('a check on several threads, in this process, chunks of a few documents', () => {
  test.each(Object.keys(FORMATS))('%s: the report of one thread, kept or read twice, on 2 and 3 threads', async (format) => {
    const expected = await oneThread(format, 'offline');
    if (format === 'json') {
      type Report = { resources: { name: string; findings: { ruleId: string; suppressed: boolean }[] }[]; errors: unknown[] };
      const report = JSON.parse(expected.text) as Report;
      // What the input is made to hold: errors between chunks, findings across them, suppressions.
      expect(report.errors).toHaveLength(1 + 2 * BROKEN.length);
      const farWeb = report.resources.find((resource) => resource.name === 'far-web')!;
      expect(farWeb.findings.map((finding) => finding.ruleId)).toEqual(expect.arrayContaining(['LP021', 'LP022']));
      const farService = report.resources.find((resource) => resource.name === 'far-web' && resource !== farWeb)!;
      expect(farService.findings.map((finding) => finding.ruleId)).toContain('LP016');
      const rootDns = report.resources.find((resource) => resource.name === 'root-dns')!;
      expect(rootDns.findings.find((finding) => finding.ruleId === 'LP007')?.suppressed).toBe(true);
    }
    for (const limits of [{ chunkChars: 3_000 }, { chunkChars: 20_000, keptChars: 0 }, { chunkChars: 1, keptChars: 60_000 }]) {
      for (const jobs of [2, 3]) {
        const got = await threads(format, 'offline', jobs, limits);
        expect(got.text).toBe(expected.text);
        expect(got.outcome).toEqual(expected.outcome);
      }
    }
  });

  test('assume-none: the same report on 2 threads', async () => {
    expect((await threads('json', 'assume-none', 2, { chunkChars: 5_000 })).text).toBe((await oneThread('json', 'assume-none')).text);
  });

  test('registry mode, every pull failing: the same requests, warnings and verdicts as one thread', async () => {
    // Every image on a registry that refuses connections: each pull fails at once, and says so.
    const unreachable = (text: string) => text.replace(/image: "?([^"\n]+)"?/g, (_line, image: string) => `image: 127.0.0.1:9/${image.replace(/[:@].*$/, '')}:1`);
    const registry = { cache: false as const, timeoutSeconds: 5 };
    const registrySources = () => sources().map((source) => (source.ok ? { ...source, text: unreachable(source.text), reread: undefined } : source));
    const expected = await written('json', async (writer) => {
      const input = readInput(registrySources());
      const read = await readImagesOf(input, OPTIONS, { known: undefined, platform: undefined, registry });
      return writeCheck(input, { ...OPTIONS, imageFacts: read.lookup }, writer, read.images, read.reusable);
    });
    const report = JSON.parse(expected.text) as { images?: { status: string }[] };
    expect(report.images?.length).toBeGreaterThan(0);
    expect(report.images?.every((image) => image.status === 'failed')).toBe(true);
    for (const keptChars of [Infinity, 0]) {
      const got = await written('json', (writer) =>
        writeCheckInParallel(registrySources(), { jobs: 2, options: OPTIONS, imageFacts: 'registry', registry }, () => writer, { chunkChars: 4_000, keptChars }),
      );
      expect(got.text).toBe(expected.text);
    }
  });

  test('an input smaller than the threshold is checked on one thread, and nothing is read for --jobs 1', () => {
    const small: InputSource[] = [{ file: 'a.yaml', ok: true, text: 'x: 1\n' }];
    expect(inputForJobs(small, 4).threads).toBe(1);
    expect([...inputForJobs(small, 4).sources]).toEqual(small);
    const large: InputSource[] = [...small, { file: 'b.yaml', ok: true, text: 'x'.repeat(PARALLEL_MIN_CHARS) }, { file: 'c.yaml', ok: true, text: 'y: 2\n' }];
    const forJobs = inputForJobs(large, 4);
    expect(forJobs.threads).toBe(4);
    expect([...forJobs.sources]).toEqual(large);
    let read = 0;
    const counted = (function* () {
      for (const source of large) {
        read++;
        yield source;
      }
    })();
    expect(inputForJobs(counted, 1).threads).toBe(1);
    expect(read).toBe(0);
  });
});

describe('a worker thread', () => {
  test('answers a request it cannot do as failed, with what went wrong (the main thread reports an internal error)', async () => {
    const worker = new Worker(join(__dirname, '..', '..', 'lib', 'check', 'check-worker.js'), { workerData: { runtimeProfile: 'strict', imageFacts: 'offline' } });
    try {
      const answer = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage({ type: 'check', chunk: 5, first: 0, portion: { targets: [], findings: [] }, parts: undefined });
      expect(await answer).toEqual({ type: 'failed', message: 'chunk 5 was not kept, and its documents were not sent again' });
    } finally {
      await worker.terminate();
    }
  });
});

describe('check --jobs through the binary', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'check-jobs-'));
    // One file above the threshold (about 4.4 MB), so that it is cut into chunks.
    writeFileSync(join(directory, 'large.yaml'), streamOf(Math.ceil((PARALLEL_MIN_CHARS * 1.05) / 1150), 11));
    // Several files, with as much in all.
    mkdirSync(join(directory, 'many'));
    for (let file = 0; file < 6; file++) writeFileSync(join(directory, 'many', `part-${file}.yaml`), streamOf(Math.ceil((PARALLEL_MIN_CHARS * 1.05) / 6 / 1150), 20 + file));
    writeFileSync(join(directory, 'many', 'broken.json'), '{"apiVersion": "v1", "kind": ');
    writeFileSync(join(directory, 'config.yaml'), 'suppressions:\n  - {rule: LP007, reason: dnsmasq drops root after binding port 53, kind: Pod, name: root-dns}\n');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function check(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [BIN, 'check', '--image-facts', 'offline', '--config', join(directory, 'config.yaml'), ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 1 << 28,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  test.each([
    ['one large file', 'large.yaml', { json: ['2', '3'], sarif: ['2'], human: ['3'] }],
    ['several files', 'many', { json: ['2'], sarif: ['3'], human: ['2'] }],
  ])('%s: every format, byte for byte, with --jobs 1 and more', (_name, path, jobsOf) => {
    // Large enough to be shared (the files are ASCII: a byte is a character).
    const full = join(directory, path);
    const files = statSync(full).isDirectory() ? readdirSync(full).map((name) => join(full, name)) : [full];
    expect(files.reduce((total, file) => total + statSync(file).size, 0)).toBeGreaterThan(PARALLEL_MIN_CHARS);
    for (const [format, jobsList] of Object.entries(jobsOf)) {
      const one = check(['--format', format, '--jobs', '1', join(directory, path)]);
      expect(one.status).toBe(2);
      expect(one.stdout.length).toBeGreaterThan(0);
      for (const jobs of jobsList) expect(check(['--format', format, '--jobs', jobs, join(directory, path)])).toEqual(one);
    }
  });

  test('standard input: the same report on 2 threads', () => {
    const text = streamOf(Math.ceil((PARALLEL_MIN_CHARS * 1.05) / 1150), 31);
    expect(text.length).toBeGreaterThan(PARALLEL_MIN_CHARS);
    const one = check(['--format', 'json', '--jobs', '1', '-'], text);
    expect(JSON.parse(one.stdout).resources.length).toBeGreaterThan(2000);
    expect(check(['--format', 'json', '--jobs', '2', '-'], text)).toEqual(one);
  });
});

describe('--jobs: a usage error names the flag and the value', () => {
  test.each(['0', '-1', 'two', '1.5', '1e3', '', '1025'])('--jobs %p', (value) => {
    let stderr = '';
    const status = runCli(['check', '--image-facts', 'offline', `--jobs=${value}`, 'x.yaml'], { stdout: () => undefined, stderr: (text) => (stderr += text) });
    expect(status).toBe(2);
    expect(stderr).toContain(`--jobs must be a whole number from 1 to 1024, not "${value}"`);
  });

  test('--jobs with no value', () => {
    let stderr = '';
    expect(runCli(['check', 'x.yaml', '--jobs'], { stdout: () => undefined, stderr: (text) => (stderr += text) })).toBe(2);
    expect(stderr).toContain('--jobs needs a value');
  });
});
