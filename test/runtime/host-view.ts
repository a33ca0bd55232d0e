/**
 * A container's process as the host sees it (proc(5)): its ids in the host's user namespace, its
 * user-namespace mappings, the namespaces it is in and its root mount. What proves that uid 0
 * inside a pod with `hostUsers: false` is not root on the node.
 */
import { readFileSync, readlinkSync } from 'node:fs';

/** The container's process as seen from the host. */
export interface HostView {
  readonly pid: number;
  /** /proc/<pid>/status `Uid:` (real, effective, saved, filesystem), in the host's user namespace. */
  readonly uids: readonly number[];
  /** /proc/<pid>/status `Gid:`, idem. */
  readonly gids: readonly number[];
  /** /proc/<pid>/uid_map, whitespace collapsed: `0 65536 65536`. */
  readonly uidMap: string;
  /** /proc/<pid>/gid_map, idem. */
  readonly gidMap: string;
  /** True when the process is in another user namespace than the host's (/proc/<pid>/ns/user). */
  readonly ownUserNamespace: boolean;
  /** /proc/<pid>/ns/net, `net:[inode]`. */
  readonly networkNamespace: string;
  /** The container's root mount as its own mountinfo shows it (fs type, source, options). */
  readonly rootMount: string;
}

/** The process `pid` as the host sees it, read while it runs. */
export function hostView(pid: number): HostView {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const ids = (key: string) => (new RegExp(`^${key}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).map(Number);
  const map = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').trim().split(/\s+/).join(' ');
  // mountinfo(5): … mount point (field 5) … ` - ` fstype source super-options.
  const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').find((line) => line.split(' ')[4] === '/') ?? '';
  return {
    pid,
    uids: ids('Uid'),
    gids: ids('Gid'),
    uidMap: map('uid_map'),
    gidMap: map('gid_map'),
    ownUserNamespace: readlinkSync(`/proc/${pid}/ns/user`) !== readlinkSync('/proc/self/ns/user'),
    networkNamespace: readlinkSync(`/proc/${pid}/ns/net`),
    rootMount: root.split(' - ')[1] ?? root,
  };
}
