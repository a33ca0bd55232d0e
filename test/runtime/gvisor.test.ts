/**
 * Runtime truth for the `gvisor` runtime profile: pods run on gVisor's runsc (built from the Go
 * module proxy by test/runtime/gvisor/setup.sh, run by gvisor/runsc.ts as containerd's CRI plugin
 * would hand them over), each port compared with the model's `gvisor` verdict. What it shows:
 * gVisor's network stack checks no privileged port (any uid binds 80, and the pod's
 * `ip_unprivileged_port_start` is not read); under no_new_privs runsc ignores a binary's file
 * capability (the process holds none after exec, gvisor#14878); without no_new_privs a file
 * capability outside the bounding set fails the exec with EPERM, as on Linux.
 *
 * Needs root and runsc. Without them it skips with one message — except in CI (`CI` set).
 */
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from './cri-config';
import { describeWhenAvailable } from './gate';
import type { RunscObservation } from './gvisor/runsc';
import { runOnRunsc, runscAvailability, runscVersion } from './gvisor/runsc';
import { PROBE_IMAGE_ROOT, SETCAP_PROBE_CAPABILITY } from './image';
import type { KubeContainerPort, KubePod, KubeSecurityContext } from './kube-types';
import { OBSERVATION_WORD, writeVerificationSection } from './verification-doc';
import { analyzePod } from '../../src/model';

const PORTS: readonly KubeContainerPort[] = [
  { containerPort: 80, protocol: 'TCP' },
  { containerPort: 53, protocol: 'UDP' },
  { containerPort: 1024, protocol: 'TCP' },
  { containerPort: 8080, protocol: 'TCP' },
];
const DROP_ALL = { drop: ['ALL'] };
const NBS_ONLY = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };

interface GvisorCase {
  readonly label: string;
  readonly securityContext: KubeSecurityContext;
  readonly fileCapability?: boolean;
  readonly sysctl?: string;
  readonly hostNetwork?: boolean;
  /** What the probe must see of its own capabilities: `CapEff` in hex. */
  readonly effective?: string;
  /** What the probe must see of its bounding set: `CapBnd` in hex. */
  readonly bounding?: string;
  /** The exec fails: no port binds. */
  readonly execFails?: boolean;
}

const CASES: readonly GvisorCase[] = [
  { label: 'uid 1000, drop ALL, aPE false: no capability, and 80 binds (netstack checks no privileged port)', securityContext: { runAsUser: 1000, capabilities: DROP_ALL, allowPrivilegeEscalation: false }, effective: '0000000000000000' },
  {
    label: "uid 1000, runtime default capabilities: none after exec, binds; runsc's bounding set is containerd's default without NET_RAW",
    securityContext: { runAsUser: 1000 },
    effective: '0000000000000000',
    bounding: '00000000a80405fb',
  },
  { label: 'uid 0, drop ALL, add NET_BIND_SERVICE, aPE false: binds with the capability', securityContext: { runAsUser: 0, capabilities: NBS_ONLY, allowPrivilegeEscalation: false }, effective: '0000000000000400' },
  { label: 'uid 1000, setcap +ep, drop ALL, add NET_BIND_SERVICE, aPE false: the file capability is ignored (CapEff 0), binds anyway', securityContext: { runAsUser: 1000, capabilities: NBS_ONLY, allowPrivilegeEscalation: false }, fileCapability: true, effective: '0000000000000000' },
  { label: 'uid 1000, setcap +ep, drop ALL, add NET_BIND_SERVICE, aPE unset: the file capability applies (CapEff 0x400)', securityContext: { runAsUser: 1000, capabilities: NBS_ONLY }, fileCapability: true, effective: '0000000000000400' },
  { label: 'uid 1000, setcap +ep, drop ALL, no add, aPE unset: exec fails with EPERM, as on Linux', securityContext: { runAsUser: 1000, capabilities: DROP_ALL }, fileCapability: true, execFails: true },
  { label: 'uid 1000, setcap +ep, drop ALL, no add, aPE false: the file capability is ignored, so the exec does not fail; binds', securityContext: { runAsUser: 1000, capabilities: DROP_ALL, allowPrivilegeEscalation: false }, fileCapability: true, effective: '0000000000000000' },
  { label: 'uid 1000, drop ALL, pod sysctl ups=1025: the sysctl is not read, 1024 binds', securityContext: { runAsUser: 1000, capabilities: DROP_ALL }, sysctl: '1025', effective: '0000000000000000' },
  { label: 'hostNetwork, uid 1000, drop ALL: the sentry binds on the host stack for it', securityContext: { runAsUser: 1000, capabilities: DROP_ALL }, hostNetwork: true, effective: '0000000000000000' },
];

