/**
 * The file-capability strategy checked against the image itself: images built offline by
 * test/image/image-builder.ts (real setcap, real tar with the xattr), read with
 * `readImageInspection`, handed to the planner, the cdk8s construct and the Pulumi component as
 * `imageInspection`. A binary without `cap_net_bind_service=+ep` refuses to synthesize, naming
 * the image, the binary and the Dockerfile lines; one with it makes `auto` choose the file
 * capability; the image's USER is the pod's uid when none is given.
 */
import { mkdirSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { bindVerdicts, podSecurityLevels } from './manifest';
import type { PrivilegedPortServiceProps } from '../../src/constructs';
import { PrivilegedPortService } from '../../src/constructs';
import type { ImageInspection } from '../../src/image';
import { readImageInspection } from '../../src/image';
import { BindStrategy, BindStrategyError, fileCapabilityDockerfileLines, planPrivilegedPort, podOfPlan } from '../../src/planner';
import { PrivilegedPortService as PulumiPrivilegedPortService } from '../../src/pulumi';
import { baseFiles, buildLayer, elfBinary, IMAGE_WORK_DIR, writeOciLayout } from '../image/image-builder';
import { thrown } from '../thrown';

const SERVER = '/usr/local/bin/server';

/** An image whose Cmd runs `server` (USER app = 1000:1000), with `capability` on it (or none). */
async function serverImage(name: string, capability: string | undefined, user = 'app'): Promise<ImageInspection> {
  const layout = writeOciLayout(`facts-${name}`, [
    {
      tag: 'v1',
      config: { User: user, Cmd: ['server', '--port', '80'], Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
      layers: [
        buildLayer({
          files: [...baseFiles(), { path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, ...(capability === undefined ? {} : { capability }) }],
        }),
      ],
    },
  ]);
  return readImageInspection(`oci:${layout}:v1`, { binaries: ['/bin/sh'] });
}

let withCapability: ImageInspection;
let without: ImageInspection;
let permittedOnly: ImageInspection;
let rootWithCapability: ImageInspection;

beforeAll(async () => {
  mkdirSync(IMAGE_WORK_DIR, { recursive: true });
  withCapability = await serverImage('setcap', 'cap_net_bind_service=+ep');
  without = await serverImage('plain', undefined);
  permittedOnly = await serverImage('permitted', 'cap_net_bind_service=+p');
  rootWithCapability = await serverImage('root', 'cap_net_bind_service=+ep', '');
}, 60_000);

function synth(props: PrivilegedPortServiceProps): { service: PrivilegedPortService; manifests: any[] } {
  const chart = Testing.chart();
  const service = new PrivilegedPortService(chart, 'svc', props);
  return { service, manifests: Testing.synth(chart) };
}

describe('an image whose binary lacks the capability: refused, with the Dockerfile lines', () => {
  test('BindStrategy.fileCapability({ binary }) names the image, the binary and every line to add', () => {
    const error = thrown(() => synth({ image: 'example/server:1', port: 80, strategy: BindStrategy.fileCapability({ binary: SERVER }), imageInspection: without }));
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toContain(`oci:${IMAGE_WORK_DIR}/facts-plain:v1 (v1)`);
    expect(error.message).toContain(`does not give ${SERVER} cap_net_bind_service with the effective bit (it has no file capabilities)`);
    // The image's USER (1000:1000) is the uid the lines switch back to.
    for (const line of fileCapabilityDockerfileLines({ binary: SERVER, imageBase: 'debian', runAsUser: 1000, runAsGroup: 1000 })) {
      expect(error.message).toContain(`\n${line}\n`);
    }
  });

  test('auto without binary checks what the image executes', () => {
    const error = thrown(() => planPrivilegedPort({ port: 80, minKubernetesVersion: '1.21', imageInspection: without }));
    expect(error.message).toContain(` && setcap cap_net_bind_service=+ep ${SERVER} \\`);
  });

  test('alpine lines for an alpine base, switching back to the given ids', () => {
    const error = thrown(() =>
      planPrivilegedPort({ port: 443, strategy: BindStrategy.fileCapability({ binary: SERVER, imageBase: 'alpine' }), imageInspection: without, runAsUser: 2000, runAsGroup: 2000 }),
    );
    expect(error.message).toContain(` && setcap cap_net_bind_service=+ep ${SERVER} \\`);
    expect(error.message).toContain('\nUSER 2000:2000\n');
    expect(error.message).toContain('apk add --no-cache --virtual .setcap libcap');
  });

  test('a capability without the effective bit does not bind either', () => {
    const strategy = BindStrategy.fileCapability({ binary: SERVER });
    const error = thrown(() => planPrivilegedPort({ port: 80, strategy, imageInspection: permittedOnly }));
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toContain('cap_net_bind_service=p, without the effective bit');
  });

  test('auto: the file capability was its last non-root choice, so restricted is refused with the lines; baseline falls back to root', () => {
    const intent = { port: 80, binary: SERVER, minKubernetesVersion: '1.21', imageInspection: without } as const;
    const error = thrown(() => planPrivilegedPort(intent));
    expect(error).toBeInstanceOf(BindStrategyError);
    expect(error.message).toMatch(/fileCapability: the image .* does not give \/usr\/local\/bin\/server/);
    expect(error.message).toContain('RUN apt-get update \\\n && apt-get install -y --no-install-recommends libcap2-bin \\');
    expect(planPrivilegedPort({ ...intent, level: 'baseline' }).strategy).toBe('rootWithNetBindService');
  });

  test('the ways out it offers each plan a pod that binds: the sysctl, or the rebuilt image with the lines', () => {
    const intent = { port: 80, strategy: BindStrategy.fileCapability({ binary: SERVER }), imageInspection: without } as const;
    const error = thrown(() => planPrivilegedPort(intent)) as BindStrategyError;
    expect(error.alternatives).toContain("add those Dockerfile lines to the image's final stage and read the rebuilt image again (imageInspection)");
    expect(error.remedies.length).toBeGreaterThan(1);
    for (const remedy of error.remedies) {
      const plan = planPrivilegedPort({ ...intent, ...remedy.change });
      expect(bindVerdicts([{ apiVersion: 'v1', kind: 'Pod', ...podOfPlan(plan) }])).toEqual(['allowed']);
    }
  });

  test('auto: the sysctl needs nothing from the image, so it is still chosen', () => {
    expect(planPrivilegedPort({ port: 80, imageInspection: without }).strategy).toBe('unprivilegedPortSysctl');
  });

  test('imageHasFileCapability declared against an image without it is an error', () => {
    expect(() => planPrivilegedPort({ port: 80, imageHasFileCapability: true, imageInspection: without })).toThrow(/imageHasFileCapability is declared, but the image/);
  });
});

describe('an image whose binary has the capability', () => {
  test('auto chooses the file capability, the image USER is the uid, no Dockerfile lines; it binds under strict and meets restricted', () => {
    const { service, manifests } = synth({ image: 'example/server:1', port: 80, appPortConfigurable: true, imageInspection: withCapability });
    expect(service.strategy).toBe('fileCapability');
    expect(service.dockerfileLines).toEqual([]);
    expect(service.reason).toContain("The image's binary carries cap_net_bind_service=+ep");
    expect(service.reason).toContain('The pod runs as uid 1000, the USER "app" of oci:');
    const deployment = manifests.find((m) => m.kind === 'Deployment');
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(deployment.spec.template.metadata.annotations['file-capabilities.k8s-least-privilege.dev/main']).toBe('cap_net_bind_service=+ep');
    expect(bindVerdicts(manifests)).toEqual(['allowed']);
    expect(podSecurityLevels(manifests)).toEqual(['restricted']);
  });

  test('an explicit runAsUser wins over the image USER; an image running as root keeps the default non-root uid', () => {
    const plan = planPrivilegedPort({ port: 80, imageInspection: withCapability, runAsUser: 4242 });
    expect(plan.podSecurityContext).toMatchObject({ runAsUser: 4242, runAsGroup: 65532 });
    const root = planPrivilegedPort({ port: 80, imageInspection: rootWithCapability });
    expect(root.strategy).toBe('fileCapability');
    expect(root.podSecurityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532 });
  });

  test('an explicit high port is refused: with drop [ALL] the setcap binary cannot be executed', () => {
    expect(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.highPort(), imageInspection: withCapability })).toThrow(
      /\/usr\/local\/bin\/server in the image .* carries cap_net_bind_service=ep, and with drop \[ALL\]/,
    );
  });

  test('a binary that is not what runs is checked as named: /bin/sh has no capability', () => {
    expect(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.fileCapability({ binary: '/bin/sh' }), imageInspection: withCapability })).toThrow(
      /does not give \/bin\/sh cap_net_bind_service/,
    );
  });
});

