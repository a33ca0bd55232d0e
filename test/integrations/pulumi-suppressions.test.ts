/** Suppressions in the policy pack: from the workload's annotation and from policy config, always with a reason. */
import { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import { leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';
import { ENFORCEMENT_FIXTURES } from './enforcement-table';

const portCannotBind = leastPrivilegePolicies().find((policy) => policy.name === 'port-cannot-bind') as ResourceValidationPolicy;
const trap = ENFORCEMENT_FIXTURES.find((fixture) => fixture.id === 'non-root-net-bind')!;

function violations(props: Record<string, unknown>, config: Record<string, unknown> = {}): string[] {
  const reported: string[] = [];
  const args = {
    type: trap.pulumiType,
    props,
    urn: 'urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web',
    name: 'web',
    opts: {},
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as ResourceValidationArgs;
  const validate = portCannotBind.validateResource as ResourceValidation;
  void validate(args, (message: string) => reported.push(message));
  return reported;
}

describe('the policy pack honours suppressions', () => {
  test('without one, the trap is a violation', () => {
    expect(violations(trap.object)).toEqual([expect.stringMatching(/^\[LP001\]/)]);
  });

  test('policy config suppressions with a reason, selected by kind and name', () => {
    expect(violations(trap.object, { suppressions: [{ rule: 'LP001', reason: 'binary has file capabilities', kind: 'Deployment' }] })).toEqual([]);
    expect(violations(trap.object, { suppressions: [{ rule: 'LP001', reason: 'another workload', name: 'api' }] })).toHaveLength(1);
  });

  test('the workload annotation', () => {
    const object = JSON.parse(JSON.stringify(trap.object));
    object.metadata.annotations = { 'k8s-least-privilege.dev/suppress': 'LP001: binary has file capabilities' };
    expect(violations(object)).toEqual([]);
  });

  test('a configured suppression without a reason is refused, naming the entry', () => {
    expect(() => violations(trap.object, { suppressions: [{ rule: 'LP001' }] })).toThrow(/suppressions\[0\]: a suppression of LP001 needs a reason/);
  });
});
