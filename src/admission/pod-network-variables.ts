/**
 * The pod-wide facts that decide which ports are privileged, as policy variables written after
 * `podNetwork` (src/model/pod-network.ts): `hostNetwork`, the pod's
 * `net.ipv4.ip_unprivileged_port_start` sysctl, `hostUsers`, `os.name` and the runtime profile's
 * default.
 */
import { celString, fieldOr, firstOf } from './cel-text';
import type { PolicyVariable } from './policy-variable';
import { UNPRIVILEGED_PORT_START_SYSCTL } from '../model/pod-network';
import type { RuntimeProfile } from '../model/runtime-profile';
import { KERNEL_DEFAULT_UNPRIVILEGED_PORT_START } from '../model/runtime-profile';

/**
 * The kernel refuses an `ip_unprivileged_port_start` above the start of `ip_local_port_range`,
 * 32768 by default (the model's LOCAL_PORT_RANGE_START).
 */
const LOCAL_PORT_RANGE_START = 32768;

/**
 * The states of `variables.portStartState`: where the start comes from, or why the pod never
 * runs (`user-namespace-host-network`, `sysctl-host-network`, `above-local-port-range`), or
 * `unknown` when the sysctl's value is not a number.
 */
export type PortStartState = 'runtime' | 'node' | 'sysctl' | 'unknown' | 'user-namespace-host-network' | 'sysctl-host-network' | 'above-local-port-range';

/** The pod-level network variables; `spec` is `variables.spec`. */
export function podNetworkVariables(profile: RuntimeProfile, specPath: string): PolicyVariable[] {
  const sysctl = 'variables.startSysctls[0].value';
  return [
    { name: 'hostNetwork', expression: 'variables.spec.?hostNetwork.orValue(false)', size: 'scalar' },
    { name: 'windows', expression: "variables.spec.?os.?name.orValue('') == 'windows'", size: 'scalar' },
    {
      name: 'startSysctls',
      // The model accepts the slash-separated spelling too (net/ipv4/ip_unprivileged_port_start).
      expression:
        `${fieldOr('variables.spec', ['securityContext', 'sysctls'], '[]')}.filter(s, s.name.replace('/', '.') == ${celString(UNPRIVILEGED_PORT_START_SYSCTL)})`,
      size: `${specPath}.securityContext.sysctls`,
    },
    {
      name: 'portStartState',
      expression: firstOf(
        [
          ['variables.hostNetwork && !variables.spec.?hostUsers.orValue(true)', "'user-namespace-host-network'"],
          ['size(variables.startSysctls) == 0', "(variables.hostNetwork ? 'node' : 'runtime')"],
          ['variables.hostNetwork', "'sysctl-host-network'"],
          [`!${sysctl}.matches('^[0-9]{1,6}$')`, "'unknown'"],
          [`int(${sysctl}) > ${LOCAL_PORT_RANGE_START}`, "'above-local-port-range'"],
        ],
        "'sysctl'",
      ),
      size: 'scalar',
    },
    {
      name: 'portStart',
      expression: firstOf(
        [
          ["variables.portStartState == 'sysctl'", `int(${sysctl})`],
          ["variables.portStartState == 'runtime'", String(profile.defaultUnprivilegedPortStart)],
        ],
        String(KERNEL_DEFAULT_UNPRIVILEGED_PORT_START),
      ),
      size: 'scalar',
    },
    {
      name: 'portStartFailure',
      expression: firstOf(
        [
          [
            "variables.portStartState == 'user-namespace-host-network'",
            celString(
              'the API server rejects hostUsers: false with hostNetwork: true (unless the alpha gate UserNamespacesHostNetworkSupport is on, ' +
                "and then root in the pod's user namespace holds no capability in the node's network namespace: EACCES below 1024); " +
                'drop hostNetwork to bind as root in a user namespace',
            ),
          ],
          [
            "variables.portStartState == 'sysctl-host-network'",
            celString(
              `the kubelet rejects the pod (SysctlForbidden): ${UNPRIVILEGED_PORT_START_SYSCTL} is a network-namespace sysctl and the pod uses hostNetwork; ` +
                'remove the sysctl or hostNetwork',
            ),
          ],
          [
            "variables.portStartState == 'above-local-port-range'",
            `'the pod sandbox fails to start: the kernel refuses ${UNPRIVILEGED_PORT_START_SYSCTL}=' + ${sysctl} + ` +
              celString(`, above the start of ip_local_port_range (${LOCAL_PORT_RANGE_START} by default); set it to the lowest port the pod binds`),
          ],
        ],
        "''",
      ),
      size: 'scalar',
    },
  ];
}
