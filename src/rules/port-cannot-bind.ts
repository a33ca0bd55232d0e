import { portFindings } from './support/port-findings';
import { defineRule } from './support/rule';

/** LP001: a declared port that the container's process cannot bind. */
export const portCannotBind = defineRule({
  id: 'LP001',
  name: 'port-cannot-bind',
  title: 'A declared container port cannot be bound',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'A process that cannot bind its port exits with EACCES (or never starts): the pod crash-loops. ' +
    'The usual cause is a non-root container given NET_BIND_SERVICE in capabilities.add: Kubernetes sets no ' +
    'ambient capabilities, so the capability never reaches the process after exec.',
  remediation:
    'Pick one: listen on a port ≥ 1024 and let the Service map the privileged port to it; set the pod sysctl ' +
    'net.ipv4.ip_unprivileged_port_start to the port; give the binary a file capability (setcap ' +
    'cap_net_bind_service=+ep) and keep NET_BIND_SERVICE in capabilities.add; or run as uid 0 with drop [ALL] ' +
    'and add [NET_BIND_SERVICE] (baseline; restricted from Pod Security v1.35 in a pod with its own user namespace, ' +
    'hostUsers: false, and no hostNetwork).',
  check: (input) => portFindings(input, (port) => port.bind === 'denied', 'cannot bind'),
});
