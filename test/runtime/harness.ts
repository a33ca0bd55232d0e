/**
 * The runtime-truth harness: runs a Kubernetes pod spec through the path a kubelet uses —
 * pod spec → CRI requests (cri-config.ts) → containerd's CRI plugin → runc → kernel — and
 * reports, for every declared container port, whether the process could bind it.
 *
 * Each container runs bindprobe with all of its declared ports at once; the pod is removed
 * as soon as every container has reported. About half a second per pod.
 *
 * A pod with `hostUsers: false` runs on containerd 2.x (test/runtime/userns: Debian's 1.6 ignores
 * the pod's user namespace and would run it as root on the host), given the next block of host
 * ids as a kubelet with user-namespace support gives it; each container's process is also read
 * from the host (/proc/<pid>/status: its uid there).
 *
 * Init containers run first, one at a time, as kubelet runs them. kubelet waits for each to
 * exit 0; the probe never exits (it holds its sockets until the harness has read the kernel's
 * tables), so the harness observes an init container's ports and then stops it before the next
 * container starts — a bind is decided at bind(2), not at exit. An init container that never
 * runs the probe (refused, exec failure) keeps every later container from starting, as on a
 * node, and their ports are observed as `refused`.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeProfile } from './containerd';
import { Containerd, containerdInstalled } from './containerd';
import type { ContainerConfig, ContainerStatus, ImageUser } from './cri';
import { CriError, criProtoPath } from './cri';
import type { ContainerPlan, ContainerType, PodPlan } from './cri-config';
import { planPod } from './cri-config';
import type { HostView } from './host-view';
import { hostView } from './host-view';
import { imageArchivePath, importImage, PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000 } from './image';
import type { KubePod } from './kube-types';
import type { ContainerOutcome, ObservedPort } from './observe';
import { observePorts, parseCriLog, parseProbeOutput, parseSocketTables } from './observe';
import { startUsernsContainerd, usernsBinariesAvailability, usernsStack } from './userns/daemon';

export type { RuntimeProfile } from './containerd';
export type { ObservedPort, PortObservation } from './observe';

/** What one container did, and the raw evidence for it. */
export interface ObservedContainer {
  readonly name: string;
  readonly type: ContainerType;
  readonly ports: readonly ObservedPort[];
  readonly evidence: {
    /** The refusal or exec error, when the probe never ran. */
    readonly failure?: string;
    /** The probe's identity line: uid, gid, CapPrm/CapEff/CapBnd/CapAmb, NoNewPrivs, ip_unprivileged_port_start. */
    readonly identity?: string;
    /** Every line the container wrote (stderr prefixed). */
    readonly log: readonly string[];
    /** The CRI ContainerConfig sent, when one was. */
    readonly criConfig?: object;
    /** The process as the host saw it while the probe held its ports (host uid, user namespace …), when it ran. */
    readonly host?: HostView;
  };
}

/** What happened to a pod under one runtime profile. */
export interface ObservedPod {
  readonly profile: RuntimeProfile;
  readonly containers: readonly ObservedContainer[];
  /** Set when the whole pod was refused before any sandbox existed. */
  readonly podRefusal?: string;
  /** The CRI PodSandboxConfig built for the pod. */
  readonly sandboxConfig: object;
  readonly durationMs: number;
  /**
   * Set when the pod ran on containerd 2.x — for its own user namespace, or because the run asked
   * for it ({@link RunOptions}): the versions, e.g. `containerd 2.2.9, runc 1.3.7`.
   */
  readonly userNamespaceRuntime?: string;
}

/** How {@link runPod} runs a pod. */
export interface RunOptions {
  /**
   * Run it on containerd 2.x (test/runtime/userns builds it) even without `hostUsers: false`:
   * how the runtime profiles' facts are observed on 2.x.
   * @default false — containerd 1.6, unless the pod has `hostUsers: false`
   */
  readonly containerd2?: boolean;
}

/** How long a started container may take to report (or exit) before the harness gives up. */
const CONTAINER_REPORT_TIMEOUT_MS = 10_000;

const daemons = new Map<RuntimeProfile, Promise<Containerd>>();
/** containerd 2.x per profile, for the pods with `hostUsers: false`. */
const usernsDaemons = new Map<RuntimeProfile, Promise<Containerd>>();
const imageUsers = new Map<Containerd, Map<string, ImageUser | undefined>>();
/** Per profile, the images {@link importImageArchive} imported: pods run them as is. */
const importedImages = new Map<RuntimeProfile, Set<string>>();
let podCounter = 0;
/** The last block of host ids handed to a `hostUsers: false` pod (kubelet starts at 1: block 0 is the host's). */
let userNamespaceBlock = 0;

