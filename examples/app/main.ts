import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * The example app: two services that must be reachable on privileged ports, each
 * given the least privilege that still lets it bind.
 *
 * cdk8s-plus-27's `Capability` enum spells names with the `CAP_` prefix
 * (`CAP_NET_BIND_SERVICE`), which containerd reads as `CAP_CAP_NET_BIND_SERVICE` and
 * ignores, and it has no `ALL`: the capabilities are set with a JSON patch instead.
 */
class ExampleChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // A web server that listens on 8080 as a non-root user; the Service exposes it on 80.
    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, securityContext: { user: 101, group: 101 } }],
    });
    web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
    setCapabilities(web, { drop: ['ALL'] });

    // A DNS server that must bind 53/UDP itself: uid 0, every capability dropped but NET_BIND_SERVICE.
    const dns = new kplus.Deployment(this, 'dns', {
      containers: [
        {
          name: 'dns',
          image: 'coredns/coredns:1.11.3',
          ports: [{ number: 53, protocol: kplus.Protocol.UDP }],
          securityContext: { user: 0, ensureNonRoot: false, allowPrivilegeEscalation: false },
        },
      ],
    });
    setCapabilities(dns, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  }
}

function setCapabilities(deployment: kplus.Deployment, capabilities: { drop: string[]; add?: string[] }): void {
  ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', capabilities));
}

const app = new App();
new ExampleChart(app, 'example');
app.synth();
