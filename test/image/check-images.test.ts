import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceValidation, ResourceValidationArgs } from '@pulumi/policy';
import { baseFiles, buildLayer, elfBinary, IMAGE_WORK_DIR, tarDirectory, writeDockerArchive, writeOciLayout } from './image-builder';
import { checkInputs } from '../../src/check/check-inputs';
import { checkOptionsWithImages } from '../../src/check/enforcement-config';
import type { CheckReport } from '../../src/check/report';
import { runCliAsync } from '../../src/cli/main';
import { loadImages } from '../../src/image';
import type { Cdk8sValidationViolation } from '../../src/integrations/cdk8s-validation';
import { LeastPrivilegeValidation } from '../../src/integrations/cdk8s-validation';
import { leastPrivilegePolicies } from '../../src/integrations/pulumi-policy';
import { analyzePod } from '../../src/model';
import { fileCapabilityAnnotationContradicted } from '../../src/rules/file-capability-annotation-contradicted';

const SERVER = 'usr/local/bin/server';

/** A Deployment of one container on port 80: non-root from the image, drop ALL, add NET_BIND_SERVICE. */
function deployment(image: string, extra: { annotation?: string; securityContext?: Record<string, unknown>; command?: string[] } = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        metadata: extra.annotation === undefined ? {} : { annotations: { 'file-capabilities.k8s-least-privilege.dev/web': extra.annotation } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              ...(extra.command === undefined ? {} : { command: extra.command }),
              ports: [{ containerPort: 80 }],
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
                ...extra.securityContext,
              },
            },
          ],
        },
      },
    },
  });
}

let images: Record<string, string>;

