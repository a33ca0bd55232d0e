/**
 * No message of ours recommends a change that our own model calls denied. Over random containers
 * (uids, capability lists spelt every way, ports, the sysctl, hostNetwork, the file-capability
 * annotation), every finding of every rule is read for the two pieces of advice about
 * NET_BIND_SERVICE; each is applied to the pod and the pod is judged again:
 * - "add NET_BIND_SERVICE to capabilities.add" and "remove … from capabilities.drop": if the port
 *   still does not bind once they are followed, the message must also name what else it takes (the
 *   file capability, the sysctl or a high port);
 * - "remove it" (LP005, NET_BIND_SERVICE without a privileged port): no port that bound stops
 *   binding, and it is never said of a non-root container.
 * The planner's messages have their own property test (test/planner/remedies.property.test.ts).
 */
import fc from 'fast-check';
import { checkObject } from '../../src/check/check-object';
import { checkOptionsOf } from '../../src/check/enforcement-config';
import { analyzePod } from '../../src/model/analyze';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../../src/model/file-capabilities';
import { DEFAULT_RUNTIME_PROFILE } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';
import { integerFromEnv } from '../env-integer';

interface Drawn {
  readonly runAsUser: number | undefined;
  readonly drop: readonly string[] | undefined;
  readonly add: readonly string[] | undefined;
  readonly ports: readonly number[];
  readonly sysctl: number | undefined;
  readonly hostNetwork: boolean;
  readonly fileCapability: string | undefined;
}

const drawn: fc.Arbitrary<Drawn> = fc.record({
  runAsUser: fc.constantFrom(undefined, 0, 1000),
  drop: fc.constantFrom(undefined, ['ALL'], ['all'], ['NET_BIND_SERVICE'], ['CAP_NET_BIND_SERVICE']),
  add: fc.constantFrom(undefined, [], ['NET_BIND_SERVICE'], ['CAP_NET_BIND_SERVICE'], ['net_bind_service'], ['SYS_ADMIN'], ['NET_BIND_SERVICE', 'IPC_LOCK']),
  ports: fc.subarray([53, 80, 443, 8080]),
  sysctl: fc.constantFrom(undefined, 53, 80, 1024),
  hostNetwork: fc.boolean(),
  fileCapability: fc.constantFrom(undefined, 'cap_net_bind_service=+ep', 'cap_net_bind_service=+p'),
});

type Pod = { metadata: Record<string, unknown>; spec: Record<string, unknown> };

function podOf(d: Drawn): Pod {
  const securityContext: Record<string, unknown> = {};
  if (d.runAsUser !== undefined) securityContext.runAsUser = d.runAsUser;
  if (d.drop !== undefined || d.add !== undefined) {
    securityContext.capabilities = { ...(d.drop === undefined ? {} : { drop: d.drop }), ...(d.add === undefined ? {} : { add: d.add }) };
  }
  return {
    metadata: d.fileCapability === undefined ? {} : { annotations: { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}web`]: d.fileCapability } },
    spec: {
      ...(d.hostNetwork ? { hostNetwork: true } : {}),
      ...(d.sysctl === undefined ? {} : { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(d.sysctl) }] } }),
      containers: [{ name: 'web', image: 'example/web:1', ports: d.ports.map((containerPort) => ({ containerPort })), securityContext }],
    },
  };
}

function findingMessages(pod: Pod): string[] {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...pod.metadata }, spec: pod.spec };
  return checkObject(objectsInDocument(object).objects[0], checkOptionsOf({ imageFacts: 'assume-none' })).findings.map((finding) => finding.message);
}

function verdicts(pod: Pod): Map<number, string> {
  const [container] = analyzePod(pod, { runtimeProfile: DEFAULT_RUNTIME_PROFILE }).containers;
  return new Map(container.ports.map((port) => [Number(port.containerPort), port.bind]));
}

type Capabilities = { add?: readonly string[]; drop?: readonly string[] };

function withCapabilities(pod: Pod, change: (capabilities: Capabilities) => Capabilities): Pod {
  const spec = pod.spec as { containers: { securityContext: { capabilities?: Capabilities } }[] };
  const [container] = spec.containers;
  const capabilities = change(container.securityContext.capabilities ?? {});
  return { ...pod, spec: { ...pod.spec, containers: [{ ...container, securityContext: { ...container.securityContext, capabilities } }] } };
}

const isNetBindService = (name: string) => name.toUpperCase().replace(/^CAP_/, '') === 'NET_BIND_SERVICE';
const RUNS = integerFromEnv('ADVICE_FUZZ_RUNS') ?? 1000;

test('advice to keep NET_BIND_SERVICE, applied, makes the port bind, or the message says what else it takes', () => {
  fc.assert(
    fc.property(drawn, (d) => {
      const pod = podOf(d);
      for (const message of findingMessages(pod)) {
        const adds = message.includes('add NET_BIND_SERVICE to capabilities.add');
        const removals = /remove ([A-Za-z_, ]+) from capabilities\.drop/.exec(message)?.[1].split(', ') ?? [];
        if (!adds && removals.length === 0) continue;
        const followed = withCapabilities(pod, (capabilities) => ({
          drop: (capabilities.drop ?? []).filter((name) => !removals.includes(name)),
          add: adds ? [...(capabilities.add ?? []).filter((name) => !isNetBindService(name)), 'NET_BIND_SERVICE'] : [...(capabilities.add ?? [])],
        }));
        const stillDenied = [...verdicts(followed)].filter(([, bind]) => bind === 'denied').map(([port]) => port);
        if (stillDenied.length > 0) expect(message).toMatch(/setcap cap_net_bind_service=\+ep.*ip_unprivileged_port_start.*≥ 1024/);
      }
    }),
    { numRuns: RUNS },
  );
});

test('"remove it" (NET_BIND_SERVICE without a privileged port) is said only of root, and stops no port from binding', () => {
  fc.assert(
    fc.property(drawn, (d) => {
      const pod = podOf(d);
      if (!findingMessages(pod).some((message) => /NET_BIND_SERVICE but declares no port below 1024: remove it/.test(message))) return;
      expect(d.runAsUser).toBe(0);
      const before = verdicts(pod);
      const withoutIt = (capabilities: Capabilities) => ({
        ...capabilities,
        add: (capabilities.add ?? []).filter((name) => !isNetBindService(name)),
      });
      const after = verdicts(withCapabilities(pod, withoutIt));
      for (const [port, bind] of before) if (bind === 'allowed') expect([port, after.get(port)]).toEqual([port, 'allowed']);
    }),
    { numRuns: RUNS },
  );
});
