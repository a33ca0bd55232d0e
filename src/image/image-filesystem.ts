import { DataRequest, TarEntry } from './tar-reader';
import { CAPABILITY_XATTR } from './vfs-capability';

/** One file of the image's root filesystem, as the layers leave it. */
export interface ImageFile {
  /** Its kind. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits. */
  readonly mode: number;
  /** Owner uid and gid. */
  readonly uid: number;
  readonly gid: number;
  /** A symlink's target as stored. */
  readonly linkTarget: string;
  /** The raw `security.capability` xattr, when the file has one. */
  readonly capability: Buffer | undefined;
  /** The first bytes of an executable regular file (shebang or ELF magic). */
  readonly head: Buffer | undefined;
  /** The whole content of the files the image's user is resolved with (/etc/passwd, /etc/group). */
  readonly content: Buffer | undefined;
  /** The index of the layer that last wrote it. */
  readonly layer: number;
}

interface Node {
  file: ImageFile;
  children: Map<string, Node> | undefined;
}

/** The result of looking a path up: the file and its path with every symlink resolved, or why not. */
export type Lookup =
  | { readonly ok: true; readonly path: string; readonly file: ImageFile; readonly symlinks: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** Files whose content is kept: what the runtime reads to resolve the image's USER. */
const CONTENT_FILES = new Set(['etc/passwd', 'etc/group']);
const MAX_CONTENT = 4 * 1024 * 1024;
/** binfmt_script reads the first BINPRM_BUF_SIZE (256) bytes for `#!`. */
export const HEAD_BYTES = 256;
const MAX_SYMLINKS = 40;
/** `.wh.` marks a whiteout; `.wh..wh..opq` an opaque directory (OCI image spec, layer.md). */
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

const ROOT_FILE: ImageFile = { type: 'directory', mode: 0o755, uid: 0, gid: 0, linkTarget: '', capability: undefined, head: undefined, content: undefined, layer: -1 };

/**
 * The image's root filesystem, built by applying its layers in order as containerd's
 * applier does: later layers replace files, `.wh.NAME` deletes NAME from the layers below,
 * `.wh..wh..opq` hides everything below in its directory. Only metadata is kept, plus the
 * first bytes of executables and the content of /etc/passwd and /etc/group.
 */
export class ImageFilesystem {
  private readonly root: Node = { file: ROOT_FILE, children: new Map() };

  /** Applies one entry of layer `layer`; returns what of its data to keep. */
  apply(entry: TarEntry, layer: number): DataRequest | undefined {
    if (entry.path === '') return undefined;
    const slash = entry.path.lastIndexOf('/');
    const parentPath = slash < 0 ? '' : entry.path.slice(0, slash);
    const name = entry.path.slice(slash + 1);
    if (name === OPAQUE_MARKER) {
      const directory = this.directory(parentPath, layer);
      prune(directory, layer);
      return undefined;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const directory = this.directory(parentPath, layer);
      const hidden = name.slice(WHITEOUT_PREFIX.length);
      const existing = directory.children?.get(hidden);
      if (existing !== undefined && existing.file.layer < layer) directory.children?.delete(hidden);
      return undefined;
    }
    const parent = this.directory(parentPath, layer);
    const children = parent.children as Map<string, Node>;
    if (entry.type === 'hardlink') {
      // A hard link is the same inode: same content, same xattrs (unless the link's header repeats them).
      const target = this.node(entry.linkTarget);
      if (target === undefined) return undefined;
      const capability = entry.xattrs.get(CAPABILITY_XATTR) ?? target.file.capability;
      children.set(name, { file: { ...target.file, capability, layer }, children: undefined });
      return undefined;
    }
    const file: ImageFile = {
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      linkTarget: entry.linkTarget,
      capability: entry.xattrs.get(CAPABILITY_XATTR),
      head: undefined,
      content: undefined,
      layer,
    };
    const existing = children.get(name);
    const node: Node = {
      file,
      // A directory entry over a directory keeps its children (tar updates the metadata only).
      children: entry.type === 'directory' ? (existing?.children ?? new Map()) : undefined,
    };
    children.set(name, node);
    if (entry.type !== 'file') return undefined;
    if (CONTENT_FILES.has(entry.path) && entry.size <= MAX_CONTENT) {
      return { keep: entry.size, receive: (data) => (node.file = { ...node.file, content: data, head: data.subarray(0, HEAD_BYTES) }) };
    }
    if ((entry.mode & 0o111) !== 0) return { keep: HEAD_BYTES, receive: (data) => (node.file = { ...node.file, head: data }) };
    return undefined;
  }

  /**
   * Looks an absolute path up, following symlinks within the image (an absolute target is
   * relative to the image's root, `..` stops at the root), as the kernel does inside the container.
   */
  lookup(path: string, followLast = true): Lookup {
    const symlinks: string[] = [];
    let pending = splitPath(path);
    let resolved: string[] = [];
    let node = this.root;
    while (pending.length > 0) {
      const [part, ...rest] = pending;
      pending = rest;
      if (part === '..') {
        resolved = resolved.slice(0, -1);
        node = this.node(resolved.join('/')) ?? this.root;
        continue;
      }
      if (node.children === undefined) return { ok: false, reason: `/${resolved.join('/')} is not a directory` };
      const child = node.children.get(part);
      if (child === undefined) return { ok: false, reason: `/${[...resolved, part].join('/')} does not exist in the image` };
      if (child.file.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (symlinks.length >= MAX_SYMLINKS) return { ok: false, reason: `too many levels of symbolic links at /${[...resolved, part].join('/')}` };
        symlinks.push(`/${[...resolved, part].join('/')} -> ${child.file.linkTarget}`);
        const target = child.file.linkTarget;
        if (target.startsWith('/')) {
          resolved = [];
          node = this.root;
        }
        pending = [...splitPath(target), ...pending];
        continue;
      }
      resolved.push(part);
      node = child;
    }
    return { ok: true, path: `/${resolved.join('/')}`, file: node.file, symlinks };
  }

  /** The number of paths in the filesystem (for reports). */
  get size(): number {
    let count = 0;
    const walk = (node: Node) => node.children?.forEach((child) => (count++, walk(child)));
    walk(this.root);
    return count;
  }

  /** The node at a normalized path, without following symlinks. */
  private node(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of splitPath(path)) {
      node = node?.children?.get(part);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** The directory at a normalized path, created (as an implicit directory of `layer`) when missing. */
  private directory(path: string, layer: number): Node {
    let node = this.root;
    const walked: string[] = [];
    for (const part of splitPath(path)) {
      walked.push(part);
      const children = node.children as Map<string, Node>;
      let child = children.get(part);
      if (child?.file.type === 'symlink') {
        // containerd's applier resolves a parent that is a symlink within the root (fs.RootPath):
        // `bin/x` over `bin -> usr/bin` lands in /usr/bin.
        const target = this.lookup(walked.join('/'));
        const resolved = target.ok ? this.node(target.path) : undefined;
        if (resolved?.children !== undefined) {
          node = resolved;
          continue;
        }
      }
      if (child === undefined || child.children === undefined) {
        child = { file: { ...ROOT_FILE, layer }, children: new Map() };
        children.set(part, child);
      }
      node = child;
    }
    return node;
  }
}

/** Removes everything below `directory` that a layer before `layer` wrote (an opaque directory). */
function prune(directory: Node, layer: number): void {
  for (const [name, child] of directory.children ?? []) {
    if (child.children !== undefined) prune(child, layer);
    const keep = child.file.layer >= layer || (child.children !== undefined && child.children.size > 0);
    if (!keep) directory.children?.delete(name);
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}
