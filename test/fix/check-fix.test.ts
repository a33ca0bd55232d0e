/**
 * `check --fix` end to end, in-process: the exact text it writes (comments, key order, quoting and
 * indentation of everything else kept), its diff, a second run that changes nothing, the check of
 * the fixed files, and the model's verdict on every fixed pod.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun } from './fix-helpers';
import { copyFixtures, FIXTURE_NAMES, fixture, runFixCli } from './fix-helpers';
import { parseInputs } from '../../src/check/check-inputs';
import { analyzePod } from '../../src/model';

const SYSCTL_80 = `  securityContext:
    sysctls:
      - name: net.ipv4.ip_unprivileged_port_start
        value: "80"
`;

/** What --fix writes for each fixture (the Deployment and Service: without --app-port-configurable). */
const FIXED: Readonly<Record<string, string>> = {
  'seed-non-root.yaml': `${fixture('seed-non-root.yaml')}${SYSCTL_80}    seccompProfile:
      type: RuntimeDefault
`,
  'seed-file-capability.yaml': fixture('seed-file-capability.yaml').replace(
    '      capabilities: {drop: [ALL]}\n',
    '      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n',
  ),
  'seed-default-caps.json': `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'seed-default-caps' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            securityContext: { runAsUser: 1000, capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
          },
        ],
        securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }], seccompProfile: { type: 'RuntimeDefault' } },
      },
    },
    null,
    4,
  )}\n`,
  'deployment-service.yaml': fixture('deployment-service.yaml').replace(
    '                        add: ["NET_BIND_SERVICE"]\n',
    `                        add: ["NET_BIND_SERVICE"]
                    allowPrivilegeEscalation: false
            securityContext:
                sysctls:
                - name: net.ipv4.ip_unprivileged_port_start
                  value: "80"
                seccompProfile:
                    type: RuntimeDefault
`,
  ),
  'host-network.yaml': fixture('host-network.yaml'),
  // The List's pod is fixed; the broken document and the rest of the stream are kept as they are.
  'multi-document.yaml': fixture('multi-document.yaml').replace(
    '          add: [CAP_NET_BIND_SERVICE]\n',
    `          add: [CAP_NET_BIND_SERVICE]
        allowPrivilegeEscalation: false
    securityContext:
      sysctls:
      - name: net.ipv4.ip_unprivileged_port_start
        value: "53"
      seccompProfile:
        type: RuntimeDefault
`,
  ),
};

function read(directory: string, name: string): string {
  return readFileSync(join(directory, name), 'utf8');
}

/** Every pod (template) of a text, as the checker parses it. */
function podsOf(file: string, text: string) {
  const objects = parseInputs([{ file, ok: true, text }]).objects.map((entry) => entry.object);
  return objects.flatMap((object) => (object.pod === undefined ? [] : [{ name: object.name, pod: object.pod }]));
}

