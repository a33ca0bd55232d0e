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
  ['port fixed, Kubernetes 1.21, nothing else, restricted', 'throws', { port: 80, minKubernetesVersion: '1.21' }, 'restricted'],
  ['hostNetwork at restricted', 'throws', { port: 80, hostNetwork: true, appPortConfigurable: true }, 'restricted'],
  ['hostNetwork at baseline', 'throws', { port: 80, hostNetwork: true, level: 'baseline' }, 'baseline'],
];
