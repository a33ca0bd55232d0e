/**
 * Builds test images offline, the way real ones are made: a root filesystem on disk whose
 * capabilities are set by the real `setcap` (or, for a revision-3 capability, by `setcap` in a
 * user namespace), packed by GNU tar with `--xattrs --xattrs-include=security.capability` so
 * the capability travels as `SCHILY.xattr.security.capability`, compressed by the real gzip or
 * zstd, and laid out as an OCI image layout, an OCI archive or a `docker save` archive. The
 * runtime harness's probe image (test/runtime/image.ts) is made the same way; test/image reads
 * that one too.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { Transform } from 'node:stream';

/** test/.work/image: every image the tests build. */
export const IMAGE_WORK_DIR = join(__dirname, '..', '.work', 'image');

/** One file of a layer. */
export type LayerFile =
  | {
    readonly path: string;
    readonly content: string | Buffer;
    readonly mode?: number;
    readonly capability?: string;
    readonly namespaceRoot?: number;
  }
  | { readonly path: string; readonly copyOf: string; readonly mode?: number; readonly capability?: string; readonly namespaceRoot?: number }
  | { readonly path: string; readonly symlink: string }
  | { readonly path: string; readonly directory: true }
  /** `.wh.NAME` in the directory: NAME of the layers below is deleted. */
  | { readonly path: string; readonly whiteout: true }
  /** `.wh..wh..opq` in the directory: everything of the layers below in it is hidden. */
  | { readonly path: string; readonly opaque: true };

/** A layer to build. */
export interface LayerSpec {
  readonly files: readonly LayerFile[];
  /** @default 'gzip' */
  readonly compression?: 'none' | 'gzip' | 'zstd';
}

/** An image config's `config` part. */
export interface ConfigSpec {
  readonly User?: string;
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Env?: readonly string[];
  readonly WorkingDir?: string;
  /** `EXPOSE`'s record: `{ "80/tcp": {} }`. */
  readonly ExposedPorts?: Readonly<Record<string, object>>;
}

/** A built layer blob. */
export interface BuiltLayer {
  readonly blob: Buffer;
  readonly diffId: string;
  readonly digest: string;
  readonly mediaType: string;
}

/** A static ELF binary every image can hold: the machine's busybox-static, else /bin/true. */
export function elfBinary(): string {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox', '/bin/true']) {
    try {
      readFileSync(candidate).subarray(0, 4);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('no ELF binary to copy into test images');
}

/** A base layer: /etc/passwd and /etc/group with root, nginx (101) and app (1000), /bin/sh, /usr/bin/env. */
export function baseFiles(): LayerFile[] {
  return [
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n' },
    { path: 'etc/group', content: 'root:x:0:\nnginx:x:101:\napp:x:1000:\nweb:x:2000:\n' },
    { path: 'bin/sh', copyOf: elfBinary(), mode: 0o755 },
    { path: 'usr/bin/env', copyOf: elfBinary(), mode: 0o755 },
    { directory: true, path: 'tmp' },
  ];
}

let counter = 0;
let layerBuildRoot: string | undefined;

/**
 * Where layers are built: a fresh directory under the system's temporary directory that every
 * uid may traverse. Not under the checkout: `setcap` in a user namespace runs as another host
 * uid, which gets EACCES when the checkout sits in a 0700 directory.
 */
function buildRoot(): string {
  if (layerBuildRoot === undefined) {
    layerBuildRoot = mkdtempSync(join(tmpdir(), 'k8slp-layers-'));
    chmodSync(layerBuildRoot, 0o755);
    const root = layerBuildRoot;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return layerBuildRoot;
}

/**
 * Why a revision-3 capability cannot be set here, or `undefined` when it can: the uid of the
 * namespace's root must traverse every directory above the layer's files.
 */
export function namespacedSetcapUnavailable(): string | undefined {
  for (let directory = buildRoot(); ; directory = dirname(directory)) {
    if ((statSync(directory).mode & 0o001) === 0) return `${directory} is not searchable by other users, so setcap in a user namespace cannot reach the layer's files`;
    if (directory === parse(directory).root) return undefined;
  }
}

/** Builds one layer blob from its files with the real tools. */
export function buildLayer(spec: LayerSpec): BuiltLayer {
  const work = join(buildRoot(), `layer-${process.pid}-${counter++}`);
  const rootfs = join(work, 'rootfs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  for (const file of spec.files) {
    const target = join(rootfs, file.path);
    mkdirSync(dirname(target), { recursive: true });
    if ('directory' in file) {mkdirSync(target, { recursive: true });} else if ('symlink' in file) {symlinkSync(file.symlink, target);} else if ('whiteout' in file) {writeFileSync(join(dirname(target), `.wh.${file.path.split('/').pop()}`), '');} else if ('opaque' in file) {
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, '.wh..wh..opq'), '');
    } else {
      if ('copyOf' in file) copyFileSync(file.copyOf, target);
      else writeFileSync(target, file.content);
      chmodSync(target, file.mode ?? 0o644);
      if (file.capability !== undefined) setFileCapability(target, file.capability, file.namespaceRoot);
    }
  }
  const tarFile = join(work, 'layer.tar');
  execFileSync('tar', [
    '--create', '--file', tarFile, '--directory', rootfs,
    '--format=posix', '--xattrs', '--xattrs-include=security.capability',
    '--pax-option=delete=atime,delete=ctime', '--sort=name', '--mtime=@0',
    '--owner=0', '--group=0', '--numeric-owner', '.',
  ]);
  const tar = readFileSync(tarFile);
  const compression = spec.compression ?? 'gzip';
  const blob =
    compression === 'gzip'
      ? execFileSync('gzip', ['-n', '-c', tarFile], { maxBuffer: 1 << 30 })
      : compression === 'zstd'
        ? execFileSync('zstd', ['-q', '-c', tarFile], { maxBuffer: 1 << 30 })
        : tar;
  rmSync(work, { recursive: true, force: true });
  const mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
  return { blob, diffId: sha256(tar), digest: sha256(blob), mediaType };
}

