import { portFindings } from './support/port-findings';
import { defineRule } from './support/rule';

/** LP003: a port that binds only because the runtime lowers ip_unprivileged_port_start. */
export const portBindsOnlyOnLoweringRuntimes = defineRule({
  id: 'LP003',
  name: 'port-binds-only-on-lowering-runtimes',
  title: 'A port binds only thanks to the runtime lowering ip_unprivileged_port_start',
  severity: 'warning',
  podSecurityChecks: [],
  rationale:
    'containerd ≥ 2.0, Docker ≥ 20.10, kind and k3s set net.ipv4.ip_unprivileged_port_start=0 in every pod; ' +
    'containerd 1.x and CRI-O do not. A pod that binds port 80 on a kind cluster crash-loops with EACCES in ' +
    'production on those runtimes.',
  remediation:
    'Make it portable: set the pod sysctl net.ipv4.ip_unprivileged_port_start to the port, or listen on a port ≥ 1024 behind a Service.',
  check: (input) => portFindings(input, (port) => port.bindsOnlyOnLoweringRuntimes, 'binds only on runtimes that lower ip_unprivileged_port_start'),
});
