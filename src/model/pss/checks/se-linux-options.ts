import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, joinQuoted, pluralize, sortedValues } from '../culprits';
import type { Fields } from '../pod-fields';
import { displayValue, fieldsOf, isSet } from '../pod-fields';
import type { PodView } from '../pod-view';

const ALLOWED_TYPES_1_0: ReadonlySet<unknown> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const ALLOWED_TYPES_1_31: ReadonlySet<unknown> = new Set([...ALLOWED_TYPES_1_0, 'container_engine_t']);

/** What one evaluation found wrong across pod and containers. */
interface SeLinuxFaults {
  readonly badTypes: Set<string>;
  userSet: boolean;
  roleSet: boolean;
}

// Marks the bad parts of one seLinuxOptions; returns the field paths at fault.
function inspect(securityContext: Fields, path: string, allowedTypes: ReadonlySet<unknown>, faults: SeLinuxFaults): string[] {
  if (!isSet(securityContext.seLinuxOptions)) return [];
  const options = fieldsOf(securityContext.seLinuxOptions);
  const bad: string[] = [];
  const type = options.type ?? '';
  if (!allowedTypes.has(type)) {
    faults.badTypes.add(displayValue(type));
    bad.push(`${path}.seLinuxOptions.type`);
  }
  if (isSet(options.user) && options.user !== '') {
    faults.userSet = true;
    bad.push(`${path}.seLinuxOptions.user`);
  }
  if (isSet(options.role) && options.role !== '') {
    faults.roleSet = true;
    bad.push(`${path}.seLinuxOptions.role`);
  }
  return bad;
}

function seLinuxOptions(pod: PodView, allowedTypes: ReadonlySet<unknown>): CheckFailure | undefined {
  const culprits = new Culprits();
  const faults: SeLinuxFaults = { badTypes: new Set(), userSet: false, roleSet: false };
  for (const path of inspect(pod.podSecurityContext, 'spec.securityContext', allowedTypes, faults)) culprits.blamePod(path);
  for (const c of pod.containers) {
    for (const path of inspect(c.securityContext, `${c.path}.securityContext`, allowedTypes, faults)) culprits.blameContainer(c, path);
  }
  if (!culprits.found) return undefined;
  const what: string[] = [];
  if (faults.badTypes.size > 0) {
    what.push(`${pluralize(faults.badTypes.size, 'type', 'types')} ${joinQuoted(sortedValues(faults.badTypes))}`);
  }
  if (faults.userSet) what.push('user may not be set');
  if (faults.roleSet) what.push('role may not be set');
  return culprits.failure('seLinuxOptions', `${culprits.setters()} set forbidden securityContext.seLinuxOptions: ${what.join('; ')}`);
}

/** `seLinuxOptions` (baseline): SELinux type limited to the container types; user and role unset. */
export const seLinuxOptionsCheck: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  title: 'SELinux',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_seLinuxOptions.go'),
  versions: [
    {
      since: 'v1.0',
      change: 'seLinuxOptions.type must be empty, container_t, container_init_t or container_kvm_t; user and role must be unset',
      evaluate: (pod) => seLinuxOptions(pod, ALLOWED_TYPES_1_0),
    },
    {
      since: 'v1.31',
      change: 'container_engine_t is also allowed',
      evaluate: (pod) => seLinuxOptions(pod, ALLOWED_TYPES_1_31),
    },
  ],
};
