/**
 * `check --fix` with the image facts `check` reads (docs/fix.md): from a real registry (Debian's
 * docker-registry on 127.0.0.1, images pushed with skopeo; `--image-facts registry`, the default)
 * and from an image map (`--images`). The image decides the plan and the model, reading the
 * image, approves it; a pull that fails leaves nothing to guess; and the report lists the images
 * read as `check` of the same input lists them.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun } from './check-json';
import { checkJson, firstPortOf, runCheck } from './check-json';
import type { Registry } from './registry';
import { startRegistry } from './registry';
import type { CheckReport } from '../../src/check/report';
import { baseFiles, buildLayer, elfBinary, writeOciLayout } from '../image/image-builder';

const WORK = join(__dirname, '..', '.work', 'registry-fix');
const SERVER = '/usr/local/bin/server';
/** A registry that is down: nothing listens on port 9 of 127.0.0.1. */
const DOWN = '127.0.0.1:9';
const CHECKED_BY = 'under runtime profile strict, required level';

let registry: Registry;
let layout: string;
/** The config every run takes: plain HTTP to the test registry and to the one that is down. */
let config: string;
/** The images' manifest digests, by tag (skopeo pushes them unchanged). */
let digests: Record<string, string>;

beforeAll(async () => {
  mkdirSync(WORK, { recursive: true });
  const base = buildLayer({ files: baseFiles() });
  const capped = buildLayer({ files: [{ path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] });
  const plain = buildLayer({ files: [{ path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755 }] });
  layout = writeOciLayout('registry-fix', [
    // Seed 001's image: a binary setcap'd in its Dockerfile; seed 000's: the same binary without it.
    { tag: 'setcap', config: { User: '1000', Entrypoint: [SERVER] }, layers: [base, capped] },
    { tag: 'plain', config: { User: '1000', Entrypoint: [SERVER] }, layers: [base, plain] },
  ]);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  digests = Object.fromEntries(index.manifests.map((manifest) => [manifest.annotations['org.opencontainers.image.ref.name'], manifest.digest]));
  registry = await startRegistry();
  await Promise.all(['setcap', 'plain'].map((tag) => registry.push(`oci:${layout}:${tag}`, `web:${tag}`)));
  config = join(WORK, 'config.json');
  writeFileSync(config, JSON.stringify({ registry: { plainHttp: [registry.host, DOWN] } }));
}, 60_000);

afterAll(async () => {
  await registry?.stop();
});

/** The test registry's image of `tag`. */
function image(tag: string): string {
  return `${registry.host}/web:${tag}`;
}

/** An image map file naming `entries` (reference → location). */
function imageMap(entries: Record<string, string>): string {
  const file = join(mkdtempSync(join(WORK, 'map-')), 'images.yaml');
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

/** The map of the two images as laid out on disk. */
function layoutMap(): string {
  return imageMap({ [image('setcap')]: `oci:${layout}:setcap`, [image('plain')]: `oci:${layout}:plain` });
}

/**
 * A Deployment of one container on port 80, non-root (uid 1000), `drop: [ALL]`, with
 * `add: [NET_BIND_SERVICE]` unless `add` is false.
 */
function deployment(name: string, reference: string, options: { add?: boolean; hostNetwork?: boolean; annotated?: boolean } = {}): string {
  const annotation = options.annotated === true ? `      annotations:\n        file-capabilities.k8s-least-privilege.dev/${name}: cap_net_bind_service=+ep\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
${annotation}    spec:
${options.hostNetwork === true ? '      hostNetwork: true\n' : ''}      containers:
      - name: ${name}
        image: ${reference}
        ports:
        - containerPort: 80
        securityContext:
          runAsNonRoot: true
          runAsUser: 1000
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]
${options.add === false ? '' : '            add: [NET_BIND_SERVICE]\n'}`;
}

/** What --fix adds to the pod of {@link deployment}: the sysctl for port 80 (when `sysctl`), and seccomp RuntimeDefault. */
function podSecurityContext(sysctl: boolean): string {
  const sysctls = sysctl ? '        sysctls:\n        - name: net.ipv4.ip_unprivileged_port_start\n          value: "80"\n' : '';
  return `      securityContext:\n${sysctls}        seccompProfile:\n          type: RuntimeDefault\n`;
}

/** A fresh copy of `text` to fix. */
function manifestFile(text: string): string {
  const file = join(mkdtempSync(join(WORK, 'run-')), 'app.yaml');
  writeFileSync(file, text);
  return file;
}

/** A run of `check --config CONFIG ARGS FILE` (FILE last), with a facts cache of its own unless `cache` is given. */
function check(args: readonly string[], file: string, cache?: string): Promise<CliRun> {
  return runCheck(['--config', config, ...args, file], WORK, cache);
}

/** `check --format json`'s report of `file`. */
async function report(args: readonly string[], file: string, cache?: string): Promise<CheckReport> {
  return (await checkJson(['--config', config, ...args, file], WORK, cache)).report;
}

/** A JSON run's report, with the fixes `--fix` adds to it. */
function fixReport(run: CliRun): CheckReport & { fixes: Array<Record<string, unknown>> } {
  return JSON.parse(run.stdout) as CheckReport & { fixes: Array<Record<string, unknown>> };
}

/** Why uid 1000 binds port 80 by a file capability: the binary's, in `where`. */
function bindsByFileCapability(where: string): string {
  return (
    `Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 1000 gains it on exec from the binary's file capability (cap_net_bind_service=ep on ${SERVER} in ${where}), ` +
    'which the bounding set allows. no_new_privs (allowPrivilegeEscalation: false) does not stop it, because the runtime already put the capability in the permitted set.'
  );
}

const BINDS_BY_SYSCTL = 'Port 80 ≥ net.ipv4.ip_unprivileged_port_start=80, set by the pod\'s sysctl: any uid binds it without a capability.';
const SECCOMP_CHANGE = { ruleIds: ['LP011'], container: null, description: 'spec.template.spec.securityContext.seccompProfile: {"type":"RuntimeDefault"}' };

/** The change that keeps NET_BIND_SERVICE in the container's bounding set for its binary's file capability. */
function fileCapabilityChange(container: string, annotationDeclared: boolean): Record<string, unknown> {
  const declared = annotationDeclared ? ', the file-capability annotation declared' : '';
  return { ruleIds: ['LP001', 'LP002'], container, description: `port 80/TCP: fileCapability: file capability (NET_BIND_SERVICE kept in the bounding set${declared})` };
}

function sysctlChange(container: string): Record<string, unknown> {
  return { ruleIds: ['LP001', 'LP002'], container, description: 'port 80/TCP: unprivilegedPortSysctl: pod sysctl net.ipv4.ip_unprivileged_port_start=80' };
}

describe('(a) a binary that carries cap_net_bind_service=+ep', () => {
  test('registry: the pod that is unknown without the image binds with it, so --fix has no port to fix and only hardens', async () => {
    const text = deployment('setcap', image('setcap'));
    const file = manifestFile(text);
    const offline = firstPortOf(await report(['--image-facts', 'offline'], file), 'setcap');
    expect(offline).toMatchObject({ bind: 'unknown', awaitsImage: true });

    const run = await check(['--fix'], file);
    expect(run).toEqual({
      status: 0,
      stdout:
        `${file}:1  fixed  Deployment setcap  ${SECCOMP_CHANGE.description} (LP011)\n\n` +
        `${file}:1  Deployment setcap  (Pod Security: restricted)\n` +
        `    setcap 80/TCP  binds  ${bindsByFileCapability(`${registry.host}/web@${digests.setcap}`)}\n\n` +
        `Checked 1 resource (1 with pods) in 1 file ${CHECKED_BY} baseline: 0 errors, 0 warnings, 0 info; ports: 1 bind, 0 denied, 0 unknown.\n`,
      stderr: '',
    });
    expect(readFileSync(file, 'utf8')).toBe(text + podSecurityContext(false));
  });

  test('--images: a pod that keeps no NET_BIND_SERVICE fails exec (EPERM); --fix picks the file-capability plan and the image proves it', async () => {
    const text = deployment('setcap', image('setcap'), { add: false });
    const file = manifestFile(text);
    const map = layoutMap();
    const before = firstPortOf(await report(['--images', map], file), 'setcap');
    expect(before).toEqual({
      containerPort: 80,
      protocol: 'TCP',
      bind: 'denied',
      reason:
        `The container cannot bind port 80: exec of its binary fails with EPERM: the file capability (cap_net_bind_service=ep on ${SERVER} in ${image('setcap')} ` +
        `(oci:${layout}:setcap)) needs CAP_NET_BIND_SERVICE in the bounding set, which the securityContext removes; add NET_BIND_SERVICE to capabilities.add.`,
    });

    const run = await check(['--format', 'json', '--fix', '--images', map], file);
    expect(run.status).toBe(0);
    const fixed = fixReport(run);
    expect(fixed.fixes.map(({ changes, notes, unfixable }) => ({ changes, notes, unfixable }))).toEqual([
      { changes: [fileCapabilityChange('setcap', true), SECCOMP_CHANGE], notes: [], unfixable: [] },
    ]);
    expect(firstPortOf(fixed, 'setcap')).toEqual({
      containerPort: 80,
      protocol: 'TCP',
      bind: 'allowed',
      reason: bindsByFileCapability(`${image('setcap')} (oci:${layout}:setcap)`),
    });
    expect(fixed.images).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe(
      text
        .replace('      labels: {app: setcap}\n', '      labels: {app: setcap}\n      annotations:\n        file-capabilities.k8s-least-privilege.dev/setcap: cap_net_bind_service=+ep\n')
        .replace('            drop: [ALL]\n', '            drop: [ALL]\n            add:\n            - NET_BIND_SERVICE\n') + podSecurityContext(false),
    );
  });

  test('registry, the annotation declaring it: the image is read and the file-capability plan keeps NET_BIND_SERVICE', async () => {
    const text = deployment('declared', image('setcap'), { add: false, annotated: true });
    const file = manifestFile(text);
    const run = await check(['--format', 'json', '--fix'], file);
    expect(run.status).toBe(0);
    const fixed = fixReport(run);
    expect(fixed.fixes.map(({ changes, unfixable }) => ({ changes, unfixable }))).toEqual([{ changes: [fileCapabilityChange('declared', false), SECCOMP_CHANGE], unfixable: [] }]);
    expect(firstPortOf(fixed, 'declared').reason).toBe(bindsByFileCapability(`${registry.host}/web@${digests.setcap}`));
    expect(fixed.images).toEqual([
      { image: image('setcap'), platform: 'linux/amd64', status: 'pulled', source: `${registry.host}/web@${digests.setcap}`, layersRead: 1, message: null },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(text.replace('            drop: [ALL]\n', '            drop: [ALL]\n            add:\n            - NET_BIND_SERVICE\n') + podSecurityContext(false));
  });
});

describe('(b) the same binary without the file capability', () => {
  test.each([
    ['registry', () => []],
    ['--images', () => ['--images', layoutMap()]],
  ])('%s: the port is denied by the image, and the sysctl is the plan (not the file capability)', async (_source, extra) => {
    const text = deployment('plain', image('plain'));
    const file = manifestFile(text);
    const args = extra();
    expect(firstPortOf(await report(args, file), 'plain').bind).toBe('denied');
    const run = await check(['--format', 'json', '--fix', ...args], file);
    expect(run.status).toBe(0);
    const fixed = fixReport(run);
    expect(fixed.fixes.map(({ changes, notes, unfixable }) => ({ changes, notes, unfixable }))).toEqual([
      { changes: [sysctlChange('plain'), SECCOMP_CHANGE], notes: [], unfixable: [] },
    ]);
    expect(firstPortOf(fixed, 'plain')).toMatchObject({ bind: 'allowed', reason: BINDS_BY_SYSCTL });
    expect(readFileSync(file, 'utf8')).toBe(text + podSecurityContext(true));
  });

  test('registry, hostNetwork at level privileged with uid 1000: no plan binds it; not fixable, with the Dockerfile lines that would', async () => {
    const text = deployment('host', image('plain'), { hostNetwork: true });
    const file = manifestFile(text);
    const run = await check(['--format', 'json', '--fix', '--level', 'privileged'], file);
    expect(run.status).toBe(1);
    const fixed = fixReport(run);
    const denied =
      'Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 1000 has none after exec, because Kubernetes sets no ambient capabilities (kubernetes#56374), ' +
      'so capabilities.add does not reach a non-root process; give the binary a file capability (setcap cap_net_bind_service=+ep), listen on a port ≥ 1024, ' +
      'or set the pod sysctl net.ipv4.ip_unprivileged_port_start=80.';
    const dockerfile = [
      '# k8s-least-privilege: BindStrategy.fileCapability — /usr/local/bin/server gains CAP_NET_BIND_SERVICE on exec',
      '# (the pod keeps NET_BIND_SERVICE in the bounding set and declares the file capability annotation).',
      'USER root',
      'RUN apt-get update \\',
      ' && apt-get install -y --no-install-recommends libcap2-bin \\',
      ' && setcap cap_net_bind_service=+ep /usr/local/bin/server \\',
      ' && apt-get purge -y --auto-remove libcap2-bin \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'USER 1000:65532',
    ].join('\n');
    expect(fixed.fixes.map(({ changes, notes, unfixable }) => ({ changes, notes, unfixable }))).toEqual([
      {
        changes: [SECCOMP_CHANGE],
        notes: [],
        unfixable: [
          {
            container: 'host',
            port: '80/TCP',
            why:
              "the planner's fileCapability plan (file capability (NET_BIND_SERVICE kept in the bounding set, the file-capability annotation declared)) was not applied: " +
              `container "host" port 80/TCP would still be denied: ${denied}; to make it bind, the image of container "host" must carry the file capability; ` +
              `add to the final stage of its Dockerfile:\n${dockerfile}`,
          },
        ],
      },
    ]);
    expect(firstPortOf(fixed, 'host')).toEqual({ containerPort: 80, protocol: 'TCP', bind: 'denied', reason: denied });
    expect(readFileSync(file, 'utf8')).toBe(text + podSecurityContext(false));
  });
});

describe('(c) an image that cannot be read: nothing is guessed', () => {
  test('a registry that is down: the port is unknown; --fix writes the sysctl, which binds whatever the image holds, exactly as with no image read', async () => {
    const reference = `${DOWN}/web:plain`;
    const text = deployment('down', reference);
    const pullFailed = `the pull of ${reference} (linux/amd64) failed: ${DOWN}: connection refused (is the registry up?)`;
    const before = firstPortOf(await report([], manifestFile(text)), 'down');
    expect(before).toEqual({
      containerPort: 80,
      protocol: 'TCP',
      bind: 'unknown',
      awaitsImage: true,
      reason:
        'Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 1000 has it after exec only if the program its Entrypoint/Cmd runs in ' +
        `${reference} carries the file capability cap_net_bind_service=+ep (Kubernetes sets no ambient capabilities); ${pullFailed}.`,
    });

    const file = manifestFile(text);
    const run = await check(['--fix'], file);
    expect(run).toEqual({
      status: 0,
      stdout:
        `${file}:1  fixed  Deployment down  down: ${sysctlChange('down').description} (LP001, LP002)\n` +
        `${file}:1  fixed  Deployment down  ${SECCOMP_CHANGE.description} (LP011)\n\n` +
        `${file}:1  Deployment down  (Pod Security: restricted)\n` +
        `    down 80/TCP  binds  ${BINDS_BY_SYSCTL}\n\n` +
        `warning  image ${pullFailed}\n\n` +
        `Checked 1 resource (1 with pods) in 1 file ${CHECKED_BY} baseline: 0 errors, 0 warnings, 0 info; ports: 1 bind, 0 denied, 0 unknown.\n`,
      stderr: '',
    });
    expect(readFileSync(file, 'utf8')).toBe(text + podSecurityContext(true));
    // What the image would say decides nothing: the fix is the one made when no image is read.
    const offline = manifestFile(text);
    await check(['--fix', '--image-facts', 'offline'], offline);
    expect(readFileSync(offline, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  test('a registry that is down, and hostNetwork at level privileged: not fixable, and the port stays unknown with the pull\'s failure', async () => {
    const reference = `${DOWN}/web:plain`;
    const text = deployment('down', reference, { hostNetwork: true });
    const file = manifestFile(text);
    const run = await check(['--format', 'json', '--fix', '--level', 'privileged'], file);
    expect(run.status).toBe(0);
    const fixed = fixReport(run);
    // The planner is not told a binary the image was not read for: the file capability cannot be planned, and nothing else fits.
    const why =
      'BindStrategy.auto() cannot bind port 80/TCP at Pod Security "privileged": no strategy fits the declared facts (' +
      'highPort: check --fix: container "down" cannot move the ports of the containers it is given (port 80/TCP): the application must listen on a port ≥ 1024, ' +
      'the container declare that port, and a Service map the privileged port to it; ' +
      'userNamespace: the cluster is not declared to support user namespaces (clusterFeatures: { userNamespaces: true }); ' +
      'unprivilegedPortSysctl: net.ipv4.ip_unprivileged_port_start is a network-namespace sysctl, and the kubelet rejects it with hostNetwork (SysctlForbidden); ' +
      'fileCapability: the binary to setcap is not known (give binary, or BindStrategy.fileCapability({ binary })); ' +
      'rootWithNetBindService: runAsUser is 1000, but this strategy runs the binding container as uid 0: the two contradict). ' +
      'Alternatives: make the application listen on ports ≥ 1024 and declare those on the container instead (80/TCP → 8080), with a Service that maps the privileged ports to them; ' +
      'BindStrategy.fileCapability({ binary }) with the path of the program that listens (restricted; setcap it in the image\'s final stage: the plan\'s Dockerfile lines); ' +
      'BindStrategy.rootWithNetBindService() (uid 0 with only NET_BIND_SERVICE; remove runAsUser (1000): this strategy runs the binding container as uid 0).';
    expect(fixed.fixes.map(({ changes, notes, unfixable }) => ({ changes, notes, unfixable }))).toEqual([
      { changes: [SECCOMP_CHANGE], notes: [], unfixable: [{ container: 'down', port: '80/TCP', why }] },
    ]);
    expect(firstPortOf(fixed, 'down')).toEqual({
      containerPort: 80,
      protocol: 'TCP',
      bind: 'unknown',
      awaitsImage: true,
      reason:
        'Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 1000 has it after exec only if the program its Entrypoint/Cmd runs in ' +
        `${reference} carries the file capability cap_net_bind_service=+ep (Kubernetes sets no ambient capabilities); ` +
        `the pull of ${reference} (linux/amd64) failed: ${DOWN}: connection refused (is the registry up?).`,
    });
    expect(fixed.summary.portsAwaitingImages).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(text + podSecurityContext(false));
  });
});

describe('the report of --fix lists the images as check of the same input does', () => {
  const brokenLocation = () => `oci:${join(WORK, 'no-such-layout')}:1`;
  let input: string;
  let map: string;
  beforeAll(() => {
    input = [deployment('setcap', image('setcap')), deployment('plain', image('plain')), deployment('down', `${DOWN}/web:plain`), deployment('broken', image('broken'))].join('---\n');
    map = imageMap({ [image('broken')]: brokenLocation() });
  });

  /** The images every run of this input reports: the map's failures, then the pulls by reference; `status` of the two the registry serves. */
  function expectedImages(status: 'pulled' | 'cached'): CheckReport['images'] {
    return [
      {
        image: image('broken'),
        platform: 'linux/amd64',
        status: 'failed',
        source: brokenLocation(),
        layersRead: null,
        message: `image ${image('broken')}: ${brokenLocation()}: not an OCI image layout: there is no oci-layout file`,
      },
      { image: image('plain'), platform: 'linux/amd64', status, source: `${registry.host}/web@${digests.plain}`, layersRead: status === 'pulled' ? 1 : 0, message: null },
      { image: image('setcap'), platform: 'linux/amd64', status, source: `${registry.host}/web@${digests.setcap}`, layersRead: status === 'pulled' ? 1 : 0, message: null },
      {
        image: `${DOWN}/web:plain`,
        platform: 'linux/amd64',
        status: 'failed',
        source: null,
        layersRead: null,
        message: `the pull of ${DOWN}/web:plain (linux/amd64) failed: ${DOWN}: connection refused (is the registry up?)`,
      },
    ];
  }

  test('JSON: pulled, cached and failed (a broken --images entry included), with --fix and with --dry-run', async () => {
    const checked = await report(['--images', map], manifestFile(input));
    expect(checked.images).toEqual(expectedImages('pulled'));
    const dryRun = fixReport(await check(['--format', 'json', '--fix', '--dry-run', '--images', map], manifestFile(input)));
    expect(dryRun.images).toEqual(expectedImages('pulled'));
    const cache = mkdtempSync(join(WORK, 'cache-'));
    const written = fixReport(await check(['--format', 'json', '--fix', '--images', map], manifestFile(input), cache));
    expect(written.images).toEqual(expectedImages('pulled'));
    // A second --fix of the same input, with the same cache, reads the facts from it, as check would.
    const again = fixReport(await check(['--format', 'json', '--fix', '--images', map], manifestFile(input), cache));
    expect(again.images).toEqual(expectedImages('cached'));
    expect((await report(['--images', map], manifestFile(input), cache)).images).toEqual(expectedImages('cached'));
    // The broken entry's verdict is unknown with its reason, and it is not pulled from the registry instead.
    expect(firstPortOf(dryRun, 'broken')).toMatchObject({ bind: 'unknown', awaitsImage: true });
    expect(firstPortOf(dryRun, 'broken').reason).toContain(`image ${image('broken')}: ${brokenLocation()}: not an OCI image layout`);
  });

  test('human: the same warning lines as check', async () => {
    const warnings = (text: string) => text.split('\n').filter((line) => line.startsWith('warning  image '));
    const expected = [
      `warning  image image ${image('broken')}: ${brokenLocation()}: not an OCI image layout: there is no oci-layout file`,
      `warning  image the pull of ${DOWN}/web:plain (linux/amd64) failed: ${DOWN}: connection refused (is the registry up?)`,
    ];
    expect(warnings((await check(['--images', map], manifestFile(input))).stdout)).toEqual(expected);
    // --dry-run: the diff on standard output, the report on standard error.
    expect(warnings((await check(['--fix', '--dry-run', '--images', map], manifestFile(input))).stderr)).toEqual(expected);
    expect(warnings((await check(['--fix', '--images', map], manifestFile(input))).stdout)).toEqual(expected);
  });

  test('SARIF: check\'s own log, each result a fix answers carrying it', async () => {
    const file = manifestFile(input);
    const checked = await check(['--format', 'sarif', '--images', map], file);
    const dryRun = await check(['--format', 'sarif', '--fix', '--dry-run', '--images', map], file);
    expect(dryRun.status).toBe(checked.status);
    type Sarif = { runs: Array<{ results: Array<{ fixes?: unknown[] }> }> };
    const log = JSON.parse(dryRun.stdout) as Sarif;
    expect(log.runs[0].results.some((result) => result.fixes !== undefined)).toBe(true);
    for (const result of log.runs[0].results) delete result.fixes;
    expect(log).toEqual(JSON.parse(checked.stdout));
  });
});
