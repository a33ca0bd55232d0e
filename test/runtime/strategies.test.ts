/**
 * Runtime truth for what our own code emits: every strategy of the constructs and every
 * example in examples/, synthesized, each pod run through containerd's CRI plugin under both
 * runtime profiles. Every declared port must bind (`listening`), and the capability model must
 * say `allowed` for it. A pod carrying the file-capability annotation runs the probe's setcap
 * copy: that is how the file-capability strategy is proven. A pod with `hostUsers: false` (the
 * user-namespace strategy) runs on containerd 2.x, and each of its containers is read from the
 * host too: in a user namespace of its own, and never host uid 0.
 *
 * And the documented anti-pattern — non-root + NET_BIND_SERVICE without a file capability —
 * must fail exactly as the model says: EACCES under `strict`, binds under `containerd-2`.
 */
import { RUNTIME_PROFILES } from './containerd';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX, IDS_PER_POD, planPod } from './cri-config';
import { describeRuntime, skipsUserNamespacePods } from './gate';
import type { ObservedPod } from './harness';
import { runPod, stopRuntimes } from './harness';
import { PROBE_IMAGE_USER_1000, SETCAP_PROBE_PATH } from './image';
import type { KubePod } from './kube-types';
import type { PortComparison } from './matrix';
import { compareWithModel, describeDisagreements, inOwnUserNamespace } from './matrix';
import type { MatrixRow } from './verification-doc';
import { renderPortList, writeVerificationSection } from './verification-doc';
import type { EmittedPod } from './workloads';
import { cdk8sExampleNames, CONSTRUCT_CASES, constructPods, examplePods, pulumiExampleNames, pulumiExamplePods } from './workloads';
import { analyzePod } from '../../src/model';

const constructs = CONSTRUCT_CASES.map((c) => ({ ...c, pods: constructPods(c) }));
const examples = cdk8sExampleNames().map((name) => ({ name, pods: examplePods(name) }));

/** The anti-pattern, hand-written as people write it, and as the file-capability construct's pod without its annotation (the image lacks the setcap). */
function antiPatternPods(): EmittedPod[] {
  const handWritten: KubePod = {
    metadata: { name: 'anti-pattern' },
    spec: {
      containers: [{
        name: 'web',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }],
        securityContext: { runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
      }],
    },
  };
  const fileCapability = constructs.find((c) => c.expected === 'fileCapability')!.pods[0].pod;
  const annotations = Object.fromEntries(
    Object.entries(fileCapability.metadata?.annotations ?? {}).filter(([key]) => !key.startsWith(FILE_CAPABILITIES_ANNOTATION_PREFIX)),
  );
  return [
    { label: 'anti-pattern: uid 1000, drop ALL, add NET_BIND_SERVICE, no file capability', pod: handWritten },
    { label: 'anti-pattern: the fileCapability construct\'s pod on an image without the setcap', pod: { ...fileCapability, metadata: { ...fileCapability.metadata, annotations } } },
  ];
}

const rows: MatrixRow[] = [];
// The Pulumi examples' pods are added when their programs have run (under Pulumi's mocks).
let expectedRows = 2 * [...constructs.flatMap((c) => c.pods), ...examples.flatMap((e) => e.pods), ...antiPatternPods()].length;

/**
 * Pods whose CRI requests are identical (the auto row and the explicit strategy it picks, an
 * example and the construct call it makes) get the same answer from the runtime: each distinct
 * set of requests runs once, and every pod that sends it is compared and reported on its own.
 */
const runsByRequests = new Map<string, Promise<ObservedPod[]>>();
const PLACEMENT = { uid: 'key', name: 'key', namespace: 'default', logDirectory: '/key', userNamespaceBlock: 1 };

/** The pods with `hostUsers: false` (the user-namespace strategy) run on containerd 2.x: without it they skip. */
const skipsUserns = skipsUserNamespacePods('runtime strategies');
const STATIC_IMAGE_USERS = (image: string) => (image === PROBE_IMAGE_USER_1000 ? { uid: { value: 1000 }, username: '' } : { username: '' });

