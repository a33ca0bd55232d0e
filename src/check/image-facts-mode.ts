/**
 * How a check learns what images say (`--image-facts`, config key `imageFacts`): which
 * containers' verdicts depend on their image, and the model's lookup in each mode:
 * - `registry` (default): the images are read from their registries ({@link FactsRequest}s);
 * - `offline`: no image is read: a verdict that depends on one is `unknown` with its question;
 * - `assume-none`: no file capability unless the annotation declares one (the closed world).
 * An image map (`--images`) answers first in every mode.
 */
import type { ContainerStart } from '../image/container-facts';
import { containerStartOf } from '../image/container-facts';
import { DEFAULT_PLATFORM } from '../image/registry/pull-image';
import type { FactsRequest, ImagePullReport, RegistryFactsOptions } from '../image/registry/registry-facts';
import { fetchRegistryFacts, requestKey } from '../image/registry/registry-facts';
import type { BindingAnalysis } from '../model/bind-analysis';
import { analyzeBinding } from '../model/bind-analysis';
import type { ContainerEntry } from '../model/containers';
import { listContainers } from '../model/containers';
import type { ImageFacts, ImageFactsLookup, UnreadImage } from '../model/image-facts';
import { executedBinaryOf } from '../model/image-facts';
import type { JsonObject } from '../model/json-value';
import { asObject, objectField } from '../model/json-value';
import type { RuntimeProfile } from '../model/runtime-profile';
import type { ServiceTargetLookup } from '../model/service-selection';
import { serviceTargetsOf } from '../model/service-selection';
import type { KubernetesObject, PodTemplate } from '../model/workload';

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
  const requests = new ImageRequests(known, platform);
  for (const object of objects) {
    if (object.pod === undefined) continue;
    const look = requests.lookupForPod();
    requests.record(object.pod, analyzeBinding(object.pod, profile, look.lookup, serviceTargets(object)));
  }
  return requests.all();
}

/**
 * What the verdicts of pods analyzed before their images are read need from images: each pod is
 * analyzed with {@link lookupForPod}'s lookup (`known`, else the image is not read yet), and
 * {@link record} keeps the requests its analysis makes.
 */
export class ImageRequests {
  private readonly requests = new Map<string, FactsRequest>();

  /** @param known the images already answered (`--images`); @param platform the `--platform` asked for, if any */
  constructor(
    private readonly known: ImageFactsLookup | undefined,
    private readonly platform: string | undefined,
  ) {}

  /**
   * A lookup for one pod's analysis, and the containers it answered with an image not read yet:
   * the pod's verdicts are final when there are none.
   */
  lookupForPod(): { readonly lookup: ImageFactsLookup; readonly unread: ContainerEntry[] } {
    const unreadContainers: ContainerEntry[] = [];
    const lookup: ImageFactsLookup = (container, podSpec) => {
      const fromMap = this.known?.(container, podSpec);
      if (fromMap !== undefined) return fromMap;
      const answer = unread(container, 'not read yet');
      if (answer !== undefined) unreadContainers.push(container);
      return answer;
    };
    return { lookup, unread: unreadContainers };
  }

  /** Keeps the requests of a pod's analysis made with {@link lookupForPod}; whether it made any. */
  record(pod: PodTemplate, analysis: BindingAnalysis): boolean {
    const spec = asObject(pod.spec);
    let requested = false;
    // The analysis lists the containers as listContainers does, in the same order.
    listContainers(spec).forEach((entry, index) => {
      const reference = imageOf(entry);
      const analyzed = analysis.containers[index];
      // An annotation declares what the image holds: reading the image verifies it (LP017).
      const declared = analyzed.securityContext.fileCapabilitiesSource === 'annotation' && analyzed.ports.length > 0;
      if (reference === undefined || !(declared || analyzed.ports.some((port) => port.awaitsImage))) return;
      // The image map answers for its images, even for one it could not read: never pulled instead.
      if (this.known?.(entry, spec) !== undefined) return;
      // The last container of a start names its request (`nginx` and `docker.io/library/nginx` are one start).
      const key = startKeyOf(entry, reference, spec, this.platform);
      const start = containerStartOf(entry.spec);
      this.requests.set(key, { reference, platform: platformOfPod(spec, this.platform), start, binary: executedBinaryOf(entry) });
      requested = true;
    });
    return requested;
  }

  /** Whether any of `containers` (of a pod with spec `podSpec`) starts an image that `answers` answers. */
  answered(containers: readonly ContainerEntry[], podSpec: JsonObject | undefined, answers: ReadonlyMap<string, unknown>): boolean {
    return containers.some((container) => answers.has(startKeyOf(container, imageOf(container)!, podSpec, this.platform)));
  }

  /** Every request recorded, once each. */
  all(): FactsRequest[] {
    return [...this.requests.values()];
  }

  /** Every request recorded, with its key, in the order of {@link all}: what another thread's {@link merge} takes. */
  entries(): [string, FactsRequest][] {
    return [...this.requests];
  }

  /**
   * Records the requests another thread's pods made ({@link entries}), as if those pods were
   * analyzed here, after every pod recorded so far: a request keeps its first place and takes
   * its last value, as {@link record} keeps them.
   */
  merge(entries: readonly (readonly [string, FactsRequest])[]): void {
    for (const [key, request] of entries) this.requests.set(key, request);
  }
}

/**
 * A pod's analysis made with an image not read yet, as it is with no image facts, for a pod
 * that requested none and whose images no other pod had read: the model asks an image's
 * question only in a verdict that awaits the image (which makes a request), so such an analysis
 * differs only by the `unreadImage` its containers carry (test/check/image-deferral.test.ts).
 */
export function withoutUnreadImages(analysis: BindingAnalysis): BindingAnalysis {
  if (analysis.containers.every((container) => container.securityContext.unreadImage === undefined)) return analysis;
  return {
    ...analysis,
    containers: analysis.containers.map((container) => {
      if (container.securityContext.unreadImage === undefined) return container;
      const { unreadImage: _unread, ...securityContext } = container.securityContext;
      return { ...container, securityContext };
    }),
  };
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
    return answers.get(startKeyOf(container, reference, podSpec, platform));
  };
}

/** The last key made for a container (by its spec object), with what it was made from. */
const START_KEYS = new WeakMap<JsonObject, StartKey>();

/** A container's start key, with the pod spec and the platform it was made for. */
interface StartKey {
  readonly podSpec: JsonObject | undefined;
  readonly platform: string | undefined;
  readonly key: string;
}

/**
 * The {@link requestKey} of a container's start, made once per container: a pod is analyzed
 * before its images are read and again after, and each analysis asks for it.
 */
function startKeyOf(container: ContainerEntry, reference: string, podSpec: JsonObject | undefined, platform: string | undefined): string {
  const known = START_KEYS.get(container.spec);
  if (known !== undefined && known.podSpec === podSpec && known.platform === platform) return known.key;
  const start: ContainerStart = containerStartOf(container.spec);
  const key = requestKey(reference, platformOfPod(podSpec, platform), start);
  START_KEYS.set(container.spec, { podSpec, platform, key });
  return key;
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