beforeAll(() => {
  const base = buildLayer({ files: baseFiles() });
  const setcap = buildLayer({ files: [{ path: SERVER, copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] });
  const plain = buildLayer({ files: [{ path: SERVER, copyOf: elfBinary(), mode: 0o755 }] });
  const layout = writeOciLayout('check-images', [
    { tag: 'setcap', config: { User: '1000', Entrypoint: [`/${SERVER}`] }, layers: [base, setcap] },
    { tag: 'plain', config: { User: '1000', Entrypoint: [`/${SERVER}`] }, layers: [base, plain] },
    { tag: 'root', config: { Entrypoint: [`/${SERVER}`] }, layers: [base, plain] },
    { tag: 'named', config: { User: 'app', Entrypoint: [`/${SERVER}`] }, layers: [base, setcap] },
    { tag: 'nouser', config: { User: 'ghost', Entrypoint: [`/${SERVER}`] }, layers: [base, setcap] },
  ]);
  const archive = tarDirectory(layout, join(IMAGE_WORK_DIR, 'check-images.tar'));
  const docker = writeDockerArchive('check-images-docker', { User: '1000', Entrypoint: [`/${SERVER}`] }, [base, setcap], ['registry.example.com/web:2']);
  images = {
    'example.com/web:setcap': `oci-archive:${archive}:setcap`,
    'example.com/web:plain': `oci:${layout}:plain`,
    'example.com/web:root': `oci:${layout}:root`,
    'example.com/web:named': `oci:${layout}:named`,
    'example.com/web:nouser': `oci:${layout}:nouser`,
    'registry.example.com/web:2': `docker-archive:${docker}`,
    'example.com/broken:1': `oci:${join(IMAGE_WORK_DIR, 'no-such-layout')}`,
  };
});

async function check(manifest: string, imageMap: Record<string, string> = images): Promise<CheckReport & { imageErrors: readonly string[] }> {
  const { options, imageErrors } = await checkOptionsWithImages({ images: imageMap });
  return { ...checkInputs([{ file: 'web.yaml', ok: true, text: manifest }], options), imageErrors: imageErrors.map((error) => error.message) };
}

const portOf = (report: CheckReport) => report.resources[0].containers[0].ports[0];

describe('check with image facts', () => {
  test('without images the uid is unknown; with them a setcap binary binds and a plain one does not', async () => {
    expect(portOf(await check(deployment('example.com/web:setcap'), {})).bind).toBe('unknown');
    const allowed = portOf(await check(deployment('example.com/web:setcap')));
    expect(allowed.bind).toBe('allowed');
    expect(allowed.reason).toMatch(/uid 1000 \(the image's USER "1000" of example\.com\/web:setcap.*cap_net_bind_service=ep on \/usr\/local\/bin\/server in example\.com\/web:setcap/);
    const denied = portOf(await check(deployment('example.com/web:plain')));
    expect(denied.bind).toBe('denied');
    expect(denied.reason).toMatch(/uid 1000 .* has none after exec/);
  });

  test('an image running as root binds; with runAsNonRoot the kubelet refuses it', async () => {
    expect(portOf(await check(deployment('example.com/web:root'))).bind).toBe('allowed');
    const refused = portOf(await check(deployment('example.com/web:root', { securityContext: { runAsNonRoot: true } })));
    expect(refused.bind).toBe('denied');
    expect(refused.reason).toMatch(/runAsNonRoot is true and the image example\.com\/web:root .* runs as root/);
    const named = portOf(await check(deployment('example.com/web:named', { securityContext: { runAsNonRoot: true } })));
    expect(named.reason).toMatch(/non-numeric USER "app"/);
  });

  test("a USER that is not in the image's /etc/passwd fails to start unless the pod sets runAsUser", async () => {
    const failing = portOf(await check(deployment('example.com/web:nouser')));
    expect(failing.bind).toBe('denied');
    expect(failing.reason).toMatch(/"ghost" is not in the image's \/etc\/passwd/);
    expect(portOf(await check(deployment('example.com/web:nouser', { securityContext: { runAsUser: 1000 } }))).bind).toBe('allowed');
  });

  test('the container command overrides the entrypoint: a command not in the image cannot start', async () => {
    const report = await check(deployment('example.com/web:setcap', { command: ['/bin/missing'] }));
    expect(portOf(report).bind).toBe('denied');
    expect(portOf(report).reason).toMatch(/\/bin\/missing does not exist in the image/);
  });

  test('references are matched normalized, and docker archives work the same', async () => {
    expect(portOf(await check(deployment('registry.example.com/web:2'))).bind).toBe('allowed');
  });

  test('an annotation the image contradicts is an error finding naming both; the verdict follows the image', async () => {
    const report = await check(deployment('example.com/web:plain', { annotation: 'cap_net_bind_service=+ep' }));
    expect(portOf(report).bind).toBe('denied');
    const pod = JSON.parse(deployment('example.com/web:plain', { annotation: 'cap_net_bind_service=+ep' })).spec.template;
    const { options } = await checkOptionsWithImages({ images });
    const analysis = analyzePod(pod, { imageFacts: options.imageFacts });
    const input = { pod: { ...pod, metadataPath: [], specPath: [] } as never, analysis, objectMetadata: undefined, knownRuleIds: new Set<string>() };
    const findings = fileCapabilityAnnotationContradicted.check(input);
    expect(findings).toEqual([
      {
        container: 'web',
        path: 'metadata.annotations.file-capabilities.k8s-least-privilege.dev/web',
        message: expect.stringMatching(
          /declares "cap_net_bind_service=\+ep", but \/usr\/local\/bin\/server in example\.com\/web:plain \(oci:.*:plain\) has no file capability/,
        ),
      },
    ]);
    const agreeing = analyzePod(JSON.parse(deployment('example.com/web:setcap', { annotation: 'cap_net_bind_service=+ep' })).spec.template, { imageFacts: options.imageFacts });
    expect(fileCapabilityAnnotationContradicted.check({ pod, analysis: agreeing, objectMetadata: undefined, knownRuleIds: new Set() })).toEqual([]);
    const ruleIds = report.resources[0].findings.map((f) => f.ruleId);
    if (ruleIds.includes('LP017')) expect(report.resources[0].findings.find((f) => f.ruleId === 'LP017')?.severity).toBe('error');
  });

  test('an image that cannot be read makes the verdicts that depend on it unknown, with its reason, and the rest of the check still runs', async () => {
    const report = await check(`${deployment('example.com/broken:1')}\n---\n${deployment('example.com/web:setcap')}`);
    expect(report.imageErrors).toEqual([expect.stringMatching(/^image example\.com\/broken:1: oci:.*no-such-layout: not an OCI image layout/)]);
    expect(report.errors).toEqual([]);
    expect(report.resources.map((r) => r.containers[0].ports[0].bind)).toEqual(['unknown', 'allowed']);
    expect(report.resources[0].containers[0].ports[0].reason).toMatch(/image example\.com\/broken:1: oci:.*no-such-layout.*fix the image, or its entry in the image map/);
    expect(report.resources[0].findings.map((finding) => finding.ruleId)).toContain('LP002');
  });

  test('loadImages reads each image once and answers per container', async () => {
    const loaded = await loadImages([{ reference: 'example.com/web:setcap', location: images['example.com/web:setcap'] }]);
    expect(loaded.errors).toEqual([]);
    expect([...loaded.images.keys()]).toEqual(['example.com/web:setcap']);
  });
});

describe('k8s-least-privilege check --images and image inspect', () => {
  async function cli(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const status = await runCliAsync(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
  }

  test('check --images MAP uses the images; a broken one is a failed image of the report, not an input error', async () => {
    const manifest = join(IMAGE_WORK_DIR, 'web.json');
    writeFileSync(manifest, deployment('example.com/web:setcap'));
    const good = join(IMAGE_WORK_DIR, 'images.yaml');
    writeFileSync(good, `example.com/web:setcap: ${images['example.com/web:setcap']}\n`);
    const ok = await cli(['check', '--format', 'json', '--images', good, manifest]);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).resources[0].containers[0].ports[0].bind).toBe('allowed');

    const bad = join(IMAGE_WORK_DIR, 'images-broken.yaml');
    writeFileSync(bad, `example.com/web:setcap: ${images['example.com/web:setcap']}\nexample.com/broken:1: ${images['example.com/broken:1']}\n`);
    const broken = await cli(['check', '--format', 'json', '--images', bad, manifest]);
    expect(broken.status).toBe(0);
    const report = JSON.parse(broken.stdout);
    expect(report.errors).toEqual([]);
    expect(report.images).toEqual([
      {
        image: 'example.com/broken:1',
        platform: 'linux/amd64',
        status: 'failed',
        source: expect.stringContaining('no-such-layout'),
        layersRead: null,
        message: expect.stringMatching(/^image example\.com\/broken:1: /),
      },
    ]);
    expect(report.resources[0].containers[0].ports[0].bind).toBe('allowed');
    // A manifest that runs the broken image: its verdict is unknown (LP002, a warning), with the reason.
    const runsBroken = join(IMAGE_WORK_DIR, 'broken.json');
    writeFileSync(runsBroken, deployment('example.com/broken:1'));
    const unknown = await cli(['check', '--format', 'json', '--images', bad, runsBroken]);
    expect(unknown.status).toBe(0);
    const port = JSON.parse(unknown.stdout).resources[0].containers[0].ports[0];
    expect(port).toMatchObject({ bind: 'unknown', reason: expect.stringMatching(/no-such-layout/) });
  });

  test('image inspect, human and JSON', async () => {
    const human = await cli(['image', 'inspect', images['example.com/web:plain'], '--binary', '/bin/sh']);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/user +"1000": uid 1000 \(app\)/);
    expect(human.stdout).toMatch(/RUN setcap cap_net_bind_service=\+ep \/usr\/local\/bin\/server/);
    const json = await cli(['image', 'inspect', '--format', 'json', images['example.com/web:setcap']]);
    expect(JSON.parse(json.stdout).executable.fileCapabilities.text).toBe('cap_net_bind_service=ep');
    const missing = await cli(['image', 'inspect', images['example.com/broken:1']]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^k8s-least-privilege: image oci:.*no-such-layout: not an OCI image layout/);
  });
});

describe('the cdk8s plugin reads the images of its properties', () => {
  async function validate(imageMap: Record<string, string>, manifest: string) {
    const file = join(IMAGE_WORK_DIR, 'plugin.k8s.yaml');
    writeFileSync(file, manifest);
    const violations: Cdk8sValidationViolation[] = [];
    let status: string | undefined;
    let metadata: Record<string, string> | undefined;
    await new LeastPrivilegeValidation({ images: imageMap }).validate({
      manifests: [file],
      report: {
        addViolation: (violation) => void violations.push(violation),
        submit: (submitted, given) => void ((status = submitted), (metadata = given)),
      },
    });
    return { status, metadata, rules: violations.map((violation) => violation.ruleName.split(' ')[0]) };
  }

  test('an image whose binary has the file capability makes the port bind; one without fails the synth', async () => {
    expect(await validate({ 'example.com/web:setcap': images['example.com/web:setcap'] }, deployment('example.com/web:setcap'))).toMatchObject({ status: 'success' });
    const plain = await validate({ 'example.com/web:plain': images['example.com/web:plain'] }, deployment('example.com/web:plain'));
    expect(plain).toMatchObject({ status: 'failure' });
    expect(plain.rules).toContain('LP001');
  });

  test('an image that cannot be read makes the verdicts that depend on it LP002 (a warning, not a failed synth), and the report names it', async () => {
    const broken = await validate({ 'example.com/broken:1': images['example.com/broken:1'] }, deployment('example.com/broken:1'));
    expect(broken.status).toBe('success');
    expect(broken.rules).toContain('LP002');
    expect(broken.rules).not.toContain('LP001');
    expect(broken.metadata).toMatchObject({ unreadImages: 'example.com/broken:1' });
  });
});

describe('the Pulumi policy pack reads the images of its config', () => {
  const policies = leastPrivilegePolicies();

  async function violations(image: string, imageMap: Record<string, string>): Promise<string[]> {
    const reported: string[] = [];
    const object = JSON.parse(deployment(image));
    for (const policy of policies) {
      const args = {
        type: 'kubernetes:apps/v1:Deployment',
        props: object,
        urn: 'urn:pulumi:dev::app::kubernetes:apps/v1:Deployment::web',
        name: 'web',
        opts: {},
        getConfig: () => ({ images: imageMap }),
        notApplicable: (reason?: string) => {
          throw new Error(`not applicable: ${reason}`);
        },
      } as unknown as ResourceValidationArgs;
      await (policy.validateResource as ResourceValidation)(args, (message: string) => reported.push(message));
    }
    return reported;
  }

  test('the image facts decide: a setcap binary binds, a plain one is LP001', async () => {
    expect((await violations('example.com/web:setcap', { 'example.com/web:setcap': images['example.com/web:setcap'] })).filter((v) => v.startsWith('[LP00'))).toEqual([]);
    expect(await violations('example.com/web:plain', { 'example.com/web:plain': images['example.com/web:plain'] })).toContainEqual(expect.stringMatching(/^\[LP001\]/));
  });

  test('an image that cannot be read makes the verdicts that depend on it LP002, with its reason, on the resources that run it', async () => {
    const reported = await violations('example.com/broken:1', { 'example.com/broken:1': images['example.com/broken:1'] });
    expect(reported.filter((v) => v.includes('no-such-layout'))).toEqual([
      expect.stringMatching(/^\[LP002\] .*port 80\/TCP may not bind: .*image example\.com\/broken:1: oci:.*no-such-layout.*fix the image, or its entry in the image map/),
    ]);
    expect(reported.filter((v) => v.startsWith('[LP001]'))).toEqual([]);
    expect((await violations('example.com/web:setcap', { 'example.com/broken:1': images['example.com/broken:1'] })).filter((v) => v.includes('no-such-layout'))).toEqual([]);
  });
});
