/**
 * A JSON document with one long array, written a slice at a time, byte for byte as
 * `JSON.stringify(document, null, 2)` writes it whole.
 */

/**
 * The items as `JSON.stringify(…, null, 2)` writes them inside an array whose items are at
 * `depth` (the document's root is at depth 0): each item indented by `2 × depth` spaces,
 * separated by `,\n` and that indentation, without the array's brackets. One native call for
 * all of them: each is nested `depth - 1` arrays deep, and the brackets are cut off.
 */
export function jsonArrayItems(items: readonly unknown[], depth: number): string {
  let nested: unknown = items;
  for (let level = 1; level < depth; level++) nested = [nested];
  const text = JSON.stringify(nested, null, 2);
  // Each level opens with `[`, a line break and its items' indentation, and closes in reverse.
  let open = 0;
  let close = 0;
  for (let level = 0; level < depth; level++) {
    open += 2 + 2 * (level + 1);
    close += 2 + 2 * level;
  }
  return text.slice(open, text.length - close);
}

/**
 * Writes the array at `depth` of a document item by item: `open()` gives the `[` (its text
 * before must have been written), `items()` a batch, `close()` the `]`; an empty array is `[]`,
 * as `JSON.stringify` writes it. Items are gathered and stringified `batchSize` at a time.
 */
export class JsonArrayWriter<T> {
  private batch: T[] = [];
  private written = 0;

  /** @param write where the text goes; @param depth the depth of the array's items; @param batchSize how many items are stringified at once */
  constructor(
    private readonly write: (text: string) => void,
    private readonly depth: number,
    private readonly batchSize = 64,
  ) {}

  /** One more item. */
  item(item: T): void {
    this.batch.push(item);
    if (this.batch.length >= this.batchSize) this.flush();
  }

  /** The closing bracket, after every item (and the indentation before it, when there were items). */
  close(): void {
    this.flush();
    this.write(this.written === 0 ? ']' : `\n${' '.repeat(2 * (this.depth - 1))}]`);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const indentation = ' '.repeat(2 * this.depth);
    this.write(`${this.written === 0 ? '\n' : ',\n'}${indentation}${jsonArrayItems(this.batch, this.depth)}`);
    this.written += this.batch.length;
    this.batch = [];
  }
}

/**
 * The text of `JSON.stringify(document, null, 2)` before and after the value of `key`, an array
 * the document holds empty: `before` ends with its `[`, `after` starts after its `]`. It is found
 * as the last `"key": []` of the text (no string value holds one: quotes in strings are escaped),
 * so no later key of the document may have the same name and an empty array.
 */
export function aroundEmptyArray(document: unknown, key: string): { readonly before: string; readonly after: string } {
  const text = JSON.stringify(document, null, 2);
  const marker = `${JSON.stringify(key)}: []`;
  const at = text.lastIndexOf(marker);
  if (at === -1) throw new Error(`no empty array ${key} in the document`);
  return { before: text.slice(0, at + marker.length - 1), after: text.slice(at + marker.length) };
}