/**
 * Whether the harness can run here: `true`, or `false`/a reason string when it cannot
 * (not root, containerd missing, setup.sh not run).
 */
export async function runtimeAvailable(): Promise<boolean | string> {
  return runtimeAvailability();
}

/** {@link runtimeAvailable}, synchronously: a test file needs the answer before it declares its tests. */
export function runtimeAvailability(): true | string {
  if (process.platform !== 'linux') return 'the runtime harness needs Linux';
  if (process.getuid?.() !== 0) return 'the runtime harness needs root (containerd, network namespaces)';
  if (!containerdInstalled()) return 'containerd is not installed: run test/runtime/setup.sh';
  for (const [what, path] of [['the CRI API definition', criProtoPath()], ['the probe image', imageArchivePath()]]) {
    if (!existsSync(path)) return `${what} is missing (${path}): run test/runtime/setup.sh`;
  }
  return true;
}

/**
 * Runs `pod` under `profile` and observes every declared port of every container.
 * The pod's image and command are replaced by the probe's (except for an image imported with
 * {@link importImageArchive}, which runs as is); everything else kubelet sends to the runtime
 * for a bind is translated as kubelet does (see cri-config.ts).
 */
export async function runPod(pod: { metadata?: object; spec: object }, profile: RuntimeProfile, options: RunOptions = {}): Promise<ObservedPod> {
  const started = Date.now();
  const kubePod = pod as KubePod;
  // Taken before the first await, so that the blocks follow the order the pods were asked for.
  const block = kubePod.spec.hostUsers === false ? ++userNamespaceBlock : undefined;
  const onContainerd2 = block !== undefined || options.containerd2 === true;
  const daemon = await (onContainerd2 ? usernsDaemonFor(profile) : daemonFor(profile));
  const users = await imageUsersFor(daemon);
  const uid = randomUUID();
  const plan = planPod(
    kubePod,
    {
      uid,
      name: `${kubePod.metadata?.name ?? 'pod'}-${++podCounter}`,
      namespace: kubePod.metadata?.namespace ?? 'default',
      logDirectory: join(daemon.podLogRoot, uid),
      userNamespaceBlock: block,
    },
    (image) => users.get(image),
    onContainerd2 ? undefined : importedImages.get(profile),
  );
  try {
    const containers = plan.podRefusal === undefined ? await runSandbox(daemon, plan) : refuseAll(plan, plan.podRefusal);
    return {
      profile,
      containers,
      podRefusal: plan.podRefusal,
      sandboxConfig: plan.sandbox,
      durationMs: Date.now() - started,
      ...(onContainerd2 ? { userNamespaceRuntime: usernsRuntimeLabel() } : {}),
    };
  } finally {
    rmSync(plan.sandbox.log_directory, { recursive: true, force: true });
  }
}

/** An image {@link importImageArchive} imported, as containerd records it. */
export interface ImportedImage {
  /** Its name (the archive's `io.containerd.image.name` annotation). */
  readonly name: string;
  /** The digest of the manifest containerd's image record points to (`ctr images ls`). */
  readonly manifestDigest: string;
  /** Its user as CRI ImageStatus reports it (what kubelet's runAsNonRoot check reads). */
  readonly user: ImageUser | undefined;
}

/**
 * Imports the images of an OCI archive — each named by its `io.containerd.image.name`
 * annotation — into the containerd of `profile` (`ctr images import`, as for the probe image).
 * A container whose image is one of them then runs that image as is: its Entrypoint and Cmd,
 * or the container's own command and args, as kubelet sends them (cri-config.ts), instead of
 * the probe image. Such an image must run bindprobe (under any name) with `tcp:PORT` arguments.
 */
export async function importImageArchive(profile: RuntimeProfile, archive: string): Promise<ImportedImage[]> {
  const daemon = await daemonFor(profile);
  const users = await imageUsersFor(daemon);
  importImage(daemon.socket, archive);
  const listing = execFileSync('ctr', ['--address', daemon.socket, '--namespace', 'k8s.io', 'images', 'ls'], { encoding: 'utf8' });
  const names = namesInArchive(archive);
  const imported: ImportedImage[] = [];
  for (const name of names) {
    const row = listing.split('\n').map((line) => line.trim().split(/\s+/)).find((fields) => fields[0] === name);
    const manifestDigest = row?.find((field) => /^sha256:[0-9a-f]{64}$/.test(field));
    if (manifestDigest === undefined) throw new Error(`runtime harness: ${name} from ${archive} is not in containerd's image list:\n${listing}`);
    const user = await visibleImageUser(daemon, name);
    users.set(name, user);
    let set = importedImages.get(profile);
    if (!set) importedImages.set(profile, (set = new Set()));
    set.add(name);
    imported.push({ name, manifestDigest, user });
  }
  return imported;
}

