/**
 * The OCI image-spec documents an image is read through, wherever they come from (a layout on
 * disk, an archive, a registry): descriptors, indexes and their platforms, and the image
 * config. Each parser takes `fail`, which throws the reader's own error naming the image.
 */
import { createHash } from 'node:crypto';
import { algorithmOf } from './layer-stream';
import type { ImagePort } from '../model/image-facts';
import type { PortProtocol } from '../model/ports';

/** Throws the reader's error for `problem`. */
export type Fail = (problem: string) => never;

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
  /** `config.ExposedPorts`, each port once. */
  readonly exposedPorts: readonly ImagePort[];
}

/** A content descriptor (OCI image-spec descriptor.md). */
export interface Descriptor {
  /** What the content is (`application/vnd.oci.image.manifest.v1+json` …), when the descriptor says. */
  readonly mediaType: string | undefined;
  /** The content's digest, `sha256:<64 hex>`: the content is refused unless it hashes to it. */
  readonly digest: string;
  /** The content's size in bytes, when given: reading stops past it. */
  readonly size: number | undefined;
  /** The descriptor's annotations (`org.opencontainers.image.ref.name` …). */
  readonly annotations: Record<string, string>;
  /** The platform of an index entry. */
  readonly platform: { os?: string; architecture?: string; variant?: string } | undefined;
}

/** Media types of a multi-platform index. */
export const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
/** The largest manifest, index or config read. */
export const MAX_JSON = 16 * 1024 * 1024;

/** Checks a blob's size and digest against its descriptor. */
export function verifyBytes(bytes: Buffer, descriptor: { digest: string; size?: number | undefined }, what: string, fail: Fail): Buffer {
  if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
    return fail(`the ${what} blob ${descriptor.digest} has ${bytes.length} bytes, not the ${descriptor.size} its descriptor says`);
  }
  const actual = `${algorithmOf(descriptor.digest)}:${createHash(algorithmOf(descriptor.digest)).update(bytes).digest('hex')}`;
  if (actual !== descriptor.digest) return fail(`the ${what} blob ${descriptor.digest} has the digest ${actual}: it is corrupt or was replaced`);
  return bytes;
}

/** Parses a JSON document of the image. */
export function parseJson(bytes: Buffer, what: string, fail: Fail): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return fail(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Parses a JSON document of the image that must be an object (a manifest, an index). */
export function parseJsonObject(bytes: Buffer, what: string, fail: Fail): Record<string, unknown> {
  const parsed = parseJson(bytes, what, fail);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/** The descriptors of an index's `manifests`. */
export function descriptorsOf(index: unknown, what: string, fail: Fail): Descriptor[] {
  const manifests = (index as Record<string, unknown> | null)?.manifests;
  if (!Array.isArray(manifests)) return fail(`${what} has no manifests list`);
  return manifests.map((raw, i) => descriptorOf(raw, `${what}: manifests[${i}]`, fail));
}

/** One descriptor, its digest checked. */
export function descriptorOf(raw: unknown, what: string, fail: Fail): Descriptor {
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

/** The image of an index for a platform (`os/arch[/variant]`), skipping attestations. */
export function choosePlatform(descriptors: readonly Descriptor[], wanted: string | undefined, fail: Fail): Descriptor {
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
/** The parts of an image config that decide how the container starts. */
export function imageConfigOf(raw: unknown, fail: Fail): ImageConfig {
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
    exposedPorts: exposedPortsOf(config.ExposedPorts),
  };
}

const EXPOSED_PORT = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i;

/** `config.ExposedPorts` (`{"80/tcp": {}}`, as `EXPOSE` writes it), each port once; keys that are not `PORT[/PROTOCOL]` are skipped. */
function exposedPortsOf(raw: unknown): ImagePort[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const ports = new Map<string, ImagePort>();
  for (const key of Object.keys(raw)) {
    const match = EXPOSED_PORT.exec(key);
    const port = match === null ? 0 : Number(match[1]);
    if (match === null || port < 1 || port > 65535) continue;
    const protocol = (match[2] ?? 'tcp').toUpperCase() as PortProtocol;
    ports.set(`${port}/${protocol}`, { port, protocol });
  }
  return [...ports.values()];
}

/** The config's `rootfs.diff_ids`, one per layer. */
export function diffIdsOf(raw: unknown, layers: number, fail: Fail): (string | undefined)[] {
  const rootfs = (raw as Record<string, unknown>).rootfs as Record<string, unknown> | undefined;
  const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids : undefined;
  if (diffIds === undefined) return [];
  if (diffIds.length !== layers) return fail(`the config names ${diffIds.length} layers (rootfs.diff_ids), the manifest ${layers}`);
  return diffIds.map((d) => (typeof d === 'string' ? d : undefined));
}
