/**
 * Reads one layer blob as a stream, whatever it comes from (a file of an image on disk, a
 * registry response): decompresses it, checks the blob's digest and the uncompressed diff_id as
 * the bytes go by, and hands every tar entry to a visitor. The blob is never held whole.
 */
import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LayerCompression, ZstdDecoderFactory } from './layer-compression';
import { compressionOf, DecompressionRefused, decompressor } from './layer-compression';
import type { TarVisitor } from './tar-reader';
import { TarFormatError, TarParser } from './tar-reader';

/** A layer blob to read: what its descriptor says, and how messages name it. */
export interface LayerBlob {
  /** The blob's digest from the manifest, when it has one. */
  readonly digest: string | undefined;
  /** The blob's size from the manifest, when it has one. */
  readonly size: number | undefined;
  /** The layer in messages: `layer 2 (sha256:…)`. */
  readonly name: string;
}

/** One layer as read. */
export interface LayerSummary {
  /** The blob's digest (of the stored, possibly compressed, bytes), when the manifest gives one. */
  readonly digest: string | undefined;
  /** The sha256 of the uncompressed tar, as computed. */
  readonly diffId: string;
  /** How it was compressed. */
  readonly compression: LayerCompression;
  /** Stored bytes. */
  readonly size: number;
  /** Tar members. */
  readonly entries: number;
}

/** Called with why a layer cannot be read; throws the reader's own error. */
export type LayerFailure = (problem: string) => never;

/**
 * Reads a layer from `stream`; every entry goes to `visit`. The compression is told by the
 * first bytes; more bytes than the descriptor's size stop the read at once.
 * @returns its summary once the digests are verified
 */
export async function readLayerStream(
  blob: LayerBlob,
  source: Readable,
  diffId: string | undefined,
  visit: TarVisitor,
  zstd: ZstdDecoderFactory | undefined,
  fail: LayerFailure,
): Promise<LayerSummary> {
  const { prefix, stream } = await peek(source, blob, fail);
  const compression = compressionOf(prefix);
  const decompress = decompressor(compression, zstd);
  if (typeof decompress === 'string') {
    stream.destroy();
    return fail(`${blob.name}: ${decompress}`);
  }
  const storedHash = blob.digest === undefined ? undefined : createHash(algorithmOf(blob.digest));
  const diffHash = createHash('sha256');
  const parser = new TarParser(visit);
  let size = 0;
  // A Writable, not an async function: pipeline would reject with an AbortError, not the parser's error.
  const consume = parser.writable();
  const count = tap(undefined, (length) => {
    size += length;
    if (blob.size !== undefined && size > blob.size) throw new LayerTooLong(`${blob.name} has more than the ${blob.size} bytes the manifest says: the blob is not the one the manifest names`);
  });
  try {
    if (decompress === undefined) await pipeline(stream, count, tap(storedHash), tap(diffHash), consume);
    else await pipeline(stream, count, tap(storedHash), decompress, tap(diffHash), consume);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof LayerTooLong) return fail(message);
    if (error instanceof DecompressionRefused) return fail(`${blob.name}: ${message}`);
    if (error instanceof TarFormatError) return fail(`${blob.name}: ${message}`);
    if (compression !== 'none') return fail(`${blob.name} cannot be decompressed (${compression}): ${message}; the blob is truncated or corrupt`);
    return fail(`${blob.name} cannot be read: ${message}`);
  }
  if (blob.size !== undefined && size !== blob.size) {
    return fail(`${blob.name} has ${size} bytes, but the manifest says ${blob.size}: the blob is truncated or not the one the manifest names`);
  }
  if (storedHash !== undefined && blob.digest !== undefined) {
    const actual = `${algorithmOf(blob.digest)}:${storedHash.digest('hex')}`;
    if (actual !== blob.digest) return fail(`${blob.name} has the digest ${actual}, not the ${blob.digest} the manifest names: the blob is corrupt or was replaced`);
  }
  const computedDiffId = `sha256:${diffHash.digest('hex')}`;
  if (diffId !== undefined && diffId.startsWith('sha256:') && diffId !== computedDiffId) {
    return fail(`${blob.name} uncompressed has the digest ${computedDiffId}, not the diff_id ${diffId} the config names: the layer is corrupt or was replaced`);
  }
  return { digest: blob.digest, diffId: computedDiffId, compression, size, entries: parser.entryCount };
}

class LayerTooLong extends Error {}

/** The first chunk of a stream (for the magic number), and a stream of all of it. */
async function peek(source: Readable, blob: LayerBlob, fail: LayerFailure): Promise<{ prefix: Buffer; stream: Readable }> {
  const iterator: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await iterator.next();
  } catch (error) {
    return fail(`${blob.name} cannot be read: ${(error as Error).message}`);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (first.done === true) return;
    yield first.value;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return { prefix: first.done === true ? Buffer.alloc(0) : first.value, stream: Readable.from(all()) };
}

/** A stream that passes bytes through, hashing and counting them. */
function tap(hash: Hash | undefined, count?: (length: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        count?.(chunk.length);
      } catch (error) {
        callback(error as Error);
        return;
      }
      hash?.update(chunk);
      callback(null, chunk);
    },
  });
}

/** `sha256` of `sha256:…`. */
export function algorithmOf(digest: string): string {
  return digest.split(':')[0];
}
