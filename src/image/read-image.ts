import { ImageFilesystem } from './image-filesystem';
import type { ImageLocation } from './image-location';
import { ImageError, parseImageLocation } from './image-location';
import { normalizeImageReference } from './image-reference';
import type { ImageStore } from './image-store';
import { ArchiveStore, DirectoryStore } from './image-store';
import type { ZstdDecoderFactory } from './layer-compression';
import type { LayerBlob, LayerSummary } from './layer-stream';
import { readLayerStream } from './layer-stream';
import type {
  Descriptor,
  Fail,
  ImageConfig,
} from './oci-manifest';
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
} from './oci-manifest';
import type { RegistryClientOptions } from './registry/registry-client';
import { TarFormatError } from './tar-reader';

/** Options of {@link readImage}. */
export interface ReadImageOptions {
  /**
   * The platform to pick from a multi-platform index, `os/architecture[/variant]`.
   * @default `linux/` + this machine's architecture, else the index's only platform
   */
  readonly platform?: string;
  /**
   * The zstd decoder for zstd layers.
   * @default Node.js's own (≥ 22.15), else the fzstd package when installed
   */
  readonly zstd?: ZstdDecoderFactory;
  /**
   * How registries are reached, for `docker://REF`.
   * @default registries themselves, over HTTPS, with the credentials of docker and podman
   */
  readonly registry?: RegistryClientOptions;
}

export type { LayerSummary } from './layer-stream';
export type { ImageConfig } from './oci-manifest';

/** An image read from disk: its config and its root filesystem's metadata. */
export interface Image {
  /** Where it was read. */
  readonly location: ImageLocation;
  /** The tag or reference that selected it in the layout or archive, if any. */
  readonly reference: string | undefined;
  /** The manifest's digest (OCI forms). */
  readonly manifestDigest: string | undefined;
  /** The config's digest. */
  readonly configDigest: string | undefined;
  /** The config. */
  readonly config: ImageConfig;
  /** The layers, bottom first. */
  readonly layers: readonly LayerSummary[];
  /** The root filesystem with every layer applied. */
  readonly filesystem: ImageFilesystem;
}

/** The transport of an image in its registry, as skopeo names it. */
export const REGISTRY_TRANSPORT = 'docker://';

interface LayerSource extends LayerBlob {
  /** The member path in the store. */
  readonly path: string;
}

/**
 * Reads an image: from its registry (`docker://REF`, every layer), or on disk, offline:
 * `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]` (docker save,
 * podman save) or a bare path of one of these.
 * Blob digests and sizes and the layers' diff_ids are verified as the bytes go by.
 * @throws ImageError naming the image and what is wrong with it
 */
