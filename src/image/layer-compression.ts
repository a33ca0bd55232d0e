import type { Transform } from 'node:stream';
import { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { formatBytes } from '../input/limits';

/** How a layer blob is compressed, told by its first bytes rather than its media type. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

/** A compressed stream this reader refuses to decode for its cost, not because it is corrupt. */
export class DecompressionRefused extends Error {}

/** A decoder of zstd streams: Node.js 20's zlib has none (zstd arrived in Node.js 22.15 and 23.8). */
export type ZstdDecoderFactory = () => Duplex;

/**
 * The largest zstd window this reader decodes with: 128 MiB, the default limit of the zstd
 * library itself (`ZSTD_WINDOWLOG_LIMIT_DEFAULT`, 27), which Node.js's own decoder applies too.
 * A decoder allocates the window a frame asks for, up to 2 GiB, before it decodes a byte.
 */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/** The layer's compression from its magic number (RFC 1952 gzip `1f 8b`, RFC 8878 zstd `28 b5 2f fd`). */
export function compressionOf(prefix: Buffer): LayerCompression {
  if (prefix.length >= 2 && prefix[0] === 0x1f && prefix[1] === 0x8b) return 'gzip';
  if (prefix.length >= 4 && prefix.readUInt32LE(0) === ZSTD_MAGIC) return 'zstd';
  return 'none';
}

/**
 * A stream that decompresses a layer, or a message saying why this installation cannot. Each
 * one honours backpressure, so memory stays bounded however much a small blob expands; the
 * bytes out are capped by the tar reader (`K8S_LEAST_PRIVILEGE_MAX_LAYER_SIZE`).
 */
export function decompressor(compression: LayerCompression, zstd: ZstdDecoderFactory | undefined): Duplex | string | undefined {
  if (compression === 'none') return undefined;
  // 64 KiB chunks rather than zlib's 16 KiB: a quarter of the stream callbacks, about a third of the time.
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: 64 * 1024 });
  const factory = zstd ?? nodeZstd() ?? fzstdDecoder();
  if (factory === undefined) {
    return 'it is zstd-compressed, and this Node.js has no zstd decoder: install the fzstd package (npm install fzstd) or use Node.js ≥ 22.15';
  }
  return factory();
}

/** Node.js ≥ 22.15 has `zlib.createZstdDecompress`; found at run time so that Node.js 20 still type-checks and runs. */
function nodeZstd(): ZstdDecoderFactory | undefined {
  const create = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  return typeof create === 'function' ? () => create() : undefined;
}

interface FzstdModule {
  Decompress: new (ondata: (chunk: Uint8Array, final: boolean) => void) => { push(chunk: Uint8Array, final?: boolean): void };
}

/**
 * The compressed bytes fzstd is given at once. fzstd decodes all it is given before it returns,
 * and a 4-byte RLE block expands to 128 KiB: 512 bytes make at most 16 MiB of output, which
 * is handed on (and waited for) before the next slice is decoded.
 */
const FZSTD_SLICE_BYTES = 512;

/** fzstd (pure JavaScript, MIT), when it is installed; an optional dependency. */
function fzstdDecoder(): ZstdDecoderFactory | undefined {
  let fzstd: FzstdModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency, found at run time
    fzstd = require('fzstd') as FzstdModule;
  } catch {
    return undefined;
  }
  return () =>
    Duplex.from(async function* decode(source: AsyncIterable<Buffer>) {
      const frames = new ZstdFrameGuard();
      const output: Buffer[] = [];
      const decoder = new fzstd.Decompress((data) => {
        if (data.length > 0) output.push(Buffer.from(data));
      });
      for await (const chunk of source) {
        for (let at = 0; at < chunk.length; at += FZSTD_SLICE_BYTES) {
          const slice = chunk.subarray(at, at + FZSTD_SLICE_BYTES);
          frames.check(slice);
          decoder.push(slice);
          yield* output.splice(0);
        }
      }
      decoder.push(new Uint8Array(0), true);
      yield* output.splice(0);
    });
}

const ZSTD_MAGIC = 0xfd2fb528;
/** RFC 8878 §3.1.1.2: the largest block, whatever the window. */
const MAX_BLOCK_BYTES = 128 * 1024;

type FrameStep =
  | { readonly kind: 'magic' }
  | { readonly kind: 'frame-descriptor' }
  | { readonly kind: 'frame-header'; readonly descriptor: number }
  | { readonly kind: 'skippable-size' }
  | { readonly kind: 'block-header'; readonly checksum: boolean }
  | { readonly kind: 'skip'; remaining: number; readonly next: FrameStep };