describe('check --fix', () => {
  const directory = copyFixtures();
  let first: CliRun;
  let second: CliRun;
  beforeAll(() => {
    first = runFixCli(['--fix', directory]);
    second = runFixCli(['--fix', directory]);
  });

  test.each(FIXTURE_NAMES)('%s: the fixed text, exactly', (name) => {
    expect(read(directory, name)).toBe(FIXED[name]);
  });

  test('every fixture has its expected text in the table', () => {
    expect(Object.keys(FIXED).sort()).toEqual(FIXTURE_NAMES);
  });

  test('a second --fix changes nothing, and says so', () => {
    for (const name of FIXTURE_NAMES) expect([name, read(directory, name)]).toEqual([name, FIXED[name]]);
    expect(second.stdout).not.toMatch(/ {2}fixed {2}/);
    expect(second.stdout).toContain('not fixable  Pod node-agent');
  });

  test('the report is the check of the fixed files: only the hostNetwork pod and the misspelled capability still fail, and it says why', () => {
    expect(first.stdout).toMatch(/host-network\.yaml:3 {2}not fixable {2}Pod node-agent {2}agent: port 53\/UDP: BindStrategy\.auto\(\) cannot bind port 53\/UDP at Pod Security "restricted"/);
    expect(first.stdout).toContain('kubelet rejects it with hostNetwork (SysctlForbidden)');
    const denied = [...first.stdout.matchAll(/^ {4}(\S+) (\S+) {2}DENIED/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(denied).toEqual(['agent 53/UDP']);
    // The misspelled CAP_NET_BIND_SERVICE still fails baseline (LP020): renaming a capability is not a bind fix.
    expect(first.stdout).toMatch(/multi-document\.yaml:\d+ {2}error {2}LP020 .*CAP_NET_BIND_SERVICE/);
    // The broken document is still an input error, and still there.
    expect(first.stdout).toMatch(/multi-document\.yaml:\d+ \(document 2\) {2}input error {2}invalid YAML/);
    expect(first.status).toBe(2);
  });

  test('every fixed pod binds every port under the strict runtime profile, and meets at least the level it met', () => {
    for (const name of FIXTURE_NAMES.filter((file) => file !== 'host-network.yaml')) {
      const before = podsOf(name, fixture(name));
      const after = podsOf(name, read(directory, name));
      expect(after.map((entry) => entry.name)).toEqual(before.map((entry) => entry.name));
      after.forEach(({ name: podName, pod }, index) => {
        const analysis = analyzePod(pod, { runtimeProfile: 'strict' });
        const ports = analysis.containers.flatMap((container) => container.ports.map((port) => `${podName} ${container.name} ${String(port.containerPort)} ${port.bind}`));
        expect(ports.filter((port) => !port.endsWith(' allowed'))).toEqual([]);
        const rank = ['privileged', 'baseline', 'restricted'];
        const levelBefore = analyzePod(before[index].pod, { runtimeProfile: 'strict' }).podSecurity.level;
        expect(rank.indexOf(analysis.podSecurity.level)).toBeGreaterThanOrEqual(rank.indexOf(levelBefore));
      });
    }
  });
});

describe('check --fix --app-port-configurable: the Deployment and its Service', () => {
  const directory = copyFixtures(['deployment-service.yaml']);
  const expected = fixture('deployment-service.yaml')
    .replace('                -   containerPort: 80\n', '                -   containerPort: 8080\n')
    .replace('httpGet: {path: /, port: 80}', 'httpGet: {path: /, port: 8080}')
    .replace('                        add: ["NET_BIND_SERVICE"]\n', `                        add: ["NET_BIND_SERVICE"]
                    allowPrivilegeEscalation: false
            securityContext:
                seccompProfile:
                    type: RuntimeDefault
`)
    .replace('        targetPort: 80   # the container\'s port', '        targetPort: 8080   # the container\'s port');
  let run: CliRun;
  beforeAll(() => {
    run = runFixCli(['--fix', '--app-port-configurable', directory]);
  });

  test('moves the port to 8080 (container, probe and the Service\'s targetPort) and says the application must listen there', () => {
    expect(read(directory, 'deployment-service.yaml')).toBe(expected);
    expect(run.stdout).toContain('to do  Deployment shop/web  configure the application of container "web" to listen on 8080/TCP');
    expect(run.status).toBe(0);
  });

  test('a second run changes nothing', () => {
    runFixCli(['--fix', '--app-port-configurable', directory]);
    expect(read(directory, 'deployment-service.yaml')).toBe(expected);
  });
});

describe('check --fix --dry-run', () => {
  const directory = copyFixtures(['seed-non-root.yaml']);
  const run = runFixCli(['--fix', '--dry-run', join(directory, 'seed-non-root.yaml')]);
  const path = join(directory, 'seed-non-root.yaml');

  test('prints a unified diff and writes nothing', () => {
    expect(read(directory, 'seed-non-root.yaml')).toBe(fixture('seed-non-root.yaml'));
    expect(run.stdout).toBe(
      '===================================================================\n' +
        `--- a${path}\n+++ b${path}\n` +
        '@@ -17,3 +17,9 @@\n' +
        '         capabilities:\n           drop: [ALL]\n           add: [NET_BIND_SERVICE]\n' +
        `${SYSCTL_80.replace(/^(?=.)/gm, '+')}+    seccompProfile:\n+      type: RuntimeDefault\n`,
    );
  });

  test('the report of the input as it is goes to standard error, with what would be fixed; the status is the input\'s', () => {
    expect(run.stderr).toContain('would fix  Pod seed-web  web: port 80/TCP: unprivilegedPortSysctl: pod sysctl net.ipv4.ip_unprivileged_port_start=80 (LP001, LP002)');
    expect(run.stderr).toContain('LP001');
    expect(run.status).toBe(1);
  });

  test('--format json carries each fix with its diff', () => {
    const json = JSON.parse(runFixCli(['--fix', '--dry-run', '--format', 'json', path]).stdout) as { fixes: { written: boolean; diff: string; changes: unknown[] }[]; schemaVersion: number };
    expect(json.schemaVersion).toBe(1);
    expect(json.fixes).toHaveLength(1);
    expect(json.fixes[0]).toMatchObject({ written: false, changes: expect.arrayContaining([expect.objectContaining({ ruleIds: ['LP001', 'LP002'], container: 'web' })]) });
    expect(json.fixes[0].diff).toBe(run.stdout);
  });
});

describe('check --fix on standard input', () => {
  test('writes the fixed stream to standard output and the report to standard error', () => {
    const run = runFixCli(['--fix', '-'], fixture('seed-non-root.yaml'));
    expect(run.stdout).toBe(FIXED['seed-non-root.yaml']);
    expect(run.stderr).toContain('<stdin>:3  fixed  Pod seed-web');
    expect(run.status).toBe(0);
  });

  test('passes the stream on unchanged when nothing needs fixing', () => {
    const run = runFixCli(['--fix', '-'], FIXED['seed-non-root.yaml']);
    expect(run.stdout).toBe(FIXED['seed-non-root.yaml']);
    expect(run.stderr).toMatch(/^--fix: nothing to fix/);
  });
});

describe('check --fix on a pod whose containers need several ports', () => {
  const pod = (first: string, second: string) => `apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
${[first, second].join('')}`;
  const web = '  - {name: web, image: a, ports: [{containerPort: 80}], securityContext: {runAsUser: 1000, capabilities: {drop: [ALL]}}}\n';
  const dns = '  - {name: dns, image: b, ports: [{containerPort: 53, protocol: UDP}], securityContext: {runAsUser: 1000, capabilities: {drop: [ALL]}}}\n';

  test.each([
    ['web first', pod(web, dns)],
    ['dns first', pod(dns, web)],
  ])('%s: one pod-wide sysctl at the lowest port binds both', (_order, text) => {
    const run = runFixCli(['--fix', '-'], text);
    expect(run.stdout).toContain('    - name: net.ipv4.ip_unprivileged_port_start\n      value: "53"\n');
    expect(run.stdout.match(/ip_unprivileged_port_start/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('not fixable');
    expect(run.status).toBe(0);
  });
});

describe('check --fix --app-port-configurable on two containers behind one Service', () => {
  const stream = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: web, image: a, ports: [{containerPort: 80}], securityContext: {runAsUser: 1000, runAsNonRoot: true}}
      - {name: tls, image: b, ports: [{containerPort: 443}, {containerPort: 8080}], securityContext: {runAsUser: 1000, runAsNonRoot: true}}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443, targetPort: 443}
`;

  test('each container gets its own free high port (the pod shares one network namespace), and the Service follows each', () => {
    const run = runFixCli(['--fix', '--app-port-configurable', '-'], stream);
    expect(run.stdout).toContain('{name: web, image: a, ports: [{containerPort: 8081}]');
    expect(run.stdout).toContain('ports: [{containerPort: 8082}, {containerPort: 8080}]');
    expect(run.stdout).toContain('  - {name: http, port: 80, targetPort: 8081}\n  - {name: https, port: 443, targetPort: 8082}\n');
    expect(run.status).toBe(0);
    expect(runFixCli(['--fix', '--app-port-configurable', '-'], run.stdout).stdout).toBe(run.stdout);
  });
});

describe('check --fix on a port that is unknown for want of a declared fact', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: from-image}
spec:
  containers:
  - name: web
    image: example/web
    ports: [{containerPort: 80}]
`;

  test.each([
    ['the uid is the image\'s USER (root binds, non-root does not)', ['--fix', '-']],
    ['the image was not read (--image-facts offline)', ['--image-facts', 'offline', '--fix', '-']],
  ])('%s: the sysctl makes it bind whatever the answer', (_why, args) => {
    const before = runFixCli(['-'], pod);
    expect(before.stdout).toMatch(/web 80\/TCP {2}unknown/);
    const run = runFixCli(args, pod);
    expect(run.stdout).toContain('  - name: net.ipv4.ip_unprivileged_port_start\n      value: "80"\n');
    expect(run.stderr).toMatch(/web 80\/TCP {2}binds {2}Port 80 ≥ net\.ipv4\.ip_unprivileged_port_start=80/);
  });
});

describe('usage', () => {
  test.each([
    [['--dry-run', 'x.yaml'], '--dry-run goes with --fix'],
    [['--app-port-configurable', 'x.yaml'], '--app-port-configurable goes with --fix'],
  ])('%j is a usage error', (args, message) => {
    const run = runFixCli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test('--fix with --jobs runs on one thread and fixes the same', () => {
    const directory = copyFixtures(['seed-non-root.yaml']);
    runFixCli(['--fix', '--jobs', '4', directory]);
    expect(read(directory, 'seed-non-root.yaml')).toBe(FIXED['seed-non-root.yaml']);
  });
});
