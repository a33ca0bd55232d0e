/**
 * An image reference split the way the OCI distribution API addresses it: the registry host,
 * the repository path and the tag or digest (distribution's reference grammar, normalized as
 * a container runtime normalizes it: `nginx` is `docker.io/library/nginx:latest`).
 */
import { normalizeImageReference } from '../image-reference';

/** An image reference, normalized and split. */
export interface ImageName {
  /** The reference as given, for messages. */
  readonly text: string;
  /** The normalized reference: `docker.io/library/nginx:latest`. */
  readonly normalized: string;
  /** The registry as named in references: `docker.io`, `registry.k8s.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** The repository path: `library/nginx`. */
  readonly repository: string;
  /** The tag, when the reference has one (`latest` when it has neither tag nor digest). */
  readonly tag: string | undefined;
  /** The pinned digest, `sha256:…`, when the reference has one. */
  readonly digest: string | undefined;
}

/** An image reference that is not one. */
export class ImageNameError extends Error {}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const MAX_REFERENCE = 4096;

/** Splits an image reference. @throws ImageNameError naming what is wrong */
export function parseImageName(reference: string): ImageName {
  const text = reference.trim();
  if (text === '' || text.length > MAX_REFERENCE) throw new ImageNameError(`"${text.slice(0, 80)}" is not an image reference`);
  const normalized = normalizeImageReference(text);
  const at = normalized.indexOf('@');
  const digest = at < 0 ? undefined : normalized.slice(at + 1);
  const nameAndTag = at < 0 ? normalized : normalized.slice(0, at);
  const slash = nameAndTag.indexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  const registry = name.slice(0, slash);
  const repository = name.slice(slash + 1);
  if (!REPOSITORY.test(repository)) throw new ImageNameError(`"${text}": "${repository}" is not a valid repository name`);
  if (tag !== undefined && !TAG.test(tag)) throw new ImageNameError(`"${text}": "${tag}" is not a valid tag`);
  if (digest !== undefined && !DIGEST.test(digest)) throw new ImageNameError(`"${text}": "${digest}" is not a sha256 or sha512 digest`);
  return { text, normalized, registry, repository, tag, digest };
}

/** The host that serves a registry's API: Docker Hub's references say `docker.io`, its API is `registry-1.docker.io`. */
export function apiHostOf(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** The key under which docker and podman store a registry's credentials (`https://index.docker.io/v1/` for Docker Hub). */
export function credentialKeysOf(registry: string): string[] {
  if (registry === 'docker.io') return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`];
}
