/**
 * A streaming tar reader, enough for image layers and image archives: POSIX ustar
 * headers, PAX extended headers (`x` per entry, `g` global) and the GNU long-name
 * entries (`L`, `K`), with extended attributes as GNU tar and containers/image write
 * them (`SCHILY.xattr.<name>`, raw bytes) and as libarchive does (`LIBARCHIVE.xattr.<name>`,
 * base64). Data is pushed in chunks of any size; only the bytes a visitor asks for
 * are kept, so a layer of any size goes through in bounded memory.
 */

import { Writable } from 'node:stream';
import { describeLimit, formatBytes, limitBytes, MAX_LAYER_SIZE } from '../input/limits';
import { describeRaw } from '../model/json-value';

/** What an entry is. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One archive member, its header fully resolved (PAX and GNU long names applied). */
export interface TarEntry {
  /** The path as stored, normalized: no leading `./` or `/`, no trailing `/`; the root is `''`. */
  readonly path: string;
  /** Its kind. */
  readonly type: TarEntryType;
  /** Permission bits (and set-id bits), `0o7777` at most. */
  readonly mode: number;
  /** Owner uid. */
  readonly uid: number;
  /** Owner gid. */
  readonly gid: number;
  /** Bytes of data that follow the header. */
  readonly size: number;
  /** A symlink's target as stored, or a hard link's target path normalized; `''` otherwise. */
  readonly linkTarget: string;
  /** Extended attributes by name (`security.capability`), values as raw bytes. */
  readonly xattrs: ReadonlyMap<string, Buffer>;
  /** The offset of the entry's data in the (uncompressed) stream. */
  readonly dataOffset: number;
}

/** What a visitor wants from an entry's data. */
export interface DataRequest {
  /** How many leading bytes to keep (the rest is skipped). */
  readonly keep: number;
  /** Receives the kept bytes once they are all read (fewer when the entry is shorter). */
  readonly receive: (data: Buffer) => void;
}

/** Called for every entry; returns what to keep of its data, or `undefined` to skip it. */
export type TarVisitor = (entry: TarEntry) => DataRequest | undefined;

/** An archive that is not a well-formed tar stream, or that passes a limit of {@link TarLimits}. */
export class TarFormatError extends Error {}

/** The most entries one tar stream (a layer, an image archive) may hold. */
export const MAX_TAR_ENTRIES = 1_000_000;
/** The longest path or link target, in bytes: Linux's PATH_MAX. */
export const MAX_PATH_BYTES = 4096;
/** The largest PAX or GNU long-name header; real ones hold a few records. */
export const MAX_EXTENDED_HEADER_BYTES = 1024 * 1024;
/** The most PAX records an entry's own headers may hold; the global headers may hold as many more. */
export const MAX_PAX_RECORDS = 1024;

/** Limits of a {@link TarParser}. */
export interface TarLimits {
  /**
   * The most bytes the stream may have (a layer, decompressed).
   * @default K8S_LEAST_PRIVILEGE_MAX_LAYER_SIZE when set, else 8 GiB
   */
  readonly maxBytes?: number;
  /** The most entries. @default MAX_TAR_ENTRIES (1,000,000) */
  readonly maxEntries?: number;
}

const BLOCK = 512;

type State =
  | { readonly kind: 'header'; readonly block: Buffer; filled: number }
  | { readonly kind: 'meta'; readonly type: string; readonly buffer: Buffer; filled: number; readonly padding: number; readonly at: number }
  | { readonly kind: 'data'; readonly entry: TarEntry; remaining: number; readonly padding: number; readonly request: DataRequest | undefined; readonly kept: Buffer[]; keptBytes: number }
  | { readonly kind: 'skip'; remaining: number }
  | { readonly kind: 'end' };

/** A push parser: feed it the archive's bytes with {@link push}, then call {@link end}. */
export class TarParser {
  private state: State = newHeaderState();
  private offset = 0;
  private readonly headers: TarHeaders;
  private readonly maxBytes: number;
  /** The byte limit for messages: the environment's, or the one given. */
  private readonly maxBytesText: string;

