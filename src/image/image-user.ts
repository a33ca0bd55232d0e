import { ImageFilesystem } from './image-filesystem';

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
  const passwd = accounts(filesystem, '/etc/passwd', 3);
  const groups = accounts(filesystem, '/etc/group', 2);
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
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
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

/** passwd(5) `name:x:uid:gid:…` or group(5) `name:x:gid:…`; `idField` is the field after which the gid of passwd follows. */
function accounts(filesystem: ImageFilesystem, path: string, fields: number): Account[] | undefined {
  const found = filesystem.lookup(path);
  if (!found.ok || found.file.type !== 'file' || found.file.content === undefined) return undefined;
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
