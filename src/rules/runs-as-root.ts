import { containerFindings, declaresPrivilegedPort } from './support/container-findings';
import { defineRule } from './support/rule';

/** LP007: a container that runs as uid 0 where a non-root strategy would serve. */
export const runsAsRoot = defineRule({
  id: 'LP007',
  name: 'runs-as-root',
  title: 'A container runs as root where a non-root strategy would serve',
  severity: 'warning',
  podSecurityChecks: ['runAsNonRoot', 'runAsUser'],
  rationale:
    'A root process keeps its whole bounding set across exec and owns every root-owned file in the image. ' +
    'Binding a privileged port does not need root: a high port behind a Service, the ip_unprivileged_port_start ' +
    'sysctl, or a file capability all bind as non-root and meet PSS restricted.',
  remediation:
    'Run as a non-root uid (runAsUser: 1000, runAsNonRoot: true) and bind with one of: listen on 8080 and map the ' +
    'Service port 80 to it; pod sysctl net.ipv4.ip_unprivileged_port_start: "80"; setcap cap_net_bind_service=+ep on ' +
    'the binary with add: [NET_BIND_SERVICE]. PrivilegedPortService with BindStrategy.auto() picks one.',
  check: (input) =>
    containerFindings(input, (container) => {
      if (container.securityContext.user.kind !== 'root' || container.securityContext.kubeletRefusal !== undefined) return undefined;
      return {
        message: declaresPrivilegedPort(container)
          ? 'runs as uid 0 to bind a privileged port: a high port, the unprivileged-port sysctl or a file capability would bind as non-root'
          : 'runs as uid 0 and binds no privileged port: run as a non-root uid',
        field: 'runAsUser',
      };
    }),
});
