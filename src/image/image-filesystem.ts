import type { DataRequest, TarEntry } from './tar-reader';
import { CAPABILITY_XATTR } from './vfs-capability';

/** One file of the image's root filesystem, as the layers leave it. */
export interface ImageFile {
  /** Its kind. */
  readonly type: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits. */
  readonly mode: number;
  /** Owner uid. */
  readonly uid: number;
  /** Owner gid. */
  readonly gid: number;
  /** A symlink's target as stored. */
  readonly linkTarget: string;
  /** The raw `security.capability` xattr, when the file has one. */
  readonly capability: Buffer | undefined;
  /** The first bytes of an executable regular file (shebang or ELF magic). */
  readonly head: Buffer | undefined;
  /**
   * The whole content of the files the image's user is resolved with (/etc/passwd, /etc/group,
   * wherever their symlinks lead), when read; see `contentUnread`.
   */
  readonly content: Buffer | undefined;
  /** Why `content` was not kept although the file may be one the user is resolved with (too large, a hard link). */
  readonly contentUnread?: string;
  /** Its size in bytes (regular files). */
  readonly size: number;
  /** The index of the layer that last wrote it. */
  readonly layer: number;
}

interface Node {
  file: ImageFile;
  children: Map<string, Node> | undefined;
  /**
   * For a directory: whether every child is known. `false` while layers below the ones
   * applied are unread (the registry reads from the top down): a lower layer may add children.
   */
  complete: boolean;
  /** A whiteout read over unread layers: the path is known to be absent. */
  absent?: true;
  /** A directory implied by a deeper entry over unread layers: what the path is below is not known. */
  implied?: true;
}

