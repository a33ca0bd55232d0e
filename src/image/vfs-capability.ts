import { LINUX_CAPABILITIES } from '../model/capabilities';
import type { FileCapabilities } from '../model/file-capabilities';

/**
 * The `security.capability` extended attribute, as `setcap` writes it and tar carries it:
 * `struct vfs_cap_data` / `vfs_ns_cap_data` of linux/capability.h, little-endian.
 *
 * - `magic_etc`: revision in the top byte (1, 2 or 3), `VFS_CAP_FLAGS_EFFECTIVE` (bit 0).
 * - revision 1: one pair `{permitted, inheritable}` (capabilities 0–31), 12 bytes.
 * - revision 2: two pairs (capabilities 0–63), 20 bytes.
 * - revision 3: as 2, then `rootid`: the uid that is root in the user namespace the
 *   capability was set in (a `setcap` inside a user namespace writes it), 24 bytes.
 */
export interface VfsCapability {
  /** `vfs_cap_data` revision: 1, 2 or 3. */
  readonly revision: 1 | 2 | 3;
  /** Canonical names of the file-permitted capabilities (`cap_N` for a number Linux does not name yet). */
  readonly permitted: readonly string[];
  /** Canonical names of the file-inheritable capabilities. */
  readonly inheritable: readonly string[];
  /** The single effective bit. */
  readonly effective: boolean;
  /** Revision 3: the namespace root's uid; `undefined` for 1 and 2. */
  readonly rootId: number | undefined;
  /** The setcap/getcap text form, e.g. `cap_net_bind_service=ep`. */
  readonly text: string;
}

/** The xattr's name. */
export const CAPABILITY_XATTR = 'security.capability';

const REVISION_MASK = 0xff000000;
const FLAGS_EFFECTIVE = 0x000001;
const SIZES: Record<number, number> = { 1: 12, 2: 20, 3: 24 };

/** Decodes the xattr's value; a string says why it is not a valid `vfs_cap_data`. */
export function decodeVfsCapability(value: Buffer): VfsCapability | string {
  if (value.length < 4) return `security.capability is ${value.length} bytes, too short for vfs_cap_data`;
  const magic = value.readUInt32LE(0);
  const revision = ((magic & REVISION_MASK) >>> 24) as 1 | 2 | 3;
  const size = SIZES[revision];
  if (size === undefined) return `security.capability has revision ${revision}, which Linux does not define (1, 2 or 3)`;
  // The kernel refuses a value of the wrong size for its revision (security/commoncap.c validheader).
  if (value.length !== size) return `security.capability revision ${revision} is ${value.length} bytes, not ${size}`;
  const words = revision === 1 ? 1 : 2;
  const permitted: string[] = [];
  const inheritable: string[] = [];
  for (let word = 0; word < words; word++) {
    const p = value.readUInt32LE(4 + word * 8);
    const i = value.readUInt32LE(8 + word * 8);
    for (let bit = 0; bit < 32; bit++) {
      const name = capabilityName(word * 32 + bit);
      if ((p >>> bit) & 1) permitted.push(name);
      if ((i >>> bit) & 1) inheritable.push(name);
    }
  }
  const effective = (magic & FLAGS_EFFECTIVE) !== 0;
  return {
    revision,
    permitted,
    inheritable,
    effective,
    rootId: revision === 3 ? value.readUInt32LE(20) : undefined,
    text: capabilityText(permitted, inheritable, effective),
  };
}

/** Encodes a capability as `setcap` would write it (revision 2, or 3 with a root id): for tests and docs. */
export function encodeVfsCapability(permitted: readonly string[], inheritable: readonly string[], effective: boolean, rootId?: number): Buffer {
  const buffer = Buffer.alloc(rootId === undefined ? 20 : 24);
  buffer.writeUInt32LE(((rootId === undefined ? 2 : 3) << 24) | (effective ? FLAGS_EFFECTIVE : 0), 0);
  const words = [0, 0, 0, 0];
  for (const [names, offset] of [[permitted, 0], [inheritable, 1]] as const) {
    for (const name of names) {
      const number = LINUX_CAPABILITIES.indexOf(name);
      if (number < 0) throw new RangeError(`${name} names no Linux capability`);
      words[(number >= 32 ? 2 : 0) + offset] |= 1 << number % 32;
    }
  }
  words.forEach((word, index) => buffer.writeUInt32LE(word >>> 0, 4 + index * 4));
  if (rootId !== undefined) buffer.writeUInt32LE(rootId, 20);
  return buffer;
}

/**
 * The file capabilities the kernel applies on exec in a container without its own user
 * namespace (Kubernetes' default, `hostUsers` unset or true), or why it applies none.
 * security/commoncap.c get_vfs_caps_from_disk: a revision-3 value counts only where its
 * rootid is root of the exec'ing process's user namespace or of an ancestor; in the
 * initial namespace only rootid 0 is.
 */
export function honoredFileCapabilities(
  capability: VfsCapability,
  origin: string,
): { capabilities: FileCapabilities | undefined; note: string | undefined } {
  if (capability.rootId !== undefined && capability.rootId !== 0) {
    return {
      capabilities: undefined,
      note:
        `its file capability (${capability.text}) is a revision-3 capability for the user namespace whose root is host uid ${capability.rootId} ` +
        '(set by setcap inside a user namespace, e.g. a rootless build); the kernel ignores it in a pod that shares the host user namespace ' +
        '(hostUsers unset or true): run setcap as real root when building the image',
    };
  }
  return {
    capabilities: {
      permitted: new Set(capability.permitted),
      inheritable: new Set(capability.inheritable),
      effective: capability.effective,
      text: capability.text,
      origin,
    },
    note: undefined,
  };
}

/**
 * The text form of cap_to_text(3) that `parseFileCapabilities` reads back: capabilities
 * grouped by their flags, `e` on every capability when the effective bit is set.
 */
export function capabilityText(permitted: readonly string[], inheritable: readonly string[], effective: boolean): string {
  const all = [...new Set([...permitted, ...inheritable])].sort((a, b) => capabilityNumber(a) - capabilityNumber(b));
  if (all.length === 0) return effective ? '=e' : '=';
  const groups = new Map<string, string[]>();
  for (const name of all) {
    const flags = `${effective ? 'e' : ''}${inheritable.includes(name) ? 'i' : ''}${permitted.includes(name) ? 'p' : ''}`;
    groups.set(flags, [...(groups.get(flags) ?? []), name]);
  }
  return [...groups].map(([flags, names]) => `${names.map((name) => `cap_${name.toLowerCase()}`).join(',')}=${flags}`).join(' ');
}

function capabilityName(number: number): string {
  return LINUX_CAPABILITIES[number] ?? `${number}`;
}

function capabilityNumber(name: string): number {
  const index = LINUX_CAPABILITIES.indexOf(name);
  return index >= 0 ? index : Number(name);
}
