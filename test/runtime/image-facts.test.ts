/**
 * Runtime truth for the image facts: the harness's own probe image, read offline through
 * `src/image` from the OCI archive setup.sh builds (the same bytes containerd imports), decides
 * the verdicts — its USER (1000:1000) and the file capability of the setcap copy of the probe.
 * The pods carry no file-capabilities annotation and no runAsUser: the image's USER decides the
 * uid, and the container's `command` picks the probe copy (cri-config.ts runs the copy a
 * command names). Each pod runs under both runtime profiles: what the image facts call
 * `allowed` listens, what they call `denied` does not — and without the image facts the model
 * cannot tell (`unknown`), or, for a setcap binary with no NET_BIND_SERVICE left, says the
 * wrong thing on containerd ≥ 2.0.
 */
import type { RuntimeProfile } from './containerd';
import { RUNTIME_PROFILES } from './containerd';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from './cri-config';
import { describeRuntime } from './gate';
import type { ObservedPod } from './harness';
import { runPod, stopRuntimes } from './harness';
import { imageArchivePath, PROBE_ACCOUNT, PROBE_IMAGE_USER_1000, PROBE_PATH, SETCAP_PROBE_PATH } from './image';
import type { KubeContainer, KubePod } from './kube-types';
import { BindStrategy, planPrivilegedPort, podOfPlan, readImageInspection } from '../../src';
import { inspectImage, loadImages, readImage } from '../../src/image';
import { analyzePod } from '../../src/model';
import type { BindVerdict, ImageFactsLookup } from '../../src/model';

const LOCATION = `oci-archive:${imageArchivePath()}:user-1000`;

/** A pod of one container of the probe image (USER 1000:1000) running `binary`, with no runAsUser and no annotation. */
function probePod(name: string, binary: string, keepNetBindService: boolean): KubePod {
  const container: KubeContainer = {
    name: 'web',
    image: PROBE_IMAGE_USER_1000,
    command: [binary],
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], ...(keepNetBindService ? { add: ['NET_BIND_SERVICE'] } : {}) },
    },
  };
  return { metadata: { name }, spec: { containers: [container] } };
}

const PODS: readonly { label: string; pod: KubePod }[] = [
  { label: 'setcap copy, drop ALL + add NET_BIND_SERVICE', pod: probePod('setcap-keep', SETCAP_PROBE_PATH, true) },
  { label: 'plain probe, drop ALL + add NET_BIND_SERVICE', pod: probePod('plain-keep', PROBE_PATH, true) },
  { label: 'setcap copy, drop ALL, no add (exec fails with EPERM)', pod: probePod('setcap-no-add', SETCAP_PROBE_PATH, false) },
];

function verdictOf(pod: KubePod, profile: RuntimeProfile, imageFacts: ImageFactsLookup | undefined): { bind: BindVerdict; reason: string } {
  const options = { runtimeProfile: profile, ...(imageFacts === undefined ? {} : { imageFacts }) };
  const [port] = analyzePod({ metadata: pod.metadata, spec: pod.spec }, options).containers[0].ports;
  return { bind: port.bind, reason: port.reason };
}

