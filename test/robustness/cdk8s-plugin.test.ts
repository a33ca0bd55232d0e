/**
 * Issue 7, the cdk8s plugin, in process with a fake ValidationContext (the real `cdk8s synth`
 * runs in test/integrations/cdk8s-plugin.test.ts): a synth that produced no manifests, and
 * manifests the checker cannot read. The plugin must submit a report every time — never
 * throw, which cdk8s-cli would print as a crash of the synth.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workDirectory, removeWorkDirectories } from './run-checker';
import type { Cdk8sValidationContext, Cdk8sValidationViolation } from '../../src/integrations/cdk8s-validation';
import { LeastPrivilegeValidation } from '../../src/integrations/cdk8s-validation';

afterAll(removeWorkDirectories);

interface Submitted {
  readonly violations: Cdk8sValidationViolation[];
  readonly status: 'success' | 'failure' | undefined;
  readonly metadata: { readonly [key: string]: string } | undefined;
}

async function validate(manifests: string[]): Promise<Submitted> {
  const violations: Cdk8sValidationViolation[] = [];
  let status: Submitted['status'];
  let metadata: Submitted['metadata'];
  let submissions = 0;
  const context: Cdk8sValidationContext = {
    manifests,
    report: {
      addViolation: (violation) => void violations.push(violation),
      submit: (submitted, submittedMetadata) => {
        submissions++;
        status = submitted;
        metadata = submittedMetadata;
      },
    },
  };
  await new LeastPrivilegeValidation({ runtimeProfile: 'strict', imageFacts: 'assume-none' }).validate(context);
  expect(submissions).toBe(1);
  return { violations, status, metadata };
}

const trap =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trap\nspec:\n  containers:\n    - name: web\n      ports: [{containerPort: 80}]\n' +
  '      securityContext: {runAsUser: 1000, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}\n';

describe('a synth that produced no manifests', () => {
  test('no manifest at all: success, nothing checked', async () => {
    const { violations, status, metadata } = await validate([]);
    expect(violations).toEqual([]);
    expect(status).toBe('success');
    expect(metadata).toMatchObject({ resources: '0', errors: '0' });
  });

  test('manifests that are empty (a chart with no objects synthesizes an empty file)', async () => {
    const directory = workDirectory('cdk8s-empty');
    const files = [['empty.k8s.yaml', ''], ['comments.k8s.yaml', '# nothing\n'], ['separators.k8s.yaml', '---\n---\n']].map(([name, content]) => {
      writeFileSync(join(directory, name), content);
      return join(directory, name);
    });
    const { violations, status } = await validate(files);
    expect(violations).toEqual([]);
    expect(status).toBe('success');
  });
});

describe('manifests with errors', () => {
  test('a broken document beside a bad pod: both reported, the synth fails', async () => {
    const file = join(workDirectory('cdk8s-broken'), 'app.k8s.yaml');
    writeFileSync(file, `${trap}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n`);
    const { violations, status } = await validate([file]);
    expect(status).toBe('failure');
    expect(violations.map((violation) => violation.ruleName.split(' ')[0])).toContain('LP001');
    const inputError = violations.find((violation) => violation.ruleName === 'input-error');
    expect(inputError?.violatingResources).toEqual([
      { resourceName: `${file} document 1`, manifestPath: file, locations: [expect.stringMatching(/^line 1[0-3]: invalid YAML: /)] },
    ]);
  });

  test('a manifest that is missing or not UTF-8: an input-error violation, no throw', async () => {
    const directory = workDirectory('cdk8s-unreadable');
    const latin1 = join(directory, 'latin1.k8s.yaml');
    writeFileSync(latin1, Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n', 'latin1'));
    const missing = join(directory, 'missing.k8s.yaml');
    const { violations, status } = await validate([latin1, missing]);
    expect(status).toBe('failure');
    expect(violations).toEqual([
      expect.objectContaining({
        ruleName: 'input-error',
        violatingResources: [
          { resourceName: latin1, manifestPath: latin1, locations: [expect.stringMatching(/^not UTF-8/)] },
          { resourceName: missing, manifestPath: missing, locations: ['cannot read: no such file or directory'] },
        ],
      }),
    ]);
  });

  test('an alias bomb and a document that is not an object: input errors, the next document still checked', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(',')}]`);
    const file = join(workDirectory('cdk8s-bomb'), 'app.k8s.yaml');
    writeFileSync(file, `${levels.join('\n')}\n---\n42\n---\n${trap}`);
    const { violations, status } = await validate([file]);
    expect(status).toBe('failure');
    expect(violations.find((violation) => violation.ruleName === 'input-error')?.violatingResources.map((resource) => resource.resourceName)).toEqual([`${file} document 0`, `${file} document 1`]);
    expect(violations.find((violation) => violation.ruleName.startsWith('LP001'))?.violatingResources.map((resource) => resource.resourceName)).toEqual(['trap']);
  });

  test('objects without a name (cdk8s cannot map them to a construct) are reported by kind and document', async () => {
    const file = join(workDirectory('cdk8s-unnamed'), 'app.k8s.yaml');
    writeFileSync(file, trap.replace('  name: trap\n', '  labels: {}\n'));
    const { violations } = await validate([file]);
    expect(violations.find((violation) => violation.ruleName.startsWith('LP001'))?.violatingResources[0].resourceName).toBe('Pod (document 0)');
  });
});
