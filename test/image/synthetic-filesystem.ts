/**
 * Image filesystems made of tar entries written out in a test, without a tar: for what the
 * filesystem and the exec model decide from metadata alone.
 */
import { ImageFilesystem } from '../../src/image/image-filesystem';
import type { TarEntry } from '../../src/image/tar-reader';

/** An entry: its path, and whatever differs from a 0644 root-owned empty file. */
export type EntrySpec = Partial<TarEntry> & { readonly path: string };

function entry(spec: EntrySpec): TarEntry {
  return { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, linkTarget: '', xattrs: new Map(), dataOffset: 0, ...spec };
}

/** Applies `layers` (bottom first; entries with `data` receive it) as layers `first`, `first + 1`, … */
export function filesystem(
  layers: readonly (EntrySpec & { data?: string | Buffer })[][],
  options: { baseKnown?: boolean; first?: number } = {},
): ImageFilesystem {
  const fs = new ImageFilesystem({ baseKnown: options.baseKnown });
  layers.forEach((layer, index) => {
    for (const { data, ...spec } of layer) {
      const size = data === undefined ? (spec.size ?? 0) : Buffer.byteLength(data);
      const request = fs.apply(entry({ ...spec, size }), (options.first ?? 0) + index);
      if (request !== undefined && data !== undefined) request.receive(Buffer.from(data).subarray(0, request.keep));
    }
  });
  return fs;
}

/** A directory entry. */
export const dir = (path: string): EntrySpec => ({ path, type: 'directory', mode: 0o755 });