/**
 * Follows the frames and blocks of a zstd stream (RFC 8878) as its bytes go by, without
 * decoding them, and refuses what fzstd would obey blindly: a window larger than
 * {@link MAX_ZSTD_WINDOW_BYTES} (fzstd allocates it whole), a block larger than 128 KiB
 * (fzstd allocates up to 2 MiB for one), a reserved block type. Hand-written: fzstd exposes no
 * frame header, and this is the few fields of the format that size an allocation.
 */
class ZstdFrameGuard {
  private step: FrameStep = { kind: 'magic' };
  private readonly field = Buffer.alloc(14);
  private filled = 0;

  /** Takes the next compressed bytes. @throws Error naming what is refused */
  check(bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length) {
      const step = this.step;
      if (step.kind === 'skip') {
        const take = Math.min(step.remaining, bytes.length - at);
        step.remaining -= take;
        at += take;
        if (step.remaining === 0) this.step = step.next;
        continue;
      }
      const need = this.fieldLength(step);
      const take = Math.min(need - this.filled, bytes.length - at);
      bytes.copy(this.field, this.filled, at, at + take);
      this.filled += take;
      at += take;
      if (this.filled === need) {
        this.filled = 0;
        this.step = this.next(step, this.field.subarray(0, need));
      }
    }
  }

  private fieldLength(step: Exclude<FrameStep, { kind: 'skip' }>): number {
    switch (step.kind) {
      case 'magic':
      case 'skippable-size':
        return 4;
      case 'frame-descriptor':
        return 1;
      case 'frame-header':
        return frameHeaderLength(step.descriptor);
      case 'block-header':
        return 3;
    }
  }

  private next(step: Exclude<FrameStep, { kind: 'skip' }>, field: Buffer): FrameStep {
    switch (step.kind) {
      case 'magic': {
        const magic = field.readUInt32LE(0);
        if (magic === ZSTD_MAGIC) return { kind: 'frame-descriptor' };
        // RFC 8878 §3.1.2: skippable frames, magic 0x184D2A5?.
        if (magic >>> 4 === 0x184d2a5) return { kind: 'skippable-size' };
        throw new Error('not a zstd frame');
      }
      case 'skippable-size':
        return skip(field.readUInt32LE(0), { kind: 'magic' });
      case 'frame-descriptor': {
        const descriptor = field[0];
        if ((descriptor & 0x08) !== 0) throw new Error('a zstd frame header sets its reserved bit');
        // Never empty: a window descriptor, or a single segment's content size.
        return { kind: 'frame-header', descriptor };
      }
      case 'frame-header':
        checkWindow(windowOf(step.descriptor, field));
        return { kind: 'block-header', checksum: (step.descriptor & 0x04) !== 0 };
      case 'block-header': {
        const value = field[0] | (field[1] << 8) | (field[2] << 16);
        const [last, type, size] = [value & 1, (value >> 1) & 3, value >>> 3];
        if (type === 3) throw new Error('a zstd block has the reserved type');
        if (size > MAX_BLOCK_BYTES) throw new DecompressionRefused(`a zstd block of ${size} bytes, more than the 128 KiB allowed`);
        const after: FrameStep = last === 0 ? step : step.checksum ? skip(4, { kind: 'magic' }) : { kind: 'magic' };
        // An RLE block (type 1) stores one byte, repeated `size` times.
        return skip(type === 1 ? 1 : size, after);
      }
    }
  }
}

function skip(bytes: number, next: FrameStep): FrameStep {
  return bytes === 0 ? next : { kind: 'skip', remaining: bytes, next };
}

/** The frame header's bytes after its descriptor: window descriptor, dictionary id, content size. */
function frameHeaderLength(descriptor: number): number {
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeFlag = descriptor >> 6;
  const contentSizeBytes = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : 1 << contentSizeFlag;
  return (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3] + contentSizeBytes;
}

/** The window a frame asks for (RFC 8878 §3.1.1.1.2): its descriptor's, or a single segment's content size. */
function windowOf(descriptor: number, header: Buffer): number {
  if ((descriptor & 0x20) === 0) {
    const exponent = header[0] >> 3;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * (header[0] & 7);
  }
  const at = [0, 1, 2, 4][descriptor & 3];
  let size = 0;
  for (let i = header.length - 1; i >= at; i--) size = size * 256 + header[i];
  // A two-byte content size is stored minus 256.
  return descriptor >> 6 === 1 ? size + 256 : size;
}

function checkWindow(window: number): void {
  if (window > MAX_ZSTD_WINDOW_BYTES) {
    throw new DecompressionRefused(`a zstd frame asks for a ${formatBytes(window)} window, more than the ${formatBytes(MAX_ZSTD_WINDOW_BYTES)} this reader allows (zstd's own default limit)`);
  }
}
