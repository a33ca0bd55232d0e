/**
 * The harness cannot agree by saying nothing: `compareWithModel` accepts a verdict of `unknown`
 * only on a port that is unknown by design (`UNKNOWN_BY_DESIGN` in matrix.ts), and the cases are
 * exactly the model's `unknown` verdicts on every pod the runtime suites build. Needs no runtime:
 * the observations here are made up, the verdicts are the model's.
 */
import * as fc from 'fast-check';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from './cri-config';
import type { ObservedPod } from './harness';
import { PROBE_IMAGE_ROOT, SETCAP_PROBE_CAPABILITY } from './image';
import type { KubePod } from './kube-types';
import { compareWithModel, countUnknown, describeUnknownCount, edgeCases, MATRIX_DIMENSIONS, podForCase, seedCases, UNKNOWN_BY_DESIGN } from './matrix';
import { fullProduct } from './pairwise';
import { randomPod, randomPodFacts } from './random-pods';
import { analyzePod } from '../../src/model';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';

const pod = (securityContext: object, annotations: Record<string, string> = {}): KubePod => ({
  metadata: { name: 'p', annotations },
  spec: { containers: [{ name: 'c', image: PROBE_IMAGE_ROOT, ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080, protocol: 'TCP' }], securityContext }] },
});

/** A made-up observation: every declared port of every container listening. */
const listening = (p: KubePod): ObservedPod => ({
  profile: 'strict',
  sandboxConfig: {},
  durationMs: 0,
  containers: p.spec.containers.map((c) => ({
    name: c.name,
    type: 'container' as const,
    ports: (c.ports ?? []).map((port) => ({ containerPort: port.containerPort, protocol: port.protocol === 'UDP' ? ('UDP' as const) : ('TCP' as const), observation: 'listening' as const, evidence: 'made up' })),
    evidence: { log: [] },
  })),
});

describe('unknown verdicts', () => {
  test("the image's USER: unknown on a privileged port agrees, by design, and is counted", () => {
    const p = pod({ capabilities: { add: ['NET_BIND_SERVICE'] } });
    const comparisons = compareWithModel(p, listening(p));
    expect(comparisons.map((c) => [c.containerPort, c.bind, c.agrees, c.unknownByDesign])).toEqual([
      [80, 'unknown', true, 'image-user'],
      [8080, 'allowed', true, undefined],
    ]);
    expect(countUnknown(comparisons)).toEqual({ unknown: 1, byDesign: 1 });
    expect(describeUnknownCount('t', comparisons)).toBe('t: 2 port comparisons, 1 unknown, 1 of them unknown by design (image-user 1); 0 unknown without a reason, which fails the run');
  });

  test('a model that says unknown where the manifest decides fails the comparison', () => {
    const p = pod({ runAsUser: 1000 });
    // The model regressing to `unknown`, simulated by a port the API server rejects: the verdict
    // is `unknown` for a reason the harness does not accept.
    const broken: KubePod = { ...p, spec: { containers: [{ ...p.spec.containers[0], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 70000, protocol: 'TCP' }] }] } };
    const comparisons = compareWithModel(broken, listening(broken));
    const unknown = comparisons.find((c) => c.containerPort === 70000);
    expect(unknown).toMatchObject({ bind: 'unknown', agrees: false });
    expect(unknown?.unknownByDesign).toBeUndefined();
    expect(countUnknown(comparisons)).toEqual({ unknown: 1, byDesign: 0 });
  });

  test('no case applies where runAsUser, runAsNonRoot: true or a file capability decides the uid question', () => {
    for (const p of [pod({ runAsUser: 0 }), pod({ runAsNonRoot: true }), pod({}, { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}c`]: SETCAP_PROBE_CAPABILITY })]) {
      expect(UNKNOWN_BY_DESIGN.some((u) => u.applies({ pod: p, containerName: 'c', containerPort: 80, modelProfile: 'strict' }))).toBe(false);
    }
  });

  test('the cases are exactly the model’s unknown verdicts on the matrix, the seeds, the edges and 3,000 random pods', () => {
    const pods = [...seedCases(), ...edgeCases(), ...fullProduct(MATRIX_DIMENSIONS).map(podForCase)]
      .filter((c) => c.notComparable === undefined)
      .map((c) => c.pod)
      .concat(fc.sample(randomPodFacts, { numRuns: 3000, seed: 23 }).map((facts) => randomPod(facts)));
    const mismatches: string[] = [];
    let unknown = 0;
    for (const p of pods) {
      for (const modelProfile of ['strict', 'containerd-1', 'containerd-2'] as RuntimeProfileName[]) {
        for (const container of analyzePod({ metadata: p.metadata, spec: p.spec }, { runtimeProfile: modelProfile }).containers) {
          for (const port of container.ports) {
            const containerPort = port.containerPort as number;
            const byDesign = UNKNOWN_BY_DESIGN.some((u) => u.applies({ pod: p, containerName: container.name, containerPort, modelProfile }));
            if (port.bind === 'unknown') unknown++;
            if ((port.bind === 'unknown') !== byDesign) mismatches.push(`${modelProfile} ${containerPort}: ${port.bind}, by design ${byDesign}: ${JSON.stringify(p.spec)}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(unknown).toBeGreaterThan(0);
  });
});