/** Runs `pod` under both profiles (once per distinct CRI requests); records the rows for the page. */
async function runBoth(label: string, pod: KubePod): Promise<{ observed: ObservedPod; comparisons: PortComparison[] }[]> {
  const key = JSON.stringify(planPod(pod, PLACEMENT, STATIC_IMAGE_USERS));
  let pending = runsByRequests.get(key);
  if (pending === undefined) {
    pending = Promise.all(RUNTIME_PROFILES.map((profile) => runPod(pod, profile)));
    runsByRequests.set(key, pending);
  }
  const runs = await pending;
  return runs.map((observed) => {
    const comparisons = compareWithModel(pod, observed);
    rows.push({ label, observed, comparisons });
    return { observed, comparisons };
  });
}

/** Every port of `pod` listens under both profiles, and the model says `allowed` for each. */
async function expectEveryPortBinds({ label, pod }: EmittedPod): Promise<void> {
  const failures: string[] = [];
  for (const { observed, comparisons } of await runBoth(label, pod)) {
    if (comparisons.length === 0) failures.push(`${label} — ${observed.profile}: no declared port`);
    if (comparisons.some((c) => !c.agrees)) failures.push(describeDisagreements(label, pod, observed, comparisons));
    for (const c of comparisons.filter((p) => p.observation !== 'listening' || p.bind !== 'allowed')) {
      failures.push(`${label} — ${observed.profile}: ${c.container} ${c.containerPort}/${c.protocol}: observed ${c.observation} (${c.evidence}); model ${c.bind} (${c.reason})`);
    }
    if (inOwnUserNamespace(pod)) failures.push(...userNamespaceProblems(label, pod, observed));
    // The annotation must have made the harness run the setcap copy, or the strategy was not exercised.
    for (const container of observed.containers) {
      const annotated = pod.metadata?.annotations?.[FILE_CAPABILITIES_ANNOTATION_PREFIX + container.name] !== undefined;
      const command = (container.evidence.criConfig as { command?: string[] } | undefined)?.command?.[0];
      if (annotated !== (command === SETCAP_PROBE_PATH)) failures.push(`${label} — ${observed.profile}: ${container.name} ran ${command} (annotated: ${annotated})`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}

/**
 * A `hostUsers: false` pod must have run in a user namespace of its own on containerd 2.x: every
 * container's process in another user namespace than the host's and none of its host uids 0 — the
 * binding ones run as uid 0 inside (the probe says so), mapped to the pod's block of host ids.
 */
function userNamespaceProblems(label: string, pod: KubePod, observed: ObservedPod): string[] {
  const problems: string[] = [];
  if (observed.userNamespaceRuntime === undefined) problems.push(`${label} — ${observed.profile}: a hostUsers: false pod did not run on containerd 2.x`);
  for (const container of observed.containers) {
    const { host, identity } = container.evidence;
    const where = `${label} — ${observed.profile}: ${container.name}`;
    if (host === undefined) {
      problems.push(`${where}: its process was not read from the host (${container.evidence.failure ?? 'no pid'})`);
      continue;
    }
    if (!host.ownUserNamespace || host.uids.includes(0) || host.uids[0] < IDS_PER_POD) problems.push(`${where}: host uids ${host.uids.join(' ')}, own user namespace ${host.ownUserNamespace}`);
    const inside = Number(/uid=(\d+)/.exec(identity ?? '')?.[1]);
    const declared = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === container.name);
    const binds = (declared?.ports ?? []).some((port) => port.containerPort < 1024);
    if (binds && inside !== 0) problems.push(`${where}: binds a privileged port as uid ${inside} inside, not 0`);
    if (host.uids[0] !== Number(host.uidMap.split(' ')[1]) + inside) problems.push(`${where}: uid ${inside} inside is host uid ${host.uids[0]}, not what uid_map "${host.uidMap}" says`);
  }
  return problems;
}

describe('the pods our code emits (synthesized without a runtime)', () => {
  test.each(constructs.map((c) => [c.label, c] as const))('construct: %s chooses its strategy', (_label, c) => {
    expect(c.pods.length).toBe(1);
    expect(c.pods.map((p) => p.strategy)).toEqual(c.pods.map(() => c.expected));
  });

  test('every cdk8s example yields pods', () => {
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['app', 'auto', 'file-capability', 'high-port', 'root-net-bind-service', 'sysctl', 'user-namespace']));
    for (const example of examples) expect([example.name, example.pods.length > 0]).toEqual([example.name, true]);
  });

  test('every Pulumi example yields pods, under Pulumi mocks', async () => {
    expect(pulumiExampleNames()).toEqual(['pulumi', 'pulumi-component']);
    for (const name of pulumiExampleNames()) expect([name, (await pulumiExamplePods(name)).length > 0]).toEqual([name, true]);
  });
});

