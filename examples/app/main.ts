import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * The example app: two services that must be reachable on privileged ports, each given the
 * least privilege that still lets it bind, meeting Pod Security restricted.
 *
 * Written with plain cdk8s-plus-27 this is a trap: its `Capability` enum spells names with the
 * `CAP_` prefix (`CAP_NET_BIND_SERVICE`), which containerd reads as `CAP_CAP_NET_BIND_SERVICE`
 * and ignores, it has no `ALL`, and it has no seccompProfile — so its pods meet baseline at
 * best and a non-root process on port 80 gets EACCES. The constructs write exact names, and
 * `cdk8s synth` fails if the capability model says a port would not bind.
 */
class ExampleChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // A web server that listens on 8080 as a non-root user; the Service exposes it on 80.
    new PrivilegedPortService(this, 'web', {
      image: 'nginxinc/nginx-unprivileged:1.27',
      port: 80,
      strategy: BindStrategy.highPort({ containerPort: 8080 }),
      runAsUser: 101,
      runAsGroup: 101,
      writablePaths: ['/tmp'],
    });

    // A DNS server that must bind 53 itself, over UDP and TCP (large answers and zone transfers
    // fall back to TCP): one process, one plan for both ports — the planner picks the sysctl
    // (port fixed, Kubernetes ≥ 1.22); the container declares both and the Service exposes both.
    new PrivilegedPortService(this, 'dns', {
      image: 'coredns/coredns:1.11.3',
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    });
  }
}

const app = new App();
new ExampleChart(app, 'example');
app.synth();
