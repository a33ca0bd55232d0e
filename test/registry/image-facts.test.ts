/**
 * `check --image-facts registry|offline|assume-none` against real registries (Debian's
 * docker-registry on 127.0.0.1, images pushed with skopeo): the verdicts the images decide,
 * auth (htpasswd over TLS, bearer tokens, credential helpers), mirrors, platforms, the facts
 * cache, the top-down read, and every fault a pull meets.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import type { CheckRun } from './check-json';
import { checkJson, firstPortOf } from './check-json';
import type { FaultProxy, Registry } from './registry';
import { makeIndexLayout, startFaultProxy, startRegistry } from './registry';
import type { CheckReport } from '../../src/check/report';
import { runCliAsync } from '../../src/cli/main';
import type { Cdk8sValidationContext, Cdk8sValidationViolation } from '../../src/integrations/cdk8s-validation';
import { LeastPrivilegeValidation } from '../../src/integrations/cdk8s-validation';
import { leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';
import { baseFiles, buildLayer, elfBinary, writeOciLayout } from '../image/image-builder';

const BIN = join(__dirname, '..', '..', 'bin', 'k8s-least-privilege');
const WORK = join(__dirname, '..', '.work', 'registry-facts');
const SERVER = 'usr/local/bin/server';
const execFileAsync = promisify(execFile);

/** A workload of one container on port 80: non-root, drop ALL, add NET_BIND_SERVICE (seed 000 and 001's securityContext). */
function workload(
  name: string,
  image: string,
  extra: { nodeSelector?: Record<string, string>; command?: string[]; runAsNonRoot?: boolean } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        spec: {
          ...(extra.nodeSelector === undefined ? {} : { nodeSelector: extra.nodeSelector }),
          containers: [
            {
              name,
              image,
              ...(extra.command === undefined ? {} : { command: extra.command }),
              ports: [{ containerPort: 80 }],
              securityContext: { runAsNonRoot: extra.runAsNonRoot ?? true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
            },
          ],
        },
      },
    },
  };
}

function manifestFile(name: string, objects: readonly Record<string, unknown>[]): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `${name}.yaml`);
  writeFileSync(file, objects.map((object) => JSON.stringify(object)).join('\n---\n'));
  return file;
}

