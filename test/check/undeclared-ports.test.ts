/**
 * Ports nobody declared, through the checker: a Service of the same input names a port the
 * workload does not declare (its index built once, before the objects are checked), a probe
 * names one, an image read through `--images` exposes one. Each is judged, reported with its
 * `source` and `origin`, and named so in the findings and the human format; a declared port's
 * report is unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { checkInputs } from '../../src/check/check-inputs';
import { checkOptionsWithImages } from '../../src/check/enforcement-config';
import type { CheckReport, ResourceReport } from '../../src/check/report';
import { imageConfigOf } from '../../src/image/oci-manifest';
import { FactsCache } from '../../src/image/registry/facts-cache';
import type { InputSource } from '../../src/input/read-sources';
import type { ImageFacts } from '../../src/model/image-facts';
import { findRuntimeProfile } from '../../src/model/runtime-profile';
import { formatHuman } from '../../src/report/human-format';
import { baseFiles, buildLayer, elfBinary, writeOciLayout } from '../image/image-builder';

const STRICT = { runtimeProfile: findRuntimeProfile('strict')! };

function source(...objects: object[]): InputSource {
  return { file: 'input.yaml', ok: true, text: objects.map((o) => dump(o)).join('---\n') };
}

function check(...objects: object[]): CheckReport {
  return checkInputs([source(...objects)], STRICT);
}

/** A Deployment `web` labelled app=web whose one container runs as uid 1000 without any capability. */
function deployment(container: Record<string, unknown> = {}, extra: { namespace?: string; image?: string } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }) },
    spec: {
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            { name: 'web', image: extra.image ?? 'example/web', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, ...container },
          ],
        },
      },
    },
  };
}

function service(port: Record<string, unknown>, extra: { namespace?: string; name?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: extra.name ?? 'web', ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }) },
    spec: { selector: { app: 'web' }, ports: [port] },
  };
}

const workload = (report: CheckReport): ResourceReport => report.resources.find((resource) => resource.kind === 'Deployment')!;