export async function readImage(location: string | ImageLocation, options: ReadImageOptions = {}): Promise<Image> {
  if (typeof location === 'string' && location.startsWith(REGISTRY_TRANSPORT)) {
    // Loaded on demand: reading a file on disk needs none of the registry client.
    const [{ pullImage, DEFAULT_PLATFORM }, { RegistryClient }] = await Promise.all([import('./registry/pull-image'), import('./registry/registry-client')]);
    const reference = location.slice(REGISTRY_TRANSPORT.length);
    return pullImage(new RegistryClient(options.registry), reference, { platform: options.platform ?? DEFAULT_PLATFORM, zstd: options.zstd });
  }
  const parsed = typeof location === 'string' ? parseImageLocation(location) : location;
  const fail = (problem: string): never => {
    throw new ImageError(parsed.text, problem);
  };
  let store: ImageStore;
  try {
    store = parsed.transport === 'oci' ? new DirectoryStore(parsed.path) : new ArchiveStore(parsed.path);
  } catch (error) {
    if (error instanceof TarFormatError) return fail(`not an image archive: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? `a directory: use oci:${parsed.path}` : (error as Error).message);
  }
  const selected = parsed.transport === 'docker-archive' ? selectDockerArchive(store, parsed, fail) : selectOci(store, parsed, options, fail);
  const configBytes = readMember(store, selected.config.path, fail);
  if (selected.config.digest !== undefined) verifyBytes(configBytes, selected.config as { digest: string; size: number | undefined }, 'config', fail);
  const rawConfig = parseJson(configBytes, 'the image config', fail);
  const config = imageConfigOf(rawConfig, fail);
  const diffIds = diffIdsOf(rawConfig, selected.layers.length, fail);
  const filesystem = new ImageFilesystem();
  const layers: LayerSummary[] = [];
  for (const [index, layer] of selected.layers.entries()) {
    layers.push(await applyLayer(store, layer, index, diffIds[index], filesystem, options.zstd, fail));
  }
  return {
    location: parsed,
    reference: selected.reference,
    manifestDigest: selected.manifestDigest,
    configDigest: selected.config.digest,
    config,
    layers,
    filesystem,
  };
}

interface Selection {
  readonly reference: string | undefined;
  readonly manifestDigest: string | undefined;
  readonly config: { readonly path: string; readonly digest: string | undefined; readonly size: number | undefined };
  readonly layers: readonly LayerSource[];
}

function selectOci(store: ImageStore, location: ImageLocation, options: ReadImageOptions, fail: Fail): Selection {
  if (!store.has('oci-layout')) {
    const hint = store.has('manifest.json') ? `: it looks like a docker save archive, use docker-archive:${location.path}` : '';
    return fail(`not an OCI image layout: there is no oci-layout file${hint}`);
  }
  const index = parseJson(readMember(store, 'index.json', fail), 'index.json', fail);
  const manifests = descriptorsOf(index, 'index.json', fail);
  if (manifests.length === 0) return fail('index.json lists no image');
  const reference = location.reference;
  let chosen: Descriptor;
  if (reference !== undefined) {
    const matches = manifests.filter((d) => refNameOf(d) === reference || containerdNameMatches(d, reference));
    if (matches.length === 0) return fail(`no image tagged "${reference}" in index.json; its tags: ${tagList(manifests)}`);
    chosen = matches[0];
  } else if (manifests.length === 1) {
    chosen = manifests[0];
  } else {
    return fail(`index.json holds ${manifests.length} images: name one, e.g. ${location.transport}:${location.path}:TAG (tags: ${tagList(manifests)})`);
  }
  let descriptor = chosen;
  for (let depth = 0; descriptor.mediaType !== undefined && INDEX_TYPES.has(descriptor.mediaType); depth++) {
    if (depth > 4) return fail('image indexes nest too deep');
    const nested = parseJson(readBlob(store, descriptor, 'image index', fail), `image index ${descriptor.digest}`, fail);
    descriptor = choosePlatform(descriptorsOf(nested, `image index ${descriptor.digest}`, fail), options.platform, fail);
  }
  const manifest = parseJsonObject(readBlob(store, descriptor, 'manifest', fail), `manifest ${descriptor.digest}`, fail);
  if (manifest.manifests !== undefined && manifest.layers === undefined) {
    descriptor = choosePlatform(descriptorsOf(manifest, `image index ${descriptor.digest}`, fail), options.platform, fail);
    return selectManifest(store, descriptor, refNameOf(chosen) ?? reference, fail);
  }
  return manifestSelection(manifest, descriptor, refNameOf(chosen) ?? reference, fail);
}

function selectManifest(store: ImageStore, descriptor: Descriptor, reference: string | undefined, fail: Fail): Selection {
  const manifest = parseJsonObject(readBlob(store, descriptor, 'manifest', fail), `manifest ${descriptor.digest}`, fail);
  return manifestSelection(manifest, descriptor, reference, fail);
}

function manifestSelection(manifest: Record<string, unknown>, descriptor: Descriptor, reference: string | undefined, fail: Fail): Selection {
  const where = `manifest ${descriptor.digest}`;
  const config = descriptorOf(manifest.config, `${where}: config`, fail);
  if (!Array.isArray(manifest.layers)) return fail(`${where} has no layers list: is it an image manifest?`);
  const layers = manifest.layers.map((raw, index) => {
    const layer = descriptorOf(raw, `${where}: layers[${index}]`, fail);
    return { path: blobPath(layer.digest), digest: layer.digest, size: layer.size, name: `layer ${index + 1} (${layer.digest})` };
  });
  const configBlob = { path: blobPath(config.digest), digest: config.digest, size: config.size };
  return { reference, manifestDigest: descriptor.digest, config: configBlob, layers };
}

function selectDockerArchive(store: ImageStore, location: ImageLocation, fail: Fail): Selection {
  if (!store.has('manifest.json')) {
    const hint = store.has('oci-layout') ? `: it is an OCI archive, use oci-archive:${location.path}` : '';
    return fail(`not a docker save archive: there is no manifest.json${hint}`);
  }
  const manifest = parseJson(readMember(store, 'manifest.json', fail), 'manifest.json', fail);
  if (!Array.isArray(manifest) || manifest.length === 0) return fail('manifest.json lists no image');
  const images = manifest.map((entry, index) => {
    const object = entry as Record<string, unknown>;
    if (typeof object !== 'object' || object === null || typeof object.Config !== 'string' || !Array.isArray(object.Layers)) {
      return fail(`manifest.json[${index}] has no Config and Layers`);
    }
    const tags = Array.isArray(object.RepoTags) ? object.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [];
    return { config: object.Config, layers: object.Layers as unknown[], tags };
  });
  let chosen = images[0];
  const reference = location.reference;
  if (reference !== undefined) {
    const wanted = normalizeImageReference(reference);
    const match = images.find((image) => image.tags.some((tag) => normalizeImageReference(tag) === wanted));
    if (match === undefined) return fail(`no image tagged "${reference}" in manifest.json; its tags: ${images.flatMap((i) => i.tags).join(', ') || 'none'}`);
    chosen = match;
  } else if (images.length > 1) {
    return fail(`manifest.json holds ${images.length} images: name one, e.g. docker-archive:${location.path}:${images[0].tags[0] ?? 'REF'}`);
  }
  // Legacy docker save names the config `<hex>.json` after its digest; newer ones `blobs/sha256/<hex>`.
  const digestInName = /([a-f0-9]{64})(\.json)?$/.exec(chosen.config);
  const layers = chosen.layers.map((path, index) => {
    if (typeof path !== 'string') return fail(`manifest.json: Layers[${index}] is not a path`);
    return { path, digest: undefined, size: undefined, name: `layer ${index + 1} (${path})` };
  });
  return {
    reference: reference ?? chosen.tags[0],
    manifestDigest: undefined,
    config: { path: chosen.config, digest: digestInName === null ? undefined : `sha256:${digestInName[1]}`, size: undefined },
    layers,
  };
}

async function applyLayer(
  store: ImageStore,
  layer: LayerSource,
  index: number,
  diffId: string | undefined,
  filesystem: ImageFilesystem,
  zstd: ZstdDecoderFactory | undefined,
  fail: Fail,
): Promise<LayerSummary> {
  if (!store.has(layer.path)) return fail(`${layer.name} is missing: ${layer.path} is not in the image`);
  const size = store.size(layer.path);
  if (layer.size !== undefined && size !== layer.size) {
    return fail(`${layer.name} has ${size} bytes, but the manifest says ${layer.size}: the blob is truncated or not the one the manifest names`);
  }
  return readLayerStream(layer, store.stream(layer.path), diffId, (entry) => filesystem.apply(entry, index), zstd, fail);
}

function readBlob(store: ImageStore, descriptor: { digest: string; size?: number | undefined }, what: string, fail: Fail): Buffer {
  const path = blobPath(descriptor.digest);
  if (!store.has(path)) return fail(`the ${what} blob ${descriptor.digest} is missing: ${path} is not in the image`);
  return verifyBytes(readMember(store, path, fail), descriptor, what, fail);
}

function readMember(store: ImageStore, path: string, fail: Fail): Buffer {
  if (!store.has(path)) return fail(`${path} is missing`);
  const size = store.size(path);
  if (size > MAX_JSON) return fail(`${path} is ${size} bytes, too large for image metadata`);
  return store.read(path);
}

function refNameOf(descriptor: Descriptor): string | undefined {
  return descriptor.annotations['org.opencontainers.image.ref.name'];
}

function containerdNameMatches(descriptor: Descriptor, reference: string): boolean {
  const name = descriptor.annotations['io.containerd.image.name'];
  return name !== undefined && (name === reference || normalizeImageReference(name) === normalizeImageReference(reference));
}

function tagList(descriptors: readonly Descriptor[]): string {
  const tags = descriptors.map((d) => refNameOf(d) ?? d.annotations['io.containerd.image.name']).filter((t): t is string => t !== undefined);
  return tags.length === 0 ? 'none' : tags.join(', ');
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