function configFile(name: string, config: Record<string, unknown>): string {
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `${name}.config.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** `check --format json` in this process, with its own facts cache unless one is given. */
function check(args: readonly string[], cache?: string): Promise<CheckRun> {
  return checkJson(args, WORK, cache);
}

const portOf = firstPortOf;

function blobGets(proxy: FaultProxy): string[] {
  return proxy.requests.filter((request) => request.method === 'GET' && request.path.includes('/blobs/')).map((request) => request.path);
}

let layout: string;
let registry: Registry;
let proxy: FaultProxy;

beforeAll(async () => {
  mkdirSync(WORK, { recursive: true });
  const base = buildLayer({ files: baseFiles() });
  const capped = buildLayer({ files: [{ path: SERVER, copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] });
  const plain = buildLayer({ files: [{ path: SERVER, copyOf: elfBinary(), mode: 0o755 }] });
  const filler = buildLayer({ files: [{ path: 'opt/data/readme', content: 'a layer between the base and the binary\n' }] });
  layout = writeOciLayout('registry-facts', [
    // Seed 001: a Go binary setcap'd in its Dockerfile; seed 000: an interpreter image without it.
    { tag: 'setcap', config: { User: '1000', Entrypoint: [`/${SERVER}`] }, layers: [base, filler, capped] },
    { tag: 'plain', config: { User: '1000', Entrypoint: [`/${SERVER}`] }, layers: [base, filler, plain] },
    { tag: 'named', config: { User: 'app', Entrypoint: [`/${SERVER}`] }, layers: [base, capped] },
  ]);
  registry = await startRegistry();
  await Promise.all(['setcap', 'plain', 'named'].map((tag) => registry.push(`oci:${layout}:${tag}`, `web:${tag}`)));
  proxy = await startFaultProxy(registry.url);
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

beforeEach(() => {
  proxy.fault = undefined;
  proxy.requests.length = 0;
});

describe('the three modes on seeds 000 and 001: the same securityContext, the image decides', () => {
  let manifests: string;
  let config: string;
  beforeAll(() => {
    manifests = manifestFile('seeds', [workload('seed-001', `${proxy.host}/web:setcap`), workload('seed-000', `${proxy.host}/web:plain`)]);
    config = configFile('plain-http', { registry: { plainHttp: [proxy.host] } });
  });

  test('registry (the default): the setcap\'d binary binds, the other is denied, each naming the image by digest', async () => {
    const { status, report } = await check(['--config', config, manifests]);
    expect(status).toBe(1);
    const capped = portOf(report, 'seed-001');
    expect(capped.bind).toBe('allowed');
    expect(capped.reason).toMatch(new RegExp(`cap_net_bind_service=\\+?ep on /${SERVER} in ${proxy.host.replace('.', '\\.')}/web@sha256:[0-9a-f]{64}`));
    expect(portOf(report, 'seed-000').bind).toBe('denied');
    expect(report.images?.map((image) => image.status)).toEqual(['pulled', 'pulled']);
  });

  test('offline: both unknown, each asking which binary must carry which capability, and no request made', async () => {
    const { status, report } = await check(['--config', config, '--image-facts', 'offline', manifests]);
    expect(status).toBe(0);
    for (const name of ['seed-000', 'seed-001']) {
      const port = portOf(report, name);
      expect(port).toMatchObject({ bind: 'unknown', awaitsImage: true });
      expect(port.reason).toMatch(/only if the program its Entrypoint\/Cmd runs in .*web:(plain|setcap) carries the file capability cap_net_bind_service=\+ep/);
    }
    expect(report.summary.portsAwaitingImages).toBe(2);
    expect(proxy.requests).toEqual([]);
  });

  test('assume-none: both denied, as before image facts (the closed world), and no request made', async () => {
    const { report } = await check(['--config', config, '--image-facts', 'assume-none', manifests]);
    expect([portOf(report, 'seed-000').bind, portOf(report, 'seed-001').bind]).toEqual(['denied', 'denied']);
    expect(proxy.requests).toEqual([]);
  });

  test('a second check of the same input downloads nothing: facts and tag digests come from the cache', async () => {
    const cache = mkdtempSync(join(WORK, 'cache-'));
    await check(['--config', config, manifests], cache);
    const first = proxy.requests.length;
    expect(first).toBeGreaterThan(0);
    const again = await check(['--config', config, manifests], cache);
    expect(proxy.requests.length).toBe(first);
    expect(again.report.images?.map((image) => image.status)).toEqual(['cached', 'cached']);
    expect(portOf(again.report, 'seed-001').bind).toBe('allowed');
  });

  test('layers are read from the top down and the pull stops once the binary is decided', async () => {
    await check(['--config', config, manifests]);
    // Per image: the config and the top layer (the binary, absolute Entrypoint, numeric USER): not the filler, not the base.
    expect(blobGets(proxy)).toHaveLength(4);
  });

  test('a USER that is a name reads down to /etc/passwd (without runAsNonRoot, which the kubelet refuses with a name)', async () => {
    const file = manifestFile('named', [workload('named', `${proxy.host}/web:named`, { runAsNonRoot: false })]);
    const { report } = await check(['--config', config, file]);
    expect(portOf(report, 'named').bind).toBe('allowed');
    expect(blobGets(proxy)).toHaveLength(3);
  });
});

describe('faults: a warning naming the image and the cause, the verdict unknown, nothing else lost, never exit 2', () => {
  const cases: ReadonlyArray<[string, (proxy: FaultProxy) => void, RegExp, Record<string, unknown>?]> = [
    ['401', (p) => (p.fault = (r) => (r.url?.includes('/manifests/') ? { status: 401 } : undefined)), /401 Unauthorized/],
    ['404', (p) => (p.fault = (r) => (r.url?.includes('/manifests/') ? { status: 404 } : undefined)), /404 Not Found/],
    ['a truncated blob', (p) => (p.fault = (r) => (r.url?.includes('/blobs/') ? { truncate: 40 } : undefined)), /cut off|truncated|cannot be (read|decompressed)|bytes/],
    ['a digest mismatch', (p) => (p.fault = (r) => (r.url?.includes('/blobs/') ? { corrupt: true } : undefined)), /digest sha256:[0-9a-f]{64}|corrupt|cannot be decompressed/],
    ['a layer over the size limit', () => undefined, /over the limit of 10 \(maxLayerBytes\)/, { maxLayerBytes: 10 }],
    ['a slow registry', (p) => (p.fault = (r) => (r.url?.includes('/manifests/') ? { delayMs: 5000 } : undefined)), /no answer within 1 s/, { timeoutSeconds: 1 }],
    ['a registry that stalls in the middle of a blob', (p) => (p.fault = (r) => (r.url?.includes('/blobs/') ? { stall: 40 } : undefined)), /no answer within 1 s/, { timeoutSeconds: 1 }],
  ];
  test.each(cases)('%s', async (_name, arrange, cause, registrySettings = {}) => {
    arrange(proxy);
    const file = manifestFile('fault', [workload('web', `${proxy.host}/web:plain`), workload('other', 'registry.invalid/none:1', { command: ['/bin/true'] })]);
    const config = configFile('fault', { registry: { plainHttp: [proxy.host], ...registrySettings } });
    const { status, report } = await check(['--config', config, file]);
    expect(status).toBe(0);
    expect(report.errors).toEqual([]);
    const failed = report.images?.find((image) => image.image.startsWith(proxy.host));
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.message).toMatch(cause);
    expect(failed?.message).toContain(`${proxy.host}/web:plain`);
    expect(portOf(report, 'web')).toMatchObject({ bind: 'unknown', awaitsImage: true });
    expect(portOf(report, 'web').reason).toMatch(cause);
    expect(report.resources.map((resource) => resource.name)).toEqual(['web', 'other']);
  }, 30_000);

  test('a registry that is down', async () => {
    const file = manifestFile('down', [workload('web', '127.0.0.1:9/web:plain')]);
    const config = configFile('down', { registry: { plainHttp: ['127.0.0.1:9'] } });
    const { status, report } = await check(['--config', config, file]);
    expect(status).toBe(0);
    expect(report.images?.[0].message).toMatch(/127\.0\.0\.1:9: connection refused/);
    expect(portOf(report, 'web').bind).toBe('unknown');
  });

  test('a pinned digest that the registry\'s manifest does not match', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    proxy.fault = (r) => (r.url?.includes(`/manifests/${wrong}`) ? { body: JSON.stringify({ schemaVersion: 2, layers: [] }), contentType: 'application/vnd.oci.image.manifest.v1+json' } : undefined);
    const file = manifestFile('pinned', [workload('web', `${proxy.host}/web@${wrong}`)]);
    const { report } = await check(['--config', configFile('pinned', { registry: { plainHttp: [proxy.host] } }), file]);
    expect(report.images?.[0].message).toMatch(new RegExp(`the manifest blob ${wrong} has the digest sha256:[0-9a-f]{64}: it is corrupt or was replaced`));
  });
});

describe('platforms: an image index is resolved for --platform or the pod\'s kubernetes.io/arch', () => {
  test('arm64 by nodeSelector, amd64 by default', async () => {
    const index = makeIndexLayout('registry-facts-index');
    await registry.push(index.reference, 'multi:1', { all: true });
    const arm = workload('arm', `${proxy.host}/multi:1`, { nodeSelector: { 'kubernetes.io/arch': 'arm64' } });
    const file = manifestFile('platforms', [arm, workload('amd', `${proxy.host}/multi:1`)]);
    const { report } = await check(['--config', configFile('platforms', { registry: { plainHttp: [proxy.host] } }), file]);
    const read = Object.fromEntries((report.images ?? []).map((image) => [image.platform, image.source]));
    const byPlatform = Object.fromEntries(index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]));
    expect(read['linux/arm64']).toBe(`${proxy.host}/multi@${byPlatform['linux/arm64']}`);
    expect(read['linux/amd64']).toBe(`${proxy.host}/multi@${byPlatform['linux/amd64']}`);
  });
});

describe('a mirror serves docker.io for an air-gapped site', () => {
  test('docker.io/library/web:setcap read from the mirror, no request to Docker Hub', async () => {
    await registry.push(`oci:${layout}:setcap`, 'library/web:setcap');
    const file = manifestFile('mirror', [workload('web', 'web:setcap')]);
    const config = configFile('mirror', { registry: { mirrors: { 'docker.io': [proxy.host] }, plainHttp: [proxy.host] } });
    const { report } = await check(['--config', config, file]);
    expect(portOf(report, 'web').bind).toBe('allowed');
    expect(report.images?.[0]).toMatchObject({ status: 'pulled', source: expect.stringMatching(/^docker\.io\/library\/web@sha256:/) });
    expect(proxy.requests.some((request) => request.path.startsWith('/v2/library/web/manifests/setcap'))).toBe(true);
  });
});

describe('auth', () => {
  let secure: Registry;
  let tokens: Registry;
  beforeAll(async () => {
    [secure, tokens] = await Promise.all([startRegistry({ tls: true, auth: 'htpasswd' }), startRegistry({ auth: 'token', anonymousPull: false })]);
    await Promise.all([secure.push(`oci:${layout}:setcap`, 'web:setcap'), tokens.push(`oci:${layout}:setcap`, 'web:setcap')]);
  }, 60_000);
  afterAll(async () => {
    await secure?.stop();
    await tokens?.stop();
  });

  /**
   * The installed binary with `env` (NODE_EXTRA_CA_CERTS is read at start-up); run without
   * blocking, since the token issuer answers from this process.
   */
  async function checkWithBinary(env: Record<string, string>, ...args: string[]): Promise<CheckRun> {
    const options = { env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(WORK, 'cache-')), ...env }, timeout: 60_000 };
    const result = await execFileAsync(BIN, ['check', '--format', 'json', ...args], options).catch((error: { code: number; stdout: string; stderr: string }) => error);
    const status = 'code' in result ? result.code : 0;
    return { status, report: JSON.parse(result.stdout) as CheckReport, stderr: result.stderr };
  }

  test('TLS with a CA from NODE_EXTRA_CA_CERTS, htpasswd credentials from REGISTRY_AUTH_FILE', async () => {
    const file = manifestFile('tls', [workload('web', `${secure.host}/web:setcap`)]);
    const auth = join(WORK, 'auth.json');
    writeFileSync(auth, JSON.stringify({ auths: { [secure.host]: { auth: Buffer.from(`${secure.username}:${secure.password}`).toString('base64') } } }));
    const env = { NODE_EXTRA_CA_CERTS: secure.caFile as string, REGISTRY_AUTH_FILE: auth, HOME: WORK };
    expect(portOf((await checkWithBinary(env, file)).report, 'web').bind).toBe('allowed');
    const untrusted = await checkWithBinary({ REGISTRY_AUTH_FILE: auth, HOME: WORK }, file);
    expect(untrusted.report.images?.[0].message).toMatch(/TLS certificate is not trusted .*NODE_EXTRA_CA_CERTS/);
    const anonymous = await checkWithBinary({ NODE_EXTRA_CA_CERTS: secure.caFile as string, HOME: WORK }, file);
    expect(anonymous.report.images?.[0].message).toMatch(/401 Unauthorized: the registry needs credentials/);
  });

  test('a bearer-token challenge answered with credentials from a docker credential helper (credHelpers)', async () => {
    const home = mkdtempSync(join(WORK, 'home-'));
    const bin = join(home, 'bin');
    mkdirSync(join(home, '.docker'), { recursive: true });
    mkdirSync(bin);
    // A credential helper speaks the docker-credential protocol: the server on stdin, JSON out.
    writeFileSync(join(bin, 'docker-credential-test'), `#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "${tokens.host}" ] || exit 1\necho '{"ServerURL":"'"$server"'","Username":"${tokens.username}","Secret":"${tokens.password}"}'\n`);
    chmodSync(join(bin, 'docker-credential-test'), 0o755);
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [tokens.host]: 'test' } }));
    const file = manifestFile('token', [workload('web', `${tokens.host}/web:setcap`)]);
    const config = configFile('token', { registry: { plainHttp: [tokens.host] } });
    const run = await checkWithBinary({ HOME: home, PATH: `${bin}:${process.env.PATH}` }, '--config', config, file);
    expect(portOf(run.report, 'web').bind).toBe('allowed');
    expect(tokens.tokenRequests?.some((request) => request.username === tokens.username && request.status === 200 && request.scopes.includes('repository:web:pull'))).toBe(true);
  });
});

