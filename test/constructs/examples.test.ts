import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { checkInputs } from '../../src/check/check-inputs';
import type { CheckReport } from '../../src/check/report';
import { readSources } from '../../src/input/read-sources';
import { findRuntimeProfile } from '../../src/model/runtime-profile';

const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');

/** Each cdk8s example and the Pod Security level every one of its pods must meet. */
const EXAMPLES: readonly { name: string; level: string; strategies: string[] }[] = [
  { name: 'app', level: 'restricted', strategies: ['highPort', 'unprivilegedPortSysctl'] },
  { name: 'root-net-bind-service', level: 'baseline', strategies: ['rootWithNetBindService'] },
  { name: 'file-capability', level: 'restricted', strategies: ['fileCapability'] },
  { name: 'high-port', level: 'restricted', strategies: ['highPort'] },
  { name: 'sysctl', level: 'restricted', strategies: ['unprivilegedPortSysctl'] },
  { name: 'auto', level: 'restricted', strategies: ['highPort', 'unprivilegedPortSysctl', 'fileCapability'] },
  { name: 'user-namespace', level: 'restricted', strategies: ['userNamespace', 'userNamespace'] },
];

interface SynthResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs a command and collects its output. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<SynthResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/**
 * `npx cdk8s synth` in the example's directory, as a user runs it — without the upgrade check
 * (no network) and with ts-node transpiling only: the examples are type-checked once, together,
 * by {@link typeCheckExamples}, which halves the time.
 */
function synth(directory: string): Promise<SynthResult> {
  rmSync(join(directory, 'dist'), { recursive: true, force: true });
  return run('npx', ['cdk8s', 'synth'], directory, { CDK8S_CHECK_UPGRADE: 'false', TS_NODE_TRANSPILE_ONLY: 'true' });
}

/** `tsc` over every example's main.ts with the options of the examples' tsconfig.json. */
function typeCheckExamples(): Promise<SynthResult> {
  const files = EXAMPLES.map((example) => join('examples', example.name, 'main.ts'));
  const options = ['--noEmit', '--target', 'ES2022', '--module', 'commonjs', '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node'];
  return run('npx', ['tsc', ...options, ...files], join(EXAMPLES_DIR, '..'));
}

/** Runs the syntheses two at a time: each is a ts-node process that compiles the constructs. */
async function synthAll(): Promise<Map<string, SynthResult>> {
  const results = new Map<string, SynthResult>();
  const queue: (() => Promise<void>)[] = [
    async () => void results.set('tsc', await typeCheckExamples()),
    ...EXAMPLES.map((example) => async () => void results.set(example.name, await synth(join(EXAMPLES_DIR, example.name)))),
  ];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job();
  };
  await Promise.all([worker(), worker()]);
  return results;
}

describe('examples synthesize with cdk8s synth and pass the checker', () => {
  let results: Map<string, SynthResult>;
  beforeAll(async () => {
    results = await synthAll();
  }, 240_000);

  it('type-check', () => {
    const result = results.get('tsc')!;
    if (result.status !== 0) throw new Error(`tsc found errors in the examples:\n${result.output}`);
  });

  describe.each(EXAMPLES)('examples/$name', ({ name, level, strategies }) => {
    const dist = join(EXAMPLES_DIR, name, 'dist');

    it(`synthesizes; no error finding, every port binds, every pod ${level}`, () => {
      const result = results.get(name)!;
      if (result.status !== 0) throw new Error(`cdk8s synth failed in examples/${name}:\n${result.output}`);
      const report: CheckReport = checkInputs(readSources([dist]), { runtimeProfile: findRuntimeProfile('strict')! });
      expect(report.errors).toEqual([]);
      const pods = report.resources.filter((resource) => resource.podSecurityLevel !== undefined);
      expect(pods.length).toBe(strategies.length);
      for (const pod of pods) {
        expect(pod.podSecurityLevel).toBe(level);
        expect(pod.findings.filter((finding) => finding.severity === 'error' && !finding.suppressed)).toEqual([]);
        for (const container of pod.containers) for (const port of container.ports) expect(port.bind).toBe('allowed');
      }
      const chosen = report.resources
        .filter((resource) => resource.kind === 'Deployment')
        .map((resource) => readDeploymentStrategy(join(dist, resource.source.file.replace(/^.*\//, '')), resource.name));
      expect(chosen.sort()).toEqual([...strategies].sort());
    });
  });

  it.each(['app', 'auto'])('examples/%s: the DNS server binds 53 over UDP and TCP, in its container and its Service', (name) => {
    const objects = yaml.loadAll(readFileSync(join(EXAMPLES_DIR, name, 'dist', `${name === 'app' ? 'example' : name}.k8s.yaml`), 'utf8')) as any[];
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name.includes('dns'));
    const service = objects.find((object) => object.kind === 'Service' && object.metadata.name.includes('dns'));
    const [container] = deployment.spec.template.spec.containers;
    expect(container.ports.map((port: any) => `${port.containerPort}/${port.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    expect(service.spec.ports.map((port: any) => `${port.port}/${port.protocol}→${port.targetPort}`)).toEqual(['53/UDP→53', '53/TCP→53']);
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }]);
    // The TCP port is probed; UDP cannot be.
    expect(container.startupProbe.tcpSocket.port).toBe(53);
  });

  it('the file-capability example\'s Dockerfile carries the planner\'s setcap lines', () => {
    const written = join(EXAMPLES_DIR, 'file-capability', 'dist', 'setcap.Dockerfile');
    expect(existsSync(written)).toBe(true);
    const dockerfile = readFileSync(join(EXAMPLES_DIR, 'file-capability', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(readFileSync(written, 'utf8'));
  });
});

/** The bind-strategy annotation of a Deployment in a synthesized file. */
function readDeploymentStrategy(file: string, name: string | null): string {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(`name: ${name}`);
  const match = /k8s-least-privilege\.dev\/bind-strategy: (\w+)/.exec(text.slice(text.lastIndexOf('kind: Deployment', start)));
  return match ? match[1] : 'none';
}
