import type { CheckDefinition, CheckFailure, CheckVersionDefinition } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits } from '../culprits';
import { displayValue, fieldsOf, itemsOf } from '../pod-fields';
import type { PodView } from '../pod-view';

/** The "safe" (namespaced, pod-isolated) sysctls each policy version adds to the allowed list. */
const ADDED_BY_VERSION: readonly { readonly since: string; readonly added: readonly string[] }[] = [
  {
    since: 'v1.0',
    added: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  },
  { since: 'v1.27', added: ['net.ipv4.ip_local_reserved_ports'] },
  {
    since: 'v1.29',
    added: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  },
  { since: 'v1.32', added: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 'v1.37', added: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

function sysctls(pod: PodView, allowed: ReadonlySet<unknown>): CheckFailure | undefined {
  const culprits = new Culprits();
  const forbidden: string[] = [];
  itemsOf(pod.podSecurityContext.sysctls).forEach((sysctl, index) => {
    const name = fieldsOf(sysctl).name;
    if (allowed.has(name)) return;
    culprits.blamePod(`spec.securityContext.sysctls[${index}].name`);
    forbidden.push(displayValue(name));
  });
  return culprits.found ? culprits.failure('forbidden sysctls', forbidden.join(', ')) : undefined;
}

// Each version allows its own names plus every earlier version's; the sets are built once.
function buildVersions(): CheckVersionDefinition[] {
  const allowed = new Set<unknown>();
  return ADDED_BY_VERSION.map(({ since, added }) => {
    added.forEach((name) => allowed.add(name));
    const allowedHere: ReadonlySet<unknown> = new Set(allowed);
    return { since, change: `${since === 'v1.0' ? 'only these sysctls are allowed' : 'also allowed'}: ${added.join(', ')}`, evaluate: (pod) => sysctls(pod, allowedHere) };
  });
}

/** `sysctls` (baseline): only the safe, namespaced sysctls; the list grows with the policy version. */
export const sysctlsCheck: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  title: 'Sysctls',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_sysctls.go'),
  versions: buildVersions(),
};