describeRuntime('runtime strategies', 'runtime truth: every strategy and example binds every port, under both profiles', () => {
  afterAll(async () => {
    await stopRuntimes();
    if (rows.length === expectedRows) writeVerificationSection('runtime-strategies', renderPortList('Constructs, examples and the anti-pattern (npm test)', rows));
    if (rows.length === 0) return;
    const distinct = new Set(rows.map((r) => r.observed));
    const durations = [...distinct].map((o) => o.durationMs);
    console.log(
      `runtime strategies: ${rows.length / RUNTIME_PROFILES.length} pods, ${distinct.size / RUNTIME_PROFILES.length} with distinct CRI requests, ` +
        `${distinct.size} runs, mean ${Math.round(durations.reduce((a, b) => a + b, 0) / Math.max(durations.length, 1))} ms per run`,
    );
  });

  describe.each(constructs.map((c) => [c.label, c] as const))('construct: %s', (_label, c) => {
    for (const pod of c.pods) (skipsUserns && inOwnUserNamespace(pod.pod) ? test.skip : test)(pod.label, () => expectEveryPortBinds(pod));
  });

  describe.each(examples.map((e) => [e.name, e] as const))('examples/%s', (_name, e) => {
    for (const pod of e.pods) (skipsUserns && inOwnUserNamespace(pod.pod) ? test.skip : test)(pod.label, () => expectEveryPortBinds(pod));
  });

  test.each(pulumiExampleNames())('examples/%s (the pods the program deploys, under Pulumi mocks)', async (name) => {
    const pods = await pulumiExamplePods(name);
    expectedRows += 2 * pods.length;
    for (const pod of pods) await expectEveryPortBinds(pod);
  });

  test('anti-pattern: non-root + NET_BIND_SERVICE without a file capability gets EACCES under strict and binds under containerd-2 ("works on kind, crash-loops in production")', async () => {
    const failures: string[] = [];
    for (const { label, pod } of antiPatternPods()) {
      const model = analyzePod({ metadata: pod.metadata, spec: pod.spec }, { runtimeProfile: 'containerd-2' });
      for (const { observed, comparisons } of await runBoth(label, pod)) {
        if (comparisons.some((c) => !c.agrees)) failures.push(describeDisagreements(label, pod, observed, comparisons));
        const expected = observed.profile === 'strict' ? { observation: 'eacces', bind: 'denied' } : { observation: 'listening', bind: 'allowed' };
        for (const c of comparisons) {
          if (c.observation !== expected.observation || c.bind !== expected.bind) {
            failures.push(`${label} — ${observed.profile}: ${c.containerPort}/${c.protocol}: want ${expected.observation} and ${expected.bind}; observed ${c.observation} (${c.evidence}), model ${c.bind} (${c.reason})`);
          }
        }
      }
      // The report must say the bind on containerd-2 is thanks to the runtime only.
      for (const port of model.containers.flatMap((c) => c.ports)) {
        if (!port.bindsOnlyOnLoweringRuntimes) failures.push(`${label}: ${String(port.containerPort)}/${port.protocol}: the model does not flag the containerd-2 bind as runtime-dependent`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });
});