test('the image map and the annotation keep working in every mode', async () => {
  const annotated = workload('annotated', `${proxy.host}/web:plain`) as { spec: { template: { metadata?: unknown } } };
  annotated.spec.template.metadata = { annotations: { 'file-capabilities.k8s-least-privilege.dev/annotated': 'cap_net_bind_service=+ep' } };
  const file = manifestFile('declared', [annotated]);
  for (const mode of ['registry', 'offline', 'assume-none']) {
    const { report } = await check(['--config', configFile('declared', { registry: { plainHttp: [proxy.host] } }), '--image-facts', mode, file]);
    const port = portOf(report, 'annotated');
    const contradicted = report.resources[0].findings.filter((finding) => finding.ruleId === 'LP017');
    // The image is the truth where it was read: the uncapped binary is denied, and LP017 says the annotation is wrong.
    expect([port.bind, contradicted.length]).toEqual(mode === 'registry' ? ['denied', 1] : ['allowed', 0]);
  }
});

test('image inspect docker://REF reads the whole image from its registry, every layer', async () => {
  let stdout = '';
  const config = configFile('inspect', { registry: { plainHttp: [proxy.host] } });
  const status = await runCliAsync(['image', 'inspect', '--format', 'json', '--config', config, `docker://${proxy.host}/web:setcap`], { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) });
  expect(status).toBe(0);
  const inspection = JSON.parse(stdout) as {
    manifestDigest: string;
    layers: unknown[];
    capabilityTarget: { path: string; fileCapabilities: { text: string } };
  };
  expect(inspection.layers).toHaveLength(3);
  expect(inspection.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(inspection.capabilityTarget).toMatchObject({ path: `/${SERVER}`, fileCapabilities: { text: 'cap_net_bind_service=ep' } });
});