function podOf(c: GvisorCase): KubePod {
  return {
    metadata: { name: 'gvisor', annotations: c.fileCapability ? { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}probe`]: SETCAP_PROBE_CAPABILITY } : {} },
    spec: {
      ...(c.hostNetwork ? { hostNetwork: true } : {}),
      ...(c.sysctl === undefined ? {} : { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: c.sysctl }] } }),
      containers: [{ name: 'probe', image: PROBE_IMAGE_ROOT, ports: [...PORTS], securityContext: c.securityContext }],
    },
  };
}

/** `true`, or why runsc cannot run here: root, and the binaries gvisor/setup.sh and setup.sh build. */
function availability(): true | string {
  if (process.getuid?.() !== 0) return 'runsc needs root';
  return runscAvailability();
}


describeWhenAvailable('gVisor runtime tests', 'runtime truth: the gvisor profile on runsc', availability(), () => {
  const rows: { label: string; observed: RunscObservation; model: string[]; agrees: boolean }[] = [];

  afterAll(() => {
    if (rows.length !== CASES.length) return;
    const lines = [
      `gVisor (npm test): ${rows.length} pods on runsc ${runscVersion()} (gvisor.dev/gvisor, built by test/runtime/gvisor/setup.sh), ` +
        `${rows.flatMap((r) => r.observed.ports).length} port observations; the model's \`gvisor\` profile agrees with ${rows.filter((r) => r.agrees).length} pods. ` +
        'Own network namespace: `--network=none` (netstack); hostNetwork: `--network=host`, inside a network namespace of the harness.',
      '',
      `| pod | ${PORTS.map((p) => `${p.containerPort}/${p.protocol}`).join(' | ')} | inside (probe) | model (gvisor) |`,
      `|---|${PORTS.map(() => '---').join('|')}|---|---|`,
      ...rows.map((r) => {
        const observation = (p: KubeContainerPort) =>
          r.observed.ports.find((o) => o.containerPort === p.containerPort && o.protocol === p.protocol)!.observation;
        const cells = PORTS.map((p) => OBSERVATION_WORD[observation(p)]);
        const inside = r.observed.identity === undefined ? (r.observed.failure ?? '') : (/CapEff=\S+ .*NoNewPrivs=\d/.exec(r.observed.identity)?.[0] ?? r.observed.identity);
        return `| ${r.label} | ${cells.join(' | ')} | ${inside.replace(/\|/g, '\\|')} | ${r.agrees ? 'agrees' : `**disagrees**: ${r.model.join(', ')}`} |`;
      }),
    ];
    writeVerificationSection('runtime-gvisor', lines.join('\n'));
  });

  test.each(CASES.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const pod = podOf(c);
    const observed = await runOnRunsc(pod);
    const verdicts = analyzePod({ metadata: pod.metadata, spec: pod.spec }, { runtimeProfile: 'gvisor' }).containers[0].ports;
    const model = PORTS.map((p) => verdicts.find((v) => v.containerPort === p.containerPort && v.protocol === p.protocol)!.bind);
    const agrees = observed.ports.every((o, index) => (model[index] === 'allowed') === (o.observation === 'listening') && model[index] !== 'unknown');
    rows.push({ label: c.label, observed, model, agrees });
    expect([c.label, observed.ports.map((p) => p.observation)]).toEqual([c.label, PORTS.map(() => (c.execFails ? 'exec-failed' : 'listening'))]);
    expect(model).toEqual(PORTS.map(() => (c.execFails ? 'denied' : 'allowed')));
    if (c.effective !== undefined) expect(observed.identity).toMatch(new RegExp(`CapEff=${c.effective} `));
    if (c.bounding !== undefined) expect(observed.identity).toMatch(new RegExp(`CapBnd=${c.bounding} `));
    if (c.execFails) expect(observed.failure).toMatch(/operation not permitted/);
  }, 60_000);
});
