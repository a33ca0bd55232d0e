import { createHash, Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageFilesystem } from './image-filesystem';
import { ImageError, ImageLocation, parseImageLocation } from './image-location';
import { ArchiveStore, DirectoryStore, ImageStore } from './image-store';
import { compressionOf, decompressor, LayerCompression, ZstdDecoderFactory } from './layer-compression';
import { normalizeImageReference } from './image-reference';
import { TarFormatError, TarParser } from './tar-reader';

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
}

/** The parts of the image config (OCI image-spec config.md) that decide how the container starts. */
export interface ImageConfig {
  /** `config.User`, `''` when unset. */
  readonly user: string;
  /** `config.Entrypoint`. */
  readonly entrypoint: readonly string[];
  /** `config.Cmd`. */
  readonly cmd: readonly string[];
  /** `config.Env`, `NAME=value`. */
  readonly env: readonly string[];
  /** `config.WorkingDir`, `/` when unset. */
  readonly workingDir: string;
  /** `os/architecture[/variant]`. */
  readonly platform: string;
}

/** One layer as read. */
export interface LayerSummary {
  /** The blob's digest (of the stored, possibly compressed, bytes), when the manifest gives one. */
  readonly digest: string | undefined;
  /** The sha256 of the uncompressed tar, as computed. */
  readonly diffId: string;
  /** How it was compressed. */
  readonly compression: LayerCompression;
  /** Stored bytes. */
  readonly size: number;
  /** Tar members. */
  readonly entries: number;
}

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

interface Descriptor {
  readonly mediaType: string | undefined;
  readonly digest: string;
  readonly size: number | undefined;
  readonly annotations: Record<string, string>;
  readonly platform: { os?: string; architecture?: string; variant?: string } | undefined;
}

interface LayerSource {
  /** The member path in the store. */
  readonly path: string;
  /** The manifest's descriptor digest, when there is one. */
  readonly digest: string | undefined;
  /** The manifest's descriptor size, when there is one. */
  readonly size: number | undefined;
  /** How the layer is named in messages. */
  readonly name: string;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const MAX_JSON = 16 * 1024 * 1024;

/**
 * Reads an image on disk, offline: `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`,
 * `docker-archive:FILE[:ref]` (docker save, podman save) or a bare path of one of these.
 * Blob digests and sizes and the layers' diff_ids are verified as the bytes go by.
 * @throws ImageError naming the image and what is wrong with it
 */
export async function readImage(location: string | ImageLocation, options: ReadImageOptions = {}): Promise<Image> {
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

type Fail = (problem: string) => never;

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
  const manifest = parseJson(readBlob(store, descriptor, 'manifest', fail), `manifest ${descriptor.digest}`, fail) as Record<string, unknown>;
  if (manifest.manifests !== undefined && manifest.layers === undefined) {
    descriptor = choosePlatform(descriptorsOf(manifest, `image index ${descriptor.digest}`, fail), options.platform, fail);
    return selectManifest(store, descriptor, refNameOf(chosen) ?? reference, fail);
  }
  return manifestSelection(manifest, descriptor, refNameOf(chosen) ?? reference, fail);
}

function selectManifest(store: ImageStore, descriptor: Descriptor, reference: string | undefined, fail: Fail): Selection {
  const manifest = parseJson(readBlob(store, descriptor, 'manifest', fail), `manifest ${descriptor.digest}`, fail) as Record<string, unknown>;
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
  return { reference, manifestDigest: descriptor.digest, config: { path: blobPath(config.digest), digest: config.digest, size: config.size }, layers };
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
  const compression = compressionOf(store.prefix(layer.path, 4));
  const decompress = decompressor(compression, zstd);
  if (typeof decompress === 'string') return fail(`${layer.name}: ${decompress}`);
  const storedHash = layer.digest === undefined ? undefined : createHash(algorithmOf(layer.digest));
  const diffHash = createHash('sha256');
  const parser = new TarParser((entry) => filesystem.apply(entry, index));
  const consume = async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) parser.push(chunk);
    parser.end();
  };
  try {
    if (decompress === undefined) await pipeline(store.stream(layer.path), tap(storedHash), tap(diffHash), consume);
    else await pipeline(store.stream(layer.path), tap(storedHash), decompress, tap(diffHash), consume);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof TarFormatError) return fail(`${layer.name}: ${message}`);
    if (compression !== 'none') return fail(`${layer.name} cannot be decompressed (${compression}): ${message}; the blob is truncated or corrupt`);
    return fail(`${layer.name} cannot be read: ${message}`);
  }
  if (storedHash !== undefined && layer.digest !== undefined) {
    const actual = `${algorithmOf(layer.digest)}:${storedHash.digest('hex')}`;
    if (actual !== layer.digest) return fail(`${layer.name} has the digest ${actual}, not the ${layer.digest} the manifest names: the blob is corrupt or was replaced`);
  }
  const computedDiffId = `sha256:${diffHash.digest('hex')}`;
  if (diffId !== undefined && diffId.startsWith('sha256:') && diffId !== computedDiffId) {
    return fail(`${layer.name} uncompressed has the digest ${computedDiffId}, not the diff_id ${diffId} the config names: the layer is corrupt or was replaced`);
  }
  return { digest: layer.digest, diffId: computedDiffId, compression, size, entries: parser.entryCount };
}

