/**
 * The repository's .pre-commit-hooks.yaml, run by the real pre-commit (setup-tools.sh installs it
 * from PyPI) on a throwaway git repository, as a user's `.pre-commit-config.yaml` names it. The
 * hook repository is this package as npm packs it (lib/ built) with the hook file, committed to a
 * temporary git repository; its devDependencies, which only build lib/, are left out, so that
 * pre-commit's `npm install` does not fetch them (a clone of this repository builds lib/ first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtTool, PRE_COMMIT, ROOT } from './integration-tools';
import { describeWhenAvailable } from '../skips/gated-describe';

const FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const available = builtTool(PRE_COMMIT, 'bash test/integrations/setup-tools.sh');

describeWhenAvailable('pre-commit hook tests', 'pre-commit runs the k8s-least-privilege hook', available, () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let tarball: string;

  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  const preCommit = (...args: string[]) => spawnSync(PRE_COMMIT, args, { cwd: project, env, encoding: 'utf8' });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'k8slp-pre-commit-'));
    env = { ...process.env, PRE_COMMIT_HOME: join(work, 'cache'), PRE_COMMIT_COLOR: 'never' };
    // The hook repository: the packed package and the hook file.
    const hook = join(work, 'hook');
    mkdirSync(hook);
    tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', hook, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(hook, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete manifest.devDependencies;
    writeFileSync(join(hook, 'package.json'), JSON.stringify(manifest, null, 2));
    copyFileSync(join(ROOT, '.pre-commit-hooks.yaml'), join(hook, '.pre-commit-hooks.yaml'));
    git(hook, 'init', '--quiet');
    git(hook, 'add', '--all');
    git(hook, 'commit', '--quiet', '--message', 'hook');
    const rev = git(hook, 'rev-parse', 'HEAD').trim();
    // The user's repository: manifests, and YAML and JSON files that are not.
    project = join(work, 'project');
    mkdirSync(join(project, 'deploy'), { recursive: true });
    mkdirSync(join(project, '.github', 'workflows'), { recursive: true });
    copyFileSync(join(FIXTURES, 'trap.yaml'), join(project, 'deploy', 'trap.yaml'));
    copyFileSync(join(FIXTURES, 'clean.yaml'), join(project, 'deploy', 'clean.yaml'));
    writeFileSync(join(project, '.github', 'workflows', 'ci.yml'), 'on: push\njobs: {}\n');
    writeFileSync(join(project, 'package.json'), '{ "name": "app" }\n');
    writeFileSync(join(project, '.pre-commit-config.yaml'), [
      'repos:',
      `  - repo: ${hook}`,
      `    rev: ${rev}`,
      '    hooks:',
      '      - id: k8s-least-privilege',
      '        args: [--image-facts, assume-none]',
      '',
    ].join('\n'));
    git(project, 'init', '--quiet');
    git(project, 'add', '--all');
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('a pod that cannot bind fails the hook, naming the file, the container and the port', () => {
    const result = preCommit('run', '--all-files');
    expect(result.stdout).toMatch(/k8s-least-privilege check\.+Failed/);
    expect(result.stdout).toMatch(/deploy\/trap\.yaml:\d+ +error +LP001 +container "web" port 80\/TCP cannot bind/);
    expect(result.status).toBe(1);
  });

  test('clean manifests pass; the workflow and package.json are not passed to the check', () => {
    const result = preCommit('run', '--files', 'deploy/clean.yaml', '.github/workflows/ci.yml', 'package.json', '.pre-commit-config.yaml');
    expect(result.stdout).toMatch(/k8s-least-privilege check\.+Passed/);
    expect(result.status).toBe(0);
  });

  test('the documented repo: local form installs the packed package as npm would and fails the pod that cannot bind', () => {
    writeFileSync(join(project, 'local-config.yaml'), [
      'repos:',
      '  - repo: local',
      '    hooks:',
      '      - id: k8s-least-privilege',
      '        name: k8s-least-privilege check',
      '        language: node',
      '        entry: k8s-least-privilege check',
      `        additional_dependencies: [${join(work, tarball)}]`,
      '        files: ^deploy/.*\\.(ya?ml|json)$',
      '        args: [--image-facts, assume-none]',
      '        require_serial: true',
      '',
    ].join('\n'));
    const failing = preCommit('run', '--config', 'local-config.yaml', '--all-files');
    expect(failing.stdout).toMatch(/deploy\/trap\.yaml:\d+ +error +LP001 +container "web" port 80\/TCP cannot bind/);
    expect(failing.status).toBe(1);
    const clean = preCommit('run', '--config', 'local-config.yaml', '--files', 'deploy/clean.yaml', 'package.json');
    expect(clean.stdout).toMatch(/k8s-least-privilege check\.+Passed/);
    expect(clean.status).toBe(0);
  });

  test('pre-commit try-repo runs the hook file as is', () => {
    const result = spawnSync(PRE_COMMIT, ['try-repo', join(work, 'hook'), 'k8s-least-privilege', '--files', 'deploy/clean.yaml', '--verbose'], { cwd: project, env, encoding: 'utf8' });
    expect(result.stdout).toMatch(/k8s-least-privilege check\.+Passed/);
    expect(result.stdout).toMatch(/Checked \d+ resources?/);
    expect(result.status).toBe(0);
  });
});
