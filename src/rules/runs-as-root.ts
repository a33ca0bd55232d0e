import { containerFindings, declaresPrivilegedPort } from './support/container-findings';
import type { RuleInput } from './support/rule';
import { defineRule } from './support/rule';
import { asObject, readBoolean } from '../model/json-value';

/**
 * LP007: a container that runs as uid 0 where a non-root strategy would serve. Root inside the
 * pod's own user namespace (`hostUsers: false`) that binds a privileged port is the
 * user-namespace strategy, not a finding: uid 0 there is an unprivileged uid on the node.
 */
export const runsAsRoot = defineRule({
  id: 'LP007',
  name: 'runs-as-root',
  title: 'A container runs as root where a non-root strategy would serve',
  severity: 'warning',
  podSecurityChecks: ['runAsNonRoot', 'runAsUser'],
  rationale:
    'A root process keeps its whole bounding set across exec and owns every root-owned file in the image. ' +
    'Binding a privileged port does not need root: a high port behind a Service, the ip_unprivileged_port_start ' +
    'sysctl, or a file capability all bind as non-root and meet PSS restricted. Root inside the pod\'s own user ' +
    'namespace (hostUsers: false) is another matter and is not reported when it binds a privileged port: there uid 0 ' +
    'is an unprivileged host uid no other pod shares, its capabilities count only in the pod\'s namespaces, and Pod ' +
    'Security admits it at restricted from policy v1.35.',
  remediation:
    'Run as a non-root uid (runAsUser: 1000, runAsNonRoot: true) and bind with one of: listen on 8080 and map the ' +
    'Service port 80 to it; pod sysctl net.ipv4.ip_unprivileged_port_start: "80"; setcap cap_net_bind_service=+ep on ' +
    'the binary with add: [NET_BIND_SERVICE]. Or, where every node supports user namespaces (Kubernetes ≥ 1.33, ' +
    'containerd ≥ 2.0 or CRI-O ≥ 1.25, runc ≥ 1.2 or crun ≥ 1.9, Linux ≥ 6.3) and the pod uses no hostNetwork, keep ' +
    'uid 0 with drop [ALL] and add [NET_BIND_SERVICE] and set the pod\'s hostUsers: false. PrivilegedPortService ' +
    'with BindStrategy.auto() picks one (BindStrategy.userNamespace() with clusterFeatures: { userNamespaces: true }).',
  check: (input) => {
    const userNamespace = inOwnUserNamespace(input);
    return containerFindings(input, (container) => {
      if (container.securityContext.user.kind !== 'root' || container.securityContext.kubeletRefusal !== undefined) return undefined;
      const bindsPrivileged = declaresPrivilegedPort(container);
      if (userNamespace) {
        // The user-namespace strategy: uid 0 here is unprivileged on the node; leaving it would not lower what the pod can reach.
        if (bindsPrivileged) return undefined;
        return {
          message:
            "runs as uid 0 inside the pod's user namespace (hostUsers: false; an unprivileged uid on the node) and binds no privileged port: " +
            'a non-root uid would do, and would not own the image\'s root-owned files',
          field: 'runAsUser',
        };
      }
      if (!bindsPrivileged) return { message: 'runs as uid 0 and binds no privileged port: run as a non-root uid', field: 'runAsUser' };
      // hostUsers: false needs the pod's own network namespace: with hostNetwork the pod is refused, so it is not offered there.
      const userNamespaceAdvice = input.analysis.network.hostNetwork ? '' : "; or, on nodes with user namespaces, the pod's hostUsers: false would make uid 0 an unprivileged uid on the node";
      return {
        message: `runs as uid 0 to bind a privileged port: a high port, the unprivileged-port sysctl or a file capability would bind as non-root${userNamespaceAdvice}`,
        field: 'runAsUser',
      };
    });
  },
});

/** The pod has its own user namespace (`hostUsers: false`) and its own network namespace, which that user namespace owns. */
function inOwnUserNamespace(input: RuleInput): boolean {
  const hostUsers = readBoolean(asObject(input.pod.spec), 'hostUsers');
  return hostUsers.state === 'valid' && !hostUsers.value && !input.analysis.network.hostNetwork;
}