  /**
   * @param visit what is called for each entry, in archive order
   * @param limits the caps on entries and bytes; the environment's defaults where absent
   */
  constructor(
    private readonly visit: TarVisitor,
    limits: TarLimits = {},
  ) {
    this.headers = new TarHeaders(limits.maxEntries);
    this.maxBytes = limits.maxBytes ?? limitBytes(MAX_LAYER_SIZE);
    this.maxBytesText = limits.maxBytes === undefined ? describeLimit(MAX_LAYER_SIZE) : formatBytes(limits.maxBytes);
  }

  /** The number of entries seen so far. */
  get entryCount(): number {
    return this.headers.entryCount;
  }

  /** Parses the next bytes of the archive. @throws TarFormatError on a corrupt header or past a limit */
  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.offset + bytes.length > this.maxBytes) throw this.tooLarge();
    let at = 0;
    while (at < bytes.length) {
      const state = this.state;
      switch (state.kind) {
        case 'end':
          // Past the end-of-archive blocks: writers pad to a record size (10240 bytes for GNU tar).
          this.offset += bytes.length - at;
          return;
        case 'skip': {
          const take = Math.min(state.remaining, bytes.length - at);
          state.remaining -= take;
          at += take;
          this.offset += take;
          if (state.remaining === 0) this.state = newHeaderState();
          break;
        }
        case 'header': {
          const take = Math.min(BLOCK - state.filled, bytes.length - at);
          bytes.copy(state.block, state.filled, at, at + take);
          state.filled += take;
          at += take;
          this.offset += take;
          if (state.filled === BLOCK) this.onHeader(state.block);
          break;
        }
        case 'meta': {
          const take = Math.min(state.buffer.length - state.filled, bytes.length - at);
          bytes.copy(state.buffer, state.filled, at, at + take);
          state.filled += take;
          at += take;
          this.offset += take;
          if (state.filled === state.buffer.length) this.onMeta(state.type, state.buffer, state.padding, state.at);
          break;
        }
        case 'data': {
          const take = Math.min(state.remaining, bytes.length - at);
          if (state.request !== undefined && state.keptBytes < state.request.keep) {
            const keep = Math.min(take, state.request.keep - state.keptBytes);
            state.kept.push(Buffer.from(bytes.subarray(at, at + keep)));
            state.keptBytes += keep;
          }
          state.remaining -= take;
          at += take;
          this.offset += take;
          if (state.remaining === 0) this.finishData(state);
          break;
        }
      }
    }
  }

  /** Says the stream is over. @throws TarFormatError when it ends inside an entry */
  end(): void {
    const state = this.state;
    if (state.kind === 'end') return;
    if (state.kind === 'header' && state.filled === 0) {
      // A stream that stops at an entry boundary without the two zero blocks is accepted,
      // as Go's archive/tar (and so containerd) accepts it.
      if (!this.headers.pending) return;
    }
    if (state.kind === 'data') {
      throw new TarFormatError(
        `truncated: the archive ends inside ${describeRaw(state.entry.path)} (${state.entry.size - state.remaining} of ${state.entry.size} bytes)`,
      );
    }
    if (state.kind === 'skip' && state.remaining > 0) throw new TarFormatError(`truncated: the archive ends inside an entry's padding at byte ${this.offset}`);
    throw new TarFormatError(`truncated: the archive ends inside a header at byte ${this.offset}`);
  }

  /**
   * The parser as the last stage of a stream pipeline. Use it rather than an async function
   * that pushes: when such a function throws, `pipeline` rejects with an AbortError instead of
   * the parser's TarFormatError.
   */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => callback(this.attempt(() => this.push(chunk))),
      final: (callback) => callback(this.attempt(() => this.end())),
    });
  }

  private attempt(step: () => void): Error | null {
    try {
      step();
      return null;
    } catch (error) {
      return error as Error;
    }
  }

  private onHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.state = { kind: 'end' };
      return;
    }
    const at = this.offset - BLOCK;
    const header = decodeHeader(block, at);
    if (isExtendedHeader(header.typeflag)) {
      checkExtendedHeaderSize(header, at);
      this.state = { kind: 'meta', type: header.typeflag, buffer: Buffer.alloc(header.size), filled: 0, padding: paddingOf(header.size), at };
      if (header.size === 0) this.onMeta(header.typeflag, Buffer.alloc(0), 0, at);
      return;
    }
    const entry = this.headers.resolve(header, this.offset);
    if (entry.size > this.maxBytes - this.offset) throw this.tooLarge();
    const request = this.visit(entry);
    const dataState: State & { kind: 'data' } = {
      kind: 'data',
      entry,
      remaining: entry.size,
      padding: paddingOf(entry.size),
      request,
      kept: [],
      keptBytes: 0,
    };
    if (entry.size === 0) this.finishData(dataState);
    else this.state = dataState;
  }

  private onMeta(type: string, data: Buffer, padding: number, at: number): void {
    this.headers.add(type, data, at);
    this.state = padding > 0 ? { kind: 'skip', remaining: padding } : newHeaderState();
  }

  private finishData(state: State & { kind: 'data' }): void {
    state.request?.receive(Buffer.concat(state.kept));
    this.state = state.padding > 0 ? { kind: 'skip', remaining: state.padding } : newHeaderState();
  }

  private tooLarge(): TarFormatError {
    return new TarFormatError(`larger uncompressed than ${this.maxBytesText}, the limit for one layer`);
  }
}

