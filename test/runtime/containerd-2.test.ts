/**
 * Runtime truth for the runtime profiles on containerd 2.x: the same pods as the 1.6 harness's
 * seed and edge cases, with `hostUsers` unset, run through containerd 2.2.9's CRI plugin (built by
 * test/runtime/userns/setup.sh) under both CRI configurations, each port compared with the model's
 * exact profile for it — `containerd-1` (`enable_unprivileged_ports = false`, which the profile
 * also claims for 2.x so configured) and `containerd-2` (the 2.x default). And the one fact no
 * manifest shows: a container with no `capabilities` field starts with the same fourteen
 * capabilities on 2.x as on 1.6 (the model's RUNTIME_DEFAULT_CAPABILITIES).
 */
import type { RuntimeProfile } from './containerd';
import { RUNTIME_PROFILES } from './containerd';
import { describeRuntime, skipsUserNamespacePods } from './gate';
import type { ObservedPod } from './harness';
import { runPod, stopRuntimes } from './harness';
import { PROBE_IMAGE_ROOT } from './image';
import type { KubePod } from './kube-types';
import type { LabelledPod } from './matrix';
import { compareWithModel, describeDisagreements, edgeCases, inOwnUserNamespace, seedCases } from './matrix';
import type { MatrixRow } from './verification-doc';
import { renderTable, writeVerificationSection } from './verification-doc';
import { LINUX_CAPABILITIES, RUNTIME_DEFAULT_CAPABILITIES } from '../../src/model/capabilities';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';

/** The model's profile that describes each CRI configuration of containerd 2.x exactly. */
const EXACT_PROFILE: Readonly<Record<RuntimeProfile, RuntimeProfileName>> = { 'strict': 'containerd-1', 'containerd-2': 'containerd-2' };

/** The seed and edge cases that run in the node's user namespace (those with `hostUsers: false` are user-namespace.test.ts's). */
const pods: LabelledPod[] = [...seedCases(), ...edgeCases()].filter((c) => !inOwnUserNamespace(c.pod));

/** A container with no `capabilities` field at all, as uid 0: its sets are the runtime's default set. */
const DEFAULT_SET_POD: KubePod = {
  metadata: { name: 'default-capabilities' },
  spec: { containers: [{ name: 'probe', image: PROBE_IMAGE_ROOT, ports: [{ containerPort: 80, protocol: 'TCP' }], securityContext: { runAsUser: 0 } }] },
};

/** /proc/<pid>/status's hexadecimal mask of a set of capability names (capabilities(7) numbers: LINUX_CAPABILITIES is in that order). */
function capabilityMask(names: readonly string[]): string {
  const mask = names.reduce((bits, name) => bits | (1n << BigInt(LINUX_CAPABILITIES.indexOf(name))), 0n);
  return mask.toString(16).padStart(16, '0');
}

/** `{ CapPrm, CapEff, CapBnd, CapAmb }` from the probe's identity line. */
function capabilitySets(observed: ObservedPod): Record<string, string | undefined> {
  const identity = observed.containers[0]?.evidence.identity ?? '';
  return Object.fromEntries(['CapPrm', 'CapEff', 'CapBnd', 'CapAmb'].map((key) => [key, new RegExp(`${key}=([0-9a-f]+)`).exec(identity)?.[1]]));
}

const skips = skipsUserNamespacePods('containerd 2.x runtime profiles');
const rows: MatrixRow[] = [];

describeRuntime('containerd 2.x runtime profiles', 'runtime truth: the containerd-1 and containerd-2 profiles on containerd 2.x', () => {
  afterAll(async () => {
    await stopRuntimes();
    if (rows.length === pods.length * RUNTIME_PROFILES.length) {
      const runtime = `${rows[0].observed.userNamespaceRuntime} (test/runtime/userns), \`hostUsers\` unset; each row compared with the model's containerd-1 (for "strict") or containerd-2 profile`;
      writeVerificationSection('runtime-containerd-2', renderTable('Seed and edge cases on containerd 2.x (npm test)', rows, runtime));
    }
  });

  (skips ? test.skip : test)('a container with no capabilities field gets the same fourteen capabilities on containerd 2.x as on 1.6 — RUNTIME_DEFAULT_CAPABILITIES — and no ambient ones', async () => {
    const expected = capabilityMask(RUNTIME_DEFAULT_CAPABILITIES);
    for (const profile of RUNTIME_PROFILES) {
      const [onOneSix, onTwo] = await Promise.all([runPod(DEFAULT_SET_POD, profile), runPod(DEFAULT_SET_POD, profile, { containerd2: true })]);
      expect(onTwo.userNamespaceRuntime).toMatch(/^containerd 2\./);
      expect(onOneSix.userNamespaceRuntime).toBeUndefined();
      for (const observed of [onOneSix, onTwo]) {
        expect([profile, observed.userNamespaceRuntime ?? 'containerd 1.6', capabilitySets(observed)]).toEqual([
          profile,
          observed.userNamespaceRuntime ?? 'containerd 1.6',
          { CapPrm: expected, CapEff: expected, CapBnd: expected, CapAmb: '0000000000000000' },
        ]);
      }
    }
  });

  const cases = skips ? [] : pods;
  if (skips) test.skip.each(pods.map((c) => [c.label] as const))('%s', () => undefined);
  test.each(cases.map((c) => [c.label, c] as const))('%s', async (_label, { label, pod, expectedPort80, notComparable }) => {
    const failures: string[] = [];
    for (const observed of await Promise.all(RUNTIME_PROFILES.map((profile) => runPod(pod, profile, { containerd2: true })))) {
      const comparisons = compareWithModel(pod, observed, notComparable, EXACT_PROFILE[observed.profile]);
      rows.push({ label, observed, comparisons });
      if (comparisons.some((c) => !c.agrees)) failures.push(describeDisagreements(`${label} [model profile ${EXACT_PROFILE[observed.profile]}]`, pod, observed, comparisons));
      const expected = expectedPort80?.[observed.profile];
      const port80 = observed.containers[0]?.ports.find((p) => p.containerPort === 80 && p.protocol === 'TCP');
      if (expected !== undefined && port80?.observation !== expected) {
        failures.push(`${label} — ${observed.profile} on containerd 2.x: DESIGN.md records ${expected} on port 80 (1.6), observed ${port80?.observation}: ${port80?.evidence}`);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });
});
