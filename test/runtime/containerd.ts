/**
 * One containerd daemon per runtime profile, with a private root, state, socket and CNI
 * configuration under test/.work/runtime/containerd-<profile>[-jest<worker>]/, running inside
 * a network namespace of its own so that nothing is added to the host's network. Each jest
 * worker has its own directories, so runtime test files may run in parallel workers (and
 * beside full-matrix.ts); the test files of one worker run one after another, each starting
 * and stopping its own daemons.
 *
 * Two instances rather than one restarted between profiles: a pod can be run under
 * either profile in any order, the same pod under both at once (one per core), and a
 * daemon is ready, image imported, within a second. Both run the same containerd
 * binary; only `enable_unprivileged_ports` (and its ICMP twin) differs.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriClient } from './cri';
import { importImage, PROBE_IMAGE_ROOT } from './image';
import { runtimeWorkDir } from './paths';

/**
 * The runtime behaviour under test, as the capability model names it.
 * - `strict`: CRI `enable_unprivileged_ports = false`, as containerd 1.x and CRI-O:
 *   pods keep the kernel's `ip_unprivileged_port_start` of 1024.
 * - `containerd-2`: `enable_unprivileged_ports = true`, the containerd 2.x default
 *   (containerd#9348), as Docker ≥ 20.10, kind and k3s: every pod with its own network
 *   namespace gets `ip_unprivileged_port_start = 0` unless it sets the sysctl itself.
 */
export type RuntimeProfile = 'strict' | 'containerd-2';

/** Both profiles, in the order reports show them. */
export const RUNTIME_PROFILES: readonly RuntimeProfile[] = ['strict', 'containerd-2'];

/** The private subnet of the CNI bridge: TEST-NET-1 (RFC 5737), inside our namespace only; no packet is ever sent. */
const POD_SUBNET = '192.0.2.0/24';

/** How long containerd may take to serve CRI with a ready network. */
const START_TIMEOUT_MS = 15_000;
/** How long containerd may take to exit after SIGTERM before it gets SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** Which containerd a harness daemon runs, and where its directories are. */
export interface ContainerdBinaries {
  /**
   * The directory of containerd, its runc shim and runc, put first on the daemon's PATH (the
   * shim and its runc are looked up there): test/runtime/userns builds containerd 2.x into one.
   * @default the PATH's: Debian's containerd 1.6 and runc
   */
  readonly binDir?: string;
  /**
   * The parent of the daemon's root, state, socket and CNI directories.
   * @default test/.work/runtime
   */
  readonly workDir?: string;
}

/** A running containerd, its CRI client, and what teardown must find gone. */
export class Containerd {
  /** Starts containerd for `profile` in a new network namespace and imports the probe image. */
  static async start(profile: RuntimeProfile, binaries: ContainerdBinaries = {}): Promise<Containerd> {
    const worker = process.env.JEST_WORKER_ID;
    const dir = join(binaries.workDir ?? runtimeWorkDir(), `containerd-${profile}${worker ? `-jest${worker}` : ''}`);
    stopStale(dir);
    for (const sub of ['root', 'state', 'net.d', 'ipam', 'pods']) mkdirSync(join(dir, sub), { recursive: true });
    const socket = join(dir, 'containerd.sock');
    const config = join(dir, 'config.toml');
    writeFileSync(config, containerdConfig(profile, dir, socket));
    writeFileSync(join(dir, 'net.d', '10-k8s-least-privilege.conflist'), cniConfig(profile, dir));

    const log = openSync(join(dir, 'containerd.log'), 'w');
    // `unshare --net` execs sh, which execs containerd: the PID we get is containerd's,
    // and it lives in a namespace where only the CNI bridge and loopback exist.
    const containerd = binaries.binDir === undefined ? 'containerd' : join(binaries.binDir, 'containerd');
    const path = binaries.binDir === undefined ? process.env.PATH : `${binaries.binDir}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`;
    const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$1" --config "$2"', 'sh', containerd, config], {
      stdio: ['ignore', log, log],
      detached: true,
      env: { ...process.env, PATH: path },
    });
    if (child.pid === undefined) throw new Error('runtime harness: could not spawn unshare/containerd');
    writeFileSync(join(dir, 'containerd.pid'), String(child.pid));
    const daemon = new Containerd(profile, dir, socket, child);
    await daemon.waitUntilReady();
    importImage(socket);
    if (!(await daemon.cri.imageUser(PROBE_IMAGE_ROOT))) throw new Error(`runtime harness: ${PROBE_IMAGE_ROOT} not visible to CRI after import`);
    await daemon.removeAllPods();
    return daemon;
  }

  readonly cri: CriClient;
  /** The inode of containerd's network namespace: after stop, no process may still be in it. */
  private netnsInode = '';
  private exited = false;
  private readonly podNetworkNamespaces = new Set<string>();

  private constructor(
    readonly profile: RuntimeProfile,
    readonly dir: string,
    readonly socket: string,
    private readonly child: ChildProcess,
  ) {
    this.cri = new CriClient(socket);
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /** containerd's PID. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Where this instance's sandboxes write container logs. */
  get podLogRoot(): string {
    return join(this.dir, 'pods');
  }

  /** The inode of containerd's own network namespace (`net:[…]`): a hostNetwork pod's. */
  get networkNamespace(): string {
    return this.netnsInode;
  }

  /** Records the network namespace of a sandbox, which teardown must find removed. */
  async trackSandbox(podSandboxId: string): Promise<void> {
    const path = await this.cri.sandboxNetworkNamespace(podSandboxId);
    if (path) this.podNetworkNamespaces.add(path);
  }

  /** Stops and removes every sandbox this containerd knows, left by us or by an interrupted run. */
  async removeAllPods(): Promise<void> {
    for (const sandbox of await this.cri.listPodSandboxes()) {
      await this.cri.stopPodSandbox(sandbox.id);
      await this.cri.removePodSandbox(sandbox.id);
    }
  }

  /**
   * Removes every pod, checks that nothing of them remains (shims, mounts, network
   * namespaces), stops containerd by its PID, and checks that its namespace is gone.
   * Throws, listing what was left behind.
   */
  async stop(): Promise<void> {
    await this.removeAllPods();
    const leftovers = this.podLeftovers();
    this.cri.close();
    this.child.kill('SIGTERM');
    if (!(await this.waitForExit(STOP_TIMEOUT_MS))) {
      this.child.kill('SIGKILL');
      await this.waitForExit(STOP_TIMEOUT_MS);
      leftovers.push(`containerd (pid ${this.pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms`);
    }
    rmSync(join(this.dir, 'containerd.pid'), { force: true });
    leftovers.push(...processesInNetns(this.netnsInode).map((pid) => `process ${pid} still in containerd's network namespace`));
    leftovers.push(...mountsUnder(this.dir).map((m) => `mount left: ${m}`));
    if (leftovers.length > 0) throw new Error(`runtime harness (${this.profile}): teardown left behind:\n  ${leftovers.join('\n  ')}`);
  }

  /** What pods leave when removal is incomplete: shims, mounts under our root/state, pod network namespaces. */
  private podLeftovers(): string[] {
    const found: string[] = [];
    for (const pid of listPids()) {
      const cmdline = readProc(pid, 'cmdline').split('\0');
      if (cmdline[0]?.includes('containerd-shim') && cmdline.includes(this.socket)) found.push(`shim ${pid}: ${cmdline.join(' ')}`);
    }
    found.push(...mountsUnder(this.dir).map((m) => `mount left: ${m}`));
    // containerd 1.6 creates each pod's network namespace as a bind mount in
    // /var/run/netns/cni-<uuid>, outside our directories: check the ones our pods had.
    const mountPoints = new Set(allMountPoints());
    for (const path of this.podNetworkNamespaces) {
      if (mountPoints.has(path) || existsSync(path)) found.push(`network namespace left: ${path}`);
    }
    return found;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exited) break;
      if (existsSync(this.socket)) {
        try {
          if (await this.cri.ready()) {
            this.netnsInode = readlinkSync(`/proc/${this.pid}/ns/net`);
            return;
          }
        } catch {
          // The socket exists before the CRI plugin serves: try again.
        }
      }
      await sleep(50);
    }
    const log = readFileSync(join(this.dir, 'containerd.log'), 'utf8').split('\n').slice(-20).join('\n');
    this.child.kill('SIGKILL');
    throw new Error(`runtime harness: containerd (${this.profile}) not ready within ${START_TIMEOUT_MS} ms; last log lines:\n${log}`);
  }

  private async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited && Date.now() < deadline) await sleep(20);
    return this.exited;
  }
}

