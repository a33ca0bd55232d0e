import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** How a layer blob is compressed, told by its first bytes rather than its media type. */
export type LayerCompression = 'none' | 'gzip' | 'zstd';

/** A decoder of zstd streams: Node.js 20's zlib has none (zstd arrived in Node.js 22.15 and 23.8). */
export type ZstdDecoderFactory = () => Transform;

/** The layer's compression from its magic number (RFC 1952 gzip `1f 8b`, RFC 8878 zstd `28 b5 2f fd`). */
export function compressionOf(prefix: Buffer): LayerCompression {
  if (prefix.length >= 2 && prefix[0] === 0x1f && prefix[1] === 0x8b) return 'gzip';
  if (prefix.length >= 4 && prefix.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** A stream that decompresses a layer, or a message saying why this installation cannot. */
export function decompressor(compression: LayerCompression, zstd: ZstdDecoderFactory | undefined): Transform | string | undefined {
  if (compression === 'none') return undefined;
  if (compression === 'gzip') return createGunzip();
  const factory = zstd ?? nodeZstd() ?? fzstdDecoder();
  if (factory === undefined) {
    return 'it is zstd-compressed, and this Node.js has no zstd decoder: install the fzstd package (npm install fzstd) or use Node.js ≥ 22.15';
  }
  return factory();
}

/** Node.js ≥ 22.15 has `zlib.createZstdDecompress`; found at run time so that Node.js 20 still type-checks and runs. */
function nodeZstd(): ZstdDecoderFactory | undefined {
  const zlib = require('node:zlib') as { createZstdDecompress?: () => Transform };
  const create = zlib.createZstdDecompress;
  return typeof create === 'function' ? () => create() : undefined;
}

interface FzstdModule {
  Decompress: new (ondata?: (chunk: Uint8Array, final: boolean) => void) => { push(chunk: Uint8Array, final?: boolean): void };
}

/** fzstd (pure JavaScript, MIT), when it is installed; an optional dependency. */
function fzstdDecoder(): ZstdDecoderFactory | undefined {
  let fzstd: FzstdModule;
  try {
    fzstd = require('fzstd') as FzstdModule;
  } catch {
    return undefined;
  }
  return () => {
    const output: Transform = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        try {
          stream.push(chunk);
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
      flush(callback) {
        try {
          stream.push(new Uint8Array(0), true);
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    });
    const stream = new fzstd.Decompress((data) => output.push(Buffer.from(data)));
    return output;
  };
}
