/**
 * The user-namespace strategy: the pod runs in its own user namespace (`hostUsers: false`,
 * KEP-127) and the binding container as uid 0 there, with every capability dropped but
 * NET_BIND_SERVICE. The runtime creates the pod's network namespace inside that user namespace,
 * so the capability counts in the pod's network namespace and nowhere else, and uid 0 is an
 * unprivileged host uid no other pod shares. Restricted where the cluster and the Pod Security
 * policy are ≥ 1.35, baseline before; needs a cluster declared to support user namespaces.
 */
import { asRootWithNetBindService, rootContradiction } from './root-with-net-bind-service';
import type { LevelLimit, StrategyDefinition } from './strategy-definition';
import { policyMinor } from '../../model/pss/policy-version';
import type { BindStrategyKind } from '../bind-strategy';
import { BindStrategy } from '../bind-strategy';
import type { BindRemedy } from '../bind-strategy-error';
import type { KubernetesVersion } from '../kubernetes-version';
import { formatKubernetesVersion, isAtLeast, USER_NAMESPACE_RESTRICTED_SINCE, USER_NAMESPACES_SINCE } from '../kubernetes-version';
import type { PlanFacts } from '../plan-facts';
import { describePorts } from '../port-requests';
import type { PrivilegedPortIntent } from '../privileged-port-intent';

/** What a cluster that supports user namespaces runs: the versions a declaration of it promises (docs/verification.md quotes the sources). */
export const USER_NAMESPACE_STACK =
  'Kubernetes ≥ 1.33 (or 1.30–1.32 with the UserNamespacesSupport gate on), containerd ≥ 2.0 or CRI-O ≥ 1.25, runc ≥ 1.2 or crun ≥ 1.9, Linux ≥ 6.3 on every node';

/** The user-namespace strategy (`BindStrategy.userNamespace()`). */
export const userNamespace: StrategyDefinition<'userNamespace'> = {
  kind: 'userNamespace',
  runsAsRoot: true,
  summary:
    'the pod runs in its own user namespace (hostUsers: false) and the binding container as uid 0 there — an unprivileged uid on the node — with every capability dropped but NET_BIND_SERVICE, ' +
    "no privilege escalation; the capability counts only in the pod's own network namespace (restricted from Pod Security v1.35, baseline before).",
  maxLevel: (facts) => userNamespaceLevel(facts),
  obstacle: (facts, explicit) => {
    if (!facts.userNamespaces) return `the cluster is not declared to support user namespaces (${facts.propName('clusterFeatures')}: { userNamespaces: true })`;
    if (facts.hostNetwork) {
      return (
        "with hostNetwork the pod's network namespace is the node's, which the node's own user namespace owns: root in the pod's user namespace holds no capability there (EACCES below 1024), " +
        'and the API server rejects hostUsers: false with hostNetwork: true (unless the alpha gate UserNamespacesHostNetworkSupport, KEP-5607, is on)'
      );
    }
    if (!isAtLeast(facts.kubernetes, USER_NAMESPACES_SINCE)) {
      return (
        `hostUsers exists since Kubernetes ${formatKubernetesVersion(USER_NAMESPACES_SINCE)}, and ${facts.propName('minKubernetesVersion')} is ${formatKubernetesVersion(facts.kubernetes)}: ` +
        'an older API server drops the field and the container runs as root on the node'
      );
    }
    const contradiction = rootContradiction(facts);
    if (contradiction !== undefined) return contradiction;
    // auto never takes uid 0 where admission still counts it as root: wherever this strategy could, the sysctl or the file capability fits there (docs/strategies.md).
    if (!explicit && userNamespaceLevel(facts).level !== 'restricted') return userNamespaceLevel(facts).cause;
    return undefined;
  },
  autoReason: (facts) =>
    (facts.imageHasFileCapability
      ? "The image's binary carries cap_net_bind_service=+ep, so the container keeps NET_BIND_SERVICE, and every cluster supports user namespaces: "
      : "The application's port is fixed and every cluster supports user namespaces: ") +
    'the pod runs in its own user namespace (hostUsers: false), where the binding container is uid 0 ' +
    `with every capability dropped but NET_BIND_SERVICE and binds ${describePorts(facts.ports)} — an unprivileged host uid unique to the pod, whose capability counts only in the pod's own network namespace. ` +
    'Restricted at Pod Security v1.35 and later; no image change, no pod-wide sysctl.',
  render: (base) => ({ ...asRootWithNetBindService(base), hostUsers: false }),
  remedies: (facts, failed) => userNamespaceRemedies(facts, failed),
};

