import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckReport } from '../../src/check/report';
import { runCli } from '../../src/cli/main';

const WORK = join(__dirname, '..', '.work', 'config-file');
const TRAP = join(__dirname, '..', 'fixtures', 'check', 'trap.yaml');

function config(name: string, text: string): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, name);
  writeFileSync(file, text);
  return file;
}

/** Runs the CLI; a check in the closed world unless the config names an image-facts mode. */
function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const args = argv[0] === 'check' && !argv.includes('--image-facts') ? ['check', '--image-facts', 'assume-none', ...argv.slice(1)] : argv;
  const status = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('check --config', () => {
  test('suppressions with a reason mark findings suppressed, and the exit status follows', () => {
    const file = config('suppress.yaml', 'suppressions:\n  - rule: LP001\n    reason: the image sets file capabilities we cannot declare yet\n    kind: Deployment\n    name: trap\n');
    const { status, stdout } = run('check', '-f', 'json', '--config', file, TRAP);
    const finding = (JSON.parse(stdout) as CheckReport).resources[0].findings.find((f) => f.ruleId === 'LP001')!;
    expect(finding).toMatchObject({ suppressed: true, suppressionReason: 'the image sets file capabilities we cannot declare yet' });
    expect(status).toBe(0);
  });

  test('a suppression selecting another object leaves the finding', () => {
    const file = config('other.yaml', 'suppressions:\n  - rule: LP001\n    reason: not this one\n    name: api\n');
    expect(run('check', '--config', file, TRAP).status).toBe(1);
  });

  test('the runtime profile comes from the config unless the flag overrides it', () => {
    const file = config('profile.json', '{"runtimeProfile": "kind"}');
    expect(JSON.parse(run('check', '-f', 'json', '-c', file, TRAP).stdout).runtimeProfile).toBe('containerd-2');
    expect(JSON.parse(run('check', '-f', 'json', '-c', file, '--runtime-profile', 'strict', TRAP).stdout).runtimeProfile).toBe('strict');
  });

  test.each([
    ['no-reason.yaml', 'suppressions:\n  - rule: LP001\n', /suppressions\[0\]: a suppression of LP001 needs a reason/],
    ['bad-rule.yaml', 'suppressions:\n  - rule: LP999\n    reason: x\n', /rule "LP999" names no rule/],
    ['typo.yaml', 'supressions: []\n', /unknown key "supressions"/],
    ['selector.yaml', 'suppressions:\n  - rule: LP001\n    reason: x\n    nmae: web\n', /unknown key "nmae"/],
    ['list.yaml', '- a\n', /expected a map/],
    ['broken.yaml', 'a: [\n', /invalid YAML/],
  ])('%s is a usage error naming the file and the entry', (name, text, message) => {
    const file = config(name, text);
    const { status, stderr, stdout } = run('check', '--config', file, TRAP);
    expect(status).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  test('a missing config file', () => {
    expect(run('check', '--config', join(WORK, 'missing.yaml'), TRAP).stderr).toMatch(/missing.yaml: no such file/);
  });
});