/** The result of looking a path up: the file and its path with every symlink resolved, or why not. */
export type Lookup =
  | { readonly ok: true; readonly path: string; readonly file: ImageFile; readonly symlinks: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Thrown by a lookup in a filesystem whose lower layers are not read yet, when the answer
 * depends on them (a path that upper layers neither have nor delete): read the next layer down.
 */
export class UndecidedPath extends Error {
  constructor(
    /** The path whose answer lies in a lower layer. */
    readonly path: string,
  ) {
    super(`${path} is decided by a lower layer`);
  }
}

/** Options of an {@link ImageFilesystem}. */
export interface ImageFilesystemOptions {
  /**
   * Whether the layers applied start from an empty root. `false` when lower layers are not
   * read: lookups that depend on them throw {@link UndecidedPath}.
   * @default true
   */
  readonly baseKnown?: boolean;
}

/** Base names whose content is kept: what the runtime reads to resolve the image's USER, through any symlink. */
const CONTENT_NAMES = new Set(['passwd', 'group']);
/** The largest /etc/passwd or /etc/group kept. */
export const MAX_ACCOUNT_FILE_BYTES = 16 * 1024 * 1024;
/** binfmt_script reads the first BINPRM_BUF_SIZE (256) bytes for `#!`. */
export const HEAD_BYTES = 256;
/** The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
/** `.wh.` marks a whiteout; `.wh..wh..opq` an opaque directory (OCI image spec, layer.md). */
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

const DIRECTORY_FILE: ImageFile = {
  type: 'directory',
  mode: 0o755,
  uid: 0,
  gid: 0,
  linkTarget: '',
  capability: undefined,
  head: undefined,
  content: undefined,
  size: 0,
  layer: -1,
};

/**
 * The image's root filesystem, built by applying its layers in order as containerd's
 * applier does: later layers replace files, `.wh.NAME` deletes NAME from the layers below,
 * `.wh..wh..opq` hides everything below in its directory. Only metadata is kept, plus the
 * first bytes of executables and the content of files named passwd and group.
 *
 * With `baseKnown: false` it holds only the top layers of an image: what they decide is
 * answered, and a lookup that lower layers could change throws {@link UndecidedPath}.
 */
export class ImageFilesystem {
  private readonly root: Node;

  /** @param options whether the layers below the first one applied are known (a whole image) or not (a top-down pull) */
  constructor(options: ImageFilesystemOptions = {}) {
    this.root = { file: DIRECTORY_FILE, children: new Map(), complete: options.baseKnown ?? true };
  }

  /** Applies one entry of layer `layer`; returns what of its data to keep. */
  apply(entry: TarEntry, layer: number): DataRequest | undefined {
    if (entry.path === '') return undefined;
    const slash = entry.path.lastIndexOf('/');
    const parentPath = slash < 0 ? '' : entry.path.slice(0, slash);
    const name = entry.path.slice(slash + 1);
    const parent = this.directory(parentPath, layer);
    const children = parent.children as Map<string, Node>;
    if (name === OPAQUE_MARKER) {
      prune(parent, layer);
      parent.complete = true;
      return undefined;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const hidden = name.slice(WHITEOUT_PREFIX.length);
      const existing = children.get(hidden);
      if (existing !== undefined && existing.file.layer >= layer) return undefined;
      if (parent.complete) children.delete(hidden);
      else children.set(hidden, { file: { ...DIRECTORY_FILE, layer }, children: undefined, complete: true, absent: true });
      return undefined;
    }
    if (entry.type === 'hardlink') {
      // A hard link is the same inode: same content, same xattrs (unless the link's header repeats them).
      const target = this.node(entry.linkTarget);
      if (target === undefined || target.absent) return undefined;
      const capability = entry.xattrs.get(CAPABILITY_XATTR) ?? target.file.capability;
      const unread = CONTENT_NAMES.has(name) && target.file.content === undefined ? `a hard link to /${entry.linkTarget}, whose content was not kept` : undefined;
      const file: ImageFile = { ...target.file, capability, layer, ...(unread === undefined ? {} : { contentUnread: unread }) };
      children.set(name, { file, children: undefined, complete: true });
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
      size: entry.type === 'file' ? entry.size : 0,
      layer,
    };
    const existing = children.get(name);
    const node: Node = { file, children: undefined, complete: true };
    if (entry.type === 'directory') {
      // A directory entry over a directory keeps its children (tar updates the metadata only).
      const merges = existing?.children !== undefined && existing.absent !== true;
      node.children = merges ? existing.children : new Map();
      node.complete = merges ? existing.complete : existing !== undefined || parent.complete;
    }
    children.set(name, node);
    const keep = keptBytesOf(entry);
    if (keep === 'content') return { keep: entry.size, receive: (data) => (node.file = { ...node.file, content: data, head: data.subarray(0, HEAD_BYTES) }) };
    if (keep === 'head') return { keep: HEAD_BYTES, receive: (data) => (node.file = { ...node.file, head: data }) };
    if (entry.type === 'file' && CONTENT_NAMES.has(name)) {
      node.file = { ...file, contentUnread: `it has ${entry.size} bytes, more than the ${MAX_ACCOUNT_FILE_BYTES} read` };
    }
    return undefined;
  }

  /**
   * Looks an absolute path up, following symlinks within the image (an absolute target is
   * relative to the image's root, `..` stops at the root), as the kernel does inside the
   * container. Linear in the path's length and its symlinks' targets.
   * @throws UndecidedPath when the answer lies in a layer not applied
   */
  lookup(path: string, followLast = true): Lookup {
    const symlinks: string[] = [];
    // Components still to walk, the next one last; and the walked ones with their nodes.
    const pending = splitPath(path).reverse();
    const names: string[] = [];
    const nodes: Node[] = [this.root];
    const here = (part?: string) => `/${(part === undefined ? names : [...names, part]).join('/')}`;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      if (part === '..') {
        if (names.length > 0) {
          names.pop();
          nodes.pop();
        }
        continue;
      }
      const node = nodes[nodes.length - 1];
      if (node.children === undefined) return { ok: false, reason: `${here()} is not a directory` };
      const child = node.children.get(part);
      if (child === undefined && !node.complete) throw new UndecidedPath(here(part));
      if (child === undefined || child.absent) return { ok: false, reason: `${here(part)} does not exist in the image` };
      if (child.implied) throw new UndecidedPath(here(part));
      if (child.file.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (symlinks.length >= MAX_SYMLINKS) return { ok: false, reason: `too many levels of symbolic links at ${here(part)}` };
        symlinks.push(`${here(part)} -> ${child.file.linkTarget}`);
        const target = child.file.linkTarget;
        if (target.startsWith('/')) {
          names.length = 0;
          nodes.length = 1;
        }
        const targetParts = splitPath(target);
        for (let i = targetParts.length - 1; i >= 0; i--) pending.push(targetParts[i]);
        continue;
      }
      names.push(part);
      nodes.push(child);
    }
    return { ok: true, path: here(), file: nodes[nodes.length - 1].file, symlinks };
  }

  /** The number of paths in the filesystem (for reports). */
  get size(): number {
    let count = 0;
    const walk = (node: Node) => node.children?.forEach((child) => (child.absent ? undefined : (count++, walk(child))));
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
        const resolved = this.resolvedDirectory(walked.join('/'));
        if (resolved !== undefined) {
          node = resolved;
          continue;
        }
      }
      if (child === undefined || child.children === undefined || child.absent) {
        // Over unread layers, a path that upper layers do not name may be anything below (a symlink, say).
        const unknownBelow = child === undefined && !node.complete;
        child = {
          file: { ...DIRECTORY_FILE, layer },
          children: new Map(),
          complete: !unknownBelow,
          ...(unknownBelow ? { implied: true as const } : {}),
        };
        children.set(part, child);
      }
      node = child;
    }
    return node;
  }

  /** The directory a symlinked parent leads to, when the layers applied decide it. */
  private resolvedDirectory(path: string): Node | undefined {
    try {
      const target = this.lookup(path);
      const resolved = target.ok ? this.node(target.path) : undefined;
      return resolved?.children === undefined ? undefined : resolved;
    } catch (error) {
      if (error instanceof UndecidedPath) return undefined;
      throw error;
    }
  }
}

/**
 * What of an entry's data a filesystem keeps: the whole content of a passwd or group file
 * (up to {@link MAX_ACCOUNT_FILE_BYTES}), the head of an executable, or nothing.
 */
export function keptBytesOf(entry: TarEntry): 'content' | 'head' | undefined {
  if (entry.type !== 'file') return undefined;
  if (CONTENT_NAMES.has(entry.path.slice(entry.path.lastIndexOf('/') + 1))) return entry.size <= MAX_ACCOUNT_FILE_BYTES ? 'content' : undefined;
  return (entry.mode & 0o111) !== 0 ? 'head' : undefined;
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