describe('the same facts in the cdk8s plugin and the Pulumi policy pack (registry mode, their default too)', () => {
  const cache = () => mkdtempSync(join(WORK, 'cache-'));

  test('the cdk8s plugin: seed 000 fails the synth, seed 001 passes, a failed pull is a warning', async () => {
    const verdicts = async (image: string) => {
      const violations: Cdk8sValidationViolation[] = [];
      let status: string | undefined;
      let metadata: Record<string, string> | undefined;
      const context: Cdk8sValidationContext = {
        manifests: [manifestFile(`plugin-${image.replace(/\W/g, '-')}`, [workload('web', image)])],
        report: {
          addViolation: (violation) => void violations.push(violation),
          submit: (submitted, given) => void ((status = submitted), (metadata = given)),
        },
      };
      await new LeastPrivilegeValidation({ registry: { plainHttp: [proxy.host], cacheDirectory: cache() } }).validate(context);
      return { status, metadata, rules: violations.map((violation) => violation.ruleName.split(' ')[0]) };
    };
    expect(await verdicts(`${proxy.host}/web:plain`)).toMatchObject({ status: 'failure', rules: expect.arrayContaining(['LP001']) });
    expect((await verdicts(`${proxy.host}/web:setcap`)).rules).not.toContain('LP001');
    const absent = await verdicts(`${proxy.host}/web:absent`);
    expect(absent).toMatchObject({ status: 'success', metadata: { unreadImages: `${proxy.host}/web:absent` } });
    expect(absent.rules).toContain('LP002');
    expect(absent.rules).not.toContain('image-pull');
  });

  test('the Pulumi pack: port-cannot-bind on seed 000 only, port-bind-unknown naming a failed pull', async () => {
    const policies = leastPrivilegePolicies();
    const violations = async (policyName: string, image: string) => {
      const reported: string[] = [];
      const args = {
        type: 'kubernetes:apps/v1:Deployment',
        props: workload('web', image),
        urn: 'urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web',
        name: 'web',
        opts: {},
        getConfig: () => ({ registry: { plainHttp: [proxy.host], cacheDirectory: cache() } }),
        notApplicable: (reason?: string) => {
          throw new Error(`not applicable: ${reason}`);
        },
      } as unknown as ResourceValidationArgs;
      const policy = policies.find((candidate) => candidate.name === policyName) as ResourceValidationPolicy;
      await (policy.validateResource as ResourceValidation)(args, (message: string) => reported.push(message));
      return reported;
    };
    expect(await violations('port-cannot-bind', `${proxy.host}/web:plain`)).toEqual([expect.stringMatching(/^\[LP001\]/)]);
    expect(await violations('port-cannot-bind', `${proxy.host}/web:setcap`)).toEqual([]);
    // Once, on the port whose verdict the image decides, with the pull's failure as the reason.
    expect(await violations('port-bind-unknown', `${proxy.host}/web:absent`)).toEqual([
      expect.stringMatching(new RegExp(`^\\[LP002\\] .*port 80/TCP may not bind: .*the pull of ${proxy.host.replace('.', '\\.')}/web:absent .*404 Not Found`)),
    ]);
  });
});

