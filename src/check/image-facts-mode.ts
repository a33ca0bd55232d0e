/**
 * How a check learns what images say (`--image-facts`, config key `imageFacts`): which
 * containers' verdicts depend on their image, and the model's lookup in each mode:
 * - `registry` (default): the images are read from their registries ({@link FactsRequest}s);
 * - `offline`: no image is read: a verdict that depends on one is `unknown` with its question;
 * - `assume-none`: no file capability unless the annotation declares one (the closed world).
 * An image map (`--images`) answers first in every mode.
 */
import { ContainerStart, containerStartOf } from '../image/container-facts';
import { FactsRequest, fetchRegistryFacts, ImagePullReport, RegistryFactsOptions, requestKey } from '../image/registry/registry-facts';
import { DEFAULT_PLATFORM } from '../image/registry/pull-image';
import { analyzeBinding } from '../model/bind-analysis';
import { ContainerEntry, listContainers } from '../model/containers';
import { executedBinaryOf, ImageFacts, ImageFactsLookup, UnreadImage } from '../model/image-facts';
import { asObject, JsonObject, objectField } from '../model/json-value';
import { RuntimeProfile } from '../model/runtime-profile';
import { ServiceTargetLookup, serviceTargetsOf } from '../model/service-selection';
import { KubernetesObject } from '../model/workload';

/** How image facts are found. */
export type ImageFactsMode = 'registry' | 'offline' | 'assume-none';

/** Every mode, the default first. */
export const IMAGE_FACTS_MODES: readonly ImageFactsMode[] = ['registry', 'offline', 'assume-none'];

/** The default mode. */
export const DEFAULT_IMAGE_FACTS_MODE: ImageFactsMode = 'registry';

/** The `why` of an image not read in offline mode: what to do so that the checker reads it. */
export const OFFLINE_WHY = 'image facts are offline (--image-facts offline): run with --image-facts registry, give the image with --images, or declare the annotation';

/**
 * The platform whose image a pod runs: `platform` when given, else the pod's
 * `kubernetes.io/arch` nodeSelector on linux, else {@link DEFAULT_PLATFORM}.
 */
export function platformOfPod(podSpec: JsonObject | undefined, platform: string | undefined): string {
  if (platform !== undefined) return platform;
  const arch = objectField(podSpec, 'nodeSelector')?.['kubernetes.io/arch'];
  return typeof arch === 'string' && /^[a-z0-9_]+$/.test(arch) ? `linux/${arch}` : DEFAULT_PLATFORM;
}

/** The container's image reference, when it has one. */
function imageOf(container: ContainerEntry): string | undefined {
  const image = container.spec.image;
  return typeof image === 'string' && image.trim() !== '' ? image : undefined;
}

/**
 * The images the verdicts of `objects` depend on: every container start whose port verdict
 * would be `unknown` only for want of its image, or rests on a file-capability annotation
 * that the image may contradict (and that `known` does not answer). The ports judged are those
 * the check judges: declared, named by a probe, or by a Service among `objects`. (An image's
 * `ExposedPorts` are known only once it is read: they never make it read.)
 */
export function imageRequestsOf(
  objects: readonly KubernetesObject[],
  profile: RuntimeProfile,
  known: ImageFactsLookup | undefined,
  platform: string | undefined,
  serviceTargets: ServiceTargetLookup = serviceTargetsOf(objects),
): FactsRequest[] {
  const requests = new Map<string, FactsRequest>();
  const asking: ImageFactsLookup = (container, podSpec) => known?.(container, podSpec) ?? unread(container, 'not read yet');
  for (const object of objects) {
    if (object.pod === undefined) continue;
    const spec = asObject(object.pod.spec);
    const analysis = analyzeBinding(object.pod, profile, asking, serviceTargets(object));
    // The analysis lists the containers as listContainers does, in the same order.
    listContainers(spec).forEach((entry, index) => {
      const reference = imageOf(entry);
      const analyzed = analysis.containers[index];
      // An annotation declares what the image holds: reading the image verifies it (LP017).
      const declared = analyzed.securityContext.fileCapabilitiesSource === 'annotation' && analyzed.ports.length > 0;
      if (reference === undefined || !(declared || analyzed.ports.some((port) => port.awaitsImage))) return;
      const start = containerStartOf(entry.spec);
      const podPlatform = platformOfPod(spec, platform);
      requests.set(requestKey(reference, podPlatform, start), { reference, platform: podPlatform, start, binary: executedBinaryOf(entry) });
    });
  }
  return [...requests.values()];
}

/**
 * The model's lookup for a mode: `known` (an image map) first; then, in registry mode, the
 * answers pulled; in offline mode, an unread image; in assume-none mode, nothing.
 */
export function imageFactsLookup(
  mode: ImageFactsMode,
  known: ImageFactsLookup | undefined,
  answers: ReadonlyMap<string, ImageFacts | UnreadImage>,
  platform: string | undefined,
): ImageFactsLookup | undefined {
  if (mode === 'assume-none') return known;
  return (container, podSpec) => {
    const fromMap = known?.(container, podSpec);
    if (fromMap !== undefined) return fromMap;
    const reference = imageOf(container);
    if (reference === undefined) return undefined;
    if (mode === 'offline') return unread(container, OFFLINE_WHY);
    const start: ContainerStart = containerStartOf(container.spec);
    return answers.get(requestKey(reference, platformOfPod(podSpec, platform), start));
  };
}

function unread(container: ContainerEntry, why: string): UnreadImage | undefined {
  const image = imageOf(container);
  return image === undefined ? undefined : { unread: true, image, binary: executedBinaryOf(container), why };
}

/** A lookup with the facts it was built from, and how each image was read. */
export interface ReadImageFacts {
  /** The model's lookup (`undefined` in assume-none mode without an image map). */
  readonly lookup: ImageFactsLookup | undefined;
  /** How each image was read from its registry (registry mode, when one was needed). */
  readonly images: readonly ImagePullReport[];
}

/**
 * Reads what the verdicts of `objects` need from images, as `mode` says, and gives the model's
 * lookup: the one way the CLI, the cdk8s plugin and the Pulumi pack learn image facts.
 */
export async function readImageFacts(
  objects: readonly KubernetesObject[],
  mode: ImageFactsMode,
  profile: RuntimeProfile,
  known: ImageFactsLookup | undefined,
  options: RegistryFactsOptions & { readonly platform?: string; readonly serviceTargets?: ServiceTargetLookup } = {},
): Promise<ReadImageFacts> {
  if (mode !== 'registry') return { lookup: imageFactsLookup(mode, known, new Map(), options.platform), images: [] };
  const requests = imageRequestsOf(objects, profile, known, options.platform, options.serviceTargets);
  if (requests.length === 0) return { lookup: imageFactsLookup(mode, known, new Map(), options.platform), images: [] };
  const fetched = await fetchRegistryFacts(requests, options);
  return { lookup: imageFactsLookup(mode, known, fetched.answers, options.platform), images: fetched.images };
}
