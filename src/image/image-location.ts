import { closeSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ArchiveStore } from './image-store';
import { TarFormatError } from './tar-reader';
import { describeSystemError, openRegularFile } from '../input/read-regular-file';
import { boundMessage, escapeControlCharacters } from '../input/untrusted-text';

/** Where an image is read from, named as skopeo and podman name them: on disk, or (`docker`) in its registry. */
export type ImageTransport = 'oci' | 'oci-archive' | 'docker-archive' | 'docker';

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

/**
 * An image that cannot be read, with what is wrong: always names the image. What is wrong may
 * quote the image (a tag, a path from its manifest): it is bounded in length, and the message
 * has its control characters escaped, as it goes to a terminal as it is.
 */
export class ImageError extends Error {
  /** What is wrong with it, bounded. */
  readonly problem: string;

  constructor(
    /** The image as given (`oci-archive:nginx.tar`). */
    readonly image: string,
    problem: string,
  ) {
    const bounded = boundMessage(problem);
    super(escapeControlCharacters(`${image}: ${bounded}`));
    this.problem = bounded;
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
      `"${transport}:" is not a form this reads; use docker://IMAGE (from its registry), oci:DIR[:tag], oci-archive:FILE[:tag] or docker-archive:FILE`,
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
  let archive: ArchiveStore;
  try {
    if (isGzip(path)) throw new ImageError(path, 'a gzip-compressed file: decompress it first (gunzip), image archives are plain tar');
    archive = new ArchiveStore(path);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    if (error instanceof TarFormatError) throw new ImageError(path, `not an image: ${error.message}`);
    throw new ImageError(path, describeSystemError(error));
  }
  if (archive.has('oci-layout')) return 'oci-archive';
  if (archive.has('manifest.json')) return 'docker-archive';
  throw new ImageError(path, 'not an image: neither an OCI layout directory nor an OCI or docker archive; name the form, e.g. oci-archive:FILE');
}

/** Whether the file starts with gzip's magic number. @throws FileReadError when it is not a readable regular file */
function isGzip(path: string): boolean {
  const { fd } = openRegularFile(path);
  try {
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
