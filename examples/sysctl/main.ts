import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * traefik/whoami on port 80 as uid 65532 with no capability at all: the pod sets the safe
 * sysctl net.ipv4.ip_unprivileged_port_start=80 (Kubernetes ≥ 1.22), so in the pod's own
 * network namespace any uid binds 80 and above. Pod-wide; impossible with hostNetwork.
 */
class SysctlChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new PrivilegedPortService(this, 'whoami', {
      image: 'traefik/whoami:v1.10',
      args: ['--port', '80'],
      port: 80,
      strategy: BindStrategy.unprivilegedPortSysctl(),
      minKubernetesVersion: '1.22',
      healthCheckPath: '/health',
      replicas: 1,
    });
  }
}

const app = new App();
new SysctlChart(app, 'sysctl');
app.synth();
