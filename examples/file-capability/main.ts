import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService, BindStrategy } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';
import { BindStrategy } from '../../src/planner';

/**
 * A Go-style static binary that listens on port 443 itself, as uid 65532. The image gives the
 * binary the file capability cap_net_bind_service=+ep (see ./Dockerfile, whose setcap lines are
 * the ones this app writes to dist/setcap.Dockerfile); the pod keeps only NET_BIND_SERVICE in
 * the bounding set and declares the file capability with an annotation. Pod Security restricted.
 */
class FileCapabilityChart extends Chart {
  public readonly service: PrivilegedPortService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.service = new PrivilegedPortService(this, 'api', {
      image: 'registry.example.com/hello-go:1.0',
      port: 443,
      strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/hello', imageBase: 'debian' }),
      replicas: 1,
      healthCheckPath: '/healthz',
    });
  }
}

const app = new App();
const chart = new FileCapabilityChart(app, 'file-capability');
app.synth();
// The lines the image's final stage needs; ./Dockerfile carries them (a test keeps the two equal).
fs.writeFileSync(path.join(app.outdir, 'setcap.Dockerfile'), chart.service.dockerfileLines.join('\n') + '\n');
