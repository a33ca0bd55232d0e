/**
 * Runtime truth for the fifth strategy (issue #23): root inside the pod's user namespace
 * (`hostUsers: false`) with only NET_BIND_SERVICE binds port 80, and is not root on the host.
 *
 * Both hand-written pods and the pod the planner's `BindStrategy.userNamespace()` plan makes
 * (PrivilegedPortService, synthesized) are run; test/runtime/strategies.test.ts runs every
 * construct's user-namespace pod too, under both profiles.
 *
 * Run through containerd 2.x's CRI plugin (built by test/runtime/userns/setup.sh from the Go
 * module proxy; Debian's containerd 1.6 ignores `hostUsers: false`), with runc ≥ 1.2, on this
 * machine's kernel: the rootfs is an overlayfs over idmapped lower layers (Linux ≥ 5.19), and
 * the pod's network namespace is created inside its user namespace, so uid 0 there holds its
 * capabilities over that network namespace. The daemons run the 1.6 harness's configuration,
 * so `strict` keeps `ip_unprivileged_port_start` at 1024 in every pod: a bind of 80 there is the
 * capability's doing, not the runtime's. Each pod is also read from the host: the container
 * process's uid in /proc/<pid>/status must be the mapped one, never 0.
 */
import type { Containerd, RuntimeProfile } from './containerd';
import { describeWhenAvailable } from './gate';
import { runtimeAvailability } from './harness';
import type { KubeContainerPort, KubePod, KubeSecurityContext } from './kube-types';
import type { UsernsStack } from './userns/daemon';
import { majorMinor, startUsernsContainerd, usernsBinariesAvailability, usernsStack } from './userns/daemon';
import type { UsernsPodObservation } from './userns/pod';
import { IDS_PER_POD, runPodInUserNamespace } from './userns/pod';
import type { EmittedPod } from './workloads';
import { CONSTRUCT_CASES, constructPods } from './workloads';
import { analyzePod } from '../../src/model';

