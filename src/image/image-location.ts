import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArchiveStore } from './image-store';

/** The forms an image on disk comes in, named as skopeo and podman name them. */
export type ImageTransport = 'oci' | 'oci-archive' | 'docker-archive';

/** An image on disk, parsed from `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]` or a bare path. */
export interface ImageLocation {
  /** The form. */
  readonly transport: ImageTransport;
  /** The directory or file. */
  readonly path: string;
  /** The tag (`oci`, `oci-archive`) or reference (`docker-archive`) that selects one image of several. */
  readonly reference: string | undefined;
  /** The location as given, for messages. */
  readonly text: string;
}

/** An image that cannot be read, with what is wrong: always names the image. */
export class ImageError extends Error {
  constructor(
    /** The image as given (`oci-archive:nginx.tar`). */
    readonly image: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`${image}: ${problem}`);
  }
}

const TRANSPORTS: readonly ImageTransport[] = ['oci', 'oci-archive', 'docker-archive'];

/**
 * Reads an image location. As in containers/image, the path ends at the first `:` after the
 * transport. A bare path (no transport) is recognized by what it holds: a directory with an
 * `oci-layout` file, or a tar archive with `oci-layout` (OCI archive) or `manifest.json`
 * (docker save). @throws ImageError when it is none of these
 */
export function parseImageLocation(text: string): ImageLocation {
  const colon = text.indexOf(':');
  const transport = colon > 0 ? text.slice(0, colon) : undefined;
  if (transport !== undefined && (TRANSPORTS as readonly string[]).includes(transport)) {
    const rest = text.slice(colon + 1);
    const separator = rest.indexOf(':');
    const path = separator < 0 ? rest : rest.slice(0, separator);
    const reference = separator < 0 ? undefined : rest.slice(separator + 1);
    if (path === '') throw new ImageError(text, `no path after "${transport}:"`);
    return { transport: transport as ImageTransport, path, reference: reference === '' ? undefined : reference, text };
  }
  if (transport !== undefined && /^[a-z][a-z0-9-]*$/.test(transport) && !exists(text)) {
    throw new ImageError(
      text,
      `"${transport}:" is not a form this reads offline; use oci:DIR[:tag], oci-archive:FILE[:tag] or docker-archive:FILE ` +
        `(skopeo copy ${transport === 'docker' ? text : `docker://IMAGE`} oci-archive:image.tar gets one)`,
    );
  }
  return { transport: detectTransport(text), path: text, reference: undefined, text };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function detectTransport(path: string): ImageTransport {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new ImageError(path, 'no such file or directory');
  }
  if (isDirectory) {
    if (exists(join(path, 'oci-layout'))) return 'oci';
    throw new ImageError(path, 'a directory without an oci-layout file is not an OCI image layout');
  }
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) throw new ImageError(path, 'a gzip-compressed file: decompress it first (gunzip), image archives are plain tar');
  let archive: ArchiveStore;
  try {
    archive = new ArchiveStore(path);
  } catch (error) {
    throw new ImageError(path, `not an image: ${(error as Error).message}`);
  }
  if (archive.has('oci-layout')) return 'oci-archive';
  if (archive.has('manifest.json')) return 'docker-archive';
  throw new ImageError(path, 'not an image: neither an OCI layout directory nor an OCI or docker archive; name the form, e.g. oci-archive:FILE');
}
