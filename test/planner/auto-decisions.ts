import type { PrivilegedPortIntent, ResolvedBindStrategyKind } from '../../src/planner';

/** `auto`'s decision table (docs/strategies.md): facts in, strategy out. */
export const AUTO_DECISIONS: readonly [string, ResolvedBindStrategyKind | 'throws', PrivilegedPortIntent, string][] = [
  ['port configurable', 'highPort', { port: 80, appPortConfigurable: true }, 'restricted'],
  ['port already unprivileged', 'highPort', { port: 8443 }, 'restricted'],
  ['port fixed, Kubernetes ≥ 1.22', 'unprivilegedPortSysctl', { port: 80 }, 'restricted'],
  ['port fixed, UDP', 'unprivilegedPortSysctl', { port: 53, protocol: 'UDP' }, 'restricted'],
  ['image already has the file capability (even if configurable)', 'fileCapability', { port: 80, imageHasFileCapability: true, appPortConfigurable: true }, 'restricted'],
  ['port fixed, Kubernetes 1.21, binary known', 'fileCapability', { port: 80, minKubernetesVersion: '1.21', binary: '/app/server' }, 'restricted'],
  ['port fixed, Kubernetes 1.21, nothing else, baseline', 'rootWithNetBindService', { port: 80, minKubernetesVersion: '1.21', level: 'baseline' }, 'baseline'],
  ['hostNetwork, port fixed, privileged', 'rootWithNetBindService', { port: 80, hostNetwork: true, level: 'privileged' }, 'privileged'],
  ['hostNetwork, port configurable, privileged', 'highPort', { port: 80, hostNetwork: true, appPortConfigurable: true, level: 'privileged' }, 'privileged'],
  ['port fixed, user namespaces, Kubernetes ≥ 1.35', 'userNamespace', { port: 80, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'restricted'],
  ['port fixed, UDP, user namespaces, Kubernetes ≥ 1.35', 'userNamespace', { port: 53, protocol: 'UDP', clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.36' }, 'restricted'],
  ['port fixed, user namespaces, Kubernetes 1.33 (restricted only from 1.35)', 'unprivilegedPortSysctl', { port: 80, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.33' }, 'restricted'],
  ['port fixed, user namespaces, policy v1.34', 'unprivilegedPortSysctl', { port: 80, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35', podSecurityVersion: 'v1.34' }, 'restricted'],
  ['user namespaces, port configurable', 'highPort', { port: 80, appPortConfigurable: true, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'restricted'],
  ['user namespaces, image already has the file capability', 'userNamespace', { port: 80, imageHasFileCapability: true, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'restricted'],
  ['user namespaces, runAsUser declared', 'unprivilegedPortSysctl', { port: 80, runAsUser: 1000, clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'restricted'],
  ['user namespaces, hostNetwork, privileged', 'rootWithNetBindService', { port: 80, hostNetwork: true, level: 'privileged', clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' }, 'privileged'],
  ['port fixed, Kubernetes 1.21, nothing else, restricted', 'throws', { port: 80, minKubernetesVersion: '1.21' }, 'restricted'],
  ['hostNetwork at restricted', 'throws', { port: 80, hostNetwork: true, appPortConfigurable: true }, 'restricted'],
  ['hostNetwork at baseline', 'throws', { port: 80, hostNetwork: true, level: 'baseline' }, 'baseline'],
];
