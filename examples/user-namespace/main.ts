import { App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * Root inside the pod's own user namespace (hostUsers: false, KEP-127): the binding container
 * runs as uid 0 there — an unprivileged host uid that no other pod shares — with every
 * capability dropped but NET_BIND_SERVICE, which counts only in the pod's own network namespace.
 * No image change and no application setting: the image runs as root and listens on 80.
 *
 * Declare `clusterFeatures: { userNamespaces: true }` only when every node supports user
 * namespaces (Kubernetes ≥ 1.33, containerd ≥ 2.0 or CRI-O ≥ 1.25, runc ≥ 1.2 or crun ≥ 1.9,
 * Linux ≥ 6.3); Pod Security counts uid 0 there as restricted from v1.35, hence the version.
 * - `web` asks for the strategy by name;
 * - `legacy` declares only facts (a fixed port, no file capability), and BindStrategy.auto()
 *   chooses the same strategy, ranked after a high port and before the sysctl (docs/strategies.md).
 */
class UserNamespaceChart extends Chart {
  public readonly services: PrivilegedPortService[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const userNamespaces = { clusterFeatures: { userNamespaces: true }, minKubernetesVersion: '1.35' } as const;
    this.services = [
      new PrivilegedPortService(this, 'web', {
        image: 'traefik/whoami:v1.10', // listens on 80 as root by default
        port: 80,
        strategy: BindStrategy.userNamespace(),
        healthCheckPath: '/health',
        replicas: 1,
        ...userNamespaces,
      }),
      new PrivilegedPortService(this, 'legacy', {
        image: 'registry.example.com/legacy-web:2.1', // runs as root, listens on 443: no image change, no app setting
        port: 443,
        replicas: 1,
        ...userNamespaces,
      }),
    ];
  }
}

const app = new App();
const chart = new UserNamespaceChart(app, 'user-namespace');
for (const service of chart.services) console.log(`${service.node.id}: ${service.strategy} — ${service.reason}`);
app.synth();
