/**
 * Strings kept outside the JavaScript heap: appended one after another, in UTF-8, to buffers of
 * a few megabytes, and read back by the number {@link RecordArena.add} gave. A check that cannot
 * keep its input keeps its index's records here: they take their bytes and little more, the
 * garbage collector never walks or moves them, and the heap stays small, so that it is collected
 * often (its limit grows with what lives in it). A string read back is a new one, which keeps no
 * other string alive.
 */
export class RecordArena {
  private readonly chunks: Buffer[] = [];
  private used = 0;
  /** For each string: its chunk and its first byte (chunk × 2³² + byte), then its length in bytes. */
  private places = new Float64Array(2048);
  private count = 0;

  /** @param chunkBytes the size of each buffer the strings are appended to */
  constructor(private readonly chunkBytes = 4 * 1024 * 1024) {}

  /** Keeps a string; the number reads it back. */
  add(text: string): number {
    const length = Buffer.byteLength(text);
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.used + length > chunk.length) {
      chunk = Buffer.allocUnsafe(Math.max(this.chunkBytes, length));
      this.chunks.push(chunk);
      this.used = 0;
    }
    chunk.write(text, this.used);
    if (this.count * 2 + 2 > this.places.length) {
      const grown = new Float64Array(this.places.length * 2);
      grown.set(this.places);
      this.places = grown;
    }
    this.places[this.count * 2] = (this.chunks.length - 1) * CHUNK_FACTOR + this.used;
    this.places[this.count * 2 + 1] = length;
    this.used += length;
    return this.count++;
  }

  /** The string kept as `id`. */
  get(id: number): string {
    const place = this.places[id * 2];
    const chunk = Math.floor(place / CHUNK_FACTOR);
    const start = place - chunk * CHUNK_FACTOR;
    return this.chunks[chunk].toString('utf8', start, start + this.places[id * 2 + 1]);
  }
}

/** 2³²: a chunk's bytes are numbered below it. */
const CHUNK_FACTOR = 2 ** 32;
