/** Suppressions in the policy pack: from the workload's annotation and from policy config, always with a reason. */
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';
import { leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';

const portCannotBind = leastPrivilegePolicies().find((policy) => policy.name === 'port-cannot-bind') as ResourceValidationPolicy;
const trap = ENFORCEMENT_FIXTURES.find((fixture) => fixture.id === 'non-root-net-bind')!;

/** The port-cannot-bind policy's violations, in the closed world (`imageFacts: assume-none`) unless the config says otherwise. */
async function violations(props: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<string[]> {
  const reported: string[] = [];
  const args = {
    type: trap.pulumiType,
    props,
    urn: 'urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web',
    name: 'web',
    opts: {},
    getConfig: () => ({ imageFacts: 'assume-none', ...config }),
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as ResourceValidationArgs;
  const validate = portCannotBind.validateResource as ResourceValidation;
  await validate(args, (message: string) => reported.push(message));
  return reported;
}

describe('the policy pack honours suppressions', () => {
  test('without one, the trap is a violation', async () => {
    expect(await violations(trap.object)).toEqual([expect.stringMatching(/^\[LP001\]/)]);
  });

  test('policy config suppressions with a reason, selected by kind and name', async () => {
    expect(await violations(trap.object, { suppressions: [{ rule: 'LP001', reason: 'binary has file capabilities', kind: 'Deployment' }] })).toEqual([]);
    expect(await violations(trap.object, { suppressions: [{ rule: 'LP001', reason: 'another workload', name: 'api' }] })).toHaveLength(1);
  });

  test('the workload annotation', async () => {
    const object = JSON.parse(JSON.stringify(trap.object));
    object.metadata.annotations = { 'k8s-least-privilege.dev/suppress': 'LP001: binary has file capabilities' };
    expect(await violations(object)).toEqual([]);
  });

  test('a configured suppression without a reason is refused, naming the entry', async () => {
    await expect(violations(trap.object, { suppressions: [{ rule: 'LP001' }] })).rejects.toThrow(/suppressions\[0\]: a suppression of LP001 needs a reason/);
  });
});
