import { canonicalCapabilityName, LINUX_CAPABILITIES } from './capabilities';

/**
 * File capabilities of the binary a container executes, as `setcap` writes them
 * into the `security.capability` xattr. A manifest cannot show them, so a workload
 * declares them with a pod template annotation (docs/architecture.md):
 * `file-capabilities.k8s-least-privilege.dev/<container-name>: cap_net_bind_service=+ep`.
 */
export interface FileCapabilities {
  /** The capabilities in the file's permitted set, canonical names. */
  readonly permitted: ReadonlySet<string>;
  /** The file's inheritable set, canonical names. */
  readonly inheritable: ReadonlySet<string>;
  /**
   * The file's single effective bit (vfs_cap_data): when set, every capability the
   * process gains in its permitted set on exec is raised in its effective set too.
   */
  readonly effective: boolean;
  /** The annotation's text, as written (or the getcap text form, for capabilities read from an image). */
  readonly text: string;
  /**
   * Where the capabilities were read, when not from the annotation: the file in the
   * image, e.g. `/usr/sbin/nginx in nginx:1.27 (oci-archive:nginx.tar)`.
   */
  readonly origin?: string;
}

/** The text of a file capability for messages: `cap_net_bind_service=ep on /usr/sbin/nginx in …`. */
export function describeFileCapabilities(capabilities: FileCapabilities): string {
  return capabilities.origin === undefined ? capabilities.text : `${capabilities.text} on ${capabilities.origin}`;
}

/** The annotation key prefix; the container name follows the slash. */
export const FILE_CAPABILITIES_ANNOTATION_PREFIX = 'file-capabilities.k8s-least-privilege.dev/';

/** The result of reading a file-capability text: the capabilities, or why the text is not valid. */
export type FileCapabilitiesParse =
  | { readonly ok: true; readonly capabilities: FileCapabilities }
  | { readonly ok: false; readonly error: string };

const CLAUSE = /^([a-z_0-9,]*)((?:[=+-][eip]*)+)$/i;
const ACTION = /([=+-])([eip]*)/gi;

/**
 * Reads the text form of cap_from_text(3), as `setcap` takes it: whitespace-separated
 * clauses `caplist OP flags [OP flags]…`, OP one of `=`, `+`, `-`, flags from `e`, `i`, `p`;
 * an empty caplist or `all` means every capability.
 */
export function parseFileCapabilities(text: string): FileCapabilitiesParse {
  const sets = { e: new Set<string>(), i: new Set<string>(), p: new Set<string>() };
  const clauses = text.trim().split(/\s+/).filter((clause) => clause.length > 0);
  if (clauses.length === 0) return { ok: false, error: 'it is empty; write it as setcap does, e.g. "cap_net_bind_service=+ep"' };
  for (const clause of clauses) {
    const match = CLAUSE.exec(clause);
    if (!match) return { ok: false, error: `"${clause}" is not a setcap clause such as "cap_net_bind_service=+ep"` };
    const names = resolveCapabilityList(match[1]);
    if (typeof names === 'string') return { ok: false, error: names };
    for (const [, operator, flags] of match[2].matchAll(ACTION)) {
      if (operator === '=') for (const set of Object.values(sets)) names.forEach((name) => set.delete(name));
      for (const flag of flags.toLowerCase() as Iterable<'e' | 'i' | 'p'>) {
        names.forEach((name) => (operator === '-' ? sets[flag].delete(name) : sets[flag].add(name)));
      }
    }
  }
  return { ok: true, capabilities: { permitted: sets.p, inheritable: sets.i, effective: sets.e.size > 0, text } };
}

function resolveCapabilityList(list: string): readonly string[] | string {
  if (list === '' || list.toLowerCase() === 'all') return LINUX_CAPABILITIES;
  const names: string[] = [];
  for (const name of list.split(',')) {
    const canonical = canonicalCapabilityName(name);
    if (canonical === undefined) return `"${name}" names no Linux capability`;
    names.push(canonical);
  }
  return names;
}
