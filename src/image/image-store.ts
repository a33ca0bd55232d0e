import { closeSync, createReadStream, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TarEntry } from './tar-reader';
import { checkExtendedHeaderSize, decodeHeader, isExtendedHeader, isZeroBlock, normalizeArchivePath, paddingOf, TarFormatError, TarHeaders } from './tar-reader';
import type { OpenOptions } from '../input/read-regular-file';
import { isInsideDirectory, openRegularFile, readRegularFile } from '../input/read-regular-file';
import { describeRaw } from '../model/json-value';

/** The files of an image layout or archive, by path relative to its root. */
export interface ImageStore {
  /** Whether a file is there. */
  /** {@inheritDoc ImageStore.has} */
  has(path: string): boolean;
  /** Its size in bytes. @throws Error when missing */
  /** {@inheritDoc ImageStore.size} */
  size(path: string): number;
  /** Its first `length` bytes (fewer if shorter). */
  /** {@inheritDoc ImageStore.prefix} */
  prefix(path: string, length: number): Buffer;
  /** All of it (for manifests and configs). */
  /** {@inheritDoc ImageStore.read} */
  read(path: string): Buffer;
  /** A stream of it (for layers). */
  /** {@inheritDoc ImageStore.stream} */
  stream(path: string): Readable;
}

/**
 * An OCI image layout directory (`oci:DIR`). A file of it counts only if it is a regular file
 * inside the directory: a symbolic link that leads out of the layout (`index.json` → a host
 * file) or to a device or FIFO is treated as missing, never opened.
 */
export class DirectoryStore implements ImageStore {
  private readonly root: string;

  /** @param root the image layout's directory (`oci:DIR`) */
  constructor(root: string) {
    // A directory that does not exist holds no file: it is then "not an OCI image layout".
    this.root = realpathOrAsGiven(root);
  }

  /** {@inheritDoc ImageStore.has} */
  has(path: string): boolean {
    return this.file(path) !== undefined;
  }

  /** {@inheritDoc ImageStore.size} */
  size(path: string): number {
    return statSync(this.required(path)).size;
  }

  /** {@inheritDoc ImageStore.prefix} */
  prefix(path: string, length: number): Buffer {
    return readRange(this.required(path), 0, length, { noFollow: true });
  }

  /** {@inheritDoc ImageStore.read} */
  read(path: string): Buffer {
    return readRegularFile(this.required(path), { noFollow: true });
  }

  /** {@inheritDoc ImageStore.stream} */
  stream(path: string): Readable {
    const file = this.required(path);
    return createReadStream(file, { fd: openRegularFile(file, { noFollow: true }).fd });
  }

  private required(path: string): string {
    const file = this.file(path);
    if (file === undefined) throw new Error(`${path} is not in the image layout`);
    return file;
  }

  /** The real path of a member that is a regular file inside the layout, symbolic links resolved. */
  private file(path: string): string | undefined {
    try {
      const real = realpathSync(join(this.root, normalizeArchivePath(path)));
      return isInsideDirectory(this.root, real) && statSync(real).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }
}

interface Member {
  readonly offset: number;
  readonly size: number;
  readonly link: string | undefined;
}

/**
 * An image archive (`oci-archive:FILE`, `docker-archive:FILE`): a plain tar whose members are
 * read in place. The member index comes from one pass over the headers, seeking past data;
 * headers are resolved as the layer reader resolves them (the same limits apply).
 */
export class ArchiveStore implements ImageStore {
  private readonly members = new Map<string, Member>();

  /** @throws TarFormatError when the file is not a tar archive; FileReadError when it is not a readable regular file */
  constructor(private readonly file: string) {
    const { fd, size } = openRegularFile(file);
    try {
      this.index(fd, size);
    } finally {
      closeSync(fd);
    }
  }

  /** {@inheritDoc ImageStore.has} */
  has(path: string): boolean {
    return this.member(path) !== undefined;
  }

  /** {@inheritDoc ImageStore.size} */
  size(path: string): number {
    return this.required(path).size;
  }

  /** {@inheritDoc ImageStore.prefix} */
  prefix(path: string, length: number): Buffer {
    const member = this.required(path);
    return readRange(this.file, member.offset, Math.min(length, member.size));
  }

  /** {@inheritDoc ImageStore.read} */
  read(path: string): Buffer {
    const member = this.required(path);
    return readRange(this.file, member.offset, member.size);
  }

  /** {@inheritDoc ImageStore.stream} */
  stream(path: string): Readable {
    const member = this.required(path);
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.file, { fd: openRegularFile(this.file).fd, start: member.offset, end: member.offset + member.size - 1 });
  }

  private required(path: string): Member {
    const member = this.member(path);
    if (member === undefined) throw new Error(`${path} is not in the archive`);
    return member;
  }

  /** The member at `path`, through links (docker save links legacy layer paths to blobs). */
  private member(path: string, depth = 0): Member | undefined {
    const member = this.members.get(normalizeArchivePath(path));
    if (member?.link === undefined || depth > 8) return member;
    return this.member(member.link, depth + 1);
  }

  private index(fd: number, fileSize: number): void {
    const headers = new TarHeaders();
    let offset = 0;
    while (offset + 512 <= fileSize) {
      const block = readAt(fd, offset, 512);
      if (isZeroBlock(block)) return;
      const header = decodeHeader(block, offset);
      const dataOffset = offset + 512;
      if (isExtendedHeader(header.typeflag)) {
        checkExtendedHeaderSize(header, offset);
        if (dataOffset + header.size > fileSize) throw truncated(`a ${header.typeflag} header`, fileSize - dataOffset, header.size);
        headers.add(header.typeflag, readAt(fd, dataOffset, header.size), offset);
        offset = dataOffset + header.size + paddingOf(header.size);
        continue;
      }
      const entry = headers.resolve(header, dataOffset);
      if (dataOffset + entry.size > fileSize) throw truncated(describeRaw(entry.path), fileSize - dataOffset, entry.size);
      this.members.set(entry.path, { offset: dataOffset, size: entry.size, link: linkOf(entry) });
      offset = dataOffset + entry.size + paddingOf(entry.size);
    }
    if (offset < fileSize) throw new TarFormatError(`truncated: the archive ends inside a header at byte ${offset}`);
  }
}

function realpathOrAsGiven(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Where a link member points, as a member path: a symlink's target is relative to its directory. */
function linkOf(entry: TarEntry): string | undefined {
  if (entry.type === 'hardlink') return entry.linkTarget;
  if (entry.type !== 'symlink') return undefined;
  const target = entry.linkTarget;
  return normalizeArchivePath(target.startsWith('/') ? target : `${entry.path.split('/').slice(0, -1).join('/')}/${target}`);
}

function truncated(what: string, present: number, size: number): TarFormatError {
  return new TarFormatError(`truncated: the archive ends inside ${what} (${present} of ${size} bytes)`);
}

function readRange(file: string, start: number, length: number, options: OpenOptions = {}): Buffer {
  const { fd } = openRegularFile(file, options);
  try {
    return readAt(fd, start, length);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, start: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, start + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}
