import type { ImageFilesystem } from './image-filesystem';
import { UndecidedPath } from './image-filesystem';

/** The image config's `User`, resolved as the runtime resolves it, or why it cannot be. */
export interface ResolvedUser {
  /** `User` as written. */
  readonly configured: string;
  /** Whether its user part is a number (or empty): the kubelet's runAsNonRoot check needs that. */
  readonly numeric: boolean;
  /** The uid, when resolved. */
  readonly uid: number | undefined;
  /** The gid, when resolved. */
  readonly gid: number | undefined;
  /** The account name in the image's /etc/passwd, when it has one. */
  readonly name: string | undefined;
  /** The group name in the image's /etc/group, when it has one. */
  readonly group: string | undefined;
  /** Why the runtime cannot resolve it, if so: the container then fails to start unless the pod sets runAsUser. */
  readonly problem: string | undefined;
  /** Why this reader cannot tell the uid although the runtime may (an account file it did not keep), if so. */
  readonly undetermined?: string;
}

interface Account {
  readonly name: string;
  readonly id: number;
  readonly gid: number;
}

/**
 * Resolves `User` (`name`, `uid`, `name:group`, `uid:gid`, …) through the image's own
 * /etc/passwd and /etc/group, as containerd's oci.WithUser and runc's user lookup do: a
 * number needs no entry (its gid then comes from passwd, else 0); a name that is not
 * there makes the container fail to start ("no users found").
 */
export function resolveImageUser(configured: string, filesystem: ImageFilesystem): ResolvedUser {
  const [userPart, groupPart] = splitUser(configured);
  const numeric = userPart === '' || /^\d+$/.test(userPart);
  const passwdFile = accounts(filesystem, '/etc/passwd', 3, !numeric);
  const groupFile = accounts(filesystem, '/etc/group', 2, groupPart !== undefined && groupPart !== '' && !/^\d+$/.test(groupPart));
  const result = (fields: Partial<ResolvedUser>): ResolvedUser => ({
    configured,
    numeric,
    uid: undefined,
    gid: undefined,
    name: undefined,
    group: undefined,
    problem: undefined,
    ...fields,
  });
  const unreadable = [passwdFile, groupFile].find((file): file is { unread: string } => file !== undefined && 'unread' in file);
  if (unreadable !== undefined) return result({ undetermined: unreadable.unread });
  const passwd = passwdFile as Account[] | undefined;
  const groups = groupFile as Account[] | undefined;

  let uid: number;
  let gid: number;
  let name: string | undefined;
  if (userPart === '') {
    uid = 0;
    gid = 0;
    name = passwd?.find((a) => a.id === 0)?.name;
  } else if (numeric) {
    uid = Number(userPart);
    const account = passwd?.find((a) => a.id === uid);
    gid = account?.gid ?? 0;
    name = account?.name;
  } else {
    if (passwd === undefined) {
      return result({ problem: `USER "${configured}" is a name, and the image has no /etc/passwd to resolve it (no users found)` });
    }
    const account = passwd.find((a) => a.name === userPart);
    if (account === undefined) {
      return result({ problem: `USER "${configured}": "${userPart}" is not in the image's /etc/passwd (no users found)` });
    }
    uid = account.id;
    gid = account.gid;
    name = account.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) {gid = Number(groupPart);} else {
      const group = groups?.find((g) => g.name === groupPart);
      if (group === undefined) {
        return result({ uid, name, problem: `USER "${configured}": group "${groupPart}" is not in the image's /etc/group (no groups found)` });
      }
      gid = group.id;
    }
  }
  return result({ uid, gid, name, group: groups?.find((g) => g.id === gid)?.name });
}

function splitUser(configured: string): [string, string | undefined] {
  const colon = configured.indexOf(':');
  return colon < 0 ? [configured.trim(), undefined] : [configured.slice(0, colon).trim(), configured.slice(colon + 1).trim()];
}

/**
 * passwd(5) `name:x:uid:gid:…` or group(5) `name:x:gid:…`, read through the image's symlinks:
 * the accounts, `undefined` when the file is not in the image, or why it cannot be read.
 * `required`: whether the answer decides the uid; otherwise a file that only lower, unread
 * layers could tell is taken as absent (it names the account, not the uid).
 */
function accounts(filesystem: ImageFilesystem, path: string, fields: number, required: boolean): Account[] | { unread: string } | undefined {
  let found;
  try {
    found = filesystem.lookup(path);
  } catch (error) {
    if (error instanceof UndecidedPath && !required) return undefined;
    throw error;
  }
  if (!found.ok || found.file.type !== 'file') return undefined;
  if (found.file.content === undefined) {
    const why = found.file.contentUnread ?? 'its content was not kept';
    return required ? { unread: `${path} (${found.path}) cannot be read here: ${why}` } : undefined;
  }
  const list: Account[] = [];
  for (const line of found.file.content.toString('utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const parts = line.split(':');
    if (parts.length < fields) continue;
    const id = Number(parts[2]);
    if (!Number.isInteger(id)) continue;
    list.push({ name: parts[0], id, gid: fields === 3 ? Number(parts[3]) : id });
  }
  return list;
}
