/**
 * Reads an image from its registry: the manifest (a pinned digest verified, an index resolved to
 * one platform), the config, then the layers from the top down, each streamed, verified and
 * dropped, keeping only file metadata. For facts it stops at the first layer from the top below
 * which nothing can change them (the binary, passwd and group are decided); for an inspection
 * it reads every layer.
 */
import { createHash } from 'node:crypto';
import type { ImageFacts } from '../../model/image-facts';
import type { ContainerStart } from '../container-facts';
import { imageFactsOf } from '../container-facts';
import { HEAD_BYTES, ImageFilesystem, keptBytesOf, UndecidedPath } from '../image-filesystem';
import type { ImageLocation } from '../image-location';
import { ImageError } from '../image-location';
import type { ZstdDecoderFactory } from '../layer-compression';
import type { LayerSummary } from '../layer-stream';
import { readLayerStream } from '../layer-stream';
import type {
  Descriptor,
  Fail,
  ImageConfig,
} from '../oci-manifest';
import {
  choosePlatform,
  descriptorOf,
  descriptorsOf,
  diffIdsOf,
  imageConfigOf,
  INDEX_TYPES,
  MAX_JSON,
  parseJson,
  parseJsonObject,
  verifyBytes,
} from '../oci-manifest';
import type { Image } from '../read-image';
import type { TarEntry } from '../tar-reader';
import type { ImageName } from './image-name';
import { ImageNameError, parseImageName } from './image-name';
import type { RegistryClient } from './registry-client';
import { readBody, RegistryError } from './registry-client';

/** Options of a pull. */
export interface PullOptions {
  /**
   * The platform to pick from a multi-platform index, `os/architecture[/variant]`.
   * @default 'linux/amd64'
   */
  readonly platform?: string;
  /**
   * The largest layer blob read, in bytes (compressed, as the manifest states it).
   * @default 2 GiB
   */
  readonly maxLayerBytes?: number;
  /**
   * The zstd decoder for zstd layers.
   * @default Node.js's own (≥ 22.15), else the fzstd package
   */
  readonly zstd?: ZstdDecoderFactory;
}

/** The default platform: what most clusters' nodes are. */
export const DEFAULT_PLATFORM = 'linux/amd64';
/** The default largest layer read. */
export const DEFAULT_MAX_LAYER_BYTES = 2 * 1024 * 1024 * 1024;

/** An image's manifest and config as resolved in its registry. */
export interface ResolvedImage {
  /** The reference, split. */
  readonly name: ImageName;
  /** The host (registry or mirror) that served it. */
  readonly host: string;
  /** The digest of the platform manifest read. */
  readonly manifestDigest: string;
  /** The config's digest. */
  readonly configDigest: string;
  /** The config. */
  readonly config: ImageConfig;
  /** The layer descriptors, bottom first. */
  readonly layers: readonly Descriptor[];
  /** The config's diff_ids, one per layer. */
  readonly diffIds: readonly (string | undefined)[];
  /** `registry/repository@digest`: how reports name where a fact came from. */
  readonly label: string;
}

/** The facts of an image for each container start, with what it cost. */
export interface PulledFacts {
  /** The image as resolved. */
  readonly image: ResolvedImage;
  /** One per start, in order. */
  readonly facts: readonly ImageFacts[];
  /** Layers downloaded (from the top); the others were not needed. */
  readonly layersRead: number;
}

/** One layer's entries as recorded: metadata, and the data a filesystem keeps. */
interface RecordedEntry {
  readonly entry: TarEntry;
  data: Buffer | undefined;
}

/** Resolves a reference to one platform's manifest and reads its config. @throws ImageError naming the image */
export async function resolveImage(client: RegistryClient, reference: string, options: PullOptions = {}): Promise<ResolvedImage> {
  const fail: Fail = (problem) => {
    throw new ImageError(reference, problem);
  };
  let name: ImageName;
  try {
    name = parseImageName(reference);
  } catch (error) {
    if (error instanceof ImageNameError) return fail(error.message);
    throw error;
  }
  return withRegistryErrors(fail, async () => {
    const fetched = await client.manifest(name, name.digest ?? (name.tag as string));
    if (name.digest !== undefined) verifyBytes(fetched.bytes, { digest: name.digest }, 'manifest', fail);
    let digest = name.digest ?? `sha256:${createHash('sha256').update(fetched.bytes).digest('hex')}`;
    let manifest = parseJsonObject(fetched.bytes, `the manifest ${digest}`, fail);
    if (INDEX_TYPES.has(fetched.mediaType) || (manifest.manifests !== undefined && manifest.layers === undefined)) {
      const chosen = choosePlatform(descriptorsOf(manifest, `the image index ${digest}`, fail), options.platform ?? DEFAULT_PLATFORM, fail);
      const platformManifest = await client.manifest(name, chosen.digest);
      verifyBytes(platformManifest.bytes, chosen, 'manifest', fail);
      digest = chosen.digest;
      manifest = parseJsonObject(platformManifest.bytes, `the manifest ${digest}`, fail);
    }
    const where = `the manifest ${digest}`;
    const configDescriptor = descriptorOf(manifest.config, `${where}: config`, fail);
    if (!Array.isArray(manifest.layers)) return fail(`${where} has no layers list: is it an image manifest?`);
    const layers = manifest.layers.map((raw, index) => descriptorOf(raw, `${where}: layers[${index}]`, fail));
    if (configDescriptor.size !== undefined && configDescriptor.size > MAX_JSON) return fail(`its config is ${configDescriptor.size} bytes, too large for image metadata`);
    const configBytes = await readBody(await client.blob(fetched.host, name, configDescriptor.digest), MAX_JSON, `the config of ${name.text}`);
    verifyBytes(configBytes, configDescriptor, 'config', fail);
    const rawConfig = parseJson(configBytes, 'the image config', fail);
    return {
      name,
      host: fetched.host,
      manifestDigest: digest,
      configDigest: configDescriptor.digest,
      config: imageConfigOf(rawConfig, fail),
      layers,
      diffIds: diffIdsOf(rawConfig, layers.length, fail),
      label: `${name.registry}/${name.repository}@${digest}`,
    };
  });
}