describeRuntime('runtime image facts', 'runtime truth: the image facts of the probe image decide, and containerd agrees', () => {
  let lookup: ImageFactsLookup;
  const runs = new Map<string, Promise<ObservedPod>>();
  const run = (label: string, pod: KubePod, profile: RuntimeProfile): Promise<ObservedPod> => {
    const key = `${label}/${profile}`;
    if (!runs.has(key)) runs.set(key, runPod(pod, profile));
    return runs.get(key)!;
  };

  beforeAll(async () => {
    const loaded = await loadImages([{ reference: PROBE_IMAGE_USER_1000, location: LOCATION }]);
    expect(loaded.errors).toEqual([]);
    lookup = loaded.lookup;
  }, 60_000);

  afterAll(async () => {
    await stopRuntimes();
  });

  test('the image says: USER 1000:1000, the setcap copy has cap_net_bind_service=ep, the plain probe none', async () => {
    const inspection = inspectImage(await readImage(LOCATION), [SETCAP_PROBE_PATH, PROBE_PATH]);
    expect(inspection.user).toMatchObject({ uid: PROBE_ACCOUNT.uid, gid: PROBE_ACCOUNT.gid, numeric: true, problem: null });
    expect(inspection.binaries.map((binary) => binary.fileCapabilities?.text ?? null)).toEqual(['cap_net_bind_service=ep', null]);
    for (const { pod } of PODS) expect(pod.metadata?.annotations).toBeUndefined();
  }, 60_000);

  test.each(PODS)('$label: allowed ⇒ listening, denied ⇒ not listening, under both profiles', async ({ label, pod }) => {
    const failures: string[] = [];
    for (const profile of RUNTIME_PROFILES) {
      const { bind, reason } = verdictOf(pod, profile, lookup);
      const observed = await run(label, pod, profile);
      const [port] = observed.containers[0].ports;
      const identity = observed.containers[0].evidence.identity ?? observed.containers[0].evidence.failure ?? '';
      if (bind === 'unknown') failures.push(`${profile}: the image facts leave the verdict unknown: ${reason}`);
      if ((bind === 'allowed') !== (port.observation === 'listening')) {
        failures.push(`${profile}: image facts say ${bind} (${reason}), the runtime observed ${port.observation} (${port.evidence}; ${identity})`);
      }
      // The process ran as the image's USER: nothing in the pod set a uid.
      if (observed.containers[0].evidence.identity !== undefined) expect(observed.containers[0].evidence.identity).toMatch(/uid=1000\b/);
    }
    expect(failures).toEqual([]);
  }, 60_000);

  test('the verdicts themselves: the setcap copy binds everywhere, the plain probe only on containerd-2, the setcap copy without the add nowhere', () => {
    const table = PODS.map(({ pod }) => RUNTIME_PROFILES.map((profile) => verdictOf(pod, profile, lookup).bind));
    expect(table).toEqual([
      ['allowed', 'allowed'],
      ['denied', 'allowed'],
      ['denied', 'denied'],
    ]);
  });

  test('without the image facts the same pods are unknown under strict (the uid is the image\'s); with the annotation gone, the no-add pod is even called allowed on containerd-2', async () => {
    expect(PODS.slice(0, 2).map(({ pod }) => verdictOf(pod, 'strict', undefined).bind)).toEqual(['unknown', 'unknown']);
    const noAdd = PODS[2];
    expect(verdictOf(noAdd.pod, 'containerd-2', undefined).bind).toBe('allowed');
    const observed = await run(noAdd.label, noAdd.pod, 'containerd-2');
    expect(observed.containers[0].ports[0].observation).not.toBe('listening');
  }, 60_000);

  test("the planner's plan for this image (read through readImageInspection) binds: fileCapability, uid 1000 from the image's USER", async () => {
    const inspection = await readImageInspection(LOCATION, { binaries: [SETCAP_PROBE_PATH] });
    const plan = planPrivilegedPort({ port: 80, strategy: BindStrategy.fileCapability({ binary: SETCAP_PROBE_PATH }), imageInspection: inspection });
    expect(plan.strategy).toBe('fileCapability');
    expect(plan.dockerfileLines).toEqual([]);
    expect(plan.podSecurityContext).toMatchObject({ runAsUser: PROBE_ACCOUNT.uid, runAsGroup: PROBE_ACCOUNT.gid });
    const planned = podOfPlan(plan, PROBE_IMAGE_USER_1000);
    // Without the annotation: the command names the setcap copy, so the image decides.
    const annotations = Object.fromEntries(
      Object.entries(planned.metadata.annotations).filter(([key]) => !key.startsWith(FILE_CAPABILITIES_ANNOTATION_PREFIX)),
    );
    const [container] = (planned.spec as { containers: KubeContainer[] }).containers;
    const pod: KubePod = { metadata: { name: 'planned', annotations }, spec: { ...(planned.spec as object), containers: [{ ...container, command: [SETCAP_PROBE_PATH] }] } as KubePod['spec'] };
    for (const profile of RUNTIME_PROFILES) {
      expect([profile, verdictOf(pod, profile, lookup).bind]).toEqual([profile, 'allowed']);
      const observed = await run('planned', pod, profile);
      expect([profile, observed.containers[0].ports[0].observation]).toEqual([profile, 'listening']);
    }
    // The same plan on the plain probe: the planner refuses it, naming the Dockerfile lines.
    const plain = await readImageInspection(LOCATION, { binaries: [PROBE_PATH] });
    expect(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.fileCapability({ binary: PROBE_PATH }), imageInspection: plain })).toThrow(
      new RegExp(`does not give ${PROBE_PATH} cap_net_bind_service[^]*setcap cap_net_bind_service=\\+ep ${PROBE_PATH}`),
    );
  }, 60_000);
});
