/**
 * Capability names in CEL, read as the model reads them (src/model/capabilities.ts): which names of
 * `capabilities.add` and `drop` reach the bounding set under the runtime profile's reading, the
 * bounding set's membership, and what is wrong with a name as written (LP006).
 */
import { celString, celStringList, celStringSet, fieldOr, firstOf } from './cel-text';
import type { PolicyVariable } from './policy-variable';
import type { CapabilityNameReading } from '../model/capabilities';
import { LINUX_CAPABILITIES } from '../model/capabilities';
import type { RuntimeProfile } from '../model/runtime-profile';
import { defaultCapabilitiesOf } from '../model/runtime-profile';

/** The policy variables every capability expression reads; the runtime's default set is the profile's. */
export function capabilityVariables(profile: RuntimeProfile): PolicyVariable[] {
  return [
    { name: 'capabilityNames', expression: celStringSet(LINUX_CAPABILITIES), size: 'scalar' },
    { name: 'capabilityList', expression: celStringList(LINUX_CAPABILITIES), size: 'scalar' },
    { name: 'runtimeDefaultCapabilities', expression: celStringSet(defaultCapabilitiesOf(profile)), size: 'scalar' },
  ];
}

/**
 * The names of a container's securityContext, bound by the caller: `adds` and `drops` as written,
 * `addsUp` and `dropsUp` upper-cased (ASCII: a name with other letters is `exotic`, see
 * {@link exoticAdds}), and `privileged`.
 */
export interface CapabilityBindings {
  /** The list of upper-cased `add` names. */
  readonly addsUp: string;
  /** The list of upper-cased `drop` names. */
  readonly dropsUp: string;
  /** The container's `privileged`. */
  readonly privileged: string;
}

/**
 * Whether `add` has a name with a non-ASCII character. JavaScript's and Go's `toUpperCase` turn
 * some of them into ASCII (`ı` → `I`, `ſ` → `S`, `ﬁ` → `FI`) and CEL's `upperAscii` does not, so
 * such a name may grant a capability the policy cannot see: its verdicts become `unknown`, never a
 * denial (a drop it cannot see only makes the policy more lenient).
 */
export function exoticAdds(adds: string): string {
  return `${adds}.exists(a, !a.matches('^[\\\\x00-\\\\x7f]*$'))`;
}

/** Whether `add` (upper-cased) grants `capability` (a CEL string expression) under a reading. */
function addGrants(addsUp: string, capability: string, reading: CapabilityNameReading): string {
  // containerd upper-cases and prefixes CAP_, so only the bare name grants; CRI-O and Docker take either.
  return reading === 'prefix-tolerant' ? `(${capability} in ${addsUp} || 'CAP_' + ${capability} in ${addsUp})` : `(${capability} in ${addsUp})`;
}

/** Whether `drop` (upper-cased) removes `capability` under a reading (`worst-case`: if any runtime does). */
function dropRemoves(dropsUp: string, capability: string, reading: CapabilityNameReading): string {
  return reading === 'containerd' ? `(${capability} in ${dropsUp})` : `(${capability} in ${dropsUp} || 'CAP_' + ${capability} in ${dropsUp})`;
}

/**
 * Whether `capability` is in the container's bounding set: every capability when privileged; else
 * the runtime's default set (or all, with `add: [ALL]`), emptied by `drop: [ALL]`, then the named
 * adds, then the named drops (containerd's WithCapabilities and CRI-O apply them in that order);
 * never one the runtime withholds (`withheld`, gVisor's NET_RAW).
 */
export function inBoundingSet(names: CapabilityBindings, capability: string, runtime: Pick<RuntimeProfile, 'capabilityNames' | 'withheldCapabilities'>): string {
  const reading = runtime.capabilityNames;
  const defaults = `(${capability} in variables.runtimeDefaultCapabilities || 'ALL' in ${names.addsUp})`;
  const granted =
    `(${names.privileged} || (!${dropRemoves(names.dropsUp, capability, reading)} && ` +
    `(${addGrants(names.addsUp, capability, reading)} || (!('ALL' in ${names.dropsUp}) && ${defaults}))))`;
  const withheld = runtime.withheldCapabilities ?? [];
  return withheld.length === 0 ? granted : `(!(${capability} in ${celStringList(withheld)}) && ${granted})`;
}

/** Whether `add` holds a `CAP_`-prefixed spelling of `capability`, which grants nothing under the reading. */
export function prefixedAddIgnored(addsUp: string, capability: string, reading: CapabilityNameReading): string {
  return reading === 'prefix-tolerant' ? 'false' : `('CAP_' + ${capability} in ${addsUp})`;
}

/**
 * What is wrong with the capability name `name` (a CEL string expression), as LP006 says it, or
 * `''` when it is exact: `ALL` or a Linux capability as Kubernetes spells it.
 */
export function spellingProblem(name: string): string {
  const upper = `${name}.upperAscii()`;
  const bare = `(${upper}.startsWith('CAP_') ? ${upper}.substring(4) : ${upper})`;
  return firstOf(
    [
      [`${name} == 'ALL' || ${name} in variables.capabilityNames`, "''"],
      [
        `${upper} == 'ALL'`,
        `'"' + ${name} + '" drops everything at runtime but fails Pod Security restricted, which wants exactly "ALL"'`,
      ],
      [`!(${bare} in variables.capabilityNames)`, `'"' + ${name} + '" names no Linux capability'`],
      [
        `${upper}.startsWith('CAP_')`,
        `'"' + ${name} + '" is read by containerd as "CAP_' + ${upper} + '", an unknown name that grants or drops nothing; write "' + ${bare} + '"'`,
      ],
    ],
    `'"' + ${name} + '" works on containerd but Pod Security compares names exactly; write "' + ${bare} + '"'`,
  );
}

/** The LP006 problems of one container `c` (a CEL list of strings); a list longer than `maxNames` is one problem, unread. */
export function spellingProblems(container: string, maxNames: number): string {
  const field = (list: 'add' | 'drop') => {
    const names = fieldOr(container, ['securityContext', 'capabilities', list], '[]');
    return (
      `(size(${names}) > ${maxNames} ? ['container "' + string(${container}.name) + '" capabilities.${list}: more than ${maxNames} names (Linux has 41 capabilities); the policy does not read them'] : ` +
      `${names}.filter(n, ${spellingProblem('n')} != '').map(n, 'container "' + string(${container}.name) + '" capabilities.${list}: ' + ${spellingProblem('n')}))`
    );
  };
  return `(${field('add')} + ${field('drop')})`;
}

/** The CEL string literal of a capability's canonical name. */
export function capabilityLiteral(name: string): string {
  return celString(name);
}
