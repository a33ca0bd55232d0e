import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * Python's http.server on port 80, run as uid 0 with every capability dropped but
 * NET_BIND_SERVICE and no privilege escalation. Root keeps its bounding set on exec, so it
 * binds; Pod Security restricted forbids uid 0, so the declared level is baseline — asking
 * for restricted here throws a BindStrategyError that lists the restricted alternatives.
 */
class RootNetBindServiceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new PrivilegedPortService(this, 'web', {
      image: 'python:3.12-slim',
      command: ['python', '-m', 'http.server', '80', '--directory', '/srv'],
      port: 80,
      strategy: BindStrategy.rootWithNetBindService(),
      level: 'baseline',
      replicas: 1,
    });
  }
}

const app = new App();
new RootNetBindServiceChart(app, 'root-net-bind-service');
app.synth();
