import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
// In your project: import { PrivilegedPortService } from 'k8s-least-privilege/cdk8s';
import { PrivilegedPortService } from '../../src/constructs';

/**
 * BindStrategy.auto() (the default) for three services, each declaring only facts:
 * - a web server whose port is configurable → high port (8443 behind 443), no privilege at all;
 * - a DNS server on 53/UDP and 53/TCP whose port is fixed, on Kubernetes ≥ 1.25 → the sysctl, for both;
 * - an image whose binary already carries cap_net_bind_service=+ep → the file capability
 *   (any other restricted plan would drop NET_BIND_SERVICE and make its exec fail with EPERM).
 * Each decision and its reason is on the construct and in the pod template's annotations.
 */
class AutoChart extends Chart {
  public readonly services: PrivilegedPortService[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.services = [
      new PrivilegedPortService(this, 'web', {
        image: 'nginxinc/nginx-unprivileged:1.27',
        port: 443,
        appPortConfigurable: true,
        containerPort: 8443,
        runAsUser: 101,
        runAsGroup: 101,
        writablePaths: ['/tmp'],
      }),
      new PrivilegedPortService(this, 'dns', {
        image: 'coredns/coredns:1.11.3',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      }),
      new PrivilegedPortService(this, 'ldap', {
        image: 'registry.example.com/ldap-proxy:2.3',
        port: 389,
        imageHasFileCapability: true,
      }),
    ];
  }
}

const app = new App();
const chart = new AutoChart(app, 'auto');
for (const service of chart.services) console.log(`${service.node.id}: ${service.strategy} — ${service.reason}`);
app.synth();
