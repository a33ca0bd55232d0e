/**
 * A streaming tar reader, enough for image layers and image archives: POSIX ustar
 * headers, PAX extended headers (`x` per entry, `g` global) and the GNU long-name
 * entries (`L`, `K`), with extended attributes as GNU tar and containers/image write
 * them (`SCHILY.xattr.<name>`, raw bytes) and as libarchive does (`LIBARCHIVE.xattr.<name>`,
 * base64). Data is pushed in chunks of any size; only the bytes a visitor asks for
 * are kept, so a layer of any size goes through in bounded memory.
 */

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

/** An archive that is not a well-formed tar stream. */
export class TarFormatError extends Error {}

const BLOCK = 512;
/** PAX and GNU long-name records larger than this are refused: no real header is that big. */
const MAX_META_SIZE = 8 * 1024 * 1024;

type State =
  | { readonly kind: 'header'; readonly block: Buffer; filled: number }
  | { readonly kind: 'meta'; readonly type: string; readonly buffer: Buffer; filled: number; readonly padding: number }
  | { readonly kind: 'data'; readonly entry: TarEntry; remaining: number; readonly padding: number; readonly request: DataRequest | undefined; readonly kept: Buffer[]; keptBytes: number }
  | { readonly kind: 'skip'; remaining: number }
  | { readonly kind: 'end' };

/** A push parser: feed it the archive's bytes with {@link push}, then call {@link end}. */
export class TarParser {
  private state: State = newHeaderState();
  private offset = 0;
  private entries = 0;
  private pendingPax: Map<string, Buffer> = new Map();
  private globalPax: Map<string, Buffer> = new Map();
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly visit: TarVisitor) {}

  /** The number of entries seen so far. */
  get entryCount(): number {
    return this.entries;
  }

  /** Parses the next bytes of the archive. @throws TarFormatError on a corrupt header */
  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
          if (state.filled === state.buffer.length) this.onMeta(state.type, state.buffer, state.padding);
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
      if (this.pendingPax.size === 0 && this.longName === undefined) return;
    }
    if (state.kind === 'data') {
      throw new TarFormatError(
        `truncated: the archive ends inside "${state.entry.path}" (${state.entry.size - state.remaining} of ${state.entry.size} bytes)`,
      );
    }
    if (state.kind === 'skip' && state.remaining > 0) throw new TarFormatError(`truncated: the archive ends inside an entry's padding at byte ${this.offset}`);
    throw new TarFormatError(`truncated: the archive ends inside a header at byte ${this.offset}`);
  }

  private onHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.state = { kind: 'end' };
      return;
    }
    const header = decodeHeader(block, this.offset - BLOCK);
    if (header.typeflag === 'x' || header.typeflag === 'g' || header.typeflag === 'L' || header.typeflag === 'K') {
      if (header.size > MAX_META_SIZE) throw new TarFormatError(`a ${header.typeflag} header of ${header.size} bytes at byte ${this.offset - BLOCK} is too large`);
      this.state = { kind: 'meta', type: header.typeflag, buffer: Buffer.alloc(header.size), filled: 0, padding: paddingOf(header.size) };
      if (header.size === 0) this.onMeta(header.typeflag, Buffer.alloc(0), 0);
      return;
    }
    const pax = new Map([...this.globalPax, ...this.pendingPax]);
    this.pendingPax = new Map();
    const rawPath = paxString(pax, 'path') ?? this.longName ?? header.name;
    const rawLink = paxString(pax, 'linkpath') ?? this.longLink ?? header.linkname;
    this.longName = undefined;
    this.longLink = undefined;
    const size = paxNumber(pax, 'size') ?? header.size;
    const type = entryTypeOf(header.typeflag, rawPath);
    const entry: TarEntry = {
      path: normalizeArchivePath(rawPath),
      type,
      mode: header.mode & 0o7777,
      uid: paxNumber(pax, 'uid') ?? header.uid,
      gid: paxNumber(pax, 'gid') ?? header.gid,
      // Links and directories carry no data, whatever the size field says (ustar).
      size: type === 'hardlink' || type === 'symlink' || type === 'directory' ? 0 : size,
      linkTarget: type === 'hardlink' ? normalizeArchivePath(rawLink) : type === 'symlink' ? rawLink : '',
      xattrs: xattrsOf(pax),
      dataOffset: this.offset,
    };
    this.entries++;
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

  private onMeta(type: string, data: Buffer, padding: number): void {
    if (type === 'x') this.pendingPax = new Map([...this.pendingPax, ...parsePaxRecords(data)]);
    else if (type === 'g') this.globalPax = new Map([...this.globalPax, ...parsePaxRecords(data)]);
    else if (type === 'L') this.longName = cString(data);
    else this.longLink = cString(data);
    this.state = padding > 0 ? { kind: 'skip', remaining: padding } : newHeaderState();
  }

  private finishData(state: State & { kind: 'data' }): void {
    state.request?.receive(Buffer.concat(state.kept));
    this.state = state.padding > 0 ? { kind: 'skip', remaining: state.padding } : newHeaderState();
  }
}

/** A ustar header block, decoded but not yet combined with PAX records. */
export interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
}

/** Decodes one 512-byte header block. @throws TarFormatError when its checksum is wrong */
export function decodeHeader(block: Buffer, at: number): RawHeader {
  let stored: number;
  try {
    stored = parseNumeric(block.subarray(148, 156));
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
    mode: parseNumeric(block.subarray(100, 108)),
    uid: parseNumeric(block.subarray(108, 116)),
    gid: parseNumeric(block.subarray(116, 124)),
    size: parseNumeric(block.subarray(124, 136)),
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
 * PAX records, `"%d %s=%s\n"` with the length counting the whole record. Values stay
 * bytes: an xattr value is binary (GNU tar writes `SCHILY.xattr.*` raw).
 */
export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const records = new Map<string, Buffer>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const length = space < 0 ? NaN : Number(data.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= space - at + 1 || at + length > data.length || data[at + length - 1] !== 0x0a) {
      throw new TarFormatError('not a tar archive: a PAX extended header is malformed');
    }
    const record = data.subarray(space + 1, at + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals < 0) throw new TarFormatError('not a tar archive: a PAX record has no "="');
    records.set(record.toString('utf8', 0, equals), Buffer.from(record.subarray(equals + 1)));
    at += length;
  }
  return records;
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

/** Octal text, or GNU base-256 (high bit of the first byte set) for large values. */
function parseNumeric(field: Buffer): number {
  if (field.length > 0 && (field[0] & 0x80) !== 0) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`not a tar archive: "${text.slice(0, 12)}" is not an octal number`);
  return parseInt(text, 8);
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
}

function paxString(pax: ReadonlyMap<string, Buffer>, key: string): string | undefined {
  return pax.get(key)?.toString('utf8');
}

function paxNumber(pax: ReadonlyMap<string, Buffer>, key: string): number | undefined {
  const text = paxString(pax, key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new TarFormatError(`not a tar archive: PAX ${key} "${text}" is not a number`);
  return value;
}

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

function xattrsOf(pax: ReadonlyMap<string, Buffer>): Map<string, Buffer> {
  const xattrs = new Map<string, Buffer>();
  for (const [key, value] of pax) {
    if (key.startsWith(SCHILY_XATTR)) xattrs.set(key.slice(SCHILY_XATTR.length), value);
    else if (key.startsWith(LIBARCHIVE_XATTR)) {
      // libarchive (bsdtar) percent-encodes the name and base64-encodes the value.
      const name = decodeURIComponent(key.slice(LIBARCHIVE_XATTR.length));
      if (!xattrs.has(name)) xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  return xattrs;
}
