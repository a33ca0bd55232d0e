/**
 * Every public entry checks its input at run time, for JavaScript callers and casts: the planner,
 * the BindStrategy factories, the cdk8s constructs, hardenWorkload and the Pulumi component. The
 * error names the entry, the prop, the value, the value's type and what is accepted — a
 * TypeError for the wrong type, a RangeError for a wrong value of the right type.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HardenedContainer, hardenWorkload, PrivilegedPortService } from '../../src/constructs';
import { BindStrategy, planPrivilegedPort } from '../../src/planner';
import { describeValue } from '../../src/planner/input-validation';
import { PrivilegedPortService as PulumiPrivilegedPortService } from '../../src/pulumi';
import { thrown } from '../thrown';

/** What a JavaScript caller can pass: anything. */
const loose = (value: unknown): any => value;

const FACTORIES =
  'a BindStrategy from one of its factories: BindStrategy.auto(), BindStrategy.highPort({ containerPort? }), BindStrategy.userNamespace(), BindStrategy.unprivilegedPortSysctl(), ' +
  'BindStrategy.fileCapability({ binary, imageBase? }), BindStrategy.rootWithNetBindService()';

describe('planPrivilegedPort', () => {
  test.each([
    ['port as a string', { port: '80' }, TypeError, 'planPrivilegedPort: port must be an integer from 1 to 65535, got "80" (a string)'],
    ['port out of range', { port: 70000 }, RangeError, 'planPrivilegedPort: port must be an integer from 1 to 65535, got 70000 (a number)'],
    ['port not an integer', { port: 80.5 }, RangeError, 'planPrivilegedPort: port must be an integer from 1 to 65535, got 80.5 (a number)'],
    ['an unknown strategy', { port: 80, strategy: { kind: 'magic' } }, TypeError, `planPrivilegedPort: strategy must be ${FACTORIES}, got {"kind":"magic"} (an object)`],
    ['a strategy by name', { port: 80, strategy: 'highPort' }, TypeError, `planPrivilegedPort: strategy must be ${FACTORIES}, got "highPort" (a string)`],
    ['a cast file capability without binary', { port: 80, strategy: { kind: 'fileCapability' } }, TypeError, 'planPrivilegedPort: strategy.binary must be an absolute path in the image without whitespace, e.g. "/usr/local/bin/server", got undefined'],
    ['a lower-case protocol', { port: 53, protocol: 'udp' }, RangeError, 'planPrivilegedPort: protocol must be one of "TCP", "UDP", "SCTP", got "udp" (a string)'],
    ['an unknown level', { port: 80, level: 'strict' }, RangeError, 'planPrivilegedPort: level must be one of "privileged", "baseline", "restricted", got "strict" (a string)'],
    ['a boolean as a string', { port: 80, hostNetwork: 'false' }, TypeError, 'planPrivilegedPort: hostNetwork must be true or false, got "false" (a string)'],
    ['a Kubernetes version as a number', { port: 80, minKubernetesVersion: 1.22 }, TypeError, 'planPrivilegedPort: minKubernetesVersion must be a Kubernetes version "1.N" such as "1.25" (also "v1.N" or "1.N.P"), got 1.22 (a number)'],
    ['a policy version', { port: 80, podSecurityVersion: '1.25' }, RangeError, 'planPrivilegedPort: podSecurityVersion must be "latest" or "v1.N" (v1.0 … and later), got "1.25" (a string)'],
    ['root as runAsUser', { port: 80, runAsUser: 0 }, RangeError, 'planPrivilegedPort: runAsUser must be a non-root uid from 1 to 2147483647 (uid 0 is BindStrategy.rootWithNetBindService() or BindStrategy.userNamespace()), got 0 (a number)'],
    ['cluster features as a boolean', { port: 80, clusterFeatures: true }, TypeError, 'planPrivilegedPort: clusterFeatures must be an object { userNamespaces?: boolean }, got true (a boolean)'],
    ['user-namespace support as a string', { port: 80, clusterFeatures: { userNamespaces: 'true' } }, TypeError, 'planPrivilegedPort: clusterFeatures.userNamespaces must be true or false, got "true" (a string)'],
    ['a relative binary', { port: 80, binary: 'server' }, RangeError, 'planPrivilegedPort: binary must be an absolute path in the image without whitespace, e.g. "/usr/local/bin/server", got "server" (a string)'],
    ['a port entry with a string port', { ports: [{ port: 53, protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }, TypeError, 'planPrivilegedPort: ports[1].port must be an integer from 1 to 65535, got "53" (a string)'],
    ['no intent at all', undefined, TypeError, 'planPrivilegedPort: the argument must be an object {'],
  ] as const)('%s', (_name, intent, type, message) => {
    const error = thrown(() => planPrivilegedPort(loose(intent)));
    expect(error).toBeInstanceOf(type);
    expect(error.message.startsWith(message)).toBe(true);
  });

  test('the caller names itself and its own props', () => {
    expect(() => planPrivilegedPort(loose({ port: 80, runAsUser: '1000' }), { caller: 'HardenedContainer web', propNames: { runAsUser: 'user' } })).toThrow(
      /^HardenedContainer web: user must be a non-root uid .*, got "1000" \(a string\)$/,
    );
  });
});

describe('BindStrategy factories', () => {
  test.each([
    ['fileCapability({})', () => BindStrategy.fileCapability(loose({})), TypeError, 'BindStrategy.fileCapability: binary must be an absolute path in the image without whitespace, e.g. "/usr/local/bin/server", got undefined'],
    ['fileCapability()', () => BindStrategy.fileCapability(loose(undefined)), TypeError, 'BindStrategy.fileCapability: the argument must be an object { binary, imageBase? }, got undefined'],
    ['fileCapability with a space', () => BindStrategy.fileCapability({ binary: '/usr/bin/my server' }), RangeError, 'got "/usr/bin/my server" (a string)'],
    ['fileCapability on ubuntu', () => BindStrategy.fileCapability(loose({ binary: '/app', imageBase: 'ubuntu' })), RangeError, 'BindStrategy.fileCapability: imageBase must be one of "debian", "alpine", got "ubuntu" (a string)'],
    ['highPort on 80', () => BindStrategy.highPort({ containerPort: 80 }), RangeError, 'BindStrategy.highPort: containerPort must be an integer from 1024 to 65535 (an unprivileged port), got 80 (a number)'],
    ['highPort as a string', () => BindStrategy.highPort(loose({ containerPort: '8080' })), TypeError, 'got "8080" (a string)'],
  ] as const)('%s', (_name, action, type, message) => {
    const error = thrown(action);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(message);
  });
});

describe('the cdk8s constructs and hardenWorkload', () => {
  test('PrivilegedPortService: its own props and the intent, named with the construct', () => {
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', loose({ image: 'nginx', port: '80' }))).toThrow(
      new TypeError('PrivilegedPortService web: port must be an integer from 1 to 65535, got "80" (a string)'),
    );
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', loose({ port: 80 }))).toThrow(new TypeError('PrivilegedPortService web: image must be a non-empty string, got undefined'));
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', loose({ image: 'nginx', port: 80, replicas: '2' }))).toThrow(/replicas must be an integer ≥ 0, got "2" \(a string\)/);
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', loose({ image: 'nginx', port: 80, plus: 'cdk8s-plus-32' }))).toThrow(
      /plus must be a cdk8s-plus module, e\.g\. import \* as kplus from 'cdk8s-plus-32' .*, got "cdk8s-plus-32" \(a string\)/,
    );
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', loose({ image: 'nginx', port: 80, strategy: 'sysctl' }))).toThrow(`PrivilegedPortService web: strategy must be ${FACTORIES}, got "sysctl" (a string)`);
  });

  test('HardenedContainer: its hardening props, its ports and the binding props', () => {
    const deployment = () => new kplus.Deployment(Testing.chart(), 'web', { containers: [] });
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', portNumber: '80' }))).toThrow(
      new TypeError('HardenedContainer web: portNumber must be an integer from 1 to 65535, got "80" (a string)'),
    );
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', user: -1 }))).toThrow(/HardenedContainer web: user must be an id from 0 to 2147483647, got -1 \(a number\)/);
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', addCapabilities: 'NET_BIND_SERVICE' }))).toThrow(TypeError);
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', portNumber: 80, strategy: { kind: 'magic' } }))).toThrow(`HardenedContainer web: strategy must be ${FACTORIES}`);
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', portNumber: 80, clusterFeatures: 'userNamespaces' }))).toThrow(
      new TypeError('HardenedContainer web: clusterFeatures must be an object { userNamespaces?: boolean }, got "userNamespaces" (a string)'),
    );
    expect(() => new HardenedContainer(deployment(), 'web', loose({ image: 'nginx', ports: [{ number: 53, protocol: 'dns' }] }))).toThrow(
      'HardenedContainer web: ports[0].protocol must be one of "TCP", "UDP", "SCTP", got "dns" (a string)',
    );
  });

  test('hardenWorkload: the workload and each option', () => {
    const web = () => new kplus.Deployment(Testing.chart(), 'web', { containers: [{ image: 'nginx', portNumber: 80 }] });
    expect(() => hardenWorkload(web(), loose({ user: '1000' }))).toThrow(new TypeError('hardenWorkload: user must be a non-root uid from 1 to 2147483647 (uid 0 is BindStrategy.rootWithNetBindService() or BindStrategy.userNamespace()), got "1000" (a string)'));
    expect(() => hardenWorkload(web(), loose({ strategy: 'auto' }))).toThrow(`hardenWorkload: strategy must be ${FACTORIES}, got "auto" (a string)`);
    expect(() => hardenWorkload(web(), loose({ level: 'Restricted' }))).toThrow(RangeError);
    expect(() => hardenWorkload(web(), loose({ clusterFeatures: { userNamespaces: 1 } }))).toThrow(
      new TypeError('hardenWorkload: clusterFeatures.userNamespaces must be true or false, got 1 (a number)'),
    );
    expect(() => hardenWorkload(loose({}))).toThrow(/^hardenWorkload: workload must be a cdk8s-plus workload \(Deployment, StatefulSet, .*\), got \{\} \(an object\)$/);
  });
});

