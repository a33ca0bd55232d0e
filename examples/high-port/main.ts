import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * nginx listening on 8080 as its unprivileged user (uid 101) with no capability at all; the
 * Service exposes it on 80. The simplest restricted plan, the same on every runtime.
 * nginx-unprivileged writes its pid file and temp files under /tmp: an emptyDir, since the
 * root filesystem is read-only.
 */
class HighPortChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new PrivilegedPortService(this, 'web', {
      image: 'nginxinc/nginx-unprivileged:1.27',
      port: 80,
      strategy: BindStrategy.highPort({ containerPort: 8080 }),
      runAsUser: 101,
      runAsGroup: 101,
      writablePaths: ['/tmp'],
      healthCheckPath: '/',
      replicas: 2,
    });
  }
}

const app = new App();
new HighPortChart(app, 'high-port');
app.synth();