/** The `io.containerd.image.name` annotations of an OCI archive's index.json. */
function namesInArchive(archive: string): string[] {
  const index = JSON.parse(execFileSync('tar', ['--extract', '--to-stdout', '--file', archive, './index.json'], { encoding: 'utf8' })) as {
    manifests?: Array<{ annotations?: Record<string, string> }>;
  };
  const names = (index.manifests ?? []).map((m) => m.annotations?.['io.containerd.image.name']).filter((name): name is string => name !== undefined);
  if (names.length === 0) throw new Error(`runtime harness: ${archive} names no image (io.containerd.image.name)`);
  return names;
}

/** CRI sees an image ctr imported once it has handled containerd's image event: wait for that. */
async function visibleImageUser(daemon: Containerd, image: string): Promise<ImageUser> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const user = await daemon.cri.imageUser(image);
    if (user) return user;
    if (Date.now() > deadline) throw new Error(`runtime harness: ${image} not visible to CRI after import`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Removes every pod, stops every containerd by its PID, and fails if anything was left behind. */
export async function stopRuntimes(): Promise<void> {
  const running = [...daemons.values(), ...usernsDaemons.values()];
  daemons.clear();
  usernsDaemons.clear();
  imageUsers.clear();
  const imported = new Map(importedImages);
  importedImages.clear();
  const errors: string[] = [];
  for (const daemon of await Promise.all(running)) {
    const names = [...(imported.get(daemon.profile) ?? [])];
    try {
      // The daemon's root outlives the run: remove what importImageArchive added (and, with --sync, its blobs).
      if (names.length > 0) execFileSync('ctr', ['--address', daemon.socket, '--namespace', 'k8s.io', 'images', 'rm', '--sync', ...names], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      errors.push(`runtime harness (${daemon.profile}): ctr images rm ${names.join(' ')}: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`);
    }
    try {
      await daemon.stop();
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

function daemonFor(profile: RuntimeProfile): Promise<Containerd> {
  let daemon = daemons.get(profile);
  if (!daemon) {
    daemon = Containerd.start(profile);
    daemons.set(profile, daemon);
  }
  return daemon;
}

let usernsLabel: string | undefined;

/** `containerd 2.2.9+unknown, runc 1.3.7`: what the `hostUsers: false` pods ran on (asked of the binaries once). */
function usernsRuntimeLabel(): string {
  if (usernsLabel === undefined) {
    const stack = usernsStack();
    usernsLabel = `containerd ${stack.containerd}, runc ${stack.runc}`;
  }
  return usernsLabel;
}

/** containerd 2.x for `profile`: only it honours a pod's user namespace. */
function usernsDaemonFor(profile: RuntimeProfile): Promise<Containerd> {
  let daemon = usernsDaemons.get(profile);
  if (!daemon) {
    const built = usernsBinariesAvailability();
    if (built !== true) return Promise.reject(new Error(`runtime harness: a pod with hostUsers: false needs containerd ≥ 2.0 (1.6 ignores it): ${built}`));
    daemon = startUsernsContainerd(profile);
    usernsDaemons.set(profile, daemon);
  }
  return daemon;
}

async function imageUsersFor(daemon: Containerd): Promise<Map<string, ImageUser | undefined>> {
  let users = imageUsers.get(daemon);
  if (!users) {
    users = new Map();
    for (const image of [PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000]) users.set(image, await daemon.cri.imageUser(image));
    imageUsers.set(daemon, users);
  }
  return users;
}

function refuseAll(plan: PodPlan, reason: string): ObservedContainer[] {
  return plan.containers.map((c) => ({
    name: c.name,
    type: c.type,
    ports: observePorts(c.ports, { kind: 'refused', reason }),
    evidence: { failure: reason, log: [] },
  }));
}

/** A container after its start: running (to be observed) or already decided. */
type Launch =
  | { readonly plan: ContainerPlan & { config: ContainerConfig }; readonly containerId: string }
  | { readonly plan: ContainerPlan; readonly decided: Extract<ContainerOutcome, { reason: string }> };

async function runSandbox(daemon: Containerd, plan: PodPlan): Promise<ObservedContainer[]> {
  const sandboxId = await daemon.cri.runPodSandbox(plan.sandbox);
  try {
    await daemon.trackSandbox(sandboxId);
    const observed: ObservedContainer[] = [];
    let blockedBy: string | undefined;
    for (const container of plan.containers.filter((c) => c.type === 'initContainer')) {
      if (blockedBy !== undefined) {
        observed.push(decided(container, { kind: 'refused', reason: blockedBy }));
        continue;
      }
      const entry = await launch(daemon, sandboxId, plan, container);
      const result = await observe(daemon, plan, entry);
      if ('containerId' in entry) await daemon.cri.stopContainer(entry.containerId);
      if (result.evidence.failure !== undefined) blockedBy = `kubelet: init container "${container.name}" never completed (${result.evidence.failure})`;
      observed.push(result);
    }
    const launches: Launch[] = [];
    for (const container of plan.containers.filter((c) => c.type === 'container')) {
      launches.push(blockedBy !== undefined ? { plan: container, decided: { kind: 'refused', reason: blockedBy } } : await launch(daemon, sandboxId, plan, container));
    }
    observed.push(...(await Promise.all(launches.map((entry) => observe(daemon, plan, entry)))));
    return observed;
  } finally {
    await daemon.cri.stopPodSandbox(sandboxId);
    await daemon.cri.removePodSandbox(sandboxId);
  }
}

/** What one launched (or already decided) container did. */
async function observe(daemon: Containerd, plan: PodPlan, entry: Launch): Promise<ObservedContainer> {
  if ('decided' in entry) return decided(entry.plan, entry.decided);
  const { name, type, ports, config } = entry.plan;
  const { outcome, log, pid } = await awaitReport(daemon, entry.containerId, join(plan.sandbox.log_directory, config.log_path));
  const identity = outcome.kind === 'ran' ? outcome.report.identity : undefined;
  const failure = outcome.kind === 'ran' ? undefined : outcome.reason;
  // Read while the probe still runs: the harness stops the container only after this.
  const host = pid === undefined ? undefined : hostView(pid);
  const evidence = { failure, identity, log, criConfig: config, ...(host === undefined ? {} : { host }) };
  return { name, type, ports: observePorts(ports, outcome), evidence };
}

function decided(container: ContainerPlan, outcome: Extract<ContainerOutcome, { reason: string }>): ObservedContainer {
  const { name, type, ports, config } = container;
  return { name, type, ports: observePorts(ports, outcome), evidence: { failure: outcome.reason, log: [], criConfig: config } };
}

/** Creates and starts one container, in pod order as kubelet does, unless it is refused. */
async function launch(daemon: Containerd, sandboxId: string, plan: PodPlan, container: ContainerPlan): Promise<Launch> {
  if (container.config === undefined) return { plan: container, decided: { kind: 'refused', reason: container.refusal } };
  const containerId = await daemon.cri.createContainer(sandboxId, container.config, plan.sandbox);
  try {
    await daemon.cri.startContainer(containerId);
  } catch (error) {
    // runc may report an execve failure of the container's first process from StartContainer.
    if (!(error instanceof CriError) || !/exec[^:]*: .*operation not permitted/i.test(error.details)) throw error;
    return { plan: container, decided: { kind: 'exec-failed', reason: error.details } };
  }
  return { plan: { ...container, config: container.config }, containerId };
}

/**
 * Waits until the probe prints `bindprobe ready` (then reads the kernel's socket tables
 * while the process still holds its sockets, and gives the process's host pid) or the
 * container exits without running it.
 */
export async function awaitReport(
  daemon: Containerd,
  containerId: string,
  logPath: string,
): Promise<{ outcome: ContainerOutcome; log: string[]; pid?: number }> {
  const deadline = Date.now() + CONTAINER_REPORT_TIMEOUT_MS;
  for (;;) {
    const log = existsSync(logPath) ? parseCriLog(readFileSync(logPath, 'utf8')) : [];
    const report = parseProbeOutput(log);
    const { status, pid } = await daemon.cri.containerStatus(containerId);
    if (report.ready && status.state === 'CONTAINER_RUNNING' && pid > 0) {
      const read = (table: string) => readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
      const sockets = parseSocketTables([read('tcp'), read('tcp6')], [read('udp'), read('udp6')]);
      return { outcome: { kind: 'ran', report, sockets }, log, pid };
    }
    if (status.state === 'CONTAINER_EXITED') return { outcome: exitedOutcome(status, log), log };
    if (Date.now() > deadline) {
      throw new Error(`runtime harness: container ${containerId} neither reported nor exited in ${CONTAINER_REPORT_TIMEOUT_MS} ms; log:\n${log.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** A container that exited before reporting: an exec failure if it never ran the probe, else a harness error. */
function exitedOutcome(status: ContainerStatus, log: readonly string[]): ContainerOutcome {
  const reason = `exited ${status.exit_code} (${status.reason}${status.message ? `: ${status.message}` : ''}); log: ${log.join(' | ') || '(empty)'}`;
  const probeRan = log.some((line) => line.startsWith('bindprobe '));
  if (!probeRan && /operation not permitted/i.test(`${status.message} ${log.join(' ')}`)) return { kind: 'exec-failed', reason };
  throw new Error(`runtime harness: container exited unexpectedly: ${reason}`);
}