describe('the Pulumi component', () => {
  test('plain workload arguments and the planning inputs, named with the component, before anything is registered', () => {
    expect(() => new PulumiPrivilegedPortService('web', loose({ image: 'nginx', port: '80' }))).toThrow(
      new TypeError('PrivilegedPortService "web": port must be an integer from 1 to 65535, got "80" (a string)'),
    );
    expect(() => new PulumiPrivilegedPortService('web', loose({ image: 'nginx', port: 80, serviceType: 'loadbalancer' }))).toThrow(
      /PrivilegedPortService "web": serviceType must be one of "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", or an Output of one, got "loadbalancer" \(a string\)/,
    );
    expect(() => new PulumiPrivilegedPortService('web', loose({ image: 42, port: 80 }))).toThrow(/image must be a non-empty string, or an Output of one, got 42 \(a number\)/);
    expect(() => new PulumiPrivilegedPortService('web', loose({ image: 'nginx', port: 80, strategy: 'highPort' }))).toThrow(`PrivilegedPortService "web": strategy must be ${FACTORIES}`);
    expect(() => new PulumiPrivilegedPortService('web', loose({ image: 'nginx', port: 80, clusterFeatures: { userNamespaces: 'yes' } }))).toThrow(
      new TypeError('PrivilegedPortService "web": clusterFeatures.userNamespaces must be true or false, got "yes" (a string)'),
    );
  });
});

describe('describeValue', () => {
  test.each([
    [undefined, 'undefined'],
    [null, 'null'],
    ['80', '"80" (a string)'],
    [80, '80 (a number)'],
    [Number.NaN, 'NaN (a number)'],
    [true, 'true (a boolean)'],
    [[53, 'udp'], '[53,"udp"] (an array)'],
    [{ kind: 'magic' }, '{"kind":"magic"} (an object)'],
    [new Map(), '{} (a Map)'],
    [() => 1, 'a function'],
    ['x'.repeat(200), `"${'x'.repeat(76)}… (a string)`],
  ])('%p → %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});
