/**
 * Corner cases of the admission policy that the random objects do not reach, and the promise of
 * its messages: each names the container, the port and fixes, and every fix a message names,
 * applied to the pod, makes the model say the port binds (none recommends a change the model
 * calls denied).
 */
import * as fc from 'fast-check';
import { randomPod, wrapPod } from './arbitraries';
import { admissionPolicyYaml, REMEDY_MARKERS } from '../../src/admission';
import type { RemedyKind } from '../../src/admission';
import { imageFactsLookup } from '../../src/check/image-facts-mode';
import { analyzePod } from '../../src/model/analyze';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../../src/model/file-capabilities';
import type { AdmissionVerdict } from '../vap-oracle/oracle';
import { describeWithVapOracle, VapOracle } from '../vap-oracle/oracle';

type Json = Record<string, any>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const pod = (spec: Json, metadata: Json = {}): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...metadata }, spec });
const web = (securityContext: Json, ports: Json[] = [{ containerPort: 80 }]) => ({ name: 'web', image: 'nginx', ports, securityContext });
const lp001 = (verdict: AdmissionVerdict) => (verdict.decisions ?? []).find((d) => d.evaluation === 'deny' && d.message?.startsWith('LP001'))?.message;

/** Applies one fix the message names to the pod's container `name` and port. */
function applyRemedy(subject: Json, kind: RemedyKind, name: string, port: number, start: number): number {
  const containers: Json[] = [...(subject.spec.initContainers ?? []), ...subject.spec.containers, ...(subject.spec.ephemeralContainers ?? [])];
  const container = containers.find((c) => c.name === name)!;
  const keepCapability = () => {
    const capabilities = ((container.securityContext ??= {}).capabilities ??= {});
    capabilities.drop = (capabilities.drop ?? []).filter((d: string) => !['NET_BIND_SERVICE', 'CAP_NET_BIND_SERVICE'].includes(d.toUpperCase()));
    capabilities.add = [...(capabilities.add ?? []), 'NET_BIND_SERVICE'];
  };
  switch (kind) {
    case 'restoreCapability':
      keepCapability();
      return port;
    case 'fileCapability':
      keepCapability();
      subject.metadata.annotations = { ...subject.metadata.annotations, [FILE_CAPABILITIES_ANNOTATION_PREFIX + name]: 'cap_net_bind_service=+ep' };
      return port;
    case 'sysctl': {
      const securityContext = (subject.spec.securityContext ??= {});
      securityContext.sysctls = [
        ...(securityContext.sysctls ?? []).filter((s: Json) => s.name.replace(/\//g, '.') !== 'net.ipv4.ip_unprivileged_port_start'),
        { name: 'net.ipv4.ip_unprivileged_port_start', value: String(port) },
      ];
      return port;
    }
    case 'highPort':
      for (const p of container.ports) if (p.containerPort === port) p.containerPort = start;
      return start;
    case 'root':
      container.securityContext = { ...container.securityContext, runAsUser: 0, runAsNonRoot: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };
      return port;
  }
}

describeWithVapOracle('admission policy corner cases (real k8s.io/apiserver VAP plugin)', () => {
  let oracle: VapOracle;
  beforeAll(async () => {
    oracle = await VapOracle.start();
    await oracle.load(admissionPolicyYaml());
  });
  afterAll(() => oracle.stop());

  test('the trap: uid 1000 + drop ALL on port 80 is denied, naming the container, the port and the fixes', async () => {
    const [verdict] = await oracle.evaluate([{ object: pod({ containers: [web({ runAsUser: 1000, capabilities: { drop: ['ALL'] } })] }) }]);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain("ValidatingAdmissionPolicy 'k8s-least-privilege-pods' with binding 'k8s-least-privilege-pods' denied request: LP001 port-cannot-bind: container \"web\" port 80/TCP cannot bind");
    for (const marker of [REMEDY_MARKERS.fileCapability, REMEDY_MARKERS.sysctl + '80', REMEDY_MARKERS.highPort + '1024', REMEDY_MARKERS.root]) expect(verdict.message).toContain(marker);
  });

  test('with hostNetwork the sysctl is not offered; at restricted running as root is not', async () => {
    const subject = pod({ hostNetwork: true, containers: [web({ runAsUser: 1000, capabilities: { drop: ['ALL'] } })] });
    const [hostNetwork] = await oracle.evaluate([{ object: subject }]);
    expect(lp001(hostNetwork)).not.toContain(REMEDY_MARKERS.sysctl);
    await oracle.load(admissionPolicyYaml({ level: 'restricted' }));
    const [restricted] = await oracle.evaluate([{ object: subject }]);
    expect(lp001(restricted)).not.toContain(REMEDY_MARKERS.root);
    await oracle.load(admissionPolicyYaml());
  });

  test('a capability name with non-ASCII letters (JavaScript and Go upper-case "ı" to "I") is admitted with a warning, never denied', async () => {
    const subject = pod({ containers: [web({ runAsUser: 0, capabilities: { drop: ['ALL'], add: ['net_bınd_servıce'] } })] });
    const [verdict] = await oracle.evaluate([{ object: subject }]);
    expect(verdict.allowed).toBe(true);
    expect((verdict.warnings ?? []).join('\n')).toContain('non-ASCII');
  });

  test('a pod made by a ReplicaSet (whose template was judged) is not judged again', async () => {
    const broken = web({ runAsUser: 1000, capabilities: { drop: ['ALL'] } });
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: '0f0f', controller: true }];
    const [owned, unowned] = await oracle.evaluate([
      { object: pod({ containers: [broken] }, { ownerReferences }) },
      { object: pod({ containers: [broken] }) },
    ]);
    expect(owned.allowed).toBe(true);
    expect(unowned.allowed).toBe(false);
  });

  test('an update that leaves the pod template alone (a label, a scale) is not judged; one that changes it is', async () => {
    const broken = wrapPod({ spec: { containers: [web({ runAsUser: 1000, capabilities: { drop: ['ALL'] } })] } }, 'Deployment');
    const scaled = clone(broken) as Json;
    scaled.spec.replicas = 5;
    const fixed = clone(broken) as Json;
    fixed.spec.template.spec.containers[0].ports[0].containerPort = 8080;
    const [scale, breakIt] = await oracle.evaluate([
      { object: scaled, oldObject: broken, operation: 'UPDATE' },
      { object: broken, oldObject: fixed, operation: 'UPDATE' },
    ]);
    expect(scale.allowed).toBe(true);
    expect(breakIt.allowed).toBe(false);
  });

  test('an ephemeral container added through pods/ephemeralcontainers is judged', async () => {
    const before = pod({ containers: [web({ runAsUser: 1000 }, [{ containerPort: 8080 }])] });
    const after = clone(before);
    after.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { runAsNonRoot: true, runAsUser: 0 } }];
    const [verdict] = await oracle.evaluate([{ object: after, oldObject: before, operation: 'UPDATE', subResource: 'ephemeralcontainers' }]);
    expect(verdict.allowed).toBe(false);
    expect(verdict.message).toContain('LP008 run-as-non-root-contradicted: container "debug" never starts');
  });

  test('every fix a message names, applied, makes the model say the port binds (random denied pods, strict)', async () => {
    const offline = imageFactsLookup('offline', undefined, new Map(), undefined);
    const samples = fc.sample(randomPod, { seed: 0x5eed, numRuns: 400 }).map((p) => wrapPod(p, 'Pod'));
    const verdicts = await oracle.evaluate(samples.map((object) => ({ object })));
    let checked = 0;
    verdicts.forEach((verdict, index) => {
      const message = lp001(verdict);
      if (message === undefined) return;
      for (const part of message.split(/(?=container "[^"]+" port \d+\/\w+ cannot bind: )/).slice(1)) {
        const [, name, portText] = /^container "([^"]+)" port (\d+)\//.exec(part)!;
        const fixes = (Object.keys(REMEDY_MARKERS) as RemedyKind[]).filter((kind) => part.includes(REMEDY_MARKERS[kind]));
        if (!part.includes('needs CAP_NET_BIND_SERVICE')) continue; // a start failure names its own fix
        expect([part, fixes.length > 0]).toEqual([part, true]);
        const start = Number(/listen on a port ≥ (\d+)/.exec(part)?.[1] ?? 1024);
        for (const kind of fixes) {
          const subject = clone(samples[index]) as Json;
          const port = applyRemedy(subject, kind, name, Number(portText), start);
          const analysis = analyzePod({ metadata: subject.metadata, spec: subject.spec }, { imageFacts: offline });
          const after = analysis.containers.find((c) => c.name === name)!.ports.filter((p) => p.containerPort === port).map((p) => p.bind);
          expect([kind, part.slice(0, 200), after]).toEqual([kind, part.slice(0, 200), after.map(() => 'allowed')]);
          checked++;
        }
      }
    });
    process.stderr.write(`admission remedies: ${checked} fixes named in messages, each applied and confirmed by the model\n`);
    expect(checked).toBeGreaterThan(100);
  });
});