/**
 * containerd 1.6 configuration (version 2 schema). Only what differs from the defaults
 * that kubelet-managed nodes use, each with its reason.
 */
export function containerdConfig(profile: RuntimeProfile, dir: string, socket: string): string {
  return `version = 2
root = "${join(dir, 'root')}"
state = "${join(dir, 'state')}"
# Plugins that would touch paths outside our directories or probe absent kernels.
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "${socket}"

[plugins."io.containerd.grpc.v1.cri"]
  # The probe image doubles as the pause image: its default command is sleep.
  sandbox_image = "${PROBE_IMAGE_ROOT}"
  # The one difference between the profiles (containerd#9348 made true the 2.x default).
  enable_unprivileged_ports = ${profile === 'containerd-2'}
  enable_unprivileged_icmp = ${profile === 'containerd-2'}
  # Root on this machine lacks CAP_SYS_RESOURCE and may not lower oom_score_adj.
  restrict_oom_score_adj = true
  # The streaming server (exec/attach) is unused; keep it on loopback of our namespace.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${join(dir, 'net.d')}"
    max_conf_num = 1
`;
}

/** A bridge with host-local addresses and loopback, as the reference CNI setup for containerd. */
function cniConfig(profile: RuntimeProfile, dir: string): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name: `k8s-least-privilege-${profile}`,
    plugins: [
      {
        type: 'bridge',
        bridge: 'klp0',
        isGateway: false,
        ipMasq: false,
        ipam: { type: 'host-local', ranges: [[{ subnet: POD_SUBNET }]], dataDir: join(dir, 'ipam') },
      },
      { type: 'loopback' },
    ],
  }, null, 2);
}

/** Stops a containerd left running by an interrupted run of this directory (by its recorded PID). */
function stopStale(dir: string): void {
  const pidFile = join(dir, 'containerd.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (readProc(pid, 'cmdline').includes(join(dir, 'config.toml'))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(pidFile, { force: true });
}

function listPids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function processesInNetns(inode: string): number[] {
  if (inode === '') return [];
  return listPids().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`) === inode;
    } catch {
      return false;
    }
  });
}

/** Every mount point in the host's mount namespace (mountinfo field 5, proc(5)). */
function allMountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined);
}

/** Mount points at or under `dir`. */
function mountsUnder(dir: string): string[] {
  return allMountPoints().filter((point) => point === dir || point.startsWith(`${dir}/`));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `containerd` and `ctr` are installed (setup.sh puts them there). */
export function containerdInstalled(): boolean {
  try {
    execFileSync('containerd', ['--version'], { stdio: 'ignore' });
    execFileSync('ctr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
