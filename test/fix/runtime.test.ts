/**
 * Runtime truth for `check --fix`: the seed's broken pods, fixed, run through containerd's CRI
 * plugin under the strict profile (containerd 1.x: no runtime help), and every port listens — as
 * the model said when it approved the fix. The unfixed seed pod is the control: EACCES there.
 * About one second per pod; skips with one message where the harness cannot run (test/runtime/gate.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixtures, fixture, runFixCli } from './fix-helpers';
import { parseInputs } from '../../src/check/check-inputs';
import { describeRuntime } from '../runtime/gate';
import { runPod, stopRuntimes } from '../runtime/harness';
import type { KubePod } from '../runtime/kube-types';
import { compareWithModel } from '../runtime/matrix';

const FIXED_FILES = ['seed-non-root.yaml', 'seed-default-caps.json', 'seed-file-capability.yaml', 'deployment-service.yaml'];

/** The pods (pod templates as pods) of a text. */
function podsOf(file: string, text: string): { label: string; pod: KubePod }[] {
  return parseInputs([{ file, ok: true, text }]).objects.flatMap(({ object }) =>
    object.pod === undefined ? [] : [{ label: `${file}: ${object.kind} ${object.name}`, pod: { metadata: object.pod.metadata, spec: object.pod.spec } as KubePod }],
  );
}

describeRuntime('check --fix on the runtime', 'runtime truth: the fixed seed pods bind every port under the strict profile', () => {
  const directory = copyFixtures(FIXED_FILES);
  runFixCli(['--fix', '--app-port-configurable', join(directory, 'deployment-service.yaml')]);
  runFixCli(['--fix', ...FIXED_FILES.filter((name) => name !== 'deployment-service.yaml').map((name) => join(directory, name))]);
  const fixed = FIXED_FILES.flatMap((name) => podsOf(name, readFileSync(join(directory, name), 'utf8')));

  afterAll(() => stopRuntimes());

  test('control: the seed pod as it was gets EACCES on port 80, as the model says', async () => {
    const [{ pod }] = podsOf('seed-non-root.yaml', fixture('seed-non-root.yaml'));
    const comparisons = compareWithModel(pod, await runPod(pod, 'strict'), undefined, 'strict');
    expect(comparisons.map((c) => [c.containerPort, c.observation, c.bind])).toEqual([[80, 'eacces', 'denied']]);
  });

  test.each(fixed.map((entry) => [entry.label, entry] as const))('%s binds every port', async (_label, { pod }) => {
    const comparisons = compareWithModel(pod, await runPod(pod, 'strict'), undefined, 'strict');
    expect(comparisons.length).toBeGreaterThan(0);
    const failing = comparisons.filter((c) => c.observation !== 'listening' || c.bind !== 'allowed');
    expect(failing.map((c) => `${c.container} ${c.containerPort}/${c.protocol}: ${c.observation} (${c.evidence}); model ${c.bind}`)).toEqual([]);
  });
});
