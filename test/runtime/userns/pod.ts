/**
 * Runs a pod with `hostUsers: false` through containerd 2.x's CRI plugin, as a kubelet does,
 * and observes it from both sides: the probe's own report and the kernel's socket tables
 * (observe.ts, as the 1.6 harness), plus the container process's identity as the host sees it
 * (/proc/<pid>/status, uid_map, the namespaces it is in).
 *
 * The CRI requests are the harness's own translation of the pod (cri-config.ts `planPod`) with
 * what kubelet adds for `hostUsers: false` (pkg/kubelet/kuberuntime/util/util.go
 * NamespacesForPod → `NamespaceOption.userns_options`, on the sandbox and on every container):
 * mode POD and one uid and one gid mapping, container id 0 → host id 65536·k, length 65536
 * (pkg/kubelet/userns/userns_manager.go hands out such blocks, k ≥ 1; block 0 is the host's).
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Containerd } from '../containerd';
import type { ContainerConfig, ImageUser, PodSandboxConfig } from '../cri';
import { CriError } from '../cri';
import { planPod } from '../cri-config';
import { awaitReport } from '../harness';
import type { HostView } from '../host-view';
import { hostView } from '../host-view';
import { PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000 } from '../image';
import type { KubePod } from '../kube-types';
import type { ObservedPort } from '../observe';
import { observePorts } from '../observe';

export { IDS_PER_POD } from '../cri-config';

/** What one container did. */
export interface UsernsContainerObservation {
  readonly name: string;
  readonly ports: readonly ObservedPort[];
  /** The probe's identity line (uid, gid, capability sets, NoNewPrivs, ip_unprivileged_port_start). */
  readonly identity?: string;
  readonly host?: HostView;
  /** The CRI error or exit that kept the probe from reporting. */
  readonly failure?: string;
  readonly criConfig: ContainerConfig;
}

/** What happened to the pod. */
export interface UsernsPodObservation {
  /** Set when RunPodSandbox failed: the runtime's message. No container ran. */
  readonly sandboxRefusal?: string;
  readonly containers: readonly UsernsContainerObservation[];
  readonly sandboxConfig: PodSandboxConfig;
  readonly durationMs: number;
}

let podCounter = 0;

/**
 * Runs `pod` (regular containers only; each runs the probe with its declared ports) on
 * `daemon`, and removes it. With `hostUsers: false` the pod gets the `block`-th block of host
 * ids (cri-config.ts `podUserNamespace`); otherwise its user namespace mode is NODE, as kubelet sends it
 * for `hostUsers` true or unset.
 */
export async function runPodInUserNamespace(daemon: Containerd, pod: KubePod, block: number): Promise<UsernsPodObservation> {
  if (pod.spec.initContainers?.length) throw new Error('userns: init containers are not run here');
  const started = Date.now();
  const users = new Map<string, ImageUser | undefined>();
  for (const image of [PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000]) users.set(image, await daemon.cri.imageUser(image));
  const uid = randomUUID();
  const plan = planPod(
    pod,
    {
      uid,
      name: `${pod.metadata?.name ?? 'pod'}-${++podCounter}`,
      namespace: pod.metadata?.namespace ?? 'default',
      logDirectory: join(daemon.podLogRoot, uid),
      userNamespaceBlock: block,
      // This runner observes what the runtime itself does with a pod, the hostNetwork one included,
      // which only a cluster with the alpha gate of KEP-5607 lets through to the runtime.
      userNamespacesHostNetworkSupport: true,
    },
    (image) => users.get(image),
  );
  if (plan.podRefusal !== undefined) throw new Error(`userns: the harness refuses the pod before the runtime: ${plan.podRefusal}`);
  const sandbox: PodSandboxConfig = plan.sandbox;
  const containers = plan.containers.map((c) => {
    if (c.config === undefined) throw new Error(`userns: the harness refuses container ${c.name}: ${c.refusal}`);
    return { name: c.name, ports: c.ports, config: c.config };
  });

  try {
    let sandboxId: string;
    try {
      sandboxId = await daemon.cri.runPodSandbox(sandbox);
    } catch (error) {
      if (!(error instanceof CriError)) throw error;
      return { sandboxRefusal: error.details, containers: [], sandboxConfig: sandbox, durationMs: Date.now() - started };
    }
    try {
      await daemon.trackSandbox(sandboxId);
      const observed: UsernsContainerObservation[] = [];
      for (const { name, ports, config } of containers) {
        let containerId: string;
        try {
          containerId = await daemon.cri.createContainer(sandboxId, config, sandbox);
          await daemon.cri.startContainer(containerId);
        } catch (error) {
          if (!(error instanceof CriError)) throw error;
          observed.push({ name, ports: observePorts(ports, { kind: 'refused', reason: error.details }), failure: error.details, criConfig: config });
          continue;
        }
        observed.push(await observe(daemon, containerId, name, ports, config, join(sandbox.log_directory, config.log_path)));
      }
      return { containers: observed, sandboxConfig: sandbox, durationMs: Date.now() - started };
    } finally {
      await daemon.cri.stopPodSandbox(sandboxId);
      await daemon.cri.removePodSandbox(sandboxId);
    }
  } finally {
    rmSync(sandbox.log_directory, { recursive: true, force: true });
  }
}

/** Waits for the probe's `bindprobe ready` (or the container's exit) through the harness, and reads the process from the host too. */
async function observe(
  daemon: Containerd,
  containerId: string,
  name: string,
  ports: Parameters<typeof observePorts>[0],
  config: ContainerConfig,
  logPath: string,
): Promise<UsernsContainerObservation> {
  const { outcome, pid } = await awaitReport(daemon, containerId, logPath);
  if (outcome.kind === 'ran' && pid !== undefined) {
    return { name, ports: observePorts(ports, outcome), identity: outcome.report.identity, host: hostView(pid), criConfig: config };
  }
  const failure = outcome.kind === 'ran' ? 'the probe reported without a process id' : outcome.reason;
  return { name, ports: observePorts(ports, outcome), failure, criConfig: config };
}