function tap(hash: Hash | undefined): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash?.update(chunk);
      callback(null, chunk);
    },
  });
}

function readBlob(store: ImageStore, descriptor: { digest: string; size?: number | undefined }, what: string, fail: Fail): Buffer {
  const path = blobPath(descriptor.digest);
  if (!store.has(path)) return fail(`the ${what} blob ${descriptor.digest} is missing: ${path} is not in the image`);
  return verifyBytes(readMember(store, path, fail), descriptor, what, fail);
}

function verifyBytes(bytes: Buffer, descriptor: { digest: string; size?: number | undefined }, what: string, fail: Fail): Buffer {
  if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
    return fail(`the ${what} blob ${descriptor.digest} has ${bytes.length} bytes, not the ${descriptor.size} its descriptor says`);
  }
  const actual = `${algorithmOf(descriptor.digest)}:${createHash(algorithmOf(descriptor.digest)).update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) return fail(`the ${what} blob ${descriptor.digest} has the digest ${actual}: it is corrupt or was replaced`);
  return bytes;
}

function readMember(store: ImageStore, path: string, fail: Fail): Buffer {
  if (!store.has(path)) return fail(`${path} is missing`);
  const size = store.size(path);
  if (size > MAX_JSON) return fail(`${path} is ${size} bytes, too large for image metadata`);
  return store.read(path);
}

function parseJson(bytes: Buffer, what: string, fail: Fail): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return fail(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function descriptorsOf(index: unknown, what: string, fail: Fail): Descriptor[] {
  const manifests = (index as Record<string, unknown> | null)?.manifests;
  if (!Array.isArray(manifests)) return fail(`${what} has no manifests list`);
  return manifests.map((raw, i) => descriptorOf(raw, `${what}: manifests[${i}]`, fail));
}

function descriptorOf(raw: unknown, what: string, fail: Fail): Descriptor {
  const object = raw as Record<string, unknown> | null;
  if (typeof object !== 'object' || object === null) return fail(`${what} is not a descriptor`);
  const digest = object.digest;
  const match = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  if (match === null || match[2].length !== HEX_LENGTH[match[1]]) return fail(`${what} has no valid digest (${JSON.stringify(digest)})`);
  const size = typeof object.size === 'number' ? object.size : undefined;
  const annotations = typeof object.annotations === 'object' && object.annotations !== null ? (object.annotations as Record<string, string>) : {};
  const platform = typeof object.platform === 'object' && object.platform !== null ? (object.platform as Descriptor['platform']) : undefined;
  return { mediaType: typeof object.mediaType === 'string' ? object.mediaType : undefined, digest: digest as string, size, annotations, platform };
}

function choosePlatform(descriptors: readonly Descriptor[], wanted: string | undefined, fail: Fail): Descriptor {
  // buildx adds attestation manifests with platform unknown/unknown: never an image to run.
  const images = descriptors.filter((d) => d.platform?.os !== 'unknown');
  const target = wanted ?? `linux/${hostArchitecture()}`;
  const match = images.find((d) => platformOf(d) === target || (d.platform !== undefined && `${d.platform.os}/${d.platform.architecture}` === target));
  if (match !== undefined) return match;
  if (wanted === undefined && images.length === 1) return images[0];
  return fail(`the image index has no ${target} image; its platforms: ${images.map(platformOf).join(', ') || 'none'}`);
}

function platformOf(descriptor: Descriptor): string {
  const p = descriptor.platform;
  return p === undefined ? 'unspecified' : [p.os, p.architecture, p.variant].filter((part) => part !== undefined && part !== '').join('/');
}

function hostArchitecture(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return names[process.arch] ?? process.arch;
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

function algorithmOf(digest: string): string {
  return digest.split(':')[0];
}

function imageConfigOf(raw: unknown, fail: Fail): ImageConfig {
  const object = raw as Record<string, unknown> | null;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return fail('the image config is not a JSON object');
  if (object.rootfs === undefined && object.config === undefined) return fail('the config blob is not an image config (no rootfs, no config)');
  const config = (typeof object.config === 'object' && object.config !== null ? object.config : {}) as Record<string, unknown>;
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const platform = [object.os, object.architecture, object.variant].filter((part) => typeof part === 'string' && part !== '').join('/');
  return {
    user: typeof config.User === 'string' ? config.User : '',
    entrypoint: strings(config.Entrypoint),
    cmd: strings(config.Cmd),
    env: strings(config.Env),
    workingDir: typeof config.WorkingDir === 'string' && config.WorkingDir !== '' ? config.WorkingDir : '/',
    platform,
  };
}

function diffIdsOf(raw: unknown, layers: number, fail: Fail): (string | undefined)[] {
  const rootfs = (raw as Record<string, unknown>).rootfs as Record<string, unknown> | undefined;
  const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : undefined;
  if (diffIds === undefined) return [];
  if (diffIds.length !== layers) return fail(`the config names ${diffIds.length} layers (rootfs.diff_ids), the manifest ${layers}`);
  return diffIds.map((d) => (typeof d === 'string' ? d : undefined));
}
