// PrivilegedPortService as a Pulumi component: a Deployment and a Service on @pulumi/kubernetes,
// planned by the same planner as the cdk8s construct, in a namespace that enforces Pod Security
// restricted.
//
//   pulumi preview --policy-pack ../../policies
//   pulumi up && pulumi stack output strategies
//
// Not run by this repository's CI (no Pulumi CLI): test/pulumi/example.test.ts runs this program
// under Pulumi's mocks and checks what it creates with the checker, and type-checks it.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
// In your project: import { BindStrategy, PrivilegedPortService } from 'k8s-least-privilege/pulumi';
import { BindStrategy, PrivilegedPortService } from '../../src/pulumi';

const config = new pulumi.Config();

// Admission refuses anything in this namespace that misses restricted; every service below meets it.
const namespace = new k8s.core.v1.Namespace('apps', {
  metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } },
});

// A web server whose port is configurable: auto chooses the high port — it listens on 8080 as
// uid 101 with no capability, and the Service maps 80 → 8080.
const web = new PrivilegedPortService('web', {
  image: config.get('webImage') ?? 'nginxinc/nginx-unprivileged:1.27', // an Input: may be an image built by another resource
  namespace: namespace.metadata.name, // an Output, unknown during the first preview
  port: 80,
  appPortConfigurable: true,
  runAsUser: 101,
  runAsGroup: 101,
  writablePaths: ['/tmp'],
  healthCheckPath: '/',
  serviceType: 'LoadBalancer',
});

// A DNS server that must bind 53 itself, over UDP and TCP, on Kubernetes ≥ 1.22: auto chooses the
// pod sysctl net.ipv4.ip_unprivileged_port_start=53 — non-root, no capability, no image change —
// and the container and the Service carry both ports.
const dns = new PrivilegedPortService('dns', {
  image: 'coredns/coredns:1.11.3',
  args: ['-conf', '/etc/coredns/Corefile'],
  namespace: namespace.metadata.name,
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
});

// A proxy whose binary the image marks with setcap: non-root, drop ALL, add NET_BIND_SERVICE.
// Put `ldapDockerfileLines` in the image's final stage.
const ldap = new PrivilegedPortService('ldap', {
  image: 'registry.example.com/ldap-proxy:2.3',
  namespace: namespace.metadata.name,
  port: 389,
  strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/ldap-proxy' }),
});

export const strategies = { web: web.strategy, dns: dns.strategy, ldap: ldap.strategy };
export const reasons = { web: web.reason, dns: dns.reason, ldap: ldap.reason };
export const ldapDockerfileLines = ldap.dockerfileLines;
export const serviceNames = { web: web.serviceName, dns: dns.serviceName, ldap: ldap.serviceName };
