/**
 * LP007 runs-as-root, and root inside a user namespace: uid 0 in a pod with `hostUsers: false`
 * that binds a privileged port is the user-namespace strategy, not a finding; every message speaks
 * of it as root inside a user namespace, and none offers `hostUsers: false` where the model says
 * the pod would then not run (hostNetwork).
 */
import { checkObject } from '../../src/check/check-object';
import { checkOptionsOf } from '../../src/check/enforcement-config';
import { analyzePod } from '../../src/model/analyze';
import { objectsInDocument } from '../../src/model/workload';
import { BindStrategy, planPrivilegedPort, podOfPlan } from '../../src/planner';

const ROOT_NBS = { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };

function podWith(spec: Record<string, unknown>, securityContext: Record<string, unknown> = ROOT_NBS, ports: unknown[] = [{ containerPort: 80 }]) {
  return { metadata: {}, spec: { ...spec, securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'web', image: 'example/web', ports, securityContext }] } };
}

function findings(pod: { metadata: unknown; spec: unknown }) {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...(pod.metadata as object) }, spec: pod.spec };
  return checkObject(objectsInDocument(object).objects[0], checkOptionsOf({ imageFacts: 'assume-none' })).findings;
}

const lp007 = (pod: { metadata: unknown; spec: unknown }) => findings(pod).filter((finding) => finding.ruleId === 'LP007').map((finding) => finding.message);

describe('LP007 runs-as-root', () => {
  test('root with NET_BIND_SERVICE on port 80 in the node\'s user namespace: non-root strategies, or hostUsers: false', () => {
    expect(lp007(podWith({}))).toEqual([
      'container "web" runs as uid 0 to bind a privileged port: a high port, the unprivileged-port sysctl or a file capability would bind as non-root; ' +
        "or, on nodes with user namespaces, the pod's hostUsers: false would make uid 0 an unprivileged uid on the node",
    ]);
  });

  test('the same container in the pod\'s own user namespace (hostUsers: false) is the user-namespace strategy: no finding', () => {
    expect(lp007(podWith({ hostUsers: false }))).toEqual([]);
  });

  test('the plan of BindStrategy.userNamespace(): no rule tells it to leave root, and nothing is an error', () => {
    const plan = planPrivilegedPort({ port: 80, strategy: BindStrategy.userNamespace(), clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' });
    const all = findings(podOfPlan(plan, 'example/web'));
    expect(all.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(all.map((finding) => finding.message).join('\n')).not.toMatch(/non-root|runAsNonRoot: true|runAsUser: 1000/);
  });

  test('root inside a user namespace that binds nothing privileged: said as root inside the user namespace, a non-root uid would do', () => {
    expect(lp007(podWith({ hostUsers: false }, ROOT_NBS, [{ containerPort: 8080 }]))).toEqual([
      "container \"web\" runs as uid 0 inside the pod's user namespace (hostUsers: false; an unprivileged uid on the node) and binds no privileged port: " +
        "a non-root uid would do, and would not own the image's root-owned files",
    ]);
  });

  test('with hostNetwork, hostUsers: false is never offered (the model: the pod never binds there), and a hostNetwork pod with it is not excused', () => {
    const hostNetwork = lp007(podWith({ hostNetwork: true }));
    expect(hostNetwork).toEqual(['container "web" runs as uid 0 to bind a privileged port: a high port, the unprivileged-port sysctl or a file capability would bind as non-root']);
    expect(lp007(podWith({ hostNetwork: true, hostUsers: false }))).toEqual(hostNetwork);
    expect(analyzePod(podWith({ hostNetwork: true, hostUsers: false })).containers[0].ports[0].bind).toBe('denied');
  });

  test('the advice it gives, applied, binds: hostUsers: false keeps port 80 allowed where it is offered', () => {
    for (const spec of [{}, { hostNetwork: true }]) {
      const offered = lp007(podWith(spec)).some((message) => message.includes('hostUsers: false'));
      const followed = analyzePod(podWith({ ...spec, hostUsers: false })).containers[0].ports[0].bind;
      if (offered) expect(followed).toBe('allowed');
    }
  });
});
