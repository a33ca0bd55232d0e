/**
 * The pods our own code emits, for the runtime harness: every strategy of the cdk8s constructs
 * (`PrivilegedPortService` explicitly and through `auto`'s decision rows, one service on several
 * ports, `HardenedContainer` on a privileged port, `hardenWorkload` with init containers and sidecars), and every example in examples/, synthesized in-process.
 * Each workload's pod template becomes a pod, as a controller makes one. The Pulumi programs
 * run under Pulumi's mocks, which is asynchronous: their pods come from {@link pulumiExamplePods}.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parseAllDocuments } from 'yaml';
import type { KubeObjectMeta, KubePod, KubePodSpec } from './kube-types';
import type { HardenedContainerProps, HardenWorkloadOptions, PrivilegedPortServiceProps } from '../../src/constructs';
import { HardenedContainer, hardenWorkload, PrivilegedPortService } from '../../src/constructs';
import type { ResolvedBindStrategyKind } from '../../src/planner';
import { BIND_STRATEGY_ANNOTATION, BindStrategy } from '../../src/planner';
import { installMocks, registered } from '../pulumi/mocks';

/** A pod our code emits, with where it comes from and the strategy its annotation records. */
export interface EmittedPod {
  readonly label: string;
  readonly pod: KubePod;
  /** The `k8s-least-privilege.dev/bind-strategy` annotation of the pod template, if any. */
  readonly strategy?: string;
}

/** A construct call and the strategy the planner must choose for it. */
export interface ConstructCase {
  readonly label: string;
  readonly expected: ResolvedBindStrategyKind;
  readonly build: (chart: Chart) => void;
}

const IMAGE = 'registry.example.com/app:1.0';

