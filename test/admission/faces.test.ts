/**
 * The three faces of the admission policy print the same objects: the CLI subcommand (with its
 * usage errors, exit 2), the cdk8s construct (its synth equals the CLI's output) and the Pulumi
 * helper (its resources' inputs equal the CLI's objects).
 */
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { admissionPolicyManifests, admissionPolicyYaml, AdmissionPolicyOptionError } from '../../src/admission';
import { runCli } from '../../src/cli/main';
import { LeastPrivilegeAdmissionPolicy } from '../../src/constructs';
import { leastPrivilegeAdmissionPolicies } from '../../src/pulumi';
import { installMocks, registered } from '../pulumi/mocks';

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

const documents = (yaml: string) => parseAllDocuments(yaml).map((document) => document.toJSON() as Record<string, unknown>);

describe('k8s-least-privilege admission-policy', () => {
  test('prints each policy and its binding as YAML, the same as the library', () => {
    const { status, stdout, stderr } = cli(['admission-policy']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toBe(admissionPolicyYaml());
    const objects = documents(stdout);
    expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual(
      ['pods', 'pods-advisory', 'workloads', 'workloads-advisory', 'cronjobs', 'cronjobs-advisory'].flatMap((name) => [
        `ValidatingAdmissionPolicy/k8s-least-privilege-${name}`,
        `ValidatingAdmissionPolicyBinding/k8s-least-privilege-${name}`,
      ]),
    );
    expect(objects.every((o) => o.apiVersion === 'admissionregistration.k8s.io/v1')).toBe(true);
  });

  test.each([
    [['--mode', 'deny'], ['Deny'], ['Warn']],
    [['--mode', 'warn'], ['Warn'], ['Warn']],
    [['--mode=audit'], ['Audit'], ['Audit']],
  ])('%j sets the bindings\' validationActions', (args, main, advisory) => {
    const objects = documents(cli(['admission-policy', ...args]).stdout);
    const actions = (name: string) => (objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && (o.metadata as { name: string }).name === name)!.spec as { validationActions: string[] }).validationActions;
    expect(actions('k8s-least-privilege-pods')).toEqual(main);
    expect(actions('k8s-least-privilege-pods-advisory')).toEqual(advisory);
  });

  test('--runtime-profile and --level shape the policy: the start, and the fixes named', () => {
    const kind = documents(cli(['admission-policy', '--runtime-profile', 'kind']).stdout)[0];
    expect(JSON.stringify(kind)).toContain("variables.portStartState == 'runtime' ? 0 :");
    expect((kind.metadata as { annotations: Record<string, string> }).annotations['k8s-least-privilege.dev/runtime-profile']).toBe('containerd-2');
    expect(cli(['admission-policy']).stdout).toContain('run as uid 0 with capabilities drop [ALL]');
    expect(cli(['admission-policy', '--level', 'restricted']).stdout).not.toContain('run as uid 0 with capabilities drop [ALL]');
  });

  test('--help prints the usage; main --help names the command', () => {
    expect(cli(['admission-policy', '--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('kubectl apply -f -') });
    expect(cli(['--help']).stdout).toContain('admission-policy');
  });

  test.each([
    [['--mode', 'enforce'], '--mode must be one of deny, warn, audit, not "enforce"'],
    [['--level', 'strict'], '--level must be one of privileged, baseline, restricted, not "strict"'],
    [['--runtime-profile', 'podman'], '--runtime-profile names no runtime profile: "podman"; one of: strict,'],
    [['--mode'], '--mode needs a value'],
    [['--format', 'json'], 'unknown option "--format" for admission-policy'],
    [['extra.yaml'], 'admission-policy takes no arguments, got "extra.yaml"'],
  ])('%j is a usage error: exit 2 with what to do', (args, message) => {
    const { status, stdout, stderr } = cli(['admission-policy', ...args]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`k8s-least-privilege: ${message}`);
    expect(stderr).toContain('Run "k8s-least-privilege admission-policy --help" for usage.');
  });

  test('the library refuses a bad option from JavaScript with the same words', () => {
    expect(() => admissionPolicyManifests({ mode: 'block' as never })).toThrow(AdmissionPolicyOptionError);
  });
});

describe('LeastPrivilegeAdmissionPolicy (cdk8s)', () => {
  test.each([{}, { runtimeProfile: 'docker', level: 'restricted', mode: 'warn' } as const])('synthesizes what the CLI prints, %j', (props) => {
    const chart = Testing.chart();
    const construct = new LeastPrivilegeAdmissionPolicy(chart, 'admission', props);
    const args = Object.entries(props).flatMap(([key, value]) => [`--${key === 'runtimeProfile' ? 'runtime-profile' : key}`, value]);
    expect(Testing.synth(chart)).toEqual(documents(cli(['admission-policy', ...args]).stdout));
    expect(construct.apiObjects).toHaveLength(12);
  });
});

describe('leastPrivilegeAdmissionPolicies (Pulumi)', () => {
  beforeAll(() => installMocks({ preview: false }));

  test('registers each policy and binding with the CLI\'s objects as inputs, each binding after its policy', async () => {
    const created = leastPrivilegeAdmissionPolicies('cluster', { runtimeProfile: 'cri-o' });
    expect(Object.keys(created.policies)).toHaveLength(6);
    expect(Object.keys(created.bindings)).toEqual(Object.keys(created.policies));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const expected = admissionPolicyManifests({ runtimeProfile: 'cri-o' });
    // A binding registers once its policy has (dependsOn): compare by name, not by order.
    const ours = new Map(registered.filter((resource) => resource.name.startsWith('cluster-')).map((resource) => [resource.name, resource]));
    expect(ours.size).toBe(expected.length);
    for (const { apiVersion, kind, ...rest } of expected) {
      const name = `cluster-${(rest.metadata as { name: string }).name}${kind === 'ValidatingAdmissionPolicyBinding' ? '-binding' : ''}`;
      expect(ours.get(name)?.type).toBe(`kubernetes:admissionregistration.k8s.io/v1:${kind as string}`);
      expect(ours.get(name)?.inputs).toMatchObject({ apiVersion, kind, ...JSON.parse(JSON.stringify(rest)) });
    }
  });

  test('refuses a bad option before registering anything', () => {
    const before = registered.length;
    expect(() => leastPrivilegeAdmissionPolicies('bad', { level: 'root' as never })).toThrow('level must be one of privileged, baseline, restricted, not "root"');
    expect(registered.length).toBe(before);
  });
});
