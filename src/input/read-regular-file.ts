/**
 * Opens and reads the files a user names or a repository holds, safely: only regular files
 * are opened for reading — a FIFO would block forever, a device such as /dev/zero never ends —
 * and no more than the file-size limit is ever read. Every reader of input files (manifests,
 * standard input, `--config`, `--images`, images on disk) goes through this module.
 */
import type { Stats } from 'node:fs';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { describeLimit, limitBytes, MAX_FILE_SIZE } from './limits';

/** A file that cannot be read: `message` says why without naming it (the caller does). */
export class FileReadError extends Error {
  constructor(
    message: string,
    /**
     * The errno code (`ENOENT`, `EACCES`, `EISDIR` for a directory), `EFTYPE` for a FIFO, a device
     * or a socket, `EFBIG` past the size limit; `undefined` when the system gave none.
     */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** How a path is opened. */
export interface OpenOptions {
  /** Refuse a symbolic link as the last component instead of following it (O_NOFOLLOW). @default false */
  readonly noFollow?: boolean;
}

/** A regular file opened for reading: its descriptor (the caller closes it) and its size. */
export interface OpenedFile {
  /** The file descriptor. */
  readonly fd: number;
  /** Its size in bytes when opened. */
  readonly size: number;
}

/**
 * Opens a regular file for reading. Its type is checked before it is opened (opening a device
 * can act on it) and again, with `fstat`, after: it may have been replaced in between. It is
 * opened non-blocking, so that even a FIFO put there in between cannot block.
 * @throws FileReadError when it is missing, unreadable or not a regular file
 */
export function openRegularFile(path: string, options: OpenOptions = {}): OpenedFile {
  const noFollow = options.noFollow === true;
  refuseIrregular(statOf(path, noFollow));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    throw systemError(error);
  }
  try {
    const stats = fstatSync(fd);
    refuseIrregular(stats);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * A regular file's bytes, refused beyond the file-size limit ({@link MAX_FILE_SIZE}).
 * @throws FileReadError when it cannot be read, is not a regular file or is too large
 */
export function readRegularFile(path: string, options: OpenOptions = {}): Buffer {
  const { fd, size } = openRegularFile(path, options);
  try {
    return readBounded(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** Standard input's bytes, refused beyond the file-size limit. @throws FileReadError */
export function readStandardInput(): Buffer {
  return readBounded(0, 0);
}

/** Whether `path` is strictly below the directory `root` (both real paths, symbolic links resolved). */
export function isInsideDirectory(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}

/** Why a file could not be read, for a message: `no such file or directory`, `permission denied`, … */
export function describeSystemError(error: unknown): string {
  if (error instanceof FileReadError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'a directory, not a file';
  if (code === 'ELOOP') return 'a symbolic link, not followed here';
  return error instanceof Error ? error.message : String(error);
}

function statOf(path: string, noFollow: boolean): Stats {
  try {
    return noFollow ? lstatSync(path) : statSync(path);
  } catch (error) {
    throw systemError(error);
  }
}

function refuseIrregular(stats: Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw new FileReadError('a directory, not a file', 'EISDIR');
  throw new FileReadError(`not a regular file but ${kindOf(stats)}: only regular files are read`, 'EFTYPE');
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link (not followed here)';
  return 'a special file';
}

function systemError(error: unknown): FileReadError {
  return new FileReadError(describeSystemError(error), (error as NodeJS.ErrnoException).code);
}

/**
 * Reads `fd` to its end, never past the limit. A regular file is read into one buffer of its
 * size (plus a byte, to see it grow); a pipe, whose size is unknown (`sizeHint` 0), in chunks
 * joined at the end, so that input refused at the limit never costs more than the limit.
 */
function readBounded(fd: number, sizeHint: number): Buffer {
  const limit = limitBytes(MAX_FILE_SIZE);
  if (sizeHint > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  let chunk = Buffer.allocUnsafe(sizeHint > 0 ? sizeHint + 1 : 64 * 1024);
  let filled = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, chunk, filled, chunk.length - filled, null);
    } catch (error) {
      throw systemError(error);
    }
    filled += read;
    total += read;
    if (total > limit) throw tooLarge();
    if (read === 0 || filled === chunk.length) {
      chunks.push(chunk.subarray(0, filled));
      if (read === 0) return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
      chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit + 1 - total));
      filled = 0;
    }
  }
}

function tooLarge(): FileReadError {
  return new FileReadError(`larger than ${describeLimit(MAX_FILE_SIZE)}, the limit for one input file`, 'EFBIG');
}
