/**
 * Runs a pod's container on gVisor's runsc, as containerd's CRI plugin with
 * containerd-shim-runsc-v1 would hand it over: an OCI bundle whose process is the container's
 * (uid, capability sets after the pod's drop and add, no_new_privs, the probe with its ports) and
 * whose sysctls are the pod's, run with `runsc run`. The root filesystem holds the probe and its
 * setcap copy (`security.capability` set with setcap, read by runsc's gofer as a node's
 * snapshotter would present it) and busybox. Two witnesses per port, as in the containerd
 * harness: the probe's report, and the sandbox's own socket tables (/proc/net/{tcp,udp}{,6} as
 * gVisor's sentry serves them, read with `runsc exec` while the probe holds its ports).
 *
 * A pod with its own network namespace runs with `--network=none` (netstack with loopback only,
 * the stack GKE Sandbox's `--network=sandbox` uses for the pod's interfaces too); a hostNetwork
 * pod with `--network=host`. Every run happens inside a network namespace of its own
 * (`unshare --net`), so `--network=host` binds nothing on the machine, and a mount namespace of its
 * own, so the network namespace runsc pins for `--network=none` (`<state>/null-netns`) is unmounted
 * with it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveSecurityContext, probeCommandOf } from '../cri-config';
import { probeBinaryPath, SETCAP_PROBE_CAPABILITY } from '../image';
import type { KubePod } from '../kube-types';
import type { ContainerOutcome, ObservedPort } from '../observe';
import { observePorts, parseProbeOutput, parseSocketTables } from '../observe';
import { runtimeWorkDir } from '../paths';

/** test/.work/runtime/gvisor: the built runsc, bundles and state. */
export function gvisorWorkDir(): string {
  return join(runtimeWorkDir(), 'gvisor');
}

/** The runsc gvisor/setup.sh built. */
function runscPath(): string {
  return join(gvisorWorkDir(), 'current', 'runsc');
}

/** `true` when runsc is built and the probe exists, else what is missing. */
export function runscAvailability(): true | string {
  if (!existsSync(runscPath())) return `runsc is not built (${runscPath()} missing): run test/runtime/gvisor/setup.sh`;
  if (!existsSync(probeBinaryPath())) return `the probe is not built (${probeBinaryPath()}): run test/runtime/setup.sh`;
  return true;
}

/** The version of the built runsc: the pseudo-version of gvisor.dev/gvisor setup.sh pinned. */
export function runscVersion(): string {
  return /runsc-(v[^/]+)$/.exec(realpathSync(join(gvisorWorkDir(), 'current')))?.[1] ?? '?';
}

/**
 * containerd's default set (pkg/oci defaultUnixCaps, 1.6 and 2.x alike), the set a container
 * with no `capabilities` field starts with; written out here, not taken from the model under test.
 */
const CONTAINERD_DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/**
 * The capability sets containerd's CRI plugin puts in the OCI spec (internal/cri/opts
 * WithCapabilities: ALL in add, then ALL in drop, then every add and drop upper-cased with
 * `CAP_` prefixed; bounding, effective and permitted alike; ambient cleared).
 */
function ociCapabilities(add: readonly string[] = [], drop: readonly string[] = [], defaults: readonly string[]): string[] {
  const upper = (names: readonly string[]) => names.map((name) => name.toUpperCase());
  let set = [...defaults];
  if (upper(add).includes('ALL')) throw new Error('gvisor runner: add: [ALL] is not a case here');
  if (upper(drop).includes('ALL')) set = [];
  for (const name of upper(add).filter((n) => n !== 'ALL')) if (!set.includes(`CAP_${name}`)) set.push(`CAP_${name}`);
  for (const name of upper(drop).filter((n) => n !== 'ALL')) set = set.filter((c) => c !== `CAP_${name}`);
  return set;
}

/** What runsc did with the pod's one container. */
export interface RunscObservation {
  readonly ports: readonly ObservedPort[];
  /** The probe's identity line (uid, capability sets, NoNewPrivs; `ip_unprivileged_port_start=?`: gVisor has no such file). */
  readonly identity?: string;
  /** runsc's error, when the container never ran the probe. */
  readonly failure?: string;
  readonly durationMs: number;
}

let bundleRoot: string | undefined;