const PORTS: readonly KubeContainerPort[] = [
  { containerPort: 80, protocol: 'TCP' },
  { containerPort: 53, protocol: 'UDP' },
  { containerPort: 8080, protocol: 'TCP' },
];
/** The strategy's container: root (inside), no privilege escalation, every capability dropped but NET_BIND_SERVICE. */
const ROOT_NET_BIND_SERVICE: KubeSecurityContext = {
  runAsUser: 0,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The pod template `PrivilegedPortService` with `BindStrategy.userNamespace()` synthesizes (test/runtime/workloads.ts). */
function emittedUserNamespacePod(): EmittedPod {
  const construct = CONSTRUCT_CASES.find((c) => c.expected === 'userNamespace' && c.label.startsWith('userNamespace'));
  if (construct === undefined) throw new Error('workloads.ts lost its userNamespace construct case');
  const [emitted] = constructPods(construct);
  return emitted;
}

function pod(name: string, securityContext: KubeSecurityContext, extra: { hostUsers?: boolean; hostNetwork?: boolean } = {}): KubePod {
  return {
    metadata: { name },
    spec: { hostUsers: false, ...extra, containers: [{ name: 'web', image: 'app', ports: PORTS, securityContext }] },
  };
}

/** `true`, or why the proof cannot run here: the 1.6 harness's prerequisites (root, probe image, CRI API, `ctr`) and the built containerd 2.x. */
function availability(): true | string {
  const harness = runtimeAvailability();
  return harness === true ? usernsBinariesAvailability() : harness;
}

describeWhenAvailable('user-namespace runtime tests', 'runtime truth: root inside a user namespace (hostUsers: false) + only NET_BIND_SERVICE, on containerd 2.x', availability(), () => {
  const daemons = new Map<RuntimeProfile, Promise<Containerd>>();
  const summary: string[] = [];
  let stack: UsernsStack;
  let block = 0;

  const daemon = (profile: RuntimeProfile) => {
    let started = daemons.get(profile);
    if (!started) daemons.set(profile, (started = startUsernsContainerd(profile)));
    return started;
  };

  /** Runs `p` with the next block of host ids (k = 1, 2, …) and records a summary line. */
  async function run(label: string, p: KubePod, profile: RuntimeProfile = 'strict'): Promise<{ observed: UsernsPodObservation; hostId: number }> {
    const k = ++block;
    const observed = await runPodInUserNamespace(await daemon(profile), p, k);
    const c = observed.containers[0];
    const ports = c?.ports.map((port) => `${port.containerPort}/${port.protocol} ${port.observation}`).join(', ');
    const host = c?.host ? `host uid ${c.host.uids[0]}, uid_map "${c.host.uidMap}"` : '';
    summary.push(`${label} [${profile}]: ${observed.sandboxRefusal !== undefined ? `RunPodSandbox refused: ${observed.sandboxRefusal}` : `${ports}; ${c?.identity ?? c?.failure}; ${host}`} (${observed.durationMs} ms)`);
    return { observed, hostId: k * IDS_PER_POD };
  }

  beforeAll(() => {
    stack = usernsStack();
  });

  afterAll(async () => {
    const running = await Promise.all(daemons.values());
    daemons.clear();
    const errors: string[] = [];
    for (const d of running) {
      try {
        await d.stop();
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    if (summary.length > 0) {
      console.log(`user-namespace runtime (containerd ${stack.containerd}, runc ${stack.runc}, Linux ${stack.kernel}):\n  ${summary.join('\n  ')}`);
    }
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });

  test('uid 0 inside, drop ALL + add NET_BIND_SERVICE, no_new_privs: binds 80/tcp and 53/udp with ip_unprivileged_port_start 1024, and runs as the mapped uid on the host', async () => {
    const { observed, hostId } = await run('root + NET_BIND_SERVICE, hostUsers: false', pod('userns-root-nbs', ROOT_NET_BIND_SERVICE));
    expect(observed.sandboxRefusal).toBeUndefined();
    const [web] = observed.containers;
    expect(web.failure).toBeUndefined();
    expect(web.ports.map((p) => [p.containerPort, p.protocol, p.observation])).toEqual([
      [80, 'TCP', 'listening'],
      [53, 'UDP', 'listening'],
      [8080, 'TCP', 'listening'],
    ]);
    // Inside: uid 0, exactly CAP_NET_BIND_SERVICE (bit 10) effective, and no runtime help with the ports.
    expect(web.identity).toMatch(/^uid=0 gid=0 CapPrm=0000000000000400 CapEff=0000000000000400 CapBnd=0000000000000400 CapAmb=0000000000000000 NoNewPrivs=1 ip_unprivileged_port_start=1024$/);
    // Outside: the same process, read from the host's /proc, is the pod's first mapped uid — not root.
    expect(web.host).toMatchObject({ uids: [hostId, hostId, hostId, hostId], gids: [hostId, hostId, hostId, hostId], ownUserNamespace: true });
    expect(web.host!.uids).not.toContain(0);
    expect(web.host!.uidMap).toBe(`0 ${hostId} ${IDS_PER_POD}`);
    expect(web.host!.gidMap).toBe(`0 ${hostId} ${IDS_PER_POD}`);
    // The rootfs: an overlayfs whose lower layer is an idmapped mount containerd made (/tmp/ovl-idmapped…),
    // so the image's root-owned files are root-owned inside without a chown'd copy of the image.
    expect(web.host!.rootMount).toMatch(/^overlay overlay \S*lowerdir=[^,]*ovl-idmapped/);
  });

  test('uid 1000 inside, same capabilities: EACCES on 80/tcp and 53/udp (no capability survives exec for a non-root uid), 8080 binds', async () => {
    const { observed, hostId } = await run('uid 1000 + NET_BIND_SERVICE, hostUsers: false', pod('userns-1000-nbs', { ...ROOT_NET_BIND_SERVICE, runAsUser: 1000 }));
    const [web] = observed.containers;
    expect(web.ports.map((p) => [p.containerPort, p.protocol, p.observation])).toEqual([
      [80, 'TCP', 'eacces'],
      [53, 'UDP', 'eacces'],
      [8080, 'TCP', 'listening'],
    ]);
    expect(web.identity).toMatch(/^uid=1000 gid=1000 CapPrm=0000000000000000 CapEff=0000000000000000 CapBnd=0000000000000400 CapAmb=0000000000000000 NoNewPrivs=1 ip_unprivileged_port_start=1024$/);
    expect(web.host).toMatchObject({ uids: [hostId + 1000, hostId + 1000, hostId + 1000, hostId + 1000], ownUserNamespace: true });
  });

  test('control: uid 0 inside with every capability dropped gets EACCES on 80 — the user namespace alone grants nothing', async () => {
    const { observed } = await run('root, drop ALL, hostUsers: false', pod('userns-root-none', { ...ROOT_NET_BIND_SERVICE, capabilities: { drop: ['ALL'] } }));
    const [web] = observed.containers;
    expect(web.ports.map((p) => p.observation)).toEqual(['eacces', 'eacces', 'listening']);
    expect(web.identity).toMatch(/^uid=0 .*CapEff=0000000000000000 /);
  });

  test('control: the same root + NET_BIND_SERVICE pod with hostUsers unset binds too, but runs as uid 0 on the host', async () => {
    const { observed } = await run('root + NET_BIND_SERVICE, hostUsers unset', pod('hostusers-root-nbs', ROOT_NET_BIND_SERVICE, { hostUsers: undefined }));
    const [web] = observed.containers;
    expect(web.ports.map((p) => p.observation)).toEqual(['listening', 'listening', 'listening']);
    expect(web.host).toMatchObject({ uids: [0, 0, 0, 0], ownUserNamespace: false });
  });

  test('containerd-2 profile (enable_unprivileged_ports): the runtime sets ip_unprivileged_port_start 0 inside the user-namespaced pod too, so uid 1000 with no capability binds 80', async () => {
    const { observed, hostId } = await run('uid 1000, drop ALL, hostUsers: false', pod('userns-1000-none', { ...ROOT_NET_BIND_SERVICE, runAsUser: 1000, capabilities: { drop: ['ALL'] } }), 'containerd-2');
    const [web] = observed.containers;
    expect(web.ports.map((p) => p.observation)).toEqual(['listening', 'listening', 'listening']);
    expect(web.identity).toMatch(/CapEff=0000000000000000 .*ip_unprivileged_port_start=0$/);
    expect(web.host!.uids[0]).toBe(hostId + 1000);
  });

  test('the pod BindStrategy.userNamespace() emits (PrivilegedPortService, synthesized): binds 80 as uid 0 inside, the model says allowed, and the process is the pod\'s first mapped uid on the host', async () => {
    const { pod: emitted } = emittedUserNamespacePod();
    expect(emitted.spec.hostUsers).toBe(false);
    const { observed, hostId } = await run('the userNamespace plan (PrivilegedPortService)', emitted);
    const [main] = observed.containers;
    expect(main.failure).toBeUndefined();
    expect(main.ports.map((p) => [p.containerPort, p.protocol, p.observation])).toEqual([[80, 'TCP', 'listening']]);
    expect(analyzePod({ metadata: emitted.metadata, spec: emitted.spec }).containers[0].ports.map((port) => port.bind)).toEqual(['allowed']);
    // Inside: uid 0 (gid the plan's 65532), exactly NET_BIND_SERVICE, no_new_privs, and no runtime help with the port.
    expect(main.identity).toMatch(/^uid=0 gid=65532 CapPrm=0000000000000400 CapEff=0000000000000400 CapBnd=0000000000000400 CapAmb=0000000000000000 NoNewPrivs=1 ip_unprivileged_port_start=1024$/);
    // Outside: the host's /proc says the same process is an unprivileged uid of the pod's own block.
    const hostGid = hostId + 65532;
    expect(main.host).toMatchObject({ uids: [hostId, hostId, hostId, hostId], gids: [hostGid, hostGid, hostGid, hostGid], ownUserNamespace: true });
    expect(main.host!.uids).not.toContain(0);
  });

  test('the same emitted pod with a non-root uid inside on the binding container: EACCES on 80 (a non-root uid gets no capability on exec, user namespace or not)', async () => {
    const { pod: emitted } = emittedUserNamespacePod();
    const [container] = emitted.spec.containers;
    const nonRoot: KubePod = {
      ...emitted,
      spec: {
        ...emitted.spec,
        containers: [{ ...container, securityContext: { ...container.securityContext, runAsUser: 65532, runAsNonRoot: true } }],
      },
    };
    const { observed, hostId } = await run('the userNamespace plan, binding container as uid 65532', nonRoot);
    const [main] = observed.containers;
    expect(main.ports.map((p) => [p.containerPort, p.observation])).toEqual([[80, 'eacces']]);
    expect(analyzePod({ metadata: nonRoot.metadata, spec: nonRoot.spec }).containers[0].ports.map((port) => port.bind)).toEqual(['denied']);
    expect(main.identity).toMatch(/^uid=65532 .*CapEff=0000000000000000 .*NoNewPrivs=1 ip_unprivileged_port_start=1024$/);
    expect(main.host!.uids[0]).toBe(hostId + 65532);
  });

  test('hostNetwork + hostUsers: false (KEP-5607, alpha): containerd < 2.3 refuses the sandbox; from 2.3 the pod runs in the host network namespace, where root in the user namespace has no capability', async () => {
    const { observed, hostId } = await run('root + NET_BIND_SERVICE, hostUsers: false, hostNetwork', pod('userns-hostnet', ROOT_NET_BIND_SERVICE, { hostNetwork: true }));
    const [major, minor] = majorMinor(stack.containerd);
    if (major === 2 && minor < 3) {
      // internal/cri/server/podsandbox/sandbox_run_linux.go: the user namespace is pinned from the
      // pod's network namespace, and a hostNetwork sandbox has none (its path is "").
      expect(observed.sandboxRefusal).toMatch(/failed to pin user namespace: failed to open netns\(\): open : no such file or directory/);
      expect(observed.containers).toEqual([]);
      return;
    }
    expect(observed.sandboxRefusal).toBeUndefined();
    const [web] = observed.containers;
    // The user namespace is the pod's, the network namespace containerd's own (the host's, on a node):
    // owned by the initial user namespace, so NET_BIND_SERVICE held in the pod's counts for nothing there.
    const hostNetns = (await daemon('strict')).networkNamespace;
    expect(web.host).toMatchObject({ uids: [hostId, hostId, hostId, hostId], ownUserNamespace: true, networkNamespace: hostNetns });
    expect(web.identity).toMatch(/^uid=0 .*CapEff=0000000000000400 .*ip_unprivileged_port_start=1024$/);
    expect(web.ports.map((p) => p.observation)).toEqual(['eacces', 'eacces', 'listening']);
  });
});