/** A cluster that supports user namespaces, on a Kubernetes whose Pod Security counts uid 0 there restricted. */
const USER_NAMESPACES = { clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' } as const;

const service = (props: Omit<PrivilegedPortServiceProps, 'image'>) => (chart: Chart) => {
  new PrivilegedPortService(chart, 'svc', { image: IMAGE, ...props });
};

/**
 * A Deployment with a privileged-port init container, a privileged-port container and a
 * high-port sidecar, hardened in place by `hardenWorkload`.
 */
const hardened = (options: HardenWorkloadOptions) => (chart: Chart) => {
  const deployment = new kplus.Deployment(chart, 'workload', {
    containers: [
      { name: 'web', image: IMAGE, ports: [{ number: 80 }, { number: 443 }] },
      { name: 'metrics', image: IMAGE, ports: [{ number: 9090 }] },
    ],
    initContainers: [{ name: 'warmup', image: IMAGE, ports: [{ number: 53, protocol: kplus.Protocol.UDP }] }],
  });
  hardenWorkload(deployment, options);
};

/** A Deployment with one `HardenedContainer` on the given ports. */
const container = (props: Omit<HardenedContainerProps<kplus.ContainerProps>, 'image'>) => (chart: Chart) => {
  const deployment = new kplus.Deployment(chart, 'workload', { containers: [] });
  new HardenedContainer(deployment, 'web', { name: 'web', image: IMAGE, ...props });
};

/**
 * Every strategy the constructs emit: each `BindStrategy` chosen explicitly, `auto` in each
 * row of its decision table (docs/strategies.md), TCP and UDP, host network, and init containers.
 */
export const CONSTRUCT_CASES: readonly ConstructCase[] = [
  { label: 'rootWithNetBindService, 80/TCP, baseline', expected: 'rootWithNetBindService', build: service({ port: 80, strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' }) },
  { label: 'fileCapability, 443/TCP', expected: 'fileCapability', build: service({ port: 443, strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/server' }) }) },
  { label: 'highPort, 80/TCP → 8080', expected: 'highPort', build: service({ port: 80, strategy: BindStrategy.highPort() }) },
  { label: 'unprivilegedPortSysctl, 53/UDP', expected: 'unprivilegedPortSysctl', build: service({ port: 53, protocol: 'UDP', strategy: BindStrategy.unprivilegedPortSysctl() }) },
  { label: 'auto row 1: port ≥ 1024, 5353/UDP', expected: 'highPort', build: service({ port: 5353, protocol: 'UDP' }) },
  { label: 'auto row 2: appPortConfigurable, 443/TCP → 8443', expected: 'highPort', build: service({ port: 443, appPortConfigurable: true, containerPort: 8443 }) },
  { label: 'auto row 4: imageHasFileCapability, 389/TCP', expected: 'fileCapability', build: service({ port: 389, imageHasFileCapability: true }) },
  { label: 'auto row 5: port fixed, 53/UDP', expected: 'unprivilegedPortSysctl', build: service({ port: 53, protocol: 'UDP' }) },
  { label: 'auto row 6: binary given, Kubernetes 1.21, 80/TCP', expected: 'fileCapability', build: service({ port: 80, binary: '/usr/local/bin/server', minKubernetesVersion: '1.21' }) },
  { label: 'auto row 7: baseline, Kubernetes 1.21, 80/TCP', expected: 'rootWithNetBindService', build: service({ port: 80, level: 'baseline', minKubernetesVersion: '1.21' }) },
  { label: 'auto, hostNetwork, privileged level, binary given, 80/TCP', expected: 'fileCapability', build: service({ port: 80, hostNetwork: true, level: 'privileged', binary: '/usr/local/bin/server' }) },
  {
    label: 'highPort with an init container, 80/TCP → 8080',
    expected: 'highPort',
    build: service({ port: 80, strategy: BindStrategy.highPort(), initContainers: [{ name: 'migrate', image: IMAGE }] }),
  },
  {
    label: 'auto, DNS on 53/UDP and 53/TCP',
    expected: 'unprivilegedPortSysctl',
    build: service({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }),
  },
  { label: 'HardenedContainer auto, 80/TCP', expected: 'unprivilegedPortSysctl', build: container({ portNumber: 80 }) },
  { label: 'HardenedContainer fileCapability, 443/TCP', expected: 'fileCapability', build: container({ portNumber: 443, strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/server' }) }) },
  { label: 'hardenWorkload auto (init 53/UDP, web 80+443, sidecar 9090)', expected: 'unprivilegedPortSysctl', build: hardened({}) },
  { label: 'hardenWorkload fileCapability (init 53/UDP, web 80+443, sidecar 9090)', expected: 'fileCapability', build: hardened({ strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/server' }) }) },
  { label: 'hardenWorkload rootWithNetBindService, baseline (init 53/UDP, web 80+443, sidecar 9090)', expected: 'rootWithNetBindService', build: hardened({ strategy: BindStrategy.rootWithNetBindService(), level: 'baseline' }) },
  // The user namespace (hostUsers: false): these pods run on containerd 2.x (the harness sends them there).
  { label: 'userNamespace, 80/TCP', expected: 'userNamespace', build: service({ port: 80, strategy: BindStrategy.userNamespace(), ...USER_NAMESPACES }) },
  { label: 'auto row 3: user namespaces declared, Kubernetes 1.35, 53/UDP and 53/TCP', expected: 'userNamespace', build: service({ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], ...USER_NAMESPACES }) },
  { label: 'HardenedContainer auto, user namespaces declared, 443/TCP', expected: 'userNamespace', build: container({ portNumber: 443, ...USER_NAMESPACES }) },
  { label: 'hardenWorkload auto, user namespaces declared (init 53/UDP, web 80+443, sidecar 9090)', expected: 'userNamespace', build: hardened({ ...USER_NAMESPACES }) },
];

/** Synthesizes one construct case (`Testing.synth`) and returns its pods. */
export function constructPods(c: ConstructCase): EmittedPod[] {
  const chart = new Chart(Testing.app(), 'runtime');
  c.build(chart);
  return podsOf(Testing.synth(chart), 'construct').map((p) => ({ ...p, label: `construct: ${c.label} (${p.strategy ?? 'no strategy'})` }));
}

/** The directory of every example. */
export const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');

function examplesWith(marker: string): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(join(EXAMPLES_DIR, entry.name)).includes(marker))
    .map((entry) => entry.name)
    .sort();
}

/** Every cdk8s app in examples/ (a directory with `cdk8s.yaml`). */
export function cdk8sExampleNames(): string[] {
  return examplesWith('cdk8s.yaml');
}

/** Every Pulumi program in examples/ (a directory with `Pulumi.yaml`). */
export function pulumiExampleNames(): string[] {
  return examplesWith('Pulumi.yaml');
}

/**
 * The pods of one cdk8s example, synthesized in-process (no `cdk8s synth` subprocess: the
 * examples test runs that, and type-checks them): its `app:` entry file runs with
 * `CDK8S_OUTDIR` set to a temporary directory (cdk8s `App` reads it), and every YAML file
 * written there is read back.
 */
export function examplePods(name: string): EmittedPod[] {
  const directory = join(EXAMPLES_DIR, name);
  const app = /^app:\s*(.*)$/m.exec(readFileSync(join(directory, 'cdk8s.yaml'), 'utf8'))?.[1] ?? '';
  const entry = app.split(/\s+/).find((word) => word.endsWith('.ts'));
  if (entry === undefined) throw new Error(`${directory}/cdk8s.yaml: no .ts entry file in "app: ${app}"`);
  const outdir = mkdtempSync(join(tmpdir(), 'klp-example-'));
  const previous = process.env.CDK8S_OUTDIR;
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    process.env.CDK8S_OUTDIR = outdir;
    // Each example's entry file is required once: its module body builds the App and synthesizes.
    require(join(directory, entry));
    const objects = readdirSync(outdir)
      .filter((file) => /\.ya?ml$/.test(file))
      .sort()
      .flatMap((file) => parseYaml(readFileSync(join(outdir, file), 'utf8')));
    return podsOf(objects, `examples/${name}`);
  } finally {
    log.mockRestore();
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The pods one Pulumi example would deploy, from a run of the program under Pulumi's mocks
 * (an update): the Deployments it registers (the PrivilegedPortService component's children),
 * and the objects of the YAML it hands to `kubernetes:yaml/v2:ConfigGroup`.
 */
export function pulumiExamplePods(name: string): Promise<EmittedPod[]> {
  // A program is a module: it runs (and registers its resources) once per test file.
  let run = pulumiRuns.get(name);
  if (run === undefined) {
    run = runPulumiExample(name);
    pulumiRuns.set(name, run);
  }
  return run;
}

const pulumiRuns = new Map<string, Promise<EmittedPod[]>>();

async function runPulumiExample(name: string): Promise<EmittedPod[]> {
  await installMocks({ preview: false });
  require(join(EXAMPLES_DIR, name, 'index.ts'));
  // Every registration has been answered once no new one arrives for a while.
  for (let count = -1; count !== registered.length; ) {
    count = registered.length;
    await new Promise((done) => setTimeout(done, 100));
  }
  const objects = registered.flatMap((resource): unknown[] => {
    if (resource.type === 'kubernetes:yaml/v2:ConfigGroup') return parseYaml(String(resource.inputs.yaml));
    return resource.type.startsWith('kubernetes:') ? [resource.inputs] : [];
  });
  return podsOf(objects, `examples/${name}`);
}

function parseYaml(text: string): unknown[] {
  return parseAllDocuments(text).map((document) => document.toJS()).filter((object) => object !== null);
}

/** A pod template, or a Pod. */
interface PodTemplate {
  readonly metadata?: KubeObjectMeta;
  readonly spec?: KubePodSpec;
}

/** The fields of a manifest object that lead to its pod template. */
interface ManifestObject extends PodTemplate {
  readonly kind?: string;
  readonly spec?: KubePodSpec & { readonly template?: PodTemplate; readonly jobTemplate?: { readonly spec?: { readonly template?: PodTemplate } } };
}

const TEMPLATED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** The pod template of every workload among `objects` (and every bare Pod), labelled. */
export function podsOf(objects: readonly unknown[], source: string): EmittedPod[] {
  const pods: EmittedPod[] = [];
  for (const object of objects as readonly ManifestObject[]) {
    const kind = object.kind ?? '';
    const template: PodTemplate | undefined =
      kind === 'Pod' ? object
        : kind === 'CronJob' ? object.spec?.jobTemplate?.spec?.template
          : TEMPLATED_KINDS.has(kind) ? object.spec?.template : undefined;
    if (template?.spec === undefined) continue;
    const strategy = template.metadata?.annotations?.[BIND_STRATEGY_ANNOTATION];
    pods.push({
      label: `${source}: ${kind} ${object.metadata?.name ?? '(unnamed)'}${strategy ? ` (${strategy})` : ''}`,
      // The sandbox's name is its hostname: a short one, not the workload's generated name.
      pod: { metadata: { ...template.metadata, name: 'emitted' }, spec: template.spec },
      strategy,
    });
  }
  return pods;
}