/**
 * The extended headers read so far — PAX records (`x` for the next entry, `g` for every later
 * one) and GNU long names (`L`, `K`) — and how they combine with an entry's ustar header. Both
 * the streaming {@link TarParser} and the seeking image-archive index resolve entries with it.
 * An entry costs time in its own records only: the global records' attributes are decoded once.
 */
export class TarHeaders {
  private pendingPax = new Map<string, Buffer>();
  private readonly globalPax = new Map<string, Buffer>();
  private globalXattrs: ReadonlyMap<string, Buffer> = new Map();
  private longName: string | undefined;
  private longLink: string | undefined;
  private entries = 0;

  /** @param maxEntries how many entries an archive may hold before it is refused */
  constructor(private readonly maxEntries = MAX_TAR_ENTRIES) {}

  /** The entries resolved so far. */
  get entryCount(): number {
    return this.entries;
  }

  /** Whether extended headers wait for an entry. */
  get pending(): boolean {
    return this.pendingPax.size > 0 || this.longName !== undefined || this.longLink !== undefined;
  }

  /** Takes in the data of an extended header (`x`, `g`, `L`, `K`) read at byte `at`. @throws TarFormatError */
  add(type: string, data: Buffer, at: number): void {
    if (type === 'x') {parsePaxRecords(data, this.pendingPax, at);} else if (type === 'g') {
      parsePaxRecords(data, this.globalPax, at);
      this.globalXattrs = xattrsOf(this.globalPax, new Map(), `the global PAX header at byte ${at}`);
    } else if (type === 'L') {this.longName = cString(data);} else {this.longLink = cString(data);}
  }

  /**
   * The entry of a ustar header whose data starts at `dataOffset`, with the extended headers
   * before it applied (then forgotten, except the global ones).
   * @throws TarFormatError past a limit or on a malformed value
   */
  resolve(header: RawHeader, dataOffset: number): TarEntry {
    if (++this.entries > this.maxEntries) {
      throw new TarFormatError(`more than ${this.maxEntries.toLocaleString('en-US')} entries, the limit for one archive`);
    }
    const at = dataOffset - BLOCK;
    const rawPath = this.paxString('path') ?? this.longName ?? header.name;
    const rawLink = this.paxString('linkpath') ?? this.longLink ?? header.linkname;
    checkPathLength(rawPath, 'path', at);
    checkPathLength(rawLink, 'link target', at);
    const path = normalizeArchivePath(rawPath);
    const type = entryTypeOf(header.typeflag, rawPath);
    const size = this.paxNumber('size', path) ?? header.size;
    const entry: TarEntry = {
      path,
      type,
      mode: header.mode & 0o7777,
      uid: this.paxNumber('uid', path) ?? header.uid,
      gid: this.paxNumber('gid', path) ?? header.gid,
      // Links and directories carry no data, whatever the size field says (ustar).
      size: type === 'hardlink' || type === 'symlink' || type === 'directory' ? 0 : size,
      linkTarget: type === 'hardlink' ? normalizeArchivePath(rawLink) : type === 'symlink' ? rawLink : '',
      xattrs: this.xattrsFor(path),
      dataOffset,
    };
    this.pendingPax = new Map();
    this.longName = undefined;
    this.longLink = undefined;
    return entry;
  }

