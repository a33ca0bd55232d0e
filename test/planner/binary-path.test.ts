/**
 * One rule for a binary's path (src/planner/binary-path.ts), wherever one enters: the planner's
 * `binary`, `BindStrategy.fileCapability({ binary })`, the faces' `binary` props, the Dockerfile
 * lines, and the binary an image inspection says the container runs. The path becomes one word
 * of `RUN … setcap cap_net_bind_service=+ep <path>`: an absolute path of ASCII letters, digits
 * and `/ . _ - + @ , : =` passes; a space, a newline, a relative path and every character the
 * shell reads specially are refused, naming the entry, the prop, the value and what is accepted.
 */
import { mkdirSync } from 'node:fs';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HardenedContainer, hardenWorkload, PrivilegedPortService } from '../../src/constructs';
import type { ImageInspection } from '../../src/image';
import { readImageInspection } from '../../src/image';
import { BindStrategy, checkImageBinary, fileCapabilityDockerfileLines, planPrivilegedPort } from '../../src/planner';
import { BINARY_PATH } from '../../src/planner/binary-path';
import { PrivilegedPortService as PulumiPrivilegedPortService } from '../../src/pulumi';
import { baseFiles, buildLayer, elfBinary, IMAGE_WORK_DIR, writeOciLayout } from '../image/image-builder';
import { thrown } from '../thrown';

/** What a JavaScript caller can pass: anything. */
const loose = (value: unknown): any => value;

const SHORT = 'an absolute path in the image without whitespace, e.g. "/usr/local/bin/server"';
const CHARACTERS =
  'an absolute path in the image of ASCII letters, digits and / . _ - + @ , : = only (no whitespace, quotes, control or other characters ' +
  'that the shell of a Dockerfile RUN setcap line reads specially), e.g. "/usr/local/bin/server"';

describe('the binary path rule', () => {
  test('a path with a space is refused, naming the prop, the value and what is accepted', () => {
    const error = thrown(() => planPrivilegedPort({ port: 80, binary: '/usr/bin/my server' }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`planPrivilegedPort: binary must be ${CHARACTERS}, got "/usr/bin/my server" (a string)`);
  });

  test('a path with a newline (which would end the RUN line) is refused', () => {
    const error = thrown(() => planPrivilegedPort({ port: 80, strategy: BindStrategy.unprivilegedPortSysctl(), binary: '/app/server\nRUN rm -rf /' }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`planPrivilegedPort: binary must be ${CHARACTERS}, got "/app/server\\nRUN rm -rf /" (a string)`);
  });

  test('a relative path is refused', () => {
    const error = thrown(() => BindStrategy.fileCapability({ binary: 'bin/server' }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`BindStrategy.fileCapability: binary must be ${SHORT}, got "bin/server" (a string)`);
  });

  test('a value of another type is a TypeError', () => {
    const error = thrown(() => planPrivilegedPort(loose({ port: 80, binary: ['/app/server'] })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`planPrivilegedPort: binary must be ${SHORT}, got ["/app/server"] (an array)`);
  });

  test('a valid path plans, and is the word setcap marks', () => {
    const plan = planPrivilegedPort({ port: 80, strategy: BindStrategy.fileCapability({ binary: '/usr/local/bin/server' }) });
    expect(plan.strategy).toBe('fileCapability');
    expect(plan.dockerfileLines).toContain(' && setcap cap_net_bind_service=+ep /usr/local/bin/server \\');
  });

  test.each(['/usr/local/bin/server', '/opt/app-1.2/bin/c++', '/nix/store/abc_def/bin/app@2', '/srv/a,b:c=d', '/', '/APP/Server9'])('accepts %p', (path) => {
    expect(BINARY_PATH.problems(path)).toEqual([]);
  });

  test.each([
    ...[' ', '\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u00a0', '\u202e', 'é'],
    ...['"', "'", '`', '\\', '$', ';', '&', '|', '<', '>', '(', ')', '*', '?', '[', ']', '{', '}', '~', '#', '!', '%'],
  ])('refuses a path with %j', (character) => {
    const [problem] = BINARY_PATH.problems(`/usr/bin/my${character}server`);
    expect(problem).toEqual({ path: '', value: `/usr/bin/my${character}server`, accepted: CHARACTERS, wrongType: false });
  });

  test('the Dockerfile lines refuse a path they cannot carry', () => {
    expect(() => fileCapabilityDockerfileLines({ binary: '/bin/a;b', imageBase: 'debian', runAsUser: 1, runAsGroup: 1 })).toThrow(
      new RangeError(`fileCapabilityDockerfileLines: binary must be ${CHARACTERS}, got "/bin/a;b" (a string)`),
    );
  });
});

describe('every face takes the same rule for its binary prop', () => {
  const spaced = '/usr/bin/my server';
  const refusal = (entry: string) => new RangeError(`${entry}: binary must be ${CHARACTERS}, got "${spaced}" (a string)`);

  test('PrivilegedPortService (cdk8s)', () => {
    expect(() => new PrivilegedPortService(Testing.chart(), 'web', { image: 'app', port: 80, binary: spaced })).toThrow(refusal('PrivilegedPortService web'));
  });

  test('HardenedContainer', () => {
    const deployment = new kplus.Deployment(Testing.chart(), 'web', { containers: [] });
    expect(() => new HardenedContainer(deployment, 'web', { image: 'app', portNumber: 80, binary: spaced })).toThrow(refusal('HardenedContainer web'));
  });

  test('hardenWorkload', () => {
    const deployment = new kplus.Deployment(Testing.chart(), 'web', { containers: [{ image: 'app', portNumber: 80 }] });
    expect(() => hardenWorkload(deployment, { binary: spaced })).toThrow(refusal('hardenWorkload'));
  });

  test('PrivilegedPortService (Pulumi)', () => {
    expect(() => new PulumiPrivilegedPortService('web', { image: 'app', port: 80, binary: spaced })).toThrow(refusal('PrivilegedPortService "web"'));
  });

  test('BindStrategy.fileCapability, also inside a face', () => {
    expect(() => BindStrategy.fileCapability({ binary: spaced })).toThrow(refusal('BindStrategy.fileCapability'));
  });
});

describe('the binary an image inspection names', () => {
  const SPACED = '/opt/my app/server';
  let spacedImage: ImageInspection;

  beforeAll(async () => {
    mkdirSync(IMAGE_WORK_DIR, { recursive: true });
    const layout = writeOciLayout('binary-path-spaced', [
      {
        tag: 'v1',
        config: { User: 'app', Cmd: [SPACED, '--port', '80'] },
        layers: [buildLayer({ files: [...baseFiles(), { path: SPACED.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] })],
      },
    ]);
    spacedImage = await readImageInspection(`oci:${layout}:v1`);
  }, 60_000);

  test('an image that runs a binary at a path with a space is refused, naming the image, the field and the value', () => {
    expect(spacedImage.capabilityTarget?.path).toBe(SPACED);
    const error = thrown(() => planPrivilegedPort({ port: 80, imageInspection: spacedImage }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/^the image inspection of oci:.*binary-path-spaced.*: capabilityTarget\.path must be an absolute path in the image of ASCII letters/);
    expect(error.message).toContain(`got "${SPACED}" (a string)`);
    expect(() => checkImageBinary(spacedImage, undefined)).toThrow(RangeError);
  });
});