/** The level uid 0 in a user namespace meets: restricted when the oldest cluster and the policy version are both ≥ 1.35. */
function userNamespaceLevel(facts: PlanFacts): LevelLimit {
  const policy: KubernetesVersion = { major: 1, minor: policyMinor(facts.podSecurityVersion) };
  const since = formatKubernetesVersion(USER_NAMESPACE_RESTRICTED_SINCE);
  if (!isAtLeast(policy, USER_NAMESPACE_RESTRICTED_SINCE)) {
    return { level: 'baseline', cause: `uid 0 fails restricted's runAsNonRoot and runAsUser checks before Pod Security policy v${since}, even with hostUsers: false, and ${facts.propName('podSecurityVersion')} is ${facts.podSecurityVersion}` };
  }
  if (!isAtLeast(facts.kubernetes, USER_NAMESPACE_RESTRICTED_SINCE)) {
    return {
      level: 'baseline',
      cause:
        `uid 0 fails restricted's runAsNonRoot and runAsUser checks before Pod Security policy v${since}, even with hostUsers: false, and ${facts.propName('minKubernetesVersion')} is ` +
        `${formatKubernetesVersion(facts.kubernetes)}: an API server evaluates at most its own version's policy`,
    };
  }
  return { level: 'restricted' };
}

/**
 * The ways to this strategy: offered when it was asked for by name, or when the intent declares
 * user-namespace support (the planner cannot know a cluster's nodes, so it proposes the strategy
 * only to those who said theirs have it).
 */
function userNamespaceRemedies(facts: PlanFacts, failed: BindStrategyKind): BindRemedy[] {
  if (facts.hostNetwork || (failed !== 'userNamespace' && !facts.userNamespaces)) return [];
  const restricted = facts.level === 'restricted';
  const steps: string[] = [];
  const change: { -readonly [K in keyof PrivilegedPortIntent]?: PrivilegedPortIntent[K] } = {};
  if (failed !== 'userNamespace') change.strategy = BindStrategy.userNamespace();
  if (!facts.userNamespaces) {
    change.clusterFeatures = { userNamespaces: true };
    steps.push(`declare ${facts.propName('clusterFeatures')}: { userNamespaces: true } if every node supports user namespaces (${USER_NAMESPACE_STACK})`);
  }
  const needed = restricted ? USER_NAMESPACE_RESTRICTED_SINCE : USER_NAMESPACES_SINCE;
  if (!isAtLeast(facts.kubernetes, needed)) {
    const version = formatKubernetesVersion(needed);
    change.minKubernetesVersion = version;
    steps.push(`declare ${facts.propName('minKubernetesVersion')}: '${version}' if every cluster runs Kubernetes ≥ ${version}`);
  }
  if (restricted && policyMinor(facts.podSecurityVersion) < USER_NAMESPACE_RESTRICTED_SINCE.minor) {
    const version = `v${formatKubernetesVersion(USER_NAMESPACE_RESTRICTED_SINCE)}`;
    change.podSecurityVersion = version;
    steps.push(`declare ${facts.propName('podSecurityVersion')}: '${version}' if the namespace enforces restricted at ${version} or later`);
  }
  if (facts.contradictsRoot !== undefined) {
    change.runAsUser = undefined;
    steps.push(`remove ${facts.propName('runAsUser')} (${facts.contradictsRoot}): this strategy runs the binding container as uid 0`);
  }
  if (Object.keys(change).length === 0) return [];
  const text =
    failed !== 'userNamespace'
      ? `BindStrategy.userNamespace() (uid 0 inside the pod's own user namespace, an unprivileged uid on the node, with only NET_BIND_SERVICE${steps.length > 0 ? `; ${steps.join('; ')}` : ''})`
      : steps.join(', and ');
  const remedies: BindRemedy[] = [{ text, change }];
  if (failed === 'userNamespace' && restricted && userNamespaceLevel(facts).level !== 'restricted') {
    remedies.push({ text: "declare level: 'baseline' (before Pod Security v1.35, uid 0 in a user namespace meets baseline)", change: { level: 'baseline' } });
  }
  return remedies;
}
