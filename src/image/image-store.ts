import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeHeader, isZeroBlock, normalizeArchivePath, paddingOf, parsePaxRecords, TarFormatError } from './tar-reader';

/** The files of an image layout or archive, by path relative to its root. */
export interface ImageStore {
  /** Whether a file is there. */
  has(path: string): boolean;
  /** Its size in bytes. @throws Error when missing */
  size(path: string): number;
  /** Its first `length` bytes (fewer if shorter). */
  prefix(path: string, length: number): Buffer;
  /** All of it (for manifests and configs). */
  read(path: string): Buffer;
  /** A stream of it (for layers). */
  stream(path: string): Readable;
}

/** An OCI image layout directory (`oci:DIR`). */
export class DirectoryStore implements ImageStore {
  constructor(private readonly root: string) {}

  has(path: string): boolean {
    try {
      return statSync(this.resolve(path)).isFile();
    } catch {
      return false;
    }
  }

  size(path: string): number {
    return statSync(this.resolve(path)).size;
  }

  prefix(path: string, length: number): Buffer {
    return readRange(this.resolve(path), 0, length);
  }

  read(path: string): Buffer {
    return readRange(this.resolve(path), 0, this.size(path));
  }

  stream(path: string): Readable {
    return createReadStream(this.resolve(path));
  }

  private resolve(path: string): string {
    return join(this.root, normalizeArchivePath(path));
  }
}

interface Member {
  readonly offset: number;
  readonly size: number;
  readonly link: string | undefined;
}

/**
 * An image archive (`oci-archive:FILE`, `docker-archive:FILE`): a plain tar whose members are
 * read in place. The member index comes from one pass over the headers, seeking past data.
 */
export class ArchiveStore implements ImageStore {
  private readonly members = new Map<string, Member>();

  /** @throws TarFormatError when the file is not a tar archive */
  constructor(private readonly file: string) {
    const fd = openSync(file, 'r');
    try {
      this.index(fd, statSync(file).size);
    } finally {
      closeSync(fd);
    }
  }

  has(path: string): boolean {
    return this.member(path) !== undefined;
  }

  size(path: string): number {
    return this.required(path).size;
  }

  prefix(path: string, length: number): Buffer {
    const member = this.required(path);
    return readRange(this.file, member.offset, Math.min(length, member.size));
  }

  read(path: string): Buffer {
    const member = this.required(path);
    return readRange(this.file, member.offset, member.size);
  }

  stream(path: string): Readable {
    const member = this.required(path);
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.file, { start: member.offset, end: member.offset + member.size - 1 });
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
    const block = Buffer.alloc(512);
    let offset = 0;
    let pax = new Map<string, Buffer>();
    let longName: string | undefined;
    while (offset + 512 <= fileSize) {
      readSync(fd, block, 0, 512, offset);
      if (isZeroBlock(block)) return;
      const header = decodeHeader(block, offset);
      const dataOffset = offset + 512;
      const size = Number(pax.get('size')?.toString() ?? header.size);
      if (dataOffset + size > fileSize) {
        throw new TarFormatError(`truncated: the archive ends inside "${normalizeArchivePath(header.name)}" (${fileSize - dataOffset} of ${size} bytes)`);
      }
      if (header.typeflag === 'x' || header.typeflag === 'L') {
        const data = Buffer.alloc(header.size);
        readSync(fd, data, 0, header.size, dataOffset);
        if (header.typeflag === 'x') pax = parsePaxRecords(data);
        else longName = data.toString('utf8').replace(/\0.*$/s, '');
      } else if (header.typeflag !== 'g' && header.typeflag !== 'K') {
        const name = normalizeArchivePath(pax.get('path')?.toString() ?? longName ?? header.name);
        const linkname = pax.get('linkpath')?.toString() ?? header.linkname;
        const link =
          header.typeflag === '1'
            ? normalizeArchivePath(linkname)
            : header.typeflag === '2'
              ? normalizeArchivePath(linkname.startsWith('/') ? linkname : `${name.split('/').slice(0, -1).join('/')}/${linkname}`)
              : undefined;
        this.members.set(name, { offset: dataOffset, size: link === undefined ? size : 0, link });
        pax = new Map();
        longName = undefined;
      }
      const dataSize = header.typeflag === '1' || header.typeflag === '2' || header.typeflag === '5' ? 0 : size;
      offset = dataOffset + dataSize + paddingOf(dataSize);
    }
    if (offset < fileSize) throw new TarFormatError(`truncated: the archive ends inside a header at byte ${offset}`);
  }
}

function readRange(file: string, start: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