describe('a port only a Service names', () => {
  test('judged on the workload it selects: denied without the capability, LP001 naming the Service', () => {
    const report = check(deployment(), service({ port: 80, targetPort: 80 }));
    const resource = workload(report);
    expect(resource.containers[0].ports).toEqual([
      {
        containerPort: 80,
        protocol: 'TCP',
        bind: 'denied',
        reason: expect.stringMatching(/^Port 80 < 1024 needs CAP_NET_BIND_SERVICE/),
        source: 'service',
        origin: "the Service web's targetPort",
      },
    ]);
    const lp001 = resource.findings.filter((finding) => finding.ruleId === 'LP001');
    expect(lp001).toEqual([expect.objectContaining({ severity: 'error', container: 'web', path: 'spec.template.spec.containers[0]', line: 17 })]);
    expect(lp001[0].message).toMatch(/^container "web" port 80\/TCP \(from the Service web's targetPort\) cannot bind: /);
    expect(report.summary.ports).toEqual({ allowed: 0, denied: 1, unknown: 0 });
    // LP016 still says the Service targets a port no container declares.
    expect(report.resources[1].findings.map((finding) => finding.ruleId)).toEqual(['LP016']);
  });

  test('the human format names where the port came from', () => {
    const text = formatHuman(check(deployment(), service({ port: 80 })));
    expect(text).toContain("    web 80/TCP (from the Service web's port (it sets no targetPort))  DENIED  see the finding below");
    expect(text).toMatch(/LP001 {2}container "web" port 80\/TCP \(from the Service web's port \(it sets no targetPort\)\) cannot bind/);
  });

  test('a declared port is reported as before: no source, no origin; the Service targeting it adds nothing', () => {
    const report = check(deployment({ ports: [{ name: 'http', containerPort: 8080 }] }), service({ port: 80, targetPort: 'http' }), service({ port: 81, targetPort: 8080 }, { name: 'other' }));
    expect(workload(report).containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP', bind: 'allowed', reason: expect.any(String) }]);
  });

  test.each<[string, object, object]>([
    ['another namespace', deployment({}, { namespace: 'a' }), service({ port: 80 }, { namespace: 'b' })],
    ['a selector that matches nothing', deployment(), { ...service({ port: 80 }), spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } }],
    ['no selector (endpoints managed by hand)', deployment(), { ...service({ port: 80 }), spec: { ports: [{ port: 80 }] } }],
    ['a named targetPort nothing declares', deployment(), service({ port: 80, targetPort: 'http' })],
    ['a protocol the API server rejects', deployment(), service({ port: 80, protocol: 'tcp' })],
    ['a targetPort out of range', deployment(), service({ port: 80, targetPort: 0 })],
  ])('%s: no port judged', (_what, workloadObject, serviceObject) => {
    expect(workload(check(workloadObject, serviceObject)).containers[0].ports).toEqual([]);
  });

  test('without the Service in the input (the Pulumi pack sees one resource), nothing is judged', () => {
    expect(workload(check(deployment())).containers[0].ports).toEqual([]);
  });

  test('20,000 documents, every Service selecting its own workload among labels all share: linear, each workload gets its port', () => {
    const count = 10_000;
    const objects: object[] = [];
    for (let i = 0; i < count; i++) {
      const labels = { app: `web-${i}`, tier: 'front' };
      const d = deployment();
      objects.push({ ...d, metadata: { name: `web-${i}` }, spec: { template: { ...d.spec.template, metadata: { labels } } } });
      objects.push({ ...service({ port: 80, targetPort: 8080 }, { name: `web-${i}` }), spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } });
    }
    const started = process.hrtime.bigint();
    const report = check(...objects);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // eslint-disable-next-line no-console
    console.log(`${objects.length} documents, ${count} Services: ${seconds.toFixed(1)} s`);
    expect(report.summary.ports).toEqual({ allowed: count, denied: 0, unknown: 0 });
    expect(report.resources[2 * 1234].containers[0].ports[0]).toMatchObject({ containerPort: 8080, source: 'service', origin: "the Service web-1234's targetPort" });
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});

describe('a port only a probe names', () => {
  test('judged and located at the probe', () => {
    const report = check(deployment({ livenessProbe: { httpGet: { path: '/healthz', port: 80 } } }));
    const [finding] = workload(report).findings.filter((f) => f.ruleId === 'LP001');
    expect(finding).toMatchObject({ path: 'spec.template.spec.containers[0].livenessProbe.httpGet.port', line: 27 });
    expect(finding.message).toMatch(/port 80\/TCP \(from the livenessProbe's httpGet\.port\) cannot bind/);
  });
});

describe("the image's ExposedPorts", () => {
  test('imageConfigOf reads them: PORT[/PROTOCOL], each once, the rest skipped', () => {
    const config = imageConfigOf({ config: { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '9000': {}, '80/TCP': {}, '132/sctp': {}, '0/tcp': {}, '70000/tcp': {}, 'http/tcp': {}, '80/icmp': {} } }, rootfs: {} }, () => {
      throw new Error('unexpected');
    });
    expect(config.exposedPorts).toEqual([
      { port: 9000, protocol: 'TCP' },
      { port: 80, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
      { port: 132, protocol: 'SCTP' },
    ]);
    expect(imageConfigOf({ config: { ExposedPorts: ['80/tcp'] }, rootfs: {} }, () => undefined as never).exposedPorts).toEqual([]);
  });

  test('read from the image given with --images: judged for the container that runs its start', async () => {
    const layout = writeOciLayout('exposed-ports', [
      { tag: 'web', config: { User: '1000', Entrypoint: ['/server'], ExposedPorts: { '80/tcp': {} } }, layers: [buildLayer({ files: [...baseFiles(), { path: 'server', copyOf: elfBinary(), mode: 0o755 }] })] },
    ]);
    const { options, imageErrors } = await checkOptionsWithImages({ images: { 'example.com/web:1': `oci:${layout}:web` } });
    expect(imageErrors).toEqual([]);
    const report = checkInputs([source(deployment({}, { image: 'example.com/web:1' }))], { ...options, runtimeProfile: STRICT.runtimeProfile });
    expect(workload(report).containers[0].ports).toEqual([
      expect.objectContaining({ containerPort: 80, protocol: 'TCP', bind: 'denied', source: 'image', origin: "the image's ExposedPorts" }),
    ]);
    expect(workload(report).findings.find((f) => f.ruleId === 'LP001')).toMatchObject({ path: 'spec.template.spec.containers[0].image' });
  });

  describe('the facts cache', () => {
    let directory: string;
    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'facts-cache-'));
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    const facts: ImageFacts = {
      image: 'example.com/web@sha256:…',
      user: { uid: 1000, configured: '1000', numeric: true },
      userFailure: undefined,
      startFailure: undefined,
      binary: { path: '/server', fileCapabilities: undefined, note: undefined },
      exposedPorts: [{ port: 80, protocol: 'TCP' }],
    };

    test('keeps them', () => {
      new FactsCache({ directory }).saveFacts('sha256:a', 'start', facts);
      expect(new FactsCache({ directory }).facts('sha256:a', 'start')?.exposedPorts).toEqual([{ port: 80, protocol: 'TCP' }]);
    });

    test('facts saved without them (before they were read) are a miss: the image is read again', () => {
      const { exposedPorts: _dropped, ...older } = facts;
      new FactsCache({ directory }).saveFacts('sha256:b', 'start', older as ImageFacts);
      expect(new FactsCache({ directory }).facts('sha256:b', 'start')).toBeUndefined();
    });
  });
});