/** `setcap` as real root, or inside a user namespace whose root is host uid `namespaceRoot` (a revision-3 capability). */
function setFileCapability(path: string, capability: string, namespaceRoot: number | undefined): void {
  if (namespaceRoot === undefined) {
    execFileSync('setcap', [capability, path]);
    return;
  }
  chownSync(path, namespaceRoot, namespaceRoot);
  execFileSync('python3', [join(__dirname, 'nssetcap.py'), String(namespaceRoot), capability, path], { timeout: 10_000 });
}

/** The platform an image is for, as an image config and an index's descriptor state it. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
}

/** An image config blob (for linux/amd64 unless `platform` says otherwise). */
export function configBlob(config: ConfigSpec, layers: readonly BuiltLayer[], platform: Platform = { os: 'linux', architecture: 'amd64' }): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: platform.architecture,
    os: platform.os,
    config,
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
  }));
}

/** One image of a layout: its config and layers, and the tag it gets. */
export interface LayoutImage {
  readonly config: ConfigSpec;
  readonly layers: readonly BuiltLayer[];
  readonly tag?: string;
  /** Written into the config and, for an image index, onto the manifest's descriptor. */
  readonly platform?: Platform;
}

/** Writes an OCI image layout directory; returns its path. */
export function writeOciLayout(name: string, images: readonly LayoutImage[]): string {
  const layout = join(IMAGE_WORK_DIR, name);
  rmSync(layout, { recursive: true, force: true });
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const manifests = images.map((image) => {
    for (const layer of image.layers) writeBlob(layout, layer.blob);
    const config = configBlob(image.config, image.layers, image.platform);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(layout, config), size: config.length },
      layers: image.layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.blob.length })),
    }));
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: writeBlob(layout, manifest),
      size: manifest.length,
      ...(image.platform === undefined ? {} : { platform: image.platform }),
      ...(image.tag === undefined ? {} : { annotations: { 'org.opencontainers.image.ref.name': image.tag } }),
    };
  });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return layout;
}

/** Packs a directory (an OCI layout) into a tar archive, as skopeo's oci-archive is; returns its path. */
export function tarDirectory(directory: string, archive: string): string {
  execFileSync('tar', ['--create', '--file', archive, '--directory', directory, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '.']);
  return archive;
}

/**
 * Writes a `docker save` archive by hand, in the legacy layout docker and podman write:
 * `manifest.json`, `<config hex>.json`, `<id>/layer.tar` (uncompressed layers).
 */
export function writeDockerArchive(name: string, config: ConfigSpec, layers: readonly BuiltLayer[], repoTags: readonly string[]): string {
  const work = join(IMAGE_WORK_DIR, `${name}.d`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const uncompressed = layers.map((layer) => decompress(layer));
  const configBytes = configBlob(config, layers);
  const configName = `${sha256(configBytes).slice('sha256:'.length)}.json`;
  writeFileSync(join(work, configName), configBytes);
  const layerPaths = uncompressed.map((tar, index) => {
    const id = createHash('sha256').update(`${index}:${sha256(tar)}`).digest('hex');
    mkdirSync(join(work, id));
    writeFileSync(join(work, id, 'layer.tar'), tar);
    writeFileSync(join(work, id, 'VERSION'), '1.0');
    return `${id}/layer.tar`;
  });
  writeFileSync(join(work, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: repoTags, Layers: layerPaths }]));
  const archive = join(IMAGE_WORK_DIR, `${name}.tar`);
  tarDirectory(work, archive);
  rmSync(work, { recursive: true, force: true });
  return archive;
}

/** The uncompressed tar of a built layer. */
export function decompress(layer: BuiltLayer): Buffer {
  if (layer.mediaType.endsWith('+gzip')) return execFileSync('gzip', ['-d', '-c'], { input: layer.blob, maxBuffer: 1 << 30 });
  if (layer.mediaType.endsWith('+zstd')) return execFileSync('zstd', ['-d', '-q', '-c'], { input: layer.blob, maxBuffer: 1 << 30 });
  return layer.blob;
}

/**
 * A zstd decoder for tests on Node.js 20, which has none: the real `zstd -d`. The library
 * itself uses Node's own (≥ 22.15) or the fzstd package.
 */
export function zstdCommandDecoder(): Transform {
  const chunks: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
    flush(callback) {
      try {
        callback(null, execFileSync('zstd', ['-d', '-q', '-c'], { input: Buffer.concat(chunks), maxBuffer: 1 << 30 }));
      } catch (error) {
        callback(new Error(`zstd -d: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`));
      }
    },
  });
}

/** Writes a blob into an OCI layout's blobs/sha256; returns its digest. */
export function writeBlob(layout: string, content: Buffer): string {
  const digest = sha256(content);
  writeFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)), content);
  return digest;
}

/** `sha256:<hex>` of bytes. */
export function sha256(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}
