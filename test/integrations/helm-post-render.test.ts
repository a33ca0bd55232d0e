/**
 * `post-render` as the real Helm runs it (test/integrations/build-helm.sh builds Helm from the Go
 * module proxy), on the chart in fixtures/chart: its default values are clean, trap-values.yaml
 * makes its pod unable to bind port 80. Helm 3 runs an executable (`--post-renderer PATH`, its
 * arguments by `--post-renderer-args`); Helm 4 runs a post-renderer plugin (helm-plugin/). The
 * suite runs with whichever Helm the script built.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { builtTool, envWithBin, HELM, ROOT } from './integration-tools';
import { describeWhenAvailable } from '../skips/gated-describe';

const CHART = join(__dirname, 'fixtures', 'chart');
const TRAP_VALUES = ['--values', join(CHART, 'trap-values.yaml')];
const available = builtTool(HELM, 'bash test/integrations/build-helm.sh');

test('the Helm 4 plugin has the package\'s version', () => {
  const plugin = load(readFileSync(join(ROOT, 'helm-plugin', 'plugin.yaml'), 'utf8')) as { version: string };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(plugin.version).toBe(pkg.version);
});

describeWhenAvailable('Helm post-renderer tests', 'helm template --post-renderer: the real Helm', available, () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let major: number;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'k8slp-helm-'));
    const plugins = join(home, 'plugins');
    mkdirSync(plugins);
    // Nothing of the user's Helm setup is read or written.
    env = envWithBin({ HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache'), HELM_DATA_HOME: join(home, 'data'), HELM_PLUGINS: plugins });
    major = Number(/^v(\d+)\./.exec(helm(['version', '--template', '{{.Version}}']).stdout)?.[1]);
    if (major < 4) return;
    // Helm 4 finds post-renderer plugins in HELM_PLUGINS: ours, as `helm plugin install` links it,
    // and `cat` as one, the identity post-renderer. (Helm 3 refuses these plugin.yaml files.)
    symlinkSync(join(ROOT, 'helm-plugin'), join(plugins, 'least-privilege'));
    mkdirSync(join(plugins, 'identity'));
    writeFileSync(join(plugins, 'identity', 'plugin.yaml'), [
      'apiVersion: v1', 'type: postrenderer/v1', 'name: identity', 'version: 0.0.0', 'runtime: subprocess',
      'runtimeConfig: { platformCommand: [{ command: cat }] }', '',
    ].join('\n'));
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  function helm(args: readonly string[]) {
    return spawnSync(HELM, args, { env, encoding: 'utf8' });
  }

  /** `helm template` of the chart, through our post-renderer with `check` options `options` as the docs give it. */
  function postRendered(values: readonly string[], options: readonly string[] = ['--image-facts=assume-none']) {
    const postRenderer = major >= 4
      ? ['--post-renderer', 'least-privilege']
      : ['--post-renderer', 'k8s-least-privilege', '--post-renderer-args', 'post-render'];
    return helm(['template', 'demo', CHART, ...values, ...postRenderer, ...options.flatMap((option) => ['--post-renderer-args', option])]);
  }

  test('a clean chart: exit 0, and the manifests exactly as without our post-renderer', () => {
    const result = postRendered([]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Helm 4 re-serializes what any post-renderer returns, so there the reference is `cat`'s.
    const reference = helm(['template', 'demo', CHART, ...(major >= 4 ? ['--post-renderer', 'identity'] : [])]);
    expect(reference.status).toBe(0);
    expect(result.stdout).toBe(reference.stdout);
    expect(result.stdout).toMatch(/kind: Deployment/);
  });

  test('a pod that cannot bind: Helm fails and renders nothing', () => {
    const result = postRendered(TRAP_VALUES);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/error while running post render/);
  });

  test('Helm 3 shows the report, naming the container and the port; Helm 4 drops a plugin\'s stderr', () => {
    const { stderr } = postRendered(TRAP_VALUES);
    if (major >= 4) {
      // Helm 4.3 keeps a post-renderer plugin's stderr in a buffer it never prints
      // (internal/plugin/runtime_subprocess.go): docs/integrations.md says what to run instead.
      expect(stderr).toMatch(/plugin "least-privilege" exited with error/);
      expect(stderr).not.toMatch(/LP001/);
    } else {
      expect(stderr).toMatch(/error +LP001 +container "server" port 80\/TCP cannot bind/);
      expect(stderr).toMatch(/Deployment demo-web/);
    }
  });

  test('--report-file keeps the report where Helm 4 cannot drop it, under both Helm majors', () => {
    const file = join(home, 'report.txt');
    const result = postRendered(TRAP_VALUES, ['--image-facts=assume-none', `--report-file=${file}`]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/error +LP001 +container "server" port 80\/TCP cannot bind/);
  });

  test('check options pass through: --level privileged still fails on the port, --format json reports it', () => {
    const result = postRendered(TRAP_VALUES, ['--image-facts=assume-none', '--level=privileged', '--format=json']);
    expect(result.status).not.toBe(0);
    if (major < 4) expect(result.stderr).toMatch(/"ruleId": ?"LP001"/);
  });
});
