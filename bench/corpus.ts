import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A seeded generator of rendered-manifest corpora, shaped like what platform teams feed the
 * checker in CI: Helm output (`# Source:` comments, `---` separators) mixing Deployments,
 * StatefulSets, CronJobs, Services and ConfigMaps, in both the Helm (sequences indented under
 * their key) and the kubectl (sequences at their key's column) styles, with quoted keys,
 * flow sequences, block scalars and comments, so the benchmark exercises what real files hold.
 * Half of the workloads are hardened (restricted, no finding); the other half carry the
 * mistakes the rules exist for (root, a capability a non-root user cannot use, no drop, a
 * `CAP_` prefix, privileged, no seccomp profile).
 */

/** The corpora the benchmark runs over: name and document count. */
export const CORPUS_SIZES: readonly { readonly name: string; readonly documents: number }[] = [
  { name: '1k', documents: 1_000 },
  { name: '10k', documents: 10_000 },
  { name: '20k', documents: 20_000 },
];

/** The seed every corpus is generated from: the same seed gives byte-identical files. */
export const CORPUS_SEED = 0x6b38736c;

/** Where the corpora are written (gitignored). */
export const CORPUS_DIRECTORY = join(__dirname, '..', 'test', '.work', 'bench');

/** A small, fast, seedable PRNG (mulberry32): the corpora must not depend on Math.random. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** What a generated corpus holds. */
export interface Corpus {
  /** The YAML stream. */
  readonly text: string;
  /** Documents in it. */
  readonly documents: number;
  /** Workload documents (Deployments, StatefulSets, CronJobs). */
  readonly workloads: number;
  /** Workloads generated with a mistake the rules report. */
  readonly workloadsWithMistakes: number;
}

const APPS = ['web', 'api', 'dns', 'ingress', 'auth', 'cart', 'search', 'mail', 'metrics', 'gateway', 'ldap', 'ntp', 'worker', 'cache'];
const TEAMS = ['payments', 'identity', 'platform', 'storefront', 'data', 'edge'];
const IMAGES = ['nginx:1.27', 'nginxinc/nginx-unprivileged:1.27', 'coredns/coredns:1.11.3', 'envoyproxy/envoy:v1.31.2', 'example/app:2.4.1', 'haproxy:3.0', 'redis:7.4'];
const PRIVILEGED_PORTS = [80, 443, 53, 25, 389, 123, 636];
const HIGH_PORTS = [8080, 8443, 9090, 3000, 5353, 6379];

/** Generates one corpus of `documents` documents from `seed`. */
export function generateCorpus(documents: number, seed: number = CORPUS_SEED): Corpus {
  const random = new SeededRandom(seed ^ documents);
  const out: string[] = [];
  let workloads = 0;
  let workloadsWithMistakes = 0;
  for (let index = 0; index < documents; index++) {
    const app = `${random.pick(APPS)}-${index}`;
    const namespace = random.pick(TEAMS);
    const style: Style = { kubectl: random.chance(0.3), flowCapabilities: random.chance(0.5) };
    const roll = random.next();
    let document: string;
    if (roll < 0.6) {
      workloads++;
      const mistaken = random.chance(0.5);
      if (mistaken) workloadsWithMistakes++;
      const kind = roll < 0.35 ? 'Deployment' : roll < 0.48 ? 'StatefulSet' : 'CronJob';
      document = workload(random, kind, app, namespace, style, mistaken);
    } else if (roll < 0.82) {
      document = service(random, app, namespace, style);
    } else {
      document = configMap(random, app, namespace);
    }
    out.push(`---\n# Source: ${namespace}/templates/${app}.yaml\n${document}`);
  }
  return { text: out.join(''), documents, workloads, workloadsWithMistakes };
}

interface Style {
  /** Sequences at their key's column (`kubectl get -o yaml`), not indented under it (Helm). */
  readonly kubectl: boolean;
  /** `drop: ["ALL"]` rather than a block sequence. */
  readonly flowCapabilities: boolean;
}

/** Writes text lines at an indentation. */
class Lines {
  readonly lines: string[] = [];

  add(indent: number, text: string): this {
    this.lines.push(' '.repeat(indent) + text);
    return this;
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

function metadata(lines: Lines, indent: number, random: SeededRandom, app: string, namespace: string | undefined): void {
  lines.add(indent, 'metadata:');
  lines.add(indent + 2, `name: ${app}`);
  if (namespace !== undefined) lines.add(indent + 2, `namespace: ${namespace}`);
  lines.add(indent + 2, 'labels:');
  lines.add(indent + 4, `app.kubernetes.io/name: ${app}`);
  lines.add(indent + 4, 'app.kubernetes.io/managed-by: Helm');
  lines.add(indent + 4, `helm.sh/chart: ${app.split('-')[0]}-${random.int(0, 4)}.${random.int(0, 20)}.${random.int(0, 9)}`);
  if (random.chance(0.5)) {
    lines.add(indent + 2, 'annotations:');
    lines.add(indent + 4, `"meta.helm.sh/release-name": ${app}`);
    lines.add(indent + 4, `'meta.helm.sh/release-namespace': "${namespace ?? 'default'}"`);
  }
}

/** A sequence's first item line: `- ` at the key's column (kubectl) or two deeper (Helm). */
function itemIndent(style: Style, keyIndent: number): number {
  return style.kubectl ? keyIndent : keyIndent + 2;
}

function capabilities(lines: Lines, indent: number, style: Style, drop: string[], add: string[]): void {
  if (drop.length === 0 && add.length === 0) return;
  lines.add(indent, 'capabilities:');
  for (const [key, names] of [['drop', drop], ['add', add]] as const) {
    if (names.length === 0) continue;
    if (style.flowCapabilities) {
      lines.add(indent + 2, `${key}: [${names.map((name) => `"${name}"`).join(', ')}]`);
    } else {
      lines.add(indent + 2, `${key}:`);
      for (const name of names) lines.add(itemIndent(style, indent + 2), `- ${name}`);
    }
  }
}

interface PodChoice {
  readonly port: number;
  readonly runAsUser: number | undefined;
  readonly runAsNonRoot: boolean;
  readonly drop: string[];
  readonly add: string[];
  readonly allowPrivilegeEscalation: boolean | undefined;
  readonly privileged: boolean;
  readonly seccomp: boolean;
  readonly fileCapability: boolean;
  readonly sysctl: boolean;
}

/** The pod's security choices: a hardened pod, or one with a mistake the rules catch. */
function podChoice(random: SeededRandom, mistaken: boolean): PodChoice {
  if (!mistaken) {
    const strategy = random.pick(['highPort', 'fileCapability', 'sysctl'] as const);
    const port = strategy === 'highPort' ? random.pick(HIGH_PORTS) : random.pick(PRIVILEGED_PORTS);
    return {
      port,
      runAsUser: random.pick([1000, 10001, 65532]),
      runAsNonRoot: true,
      drop: ['ALL'],
      add: strategy === 'fileCapability' ? ['NET_BIND_SERVICE'] : [],
      allowPrivilegeEscalation: false,
      privileged: false,
      seccomp: true,
      fileCapability: strategy === 'fileCapability',
      sysctl: strategy === 'sysctl',
    };
  }
  const mistake = random.pick(['nonRootWithCapability', 'root', 'noDrop', 'capPrefix', 'privileged', 'noSeccomp'] as const);
  const port = random.pick(PRIVILEGED_PORTS);
  return {
    port,
    runAsUser: mistake === 'root' || mistake === 'privileged' ? 0 : 1000,
    runAsNonRoot: mistake !== 'root' && mistake !== 'privileged',
    drop: mistake === 'noDrop' ? [] : ['ALL'],
    add: mistake === 'capPrefix' ? ['CAP_NET_BIND_SERVICE'] : ['NET_BIND_SERVICE'],
    allowPrivilegeEscalation: mistake === 'privileged' ? undefined : false,
    privileged: mistake === 'privileged',
    seccomp: mistake !== 'noSeccomp',
    fileCapability: false,
    sysctl: false,
  };
}

function container(lines: Lines, indent: number, random: SeededRandom, style: Style, name: string, choice: PodChoice, sidecar: boolean): void {
  const inner = indent + 2;
  lines.add(indent, `- name: ${name}`);
  lines.add(inner, `image: "${sidecar ? 'envoyproxy/envoy:v1.31.2' : random.pick(IMAGES)}"`);
  lines.add(inner, `imagePullPolicy: ${random.pick(['IfNotPresent', 'Always'])}`);
  if (random.chance(0.4)) {
    lines.add(inner, 'args:');
    lines.add(itemIndent(style, inner), '- --config=/etc/app/config.yaml');
    lines.add(itemIndent(style, inner), `- "--log-level=${random.pick(['info', 'debug', 'warn'])}"`);
  }
  lines.add(inner, 'ports:');
  const port = sidecar ? 9901 : choice.port;
  lines.add(itemIndent(style, inner), `- name: ${sidecar ? 'admin' : 'serve'}`);
  lines.add(itemIndent(style, inner) + 2, `containerPort: ${port}`);
  lines.add(itemIndent(style, inner) + 2, `protocol: ${port === 53 || port === 123 ? 'UDP' : 'TCP'}`);
  if (random.chance(0.6)) {
    lines.add(inner, 'env:');
    for (let i = 0; i < random.int(1, 4); i++) {
      lines.add(itemIndent(style, inner), `- name: ${random.pick(['LOG_LEVEL', 'PORT', 'GOMAXPROCS', 'FEATURE_FLAGS', 'REGION'])}_${i}`);
      lines.add(itemIndent(style, inner) + 2, `value: "${random.int(0, 9999)}"`);
    }
  }
  lines.add(inner, 'resources:');
  lines.add(inner + 2, 'requests:');
  lines.add(inner + 4, `cpu: ${random.pick(['50m', '100m', '250m'])}`);
  lines.add(inner + 4, `memory: ${random.pick(['64Mi', '128Mi', '256Mi'])}`);
  lines.add(inner + 2, 'limits:');
  lines.add(inner + 4, `memory: ${random.pick(['128Mi', '256Mi', '512Mi'])}`);
  if (!sidecar && random.chance(0.7)) {
    lines.add(inner, 'readinessProbe:');
    lines.add(inner + 2, 'httpGet:');
    lines.add(inner + 4, 'path: /healthz');
    lines.add(inner + 4, `port: ${port}`);
    lines.add(inner + 2, `periodSeconds: ${random.pick([5, 10, 15])}`);
  }
  lines.add(inner, 'volumeMounts:');
  lines.add(itemIndent(style, inner), '- name: config');
  lines.add(itemIndent(style, inner) + 2, 'mountPath: /etc/app');
  lines.add(itemIndent(style, inner) + 2, 'readOnly: true');
  lines.add(inner, 'securityContext:  # hardened by the platform team');
  const security = inner + 2;
  if (choice.privileged && !sidecar) lines.add(security, 'privileged: true');
  if (choice.allowPrivilegeEscalation !== undefined || sidecar) lines.add(security, 'allowPrivilegeEscalation: false');
  lines.add(security, `readOnlyRootFilesystem: ${random.chance(0.8)}`);
  if (sidecar) capabilities(lines, security, style, ['ALL'], []);
  else capabilities(lines, security, style, choice.drop, choice.add);
}

function workload(random: SeededRandom, kind: 'Deployment' | 'StatefulSet' | 'CronJob', app: string, namespace: string, style: Style, mistaken: boolean): string {
  const lines = new Lines();
  lines.add(0, `apiVersion: ${kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}`);
  lines.add(0, `kind: ${kind}`);
  metadata(lines, 0, random, app, namespace);
  lines.add(0, 'spec:');
  let templateIndent = 2;
  if (kind === 'CronJob') {
    lines.add(2, `schedule: "${random.int(0, 59)} ${random.int(0, 23)} * * *"`);
    lines.add(2, 'concurrencyPolicy: Forbid');
    lines.add(2, 'jobTemplate:');
    lines.add(4, 'spec:');
    lines.add(6, 'backoffLimit: 2');
    templateIndent = 6;
  } else {
    lines.add(2, `replicas: ${random.int(1, 5)}`);
    if (kind === 'StatefulSet') lines.add(2, `serviceName: ${app}`);
    lines.add(2, 'selector:');
    lines.add(4, 'matchLabels:');
    lines.add(6, `app.kubernetes.io/name: ${app}`);
  }
  const choice = podChoice(random, mistaken);
  const t = templateIndent;
  lines.add(t, 'template:');
  lines.add(t + 2, 'metadata:');
  lines.add(t + 4, 'labels:');
  lines.add(t + 6, `app.kubernetes.io/name: ${app}`);
  lines.add(t + 4, 'annotations:');
  lines.add(t + 6, `checksum/config: ${random.int(0, 0xffffffff).toString(16).padStart(8, '0')}${random.int(0, 0xffffffff).toString(16).padStart(8, '0')}`);
  if (choice.fileCapability) lines.add(t + 6, `file-capabilities.k8s-least-privilege.dev/${app}: cap_net_bind_service=+ep`);
  lines.add(t + 2, 'spec:');
  const spec = t + 4;
  if (kind === 'CronJob') lines.add(spec, 'restartPolicy: OnFailure');
  lines.add(spec, `serviceAccountName: ${app}`);
  lines.add(spec, 'securityContext:');
  if (choice.runAsNonRoot) lines.add(spec + 2, 'runAsNonRoot: true');
  if (choice.runAsUser !== undefined) lines.add(spec + 2, `runAsUser: ${choice.runAsUser}`);
  lines.add(spec + 2, `fsGroup: ${random.pick([1000, 2000])}`);
  if (choice.seccomp) {
    lines.add(spec + 2, 'seccompProfile:');
    lines.add(spec + 4, 'type: RuntimeDefault');
  }
  if (choice.sysctl) {
    lines.add(spec + 2, 'sysctls:');
    lines.add(itemIndent(style, spec + 2), '- name: net.ipv4.ip_unprivileged_port_start');
    lines.add(itemIndent(style, spec + 2) + 2, `value: "${choice.port}"`);
  }
  lines.add(spec, 'containers:');
  container(lines, itemIndent(style, spec), random, style, app, choice, false);
  if (random.chance(0.25)) container(lines, itemIndent(style, spec), random, style, 'envoy', choice, true);
  lines.add(spec, 'volumes:');
  lines.add(itemIndent(style, spec), '- name: config');
  lines.add(itemIndent(style, spec) + 2, 'configMap:');
  lines.add(itemIndent(style, spec) + 4, `name: ${app}-config`);
  if (kind === 'StatefulSet') {
    lines.add(2, 'volumeClaimTemplates:');
    lines.add(itemIndent(style, 2), '- metadata:');
    lines.add(itemIndent(style, 2) + 4, 'name: data');
    lines.add(itemIndent(style, 2) + 2, 'spec:');
    lines.add(itemIndent(style, 2) + 4, 'accessModes: ["ReadWriteOnce"]');
    lines.add(itemIndent(style, 2) + 4, 'resources:');
    lines.add(itemIndent(style, 2) + 6, 'requests:');
    lines.add(itemIndent(style, 2) + 8, `storage: ${random.int(1, 50)}Gi`);
  }
  return lines.toString();
}

function service(random: SeededRandom, app: string, namespace: string, style: Style): string {
  const lines = new Lines();
  lines.add(0, 'apiVersion: v1');
  lines.add(0, 'kind: Service');
  metadata(lines, 0, random, app, namespace);
  lines.add(0, 'spec:');
  lines.add(2, `type: ${random.pick(['ClusterIP', 'ClusterIP', 'LoadBalancer'])}`);
  lines.add(2, 'selector:');
  lines.add(4, `app.kubernetes.io/name: ${app}`);
  lines.add(2, 'ports:');
  const port = random.pick(PRIVILEGED_PORTS);
  lines.add(itemIndent(style, 2), '- name: serve');
  lines.add(itemIndent(style, 2) + 2, `port: ${port}`);
  lines.add(itemIndent(style, 2) + 2, `targetPort: ${random.chance(0.5) ? port : random.pick(HIGH_PORTS)}`);
  lines.add(itemIndent(style, 2) + 2, 'protocol: TCP');
  return lines.toString();
}

function configMap(random: SeededRandom, app: string, namespace: string): string {
  const lines = new Lines();
  lines.add(0, 'apiVersion: v1');
  lines.add(0, 'kind: ConfigMap');
  metadata(lines, 0, random, `${app}-config`, namespace);
  lines.add(0, 'data:');
  lines.add(2, `LOG_LEVEL: ${random.pick(['info', 'debug'])}`);
  lines.add(2, 'config.yaml: |');
  lines.add(4, '# application configuration');
  lines.add(4, 'server:');
  lines.add(6, `listen: ":${random.pick(HIGH_PORTS)}"`);
  lines.add(6, `workers: ${random.int(1, 16)}`);
  lines.add(4, 'upstreams:');
  for (let i = 0; i < random.int(1, 5); i++) lines.add(6, `- http://${random.pick(APPS)}.${namespace}.svc:${random.pick(HIGH_PORTS)}`);
  lines.add(2, 'nginx.conf: >-');
  lines.add(4, `server { listen ${random.pick(HIGH_PORTS)}; location / { proxy_pass http://127.0.0.1:${random.pick(HIGH_PORTS)}; } }`);
  return lines.toString();
}

/**
 * The small-document corpus of the performance issue (#19), where the fixed cost per document
 * dominates: Deployments of one container and one port, each followed by the Service that
 * selects it. 10,000 of each make 7.9 MB.
 */
export const SMALL_DOCUMENT_CORPUS = { name: '20k-small', deployments: 10_000 } as const;

/** What {@link smallDocuments} yields: one document, and whether it is a workload generated with a mistake. */
interface SmallDocument {
  readonly text: string;
  readonly workload: boolean;
  readonly mistaken: boolean;
}

/**
 * The documents of a small-document corpus, one at a time (a gigabyte of them is never one
 * string): `deployments` Deployments numbered from `first`, half of them with a mistake, each
 * with its Service.
 */
export function* smallDocuments(deployments: number, first = 0, seed: number = CORPUS_SEED): Generator<SmallDocument> {
  const random = new SeededRandom(seed ^ deployments ^ first);
  for (let index = first; index < first + deployments; index++) {
    const app = `${random.pick(APPS)}-${index}`;
    const namespace = random.pick(TEAMS);
    const style: Style = { kubectl: random.chance(0.3), flowCapabilities: random.chance(0.5) };
    const mistaken = random.chance(0.5);
    const choice = podChoice(random, mistaken);
    yield { text: `---\n${smallDeployment(random, app, namespace, style, choice)}`, workload: true, mistaken };
    yield { text: `---\n${smallService(app, namespace, style, choice.port)}`, workload: false, mistaken: false };
  }
}

/** A corpus written to a file: what it holds, where, and its size. */
type WrittenCorpus = Corpus & { readonly path: string; readonly bytes: number };

/** Writes a small-document corpus to `path` in chunks and returns what it holds. */
export function writeSmallDocumentCorpus(path: string, deployments: number, first = 0): WrittenCorpus {
  const file = openSync(path, 'w');
  let documents = 0;
  let workloadsWithMistakes = 0;
  let bytes = 0;
  let chunk: string[] = [];
  const flush = () => {
    const text = chunk.join('');
    bytes += writeSync(file, text);
    chunk = [];
  };
  try {
    for (const document of smallDocuments(deployments, first)) {
      documents++;
      if (document.mistaken) workloadsWithMistakes++;
      chunk.push(document.text);
      if (chunk.length === 10_000) flush();
    }
    flush();
  } finally {
    closeSync(file);
  }
  return { text: '', documents, workloads: deployments, workloadsWithMistakes, path, bytes };
}

function smallDeployment(random: SeededRandom, app: string, namespace: string, style: Style, choice: PodChoice): string {
  const lines = new Lines();
  lines.add(0, 'apiVersion: apps/v1');
  lines.add(0, 'kind: Deployment');
  lines.add(0, 'metadata:');
  lines.add(2, `name: ${app}`);
  lines.add(2, `namespace: ${namespace}`);
  lines.add(0, 'spec:');
  lines.add(2, 'selector:');
  lines.add(4, 'matchLabels:');
  lines.add(6, `app: ${app}`);
  lines.add(2, 'template:');
  lines.add(4, 'metadata:');
  lines.add(6, 'labels:');
  lines.add(8, `app: ${app}`);
  if (choice.fileCapability) {
    lines.add(6, 'annotations:');
    lines.add(8, 'file-capabilities.k8s-least-privilege.dev/app: cap_net_bind_service=+ep');
  }
  lines.add(4, 'spec:');
  lines.add(6, 'securityContext:');
  if (choice.runAsNonRoot) lines.add(8, 'runAsNonRoot: true');
  if (choice.runAsUser !== undefined) lines.add(8, `runAsUser: ${choice.runAsUser}`);
  if (choice.seccomp) lines.add(8, 'seccompProfile: {type: RuntimeDefault}');
  if (choice.sysctl) lines.add(8, `sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "${choice.port}"}]`);
  lines.add(6, 'containers:');
  const item = itemIndent(style, 6);
  lines.add(item, '- name: app');
  lines.add(item + 2, `image: ${random.pick(IMAGES)}`);
  lines.add(item + 2, 'ports:');
  lines.add(itemIndent(style, item + 2), `- containerPort: ${choice.port}`);
  lines.add(item + 2, 'securityContext:');
  if (choice.privileged) lines.add(item + 4, 'privileged: true');
  if (choice.allowPrivilegeEscalation !== undefined) lines.add(item + 4, 'allowPrivilegeEscalation: false');
  capabilities(lines, item + 4, style, choice.drop, choice.add);
  return lines.toString();
}

function smallService(app: string, namespace: string, style: Style, targetPort: number): string {
  const lines = new Lines();
  lines.add(0, 'apiVersion: v1');
  lines.add(0, 'kind: Service');
  lines.add(0, 'metadata:');
  lines.add(2, `name: ${app}`);
  lines.add(2, `namespace: ${namespace}`);
  lines.add(0, 'spec:');
  lines.add(2, 'selector:');
  lines.add(4, `app: ${app}`);
  lines.add(2, 'ports:');
  lines.add(itemIndent(style, 2), `- port: ${targetPort < 1024 ? targetPort : 80}`);
  lines.add(itemIndent(style, 2) + 2, `targetPort: ${targetPort}`);
  return lines.toString();
}

/** The path of a corpus file. */
export function corpusPath(name: string): string {
  return join(CORPUS_DIRECTORY, `corpus-${name}.yaml`);
}

/** The corpora sections 1 and 2 of the benchmark report, in order: {@link CORPUS_SIZES}, then the small-document one. */
export const BENCH_CORPORA: readonly string[] = [...CORPUS_SIZES.map(({ name }) => name), SMALL_DOCUMENT_CORPUS.name];

/**
 * The large inputs of the memory section, generated when it runs (never committed): about
 * 100 MB in one file, and about 1 GB in ten such files (a file is read whole, up to 256 MiB),
 * of the small-document shape, each file's objects named apart.
 */
export const LARGE_INPUTS = { deploymentsPerFile: 126_000, files: 10 } as const;

/** Writes the large inputs and returns the 100 MB file (the directory's first) and the 1 GB directory. */
export function writeLargeInputs(): { readonly file: WrittenCorpus; readonly directory: Omit<WrittenCorpus, 'text' | 'workloadsWithMistakes'> } {
  const directory = join(CORPUS_DIRECTORY, 'large-1gb');
  mkdirSync(directory, { recursive: true });
  const parts = Array.from({ length: LARGE_INPUTS.files }, (_, part) =>
    writeSmallDocumentCorpus(join(directory, `part-${part}.yaml`), LARGE_INPUTS.deploymentsPerFile, part * LARGE_INPUTS.deploymentsPerFile),
  );
  const sum = (pick: (part: (typeof parts)[number]) => number) => parts.reduce((total, part) => total + pick(part), 0);
  return {
    file: parts[0],
    directory: {
      path: directory,
      documents: sum((part) => part.documents),
      workloads: sum((part) => part.workloads),
      bytes: sum((part) => part.bytes),
    },
  };
}

/** Writes every corpus (and a one-workload file for the cold start) and returns what each holds. */
export function writeCorpora(): Map<string, Corpus & { readonly path: string; readonly bytes: number }> {
  mkdirSync(CORPUS_DIRECTORY, { recursive: true });
  const written = new Map<string, Corpus & { path: string; bytes: number }>();
  for (const { name, documents } of CORPUS_SIZES) {
    const corpus = generateCorpus(documents);
    const path = corpusPath(name);
    writeFileSync(path, corpus.text);
    written.set(name, { ...corpus, path, bytes: Buffer.byteLength(corpus.text) });
  }
  const smallDocumentPath = corpusPath(SMALL_DOCUMENT_CORPUS.name);
  written.set(SMALL_DOCUMENT_CORPUS.name, writeSmallDocumentCorpus(smallDocumentPath, SMALL_DOCUMENT_CORPUS.deployments));
  const small = generateCorpus(3);
  writeFileSync(corpusPath('small'), small.text);
  written.set('small', { ...small, path: corpusPath('small'), bytes: Buffer.byteLength(small.text) });
  return written;
}

if (require.main === module) {
  for (const [name, corpus] of writeCorpora()) {
    process.stdout.write(`${name}: ${corpus.documents} documents, ${corpus.workloads} workloads (${corpus.workloadsWithMistakes} with mistakes), ${(corpus.bytes / 1e6).toFixed(1)} MB → ${corpus.path}\n`);
  }
}