describe('what the inspection cannot tell', () => {
  test('a binary the inspection did not cover, or that is not in the image', async () => {
    expect(() => planPrivilegedPort({ port: 80, binary: '/usr/bin/env', imageInspection: withCapability })).toThrow(
      /does not cover \/usr\/bin\/env: read it with readImageInspection\(location, \{ binaries: \['\/usr\/bin\/env'\] \}\)/,
    );
    const missing = await readImageInspection(withCapability.image, { binaries: ['/nope'] });
    expect(() => planPrivilegedPort({ port: 80, binary: '/nope', imageInspection: missing })).toThrow(/\/nope cannot run in/);
  });

  test('a command that replaces the Entrypoint needs binary', () => {
    expect(() => synth({ image: 'example/server:1', port: 80, command: ['/bin/sh'], imageInspection: withCapability })).toThrow(
      /command replaces the Entrypoint of .*: give binary/,
    );
    expect(synth({ image: 'example/server:1', port: 80, command: [SERVER], binary: SERVER, imageInspection: withCapability }).service.strategy).toBe('fileCapability');
  });
});

describe('the Pulumi component plans with the same image facts', () => {
  test('refused before anything is registered', () => {
    expect(
      () => new PulumiPrivilegedPortService('facts-refused', { image: 'example/server:1', port: 80, strategy: BindStrategy.fileCapability({ binary: SERVER }), imageInspection: without }),
    ).toThrow(BindStrategyError);
    expect(
      () => new PulumiPrivilegedPortService('facts-command', { image: 'example/server:1', port: 80, command: ['server'], imageInspection: withCapability }),
    ).toThrow(/give binary/);
  });
});