/** The root filesystem every bundle shares: the probe, its setcap copy, busybox. Built once per run. */
function rootfs(): string {
  if (bundleRoot !== undefined) return bundleRoot;
  const root = join(gvisorWorkDir(), 'rootfs');
  rmSync(root, { recursive: true, force: true });
  for (const dir of ['bin', 'etc', 'proc', 'dev', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(probeBinaryPath(), join(root, 'bindprobe'));
  copyFileSync(probeBinaryPath(), join(root, 'bindprobe-setcap'));
  execFileSync('setcap', [SETCAP_PROBE_CAPABILITY, join(root, 'bindprobe-setcap')]);
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  symlinkSync('busybox', join(root, 'bin', 'cat'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0::/:/bin/busybox\nprobe:x:1000:1000::/:/bin/busybox\n');
  bundleRoot = root;
  return root;
}

/**
 * Runs the pod's only container on runsc and observes its ports. What kubelet or the API server
 * refuse before a runtime is involved is not this runner's concern: give it pods that reach the runtime.
 */
export async function runOnRunsc(pod: KubePod): Promise<RunscObservation> {
  if (pod.spec.containers.length !== 1 || pod.spec.initContainers?.length) throw new Error('gvisor runner: one container, no init containers');
  const started = Date.now();
  const [container] = pod.spec.containers;
  const sc = effectiveSecurityContext(pod, container);
  const ports = container.ports ?? [];
  const caps = ociCapabilities(sc.capabilities?.add, sc.capabilities?.drop, CONTAINERD_DEFAULT_CAPABILITIES);
  const uid = sc.runAsUser ?? 0;
  const id = `klp-${randomUUID().slice(0, 8)}`;
  const bundle = join(gvisorWorkDir(), 'bundles', id);
  mkdirSync(bundle, { recursive: true });
  const spec = {
    ociVersion: '1.0.0',
    process: {
      terminal: false,
      user: { uid, gid: uid },
      args: [probeCommandOf(pod, container), ...ports.map((p) => `${(p.protocol ?? 'TCP').toLowerCase()}:${p.containerPort}`)],
      env: ['PATH=/bin'],
      cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: sc.allowPrivilegeEscalation === false,
    },
    root: { path: rootfs(), readonly: true },
    hostname: pod.spec.hostNetwork ? undefined : 'gvisor-probe',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs' },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, ...(pod.spec.hostNetwork ? [] : [{ type: 'network' }])],
      sysctl: Object.fromEntries((pod.spec.securityContext?.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  const state = join(gvisorWorkDir(), 'state');
  const runsc = (args: string[]) => ['--root', state, `--network=${pod.spec.hostNetwork ? 'host' : 'none'}`, ...args];
  // One network namespace per run, with loopback up: --network=host then binds in it, not on the machine.
  const isolated = ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh'];
  const child = spawn('unshare', [...isolated, runscPath(), ...runsc(['run', '--bundle', bundle, id])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const outcome = await awaitProbe(() => stdout, exited, (tables) => readTables(runsc, id, tables));
    if (outcome.kind !== 'ran') return { ports: observePorts(ports, outcome), failure: outcome.reason, durationMs: Date.now() - started };
    return { ports: observePorts(ports, outcome), identity: outcome.report.identity, durationMs: Date.now() - started };
  } catch (error) {
    throw new Error(`gvisor runner: ${(error as Error).message}\nrunsc stderr: ${stderr}`);
  } finally {
    try {
      execFileSync(runscPath(), runsc(['kill', id, 'KILL']), { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
    try {
      execFileSync(runscPath(), runsc(['delete', '-force', id]), { stdio: 'ignore' });
    } catch {
      // Never created.
    }
    rmSync(bundle, { recursive: true, force: true });
  }

  function failureOf(code: number | null): ContainerOutcome {
    const reason = `runsc exited ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
    return /operation not permitted/i.test(stderr) ? { kind: 'exec-failed', reason } : { kind: 'refused', reason };
  }

  async function awaitProbe(
    output: () => string,
    exit: Promise<number | null>,
    tables: (files: string[]) => string[],
  ): Promise<ContainerOutcome> {
    let code: number | null | undefined;
    void exit.then((c) => (code = c));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const report = parseProbeOutput(output().split('\n').filter((line) => line !== ''));
      if (report.ready) {
        const [tcp, tcp6, udp, udp6] = tables(['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6']);
        return { kind: 'ran', report, sockets: parseSocketTables([tcp, tcp6], [udp, udp6]) };
      }
      if (code !== undefined) return failureOf(code);
      if (Date.now() > deadline) throw new Error(`the probe neither reported nor exited in 30 s; output: ${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The sandbox's own socket tables, as gVisor's sentry serves them to the container (`runsc exec … cat`). */
function readTables(runsc: (args: string[]) => string[], id: string, files: string[]): string[] {
  return files.map((file) => {
    try {
      return execFileSync(runscPath(), runsc(['exec', '--user', '0:0', id, '/bin/cat', file]), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return ''; // gVisor may not serve a table (tcp6/udp6 without IPv6): no socket there.
    }
  });
}