/**
 * The facts of `starts` in a resolved image, reading layers from the top down and stopping as
 * soon as no lower layer can change them. @throws ImageError naming the image and the cause
 */
export async function pullImageFacts(
  client: RegistryClient,
  image: ResolvedImage,
  starts: readonly ContainerStart[],
  options: PullOptions = {},
): Promise<PulledFacts> {
  const layers: RecordedEntry[][] = new Array(image.layers.length);
  for (let index = image.layers.length - 1; index >= 0; index--) {
    layers[index] = await recordLayer(client, image, index, options);
    const filesystem = replay(layers, index);
    const facts = factsIfDecided(image, filesystem, starts);
    if (facts !== undefined) return { image, facts, layersRead: image.layers.length - index };
  }
  // An image without layers: nothing below to wait for.
  return { image, facts: factsIfDecided(image, new ImageFilesystem(), starts) ?? [], layersRead: image.layers.length };
}

/** Reads a whole image from its registry, every layer: what `image inspect docker://REF` shows. @throws ImageError */
export async function pullImage(client: RegistryClient, reference: string, options: PullOptions = {}): Promise<Image> {
  const image = await resolveImage(client, reference, options);
  const filesystem = new ImageFilesystem();
  const summaries: LayerSummary[] = [];
  const fail = failFor(image);
  for (const [index, descriptor] of image.layers.entries()) {
    checkLayerSize(image, index, options, fail);
    const stream = await withRegistryErrors(fail, () => client.blob(image.host, image.name, descriptor.digest));
    const apply = (entry: TarEntry) => filesystem.apply(entry, index);
    summaries.push(await readLayerStream(blobOf(descriptor, index), stream, image.diffIds[index], apply, options.zstd, fail));
  }
  const location: ImageLocation = { transport: 'docker', path: image.name.normalized, reference: image.name.tag ?? image.name.digest, text: `docker://${reference}` };
  return {
    location,
    reference: image.name.text,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    config: image.config,
    layers: summaries,
    filesystem,
  };
}

async function recordLayer(client: RegistryClient, image: ResolvedImage, index: number, options: PullOptions): Promise<RecordedEntry[]> {
  const fail = failFor(image);
  checkLayerSize(image, index, options, fail);
  const descriptor = image.layers[index];
  const stream = await withRegistryErrors(fail, () => client.blob(image.host, image.name, descriptor.digest));
  const entries: RecordedEntry[] = [];
  await readLayerStream(
    blobOf(descriptor, index),
    stream,
    image.diffIds[index],
    (entry) => {
      const recorded: RecordedEntry = { entry, data: undefined };
      entries.push(recorded);
      const keep = keptBytesOf(entry);
      return keep === undefined ? undefined : { keep: keep === 'content' ? entry.size : HEAD_BYTES, receive: (data) => (recorded.data = data) };
    },
    options.zstd,
    fail,
  );
  return entries;
}

/** The filesystem of layers `from` and up; its base is known only when `from` is the bottom layer. */
function replay(layers: readonly RecordedEntry[][], from: number): ImageFilesystem {
  const filesystem = new ImageFilesystem({ baseKnown: from === 0 });
  for (let index = from; index < layers.length; index++) {
    for (const { entry, data } of layers[index]) {
      const request = filesystem.apply(entry, index);
      if (request !== undefined && data !== undefined) request.receive(data);
    }
  }
  return filesystem;
}

function factsIfDecided(image: ResolvedImage, filesystem: ImageFilesystem, starts: readonly ContainerStart[]): ImageFacts[] | undefined {
  try {
    return starts.map((start) => imageFactsOf({ config: image.config, filesystem }, image.label, start));
  } catch (error) {
    if (error instanceof UndecidedPath) return undefined;
    throw error;
  }
}

function checkLayerSize(image: ResolvedImage, index: number, options: PullOptions, fail: Fail): void {
  const size = image.layers[index].size;
  const max = options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES;
  if (size !== undefined && size > max) fail(`layer ${index + 1} (${image.layers[index].digest}) is ${size} bytes, over the limit of ${max} (maxLayerBytes)`);
}

function blobOf(descriptor: Descriptor, index: number): { digest: string; size: number | undefined; name: string } {
  return { digest: descriptor.digest, size: descriptor.size, name: `layer ${index + 1} (${descriptor.digest})` };
}

function failFor(image: ResolvedImage): Fail {
  return (problem) => {
    throw new ImageError(image.name.text, problem);
  };
}

/** Runs a registry call; its RegistryError becomes the image's error. */
async function withRegistryErrors<T>(fail: Fail, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RegistryError) return fail(error.message);
    throw error;
  }
}
