import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckReport } from '../../src/check/report';
import { runCli } from '../../src/cli/main';

const FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const MIXED = join(FIXTURES, 'mixed.yaml');
const CLEAN = join(FIXTURES, 'clean.yaml');
const BIN = join(__dirname, '..', '..', 'bin', 'k8s-least-privilege');

/** Runs the CLI; a check in the closed world (no image read): test/registry covers the image-facts modes. */
function run(...argv: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const args = argv[0] === 'check' ? ['check', '--image-facts', 'assume-none', ...argv.slice(1)] : argv;
  const status = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('check --format json: the machine interface', () => {
  const { status, stdout } = run('check', '--format', 'json', MIXED);
  const report = JSON.parse(stdout) as CheckReport;

  test('exit 2 on an input error, yet every other document is checked', () => {
    expect(status).toBe(2);
    expect(report.resources.map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/trap', 'Pod/dns']);
  });

  test('each error names file, document and line', () => {
    expect(report.errors).toEqual([
      { file: MIXED, document: 1, line: expect.any(Number), message: expect.stringMatching(/^invalid YAML/) },
      { file: MIXED, document: 2, line: 43, message: expect.stringMatching(/found the scalar 42/) },
    ]);
    expect(report.errors[0].line).toBeGreaterThanOrEqual(21);
  });

  test('the resource shape follows DESIGN.md', () => {
    const trap = report.resources[0];
    expect(trap).toMatchObject({
      source: { file: MIXED, document: 0, line: 2 },
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'trap',
      namespace: 'shop',
      podSecurityLevel: 'baseline',
      containers: [{ name: 'web', type: 'container', ports: [{ containerPort: 80, protocol: 'TCP', bind: 'denied' }] }],
    });
    expect(trap.findings[0]).toEqual({
      ruleId: 'LP001',
      severity: 'error',
      message: expect.stringMatching(/^container "web" port 80\/TCP cannot bind: .*no ambient capabilities/),
      container: 'web',
      path: 'spec.template.spec.containers[0].ports[0]',
      line: 14,
      suppressed: false,
    });
  });

  test('a List item is located at its own line', () => {
    const dns = report.resources[1];
    expect(dns.source).toEqual({ file: MIXED, document: 2, line: 26 });
    expect(dns.containers[0].ports[0]).toMatchObject({ containerPort: 53, protocol: 'UDP', bind: 'allowed' });
  });

  test('the summary counts', () => {
    expect(report.summary).toMatchObject({ files: 1, resources: 2, workloads: 2, errors: 2, ports: { allowed: 1, denied: 1, unknown: 0 } });
    expect(report.summary.findings.error).toBe(1);
  });
});

describe('check: exit status and formats', () => {
  test('0 when no error finding', () => {
    const { status, stdout } = run('check', CLEAN);
    expect(status).toBe(0);
    expect(stdout).toMatch(/web 80\/TCP {2}binds {2}.*file capability \(cap_net_bind_service=\+ep\)/);
    expect(stdout).toMatch(/Pod Security: restricted/);
  });

  test('1 when a port cannot bind; the human format prints file:line severity rule message', () => {
    const trap = join(FIXTURES, 'trap.yaml');
    const { status, stdout } = run('check', CLEAN, '--runtime-profile', 'strict', '-f', 'human', '--', trap);
    expect(status).toBe(1);
    expect(stdout).toContain(`${trap}:13  error  LP001  container "web" port 80/TCP cannot bind`);
    expect(stdout).toMatch(/Checked 2 resources/);
    // The level comes with the checks that keep it from the stricter one, always.
    expect(stdout).toContain('Deployment shop/trap  (Pod Security: baseline; not restricted: allowPrivilegeEscalation, runAsNonRoot, seccompProfile_restricted)');
  });

  test('a lowering runtime profile turns the trap into a runtime-dependence warning', () => {
    const { stdout } = run('check', '-f', 'json', '--runtime-profile', 'kind', MIXED);
    const report = JSON.parse(stdout) as CheckReport;
    expect(report.runtimeProfile).toBe('containerd-2');
    expect(report.resources[0].findings.map((f) => f.ruleId)).toContain('LP003');
    expect(report.resources[0].findings.map((f) => f.ruleId)).not.toContain('LP001');
  });

  test('directories are walked and a missing file is an error entry', () => {
    const { status, stdout } = run('check', '-f', 'json', FIXTURES, join(FIXTURES, 'missing.yaml'));
    const report = JSON.parse(stdout) as CheckReport;
    expect(status).toBe(2);
    expect(report.summary.files).toBe(4);
    expect(report.errors).toContainEqual({ file: join(FIXTURES, 'missing.yaml'), document: null, line: null, message: 'cannot read: no such file or directory' });
  });

  test('a cdk8s synth output folder: construct-metadata.json beside the manifests is not a manifest', () => {
    const dist = join(__dirname, '..', '.work', 'cli-synth-dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'app.k8s.yaml'), readFileSync(CLEAN));
    writeFileSync(join(dist, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: {} }));
    const { status, stdout } = run('check', '-f', 'json', dist);
    const report = JSON.parse(stdout) as CheckReport;
    expect({ status, files: report.summary.files, errors: report.errors }).toEqual({ status: 0, files: 1, errors: [] });
  });

  test.each([
    [['check'], /name at least one file/],
    [['check', '--format', 'xml', 'x'], /--format must be one of human, json/],
    [['check', '--runtime-profile', 'podman', CLEAN], /--runtime-profile "podman" is not one of strict/],
    [['check', '--pss-version', 'v2', CLEAN], /--pss-version/],
    [['check', '--bogus', CLEAN], /unknown option "--bogus"/],
    [['lint'], /unknown command "lint"/],
  ])('usage error %j exits 2 with a message', (argv, message) => {
    const { status, stderr, stdout } = run(...argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  test('--help and --version', () => {
    expect(run('--help').stdout).toMatch(/Usage: k8s-least-privilege/);
    expect(run('check', '--help').stdout).toMatch(/--runtime-profile NAME/);
    expect(run('--version').stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the installed binary', () => {
  test('reads standard input with -, and an empty stdin is a clean empty report', () => {
    const report = JSON.parse(execFileSync(BIN, ['check', '--image-facts', 'assume-none', '-f', 'json', '-'], { input: '' }).toString()) as CheckReport;
    expect(report.resources).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  test('a reader that closes the pipe early stops the output quietly, as a shell tool does (no EPIPE trace)', () => {
    // `true` exits without reading: every write meets a closed pipe.
    const result = spawnSync('bash', ['-c', `"${BIN}" admission-policy | true; echo "status \${PIPESTATUS[0]}"`]);
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString()).toBe('status 141\n');
  });

  test('bad input never prints a stack trace', () => {
    const result = spawnSync(BIN, ['check', '--image-facts', 'assume-none', '-'], { input: Buffer.from([0xff, 0xfe, 0x00, 0x41]) });
    expect(result.status).toBe(2);
    expect(result.stdout.toString()).toMatch(/not UTF-8/);
    expect(result.stderr.toString()).not.toMatch(/\n\s+at /);
  });
});