  /** A PAX value, the entry's own over the global one; an empty value removes the keyword (POSIX). */
  private paxString(key: string): string | undefined {
    const value = this.pendingPax.get(key) ?? this.globalPax.get(key);
    return value === undefined || value.length === 0 ? undefined : value.toString('utf8');
  }

  private paxNumber(key: string, path: string): number | undefined {
    const text = this.paxString(key);
    if (text === undefined) return undefined;
    const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value)) {
      throw new TarFormatError(`the PAX ${key} of ${describeRaw(path)} is ${describeRaw(text)}, not a whole number`);
    }
    return value;
  }

  private xattrsFor(path: string): ReadonlyMap<string, Buffer> {
    for (const key of this.pendingPax.keys()) {
      if (key.startsWith(SCHILY_XATTR) || key.startsWith(LIBARCHIVE_XATTR)) {
        return xattrsOf(this.pendingPax, new Map(this.globalXattrs), describeRaw(path));
      }
    }
    return this.globalXattrs;
  }
}

/** Whether a typeflag is an extended header (PAX `x`, `g`; GNU `L`, `K`) rather than an entry. */
export function isExtendedHeader(typeflag: string): boolean {
  return typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
}

/** Refuses an extended header too large to be real, before anything is allocated for it. @throws TarFormatError */
export function checkExtendedHeaderSize(header: RawHeader, at: number): void {
  if (header.size > MAX_EXTENDED_HEADER_BYTES) {
    throw new TarFormatError(`the ${header.typeflag} header at byte ${at} has ${header.size} bytes, more than the ${formatBytes(MAX_EXTENDED_HEADER_BYTES)} allowed`);
  }
}

function checkPathLength(path: string, what: string, at: number): void {
  // A UTF-16 unit is at least one UTF-8 byte: only a long string needs counting.
  if (path.length > MAX_PATH_BYTES / 3 && Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new TarFormatError(`the entry at byte ${at} has a ${what} of ${Buffer.byteLength(path)} bytes, more than PATH_MAX (${MAX_PATH_BYTES})`);
  }
}

/** A ustar header block, decoded but not yet combined with PAX records. */
export interface RawHeader {
  /** The path, with ustar's prefix field joined on. */
  readonly name: string;
  /** The permission bits. */
  readonly mode: number;
  /** The owner's uid. */
  readonly uid: number;
  /** The owner's gid. */
  readonly gid: number;
  /** The size of the entry's data in bytes. */
  readonly size: number;
  /** The entry type (`0` file, `5` directory, `2` symlink, `x` PAX …). */
  readonly typeflag: string;
  /** A link's target. */
  readonly linkname: string;
}

/** Decodes one 512-byte header block. @throws TarFormatError when its checksum is wrong */
export function decodeHeader(block: Buffer, at: number): RawHeader {
  let stored: number;
  try {
    stored = parseNumeric(block.subarray(148, 156), 'checksum', at);
  } catch {
    stored = NaN;
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(`not a tar archive: the header at byte ${at} has a wrong checksum`);
  }
  const magic = block.toString('latin1', 257, 263);
  const name = cString(block.subarray(0, 100));
  // The prefix field is POSIX ustar only; GNU tar ("ustar  ") keeps times there.
  const prefix = magic === 'ustar\0' ? cString(block.subarray(345, 500)) : '';
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    mode: parseNumeric(block.subarray(100, 108), 'mode', at),
    uid: parseNumeric(block.subarray(108, 116), 'uid', at),
    gid: parseNumeric(block.subarray(116, 124), 'gid', at),
    size: parseNumeric(block.subarray(124, 136), 'size', at),
    typeflag,
    linkname: cString(block.subarray(157, 257)),
  };
}

