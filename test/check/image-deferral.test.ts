/**
 * In registry mode the checker analyzes each pod before reading images, with the images it
 * starts not read yet, to learn which images its verdicts need; a pod whose verdicts needed none
 * (and whose images nobody read) keeps that first analysis, with the unread images taken out,
 * instead of being analyzed again (src/check/check-run.ts). That is sound only because the model
 * asks an image's question in a verdict that awaits the image, and nowhere else: this checks it
 * on random pods, with and without Service targets, under every runtime profile.
 */
import { ImageRequests, withoutUnreadImages } from '../../src/check/image-facts-mode';
import { analyzeBinding } from '../../src/model/bind-analysis';
import { RUNTIME_PROFILES } from '../../src/model/runtime-profile';
import type { ServiceTarget } from '../../src/model/undeclared-ports';
import type { GeneratedPod } from '../conformance/pod-generator';
import { generatePods } from '../conformance/pod-generator';

const TARGETS: readonly ServiceTarget[] = [
  { service: 'web', port: 80, protocol: 'TCP', defaulted: false },
  { service: 'dns', port: 53, protocol: 'UDP', defaulted: true },
];

/** The pod, with a file-capability annotation on some of its containers (the annotation makes a request too). */
function annotated(pod: GeneratedPod, index: number): GeneratedPod {
  if (index % 3 !== 0) return pod;
  const containers = (pod.spec.containers as { name?: string }[] | undefined) ?? [];
  const annotations = { ...pod.metadata.annotations };
  for (const container of containers) if (container.name !== undefined) annotations[`file-capabilities.k8s-least-privilege.dev/${container.name}`] = 'cap_net_bind_service=+ep';
  return { ...pod, metadata: { ...pod.metadata, annotations } };
}

describe('a pod analyzed before its images are read', () => {
  const pods = generatePods(1500, 0x1d).map(annotated);

  test.each(RUNTIME_PROFILES.map((profile) => [profile.name, profile] as const))(
    'is analyzed as with no image facts when its verdicts asked for no image (%s)',
    (_name, profile) => {
      let kept = 0;
      let stripped = 0;
      let requested = 0;
      pods.forEach((pod, index) => {
        const targets = index % 2 === 0 ? TARGETS : [];
        const requests = new ImageRequests(undefined, undefined);
        const look = requests.lookupForPod();
        const first = analyzeBinding(pod, profile, look.lookup, targets);
        if (requests.record({ ...pod, specPath: ['spec'], metadataPath: ['metadata'] }, first)) {
          requested++;
          return;
        }
        kept++;
        if (look.unread.length > 0) stripped++;
        expect(withoutUnreadImages(first)).toEqual(analyzeBinding(pod, profile, undefined, targets));
      });
      // Each kind of pod is common, or the property proves little.
      expect(kept).toBeGreaterThan(200);
      expect(stripped).toBeGreaterThan(200);
      expect(requested).toBeGreaterThan(200);
    },
  );
});
