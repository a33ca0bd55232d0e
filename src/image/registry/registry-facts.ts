/**
 * The image facts a check needs, from registries: one pull per image and platform (several in
 * parallel, with a bound), each answering every container start that runs that image; cached
 * facts first, so that a second check of the same input downloads no layer. A pull that fails
 * leaves its containers' verdicts `unknown` with the cause, and never stops the others.
 */
import type { ImageFacts, UnreadImage } from '../../model/image-facts';
import type { ContainerStart } from '../container-facts';
import { ImageError } from '../image-location';
import { FactsCache } from './facts-cache';
import { parseImageName } from './image-name';
import type { PullOptions } from './pull-image';
import { pullImageFacts, resolveImage } from './pull-image';
import type { RegistryClientOptions } from './registry-client';
import { RegistryClient } from './registry-client';

/** One container start whose verdict depends on its image. */
export interface FactsRequest {
  /** The image reference as the manifest gives it. */
  readonly reference: string;
  /** `os/architecture[/variant]`. */
  readonly platform: string;
  /** What the container overrides of the image's start. */
  readonly start: ContainerStart;
  /** What the container executes, for the question when the image cannot be read. */
  readonly binary: string;
}

/** How one image was read, for the report. */
export interface ImagePullReport {
  /** The image reference as the manifest gives it. */
  readonly image: string;
  /** The platform read. */
  readonly platform: string;
  /** `pulled` from the registry, `cached` from an earlier pull, or `failed`. */
  readonly status: 'pulled' | 'cached' | 'failed';
  /** `registry/repository@digest` of what was read, when it was. */
  readonly source: string | null;
  /** Layers downloaded, of the image's layers (0 when cached). */
  readonly layersRead: number | null;
  /** Why it failed, when it did. */
  readonly message: string | null;
}

/** Options of {@link fetchRegistryFacts}. */
export interface RegistryFactsOptions extends RegistryClientOptions, PullOptions {
  /**
   * Images pulled at once.
   * @default 4
   */
  readonly concurrency?: number;
  /**
   * The on-disk facts cache, or `false` for none.
   * @default a FactsCache in the default directory
   */
  readonly cache?: FactsCache | false;
  /**
   * Called when an image is done, for a progress line.
   * @default none
   */
  readonly onImage?: (done: number, total: number, report: ImagePullReport) => void;
}

/** The answers: facts, or why the image was not read, by {@link requestKey}; and a report per image. */
export interface RegistryFacts {
  /** The answer for each request, by its key. */
  readonly answers: ReadonlyMap<string, ImageFacts | UnreadImage>;
  /** One report per image and platform. */
  readonly images: readonly ImagePullReport[];
}

/** The key of a request: the image, the platform and what decides the executable. */
export function requestKey(reference: string, platform: string, start: ContainerStart): string {
  let normalized: string;
  try {
    normalized = parseImageName(reference).normalized;
  } catch {
    normalized = reference;
  }
  return JSON.stringify([normalized, platform, start.command ?? null, start.args ?? null, start.env?.get('PATH') ?? null]);
}

/** The key of a start within one image (the cache's). */
function startKey(start: ContainerStart): string {
  return JSON.stringify([start.command ?? null, start.args ?? null, start.env?.get('PATH') ?? null]);
}

/** Pulls what `requests` need. Never throws for an image's failure: that becomes its answer. */
export async function fetchRegistryFacts(requests: readonly FactsRequest[], options: RegistryFactsOptions = {}): Promise<RegistryFacts> {
  // One group per image and platform, each container start once in it.
  const groups = new Map<string, FactsRequest[]>();
  const seen = new Set<string>();
  for (const request of requests) {
    const key = requestKey(request.reference, request.platform, request.start);
    if (seen.has(key)) continue;
    seen.add(key);
    const image = JSON.stringify([request.reference, request.platform]);
    const group = groups.get(image);
    if (group === undefined) groups.set(image, [request]);
    else group.push(request);
  }
  const client = new RegistryClient(options);
  const cache = options.cache === false ? undefined : (options.cache ?? new FactsCache());
  const answers = new Map<string, ImageFacts | UnreadImage>();
  const images: ImagePullReport[] = [];
  const queue = [...groups.values()];
  const worker = async () => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const report = await answerImage(client, cache, group, options, answers);
      images.push(report);
      options.onImage?.(images.length, groups.size, report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, groups.size)) }, worker));
  return { answers, images: images.sort((a, b) => a.image.localeCompare(b.image) || a.platform.localeCompare(b.platform)) };
}

async function answerImage(
  client: RegistryClient,
  cache: FactsCache | undefined,
  group: readonly FactsRequest[],
  options: PullOptions,
  answers: Map<string, ImageFacts | UnreadImage>,
): Promise<ImagePullReport> {
  const { reference, platform } = group[0];
  const keyOf = (request: FactsRequest) => requestKey(request.reference, request.platform, request.start);
  const cachedDigest = cache?.digest(reference, platform);
  if (cachedDigest !== undefined) {
    const cached = group.map((request) => cache?.facts(cachedDigest.manifestDigest, startKey(request.start)));
    if (cached.every((facts) => facts !== undefined)) {
      group.forEach((request, index) => answers.set(keyOf(request), cached[index] as ImageFacts));
      return { image: reference, platform, status: 'cached', source: cachedDigest.label, layersRead: 0, message: null };
    }
  }
  try {
    const image = await resolveImage(client, reference, { ...options, platform });
    cache?.saveDigest(reference, platform, { manifestDigest: image.manifestDigest, label: image.label });
    const missing = group.filter((request) => {
      const facts = cache?.facts(image.manifestDigest, startKey(request.start));
      if (facts !== undefined) answers.set(keyOf(request), facts);
      return facts === undefined;
    });
    if (missing.length === 0) return { image: reference, platform, status: 'cached', source: image.label, layersRead: 0, message: null };
    const pulled = await pullImageFacts(client, image, missing.map((request) => request.start), { ...options, platform });
    missing.forEach((request, index) => {
      answers.set(keyOf(request), pulled.facts[index]);
      cache?.saveFacts(image.manifestDigest, startKey(request.start), pulled.facts[index]);
    });
    return { image: reference, platform, status: 'pulled', source: image.label, layersRead: pulled.layersRead, message: null };
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    const message = `the pull of ${reference} (${platform}) failed: ${error.problem}`;
    for (const request of group) answers.set(keyOf(request), { unread: true, image: reference, binary: request.binary, why: message });
    return { image: reference, platform, status: 'failed', source: null, layersRead: null, message };
  }
}