/** Whether a block is all zero bytes (end of archive). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The zero bytes that pad `size` data bytes to a whole block. */
export function paddingOf(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/**
 * Adds PAX records, `"%d %s=%s\n"` with the length counting the whole record, to `records`.
 * Values stay bytes: an xattr value is binary (GNU tar writes `SCHILY.xattr.*` raw).
 * @throws TarFormatError when malformed, or past {@link MAX_PAX_RECORDS}
 */
function parsePaxRecords(data: Buffer, records: Map<string, Buffer>, headerAt: number): void {
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const digits = space < 0 ? '' : data.toString('latin1', at, space);
    const length = /^[0-9]{1,9}$/.test(digits) ? Number(digits) : NaN;
    if (!(length > space - at + 1) || at + length > data.length || data[at + length - 1] !== 0x0a) {
      throw new TarFormatError(`not a tar archive: the PAX header at byte ${headerAt} is malformed`);
    }
    const record = data.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals < 0) throw new TarFormatError(`not a tar archive: a record of the PAX header at byte ${headerAt} has no "="`);
    records.set(record.toString('utf8', 0, equals), Buffer.from(record.subarray(equals + 1)));
    if (records.size > MAX_PAX_RECORDS) {
      throw new TarFormatError(`the PAX header at byte ${headerAt} brings the records for one entry past ${MAX_PAX_RECORDS}, the limit`);
    }
    at += length;
  }
}

/** Normalizes a member path: no leading `./` or `/`, no `.` components, `..` never above the root. */
export function normalizeArchivePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function newHeaderState(): State {
  return { kind: 'header', block: Buffer.alloc(BLOCK), filled: 0 };
}

function entryTypeOf(typeflag: string, rawPath: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
    case 'S':
      // Old archives mark directories only with a trailing slash.
      return rawPath.endsWith('/') ? 'directory' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    case '3':
    case '4':
    case '6':
      return 'other';
    default:
      // POSIX: an unknown type is read as a regular file.
      return 'file';
  }
}

/**
 * A numeric field of the header at byte `at`: octal text, or GNU base-256 (high bit of the
 * first byte set) for large values. @throws TarFormatError unless a whole number from 0 to 2^53
 */
function parseNumeric(field: Buffer, name: string, at: number): number {
  const refuse = (problem: string) => new TarFormatError(`not a tar archive: the ${name} field of the header at byte ${at} ${problem}`);
  if (field.length > 0 && (field[0] & 0x80) !== 0) {
    // Two's complement after the marker bit (as Go's archive/tar reads it): bit 6 set is negative.
    if ((field[0] & 0x40) !== 0) throw refuse('is a negative base-256 number');
    let value = field[0] & 0x3f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    if (!Number.isSafeInteger(value)) throw refuse('is a base-256 number beyond 2^53');
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw refuse(`holds ${describeRaw(text)}, not an octal number`);
  return parseInt(text, 8);
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
}

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

/** Adds the extended attributes of PAX records to `xattrs`; `owner` names the entry or header in messages. */
function xattrsOf(pax: ReadonlyMap<string, Buffer>, xattrs: Map<string, Buffer>, owner: string): Map<string, Buffer> {
  for (const [key, value] of pax) {
    if (key.startsWith(SCHILY_XATTR)) {xattrs.set(key.slice(SCHILY_XATTR.length), value);} else if (key.startsWith(LIBARCHIVE_XATTR)) {
      // libarchive (bsdtar) percent-encodes the name and base64-encodes the value; GNU tar's record wins.
      const name = decodeXattrName(key.slice(LIBARCHIVE_XATTR.length), owner);
      if (!pax.has(SCHILY_XATTR + name)) xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  return xattrs;
}

function decodeXattrName(encoded: string, owner: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new TarFormatError(`${owner} has the PAX record ${describeRaw(LIBARCHIVE_XATTR + encoded)}, whose attribute name is not valid percent-encoding`);
  }
}
