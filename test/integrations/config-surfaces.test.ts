/**
 * One configuration, three surfaces: the CLI's `--config` file (and its flags), the cdk8s plugin's
 * properties and the Pulumi policy config are validated by the same schema, each refusal a
 * ConfigError naming its source; the policy pack's `configSchema` is that schema, derived.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import Ajv from 'ajv';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { ConfigError } from '../../src/check/config-error';
import { ENFORCEMENT_CONFIG_SCHEMA } from '../../src/check/config-schema';
import { validEnforcementConfig } from '../../src/check/config-validation';
import { runCli, runCliAsync } from '../../src/cli/main';
import { LeastPrivilegeValidation } from '../../src/integrations/cdk8s-validation';
import { leastPrivilegePolicies, POLICY_CONFIG_SCHEMA } from '../../src/integrations/pulumi-policy';
import { thrown } from '../thrown';

const WORK = join(__dirname, '..', '.work', 'config-surfaces');
const TRAP = join(__dirname, '..', 'fixtures', 'check', 'trap.yaml');
const trap = ENFORCEMENT_FIXTURES.find((fixture) => fixture.id === 'non-root-net-bind')!;

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

function configFile(name: string, text: string): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, name);
  writeFileSync(file, text);
  return file;
}

/** What the port-cannot-bind policy does with `config` as its policy config. */
async function policyRun(config: Record<string, unknown>): Promise<void> {
  const policy = leastPrivilegePolicies().find((candidate) => candidate.name === 'port-cannot-bind') as ResourceValidationPolicy;
  const args = {
    type: trap.pulumiType,
    props: trap.object,
    urn: 'urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web',
    name: 'web',
    opts: {},
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as ResourceValidationArgs;
  await (policy.validateResource as ResourceValidation)(args, () => undefined);
}

describe('each surface refuses with a ConfigError naming its source', () => {
  test('the CLI: the config file, as --config FILE, exit 2', () => {
    const file = configFile('wrong.yaml', 'imageFacts: assume-none\nlevel: strict\nsuppressions:\n  - rule: LP001\n');
    const { status, stdout, stderr } = run('check', '--config', file, TRAP);
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
    expect(stderr).toBe(
      `k8s-least-privilege: --config ${file}: 2 problems:\n` +
        '  - level "strict" is not one of privileged, baseline, restricted\n' +
        '  - suppressions[0]: a suppression of LP001 needs a reason\n',
    );
  });

  test('the CLI: a flag, by its name; a file is valid or not whatever the flags override', () => {
    expect(run('check', '--image-facts', 'assume-none', '--level', 'strict', TRAP)).toMatchObject({
      status: 2,
      stderr: 'k8s-least-privilege: command line: --level "strict" is not one of privileged, baseline, restricted\n',
    });
    const file = configFile('level.yaml', 'level: strict\n');
    expect(run('check', '--image-facts', 'assume-none', '--config', file, '--level', 'baseline', TRAP)).toMatchObject({
      status: 2,
      stderr: `k8s-least-privilege: --config ${file}: level "strict" is not one of privileged, baseline, restricted\n`,
    });
  });

  test('the CLI: image inspect reads the same file, and refuses it alike', async () => {
    const file = configFile('registry.yaml', 'registry: { timeoutSeconds: soon }\n');
    let stdout = '';
    let stderr = '';
    const status = await runCliAsync(['image', 'inspect', '--config', file, 'oci:nowhere'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    expect({ status, stdout, stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: `k8s-least-privilege: --config ${file}: registry.timeoutSeconds must be a whole number of seconds, not "soon"\n`,
    });
  });

  test('the cdk8s plugin: its properties', () => {
    const error = thrown(() => new LeastPrivilegeValidation({ imageFacts: 'assume-none', registry: { plainHttp: ['http://mirror'] } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('k8s-least-privilege: cdk8s plugin properties: registry.plainHttp[0] must be a host[:port] such as mirror.example:5000, not "http://mirror"');
  });

  test('the policy pack: its policy config', async () => {
    const refusal = policyRun({ imageFacts: 'assume-none', suppressions: [{ rule: 'LP001', reason: 'why', nmae: 'web' }] });
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(refusal).rejects.toThrow(
      'k8s-least-privilege: Pulumi policy config: suppressions[0]: unknown key "nmae"; the keys are rule, reason, kind, name, namespace, container',
    );
  });
});

describe("the policy pack's configSchema is the one schema, in the keywords Pulumi speaks", () => {
  test('the same settings, with their descriptions and defaults', () => {
    expect(Object.keys(POLICY_CONFIG_SCHEMA.properties)).toEqual(Object.keys(ENFORCEMENT_CONFIG_SCHEMA.properties!));
    expect(POLICY_CONFIG_SCHEMA.properties.level).toMatchObject({ type: 'string', enum: ['privileged', 'baseline', 'restricted'], default: 'baseline' });
    expect(POLICY_CONFIG_SCHEMA.properties.suppressions).toMatchObject({ items: { required: ['rule', 'reason'], additionalProperties: false } });
    expect(JSON.stringify(POLICY_CONFIG_SCHEMA)).not.toMatch(/"(accepts|nullable|title)"/);
  });

  test('it accepts and refuses what the validator does (a rule id that names no rule aside)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const pulumiValidate = ajv.compile({ type: 'object', properties: POLICY_CONFIG_SCHEMA.properties, additionalProperties: false });
    const samples: unknown[] = [
      {},
      { runtimeProfile: 'k3s', podSecurityVersion: 'v1.30', level: 'privileged', imageFacts: 'offline' },
      { suppressions: [{ rule: 'LP001', reason: 'why', container: 'web' }], images: { nginx: 'oci:dir' } },
      { registry: { mirrors: { 'docker.io': ['m:5000'] }, plainHttp: ['m:5000'], timeoutSeconds: 3, maxLayerBytes: 9, concurrency: 1, cacheDirectory: 'c', tagTtlSeconds: 0 } },
      { runtimeProfile: 'gvisor' },
      { podSecurityVersion: 'v1.025' },
      { level: 3 },
      { suppressions: [{ rule: 'LP001' }] },
      { suppressions: [{ rule: 'LP001', reason: '' }] },
      { suppressions: [{ rule: 'LP001', reason: 'x', nmae: 'web' }] },
      { images: { nginx: 4 } },
      { registry: { timeoutSeconds: 1.5 } },
      { registry: { mirrors: { 'docker.io': 'm:5000' } } },
      { registry: { proxy: 'x' } },
      { unknown: true },
    ];
    for (const sample of samples) {
      const ours = (() => {
        try {
          validEnforcementConfig(sample, { name: 'sample' });
          return true;
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          return false;
        }
      })();
      expect({ sample, valid: pulumiValidate(sample) }).toEqual({ sample, valid: ours });
    }
  });
});
