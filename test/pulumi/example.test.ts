/**
 * examples/pulumi-component, the program a user copies: type-checked with its own tsconfig.json,
 * and run under Pulumi's mocks (an update) — every object it creates checked by the whole
 * checker (the namespace's enforce level included) and its exports read back.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as yaml from 'js-yaml';
import { installMocks, registered, valueOf } from './mocks';
import { checkInputs } from '../../src/check/check-inputs';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'pulumi-component');

test('it type-checks with its own tsconfig.json', () => {
  const result = spawnSync('npx', ['tsc', '-p', join(EXAMPLE, 'tsconfig.json')], { encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  expect(`${result.stdout}`.trim()).toBe('');
  expect(result.status).toBe(0);
});

test('under the mocks: three components, each a Deployment and a Service, all passing the checker; the DNS server on 53/UDP and 53/TCP', async () => {
  await installMocks({ preview: false });
  // The stack's exports, as `pulumi stack output` shows them.
  const program = require(join(EXAMPLE, 'index.ts')) as Record<string, pulumi.Input<unknown>>;
  const values = await Promise.all(Object.entries(program).map(async ([name, value]) => [name, await valueOf(pulumi.output(value))] as const));
  const exports = Object.fromEntries(values);
  // Every registration has been answered once no new one arrives for a while.
  for (let count = -1; count !== registered.length; ) {
    count = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  expect(exports.strategies).toEqual({ web: 'highPort', dns: 'unprivilegedPortSysctl', ldap: 'fileCapability' });
  expect(exports.ldapDockerfileLines).toContain(' && setcap cap_net_bind_service=+ep /usr/local/bin/ldap-proxy \\');
  expect(registered.map((resource) => resource.type).sort()).toEqual([
    ...Array(3).fill('k8s-least-privilege:index:PrivilegedPortService'),
    ...Array(3).fill('kubernetes:apps/v1:Deployment'),
    'kubernetes:core/v1:Namespace',
    ...Array(3).fill('kubernetes:core/v1:Service'),
  ]);

  // As `k8s-least-privilege check` would read them, with the namespace's enforce label: no error finding.
  const objects = registered.filter((resource) => resource.type.startsWith('kubernetes:')).map((resource) => resource.inputs);
  const namespace = objects.find((object) => object.kind === 'Namespace')!;
  namespace.metadata = { ...namespace.metadata, name: 'apps-0a1b2c3d' };
  const text = objects.map((object) => yaml.dump(object)).join('---\n');
  const report = checkInputs([{ file: 'example.yaml', ok: true, text }], { runtimeProfile: DEFAULT_RUNTIME_PROFILE });
  expect(report.errors).toEqual([]);
  const workloads = report.resources.filter((resource) => resource.kind === 'Deployment');
  expect(workloads.map((resource) => resource.podSecurityLevel)).toEqual(['restricted', 'restricted', 'restricted']);
  expect(workloads.flatMap((resource) => resource.containers.flatMap((container) => container.ports.map((port) => port.bind)))).toEqual(['allowed', 'allowed', 'allowed', 'allowed']);
  expect(report.resources.flatMap((resource) => resource.findings.filter((finding) => finding.severity === 'error'))).toEqual([]);
  expect(report.summary.findings.error).toBe(0);

  // The DNS server serves 53 over UDP and TCP: both on its container and on its Service, one sysctl for both.
  const dns = (type: string) => registered.find((resource) => resource.type === type && resource.name === 'dns')!.inputs;
  const dnsPod = dns('kubernetes:apps/v1:Deployment').spec.template.spec;
  expect(dnsPod.containers[0].ports.map((port: any) => `${port.containerPort}/${port.protocol}`)).toEqual(['53/UDP', '53/TCP']);
  expect(dnsPod.containers[0].startupProbe).toEqual({ tcpSocket: { port: 53 } });
  expect(dnsPod.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }]);
  expect(dns('kubernetes:core/v1:Service').spec.ports.map((port: any) => `${port.port}/${port.protocol}→${port.targetPort}`)).toEqual(['53/UDP→udp-53', '53/TCP→tcp-53']);
});
