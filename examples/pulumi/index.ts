// The example cdk8s chart (../app/main.ts), synthesized in-process and deployed by Pulumi:
//
//   pulumi preview --policy-pack ../../policies
//
// Every object of the YAML becomes a resource of its own type (kubernetes:apps/v1:Deployment …),
// so the policy pack checks each workload as `cdk8s synth` and `k8s-least-privilege check` do.
// Not compiled or run by this repository's build: @pulumi/kubernetes is not installed here.
import * as k8s from '@pulumi/kubernetes';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** The same chart as examples/app: a high-port web server behind a Service on 80, and a DNS server as uid 0 with one capability. */
class ExampleChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', portNumber: 8080, securityContext: { user: 101, group: 101 } }],
    });
    web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
    setCapabilities(web, { drop: ['ALL'] });

    const dns = new kplus.Deployment(this, 'dns', {
      containers: [
        {
          name: 'dns',
          image: 'coredns/coredns:1.11.3',
          // DNS answers over UDP and TCP (large answers, zone transfers): root binds both.
          ports: [
            { number: 53, protocol: kplus.Protocol.UDP },
            { number: 53, protocol: kplus.Protocol.TCP },
          ],
          securityContext: { user: 0, ensureNonRoot: false, allowPrivilegeEscalation: false },
        },
      ],
    });
    setCapabilities(dns, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  }
}

// cdk8s-plus-27 spells capabilities with the CAP_ prefix, which containerd ignores, and has no ALL.
function setCapabilities(deployment: kplus.Deployment, capabilities: { drop: string[]; add?: string[] }): void {
  ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', capabilities));
}

const app = new App();
new ExampleChart(app, 'example');

new k8s.yaml.v2.ConfigGroup('example', { yaml: app.synthYaml() });
