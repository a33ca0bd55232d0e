/**
 * Seeds 000 and 001 side by side, read by `check` from a real registry and run by containerd.
 *
 * Both pods have the same securityContext — non-root (uid 1000 from the image's USER),
 * `runAsNonRoot`, `allowPrivilegeEscalation: false`, drop ALL, add NET_BIND_SERVICE, port 80 —
 * and differ only in their image:
 * - seed 000, a stand-in of an interpreter image like python:3.9-slim (plus `USER 1000`): its
 *   `Cmd` runs `python3`, found through PATH, a symlink to /usr/local/bin/python3.9, which has
 *   no file capability;
 * - seed 001, a stand-in of a Go server whose Dockerfile runs
 *   `setcap cap_net_bind_service=+ep /usr/local/bin/server` (and `USER 1000`).
 * The "interpreter" and the "server" are both the harness's bindprobe (so that containerd can
 * run them and report what they bound); their Cmd ends in `tcp:80`, the probe's argument, where
 * a real image would say `-m http.server 80` or `--port 80`.
 *
 * The images are built the way test/runtime/image.ts builds the probe image (setcap on disk,
 * GNU tar with the security.capability xattr), written as one OCI layout, pushed from it with
 * skopeo into Debian's docker-registry on 127.0.0.1, and imported into containerd from an
 * archive of the same layout: the manifest digest the registry serves, the one `check` reports
 * and the one containerd records are checked to be one digest. containerd runs each image as is
 * (its Entrypoint and Cmd, as kubelet leaves them when the pod sets no command), under both
 * runtime profiles; `check --runtime-profile P` must agree with every observation.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeProfile } from './containerd';
import { RUNTIME_PROFILES } from './containerd';
import { describeRuntime } from './gate';
import type { ImportedImage, ObservedPod } from './harness';
import { importImageArchive, runPod, stopRuntimes } from './harness';
import { probeBinaryPath } from './image';
import type { KubePod } from './kube-types';
import { readImageInspection } from '../../src';
import type { CheckReport } from '../../src/check/report';
import { baseFiles, buildLayer, tarDirectory, writeOciLayout } from '../image/image-builder';
import { checkJson, firstPortOf } from '../registry/check-json';
import { startRegistry } from '../registry/registry';
import type { Registry } from '../registry/registry';

const WORK = join(__dirname, '..', '.work', 'registry-seeds');
const PYTHON = '/usr/local/bin/python3.9';
const SERVER = '/usr/local/bin/server';

/** The two seeds: their tag in the layout, their repository and tag in the registry. */
const SEEDS = [
  { name: 'seed-000', tag: 'seed-000', repoAndTag: 'seeds/python:3.9-slim', binary: PYTHON },
  { name: 'seed-001', tag: 'seed-001', repoAndTag: 'seeds/go-server:1.0', binary: SERVER },
] as const;
type SeedName = (typeof SEEDS)[number]['name'];

/** The pod template of both seeds: only the image differs. */
function seedPod(name: string, image: string): KubePod {
  return {
    metadata: { name },
    spec: {
      containers: [
        {
          name,
          image,
          ports: [{ containerPort: 80 }],
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
        },
      ],
    },
  };
}

/** The Deployment `check` reads, around the very pod template the harness runs. */
function deployment(pod: KubePod): object {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: pod.metadata?.name }, spec: { template: { spec: pod.spec } } };
}

/** `check --format json` in this process, with a facts cache of its own. */
async function check(args: readonly string[]): Promise<CheckReport> {
  return (await checkJson(args, WORK)).report;
}

const portOf = firstPortOf;

/** The manifest digest the registry serves for `repoAndTag` (distribution's Docker-Content-Digest). */
async function servedDigest(registry: Registry, repoAndTag: string): Promise<string> {
  const [repo, tag] = repoAndTag.split(':');
  const response = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  });
  if (!response.ok) throw new Error(`HEAD ${repoAndTag}: ${response.status}`);
  return response.headers.get('docker-content-digest') ?? '';
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describeRuntime('registry seeds', 'seeds 000 and 001: read from a registry by check, run from the same bytes by containerd', () => {
  let registry: Registry;
  let layoutDigests: Record<SeedName, string>;
  let images: Record<SeedName, string>;
  let pods: Record<SeedName, KubePod>;
  let manifests: string;
  let config: string;
  const imported = new Map<RuntimeProfile, ImportedImage[]>();
  const reports = new Map<string, Promise<CheckReport>>();
  const runs = new Map<string, Promise<ObservedPod>>();
  /** `check` under a profile (`default`: no --runtime-profile), once per profile. */
  const checked = (profile: RuntimeProfile | 'default'): Promise<CheckReport> => {
    if (!reports.has(profile)) reports.set(profile, check(['--config', config, ...(profile === 'default' ? [] : ['--runtime-profile', profile]), manifests]));
    return reports.get(profile)!;
  };
  /** A seed's pod run under a profile, once. */
  const run = (seed: SeedName, profile: RuntimeProfile): Promise<ObservedPod> => {
    const key = `${seed}/${profile}`;
    if (!runs.has(key)) runs.set(key, runPod(pods[seed], profile));
    return runs.get(key)!;
  };

  beforeAll(async () => {
    mkdirSync(WORK, { recursive: true });
    registry = await startRegistry();
    images = Object.fromEntries(SEEDS.map((seed) => [seed.name, `${registry.host}/${seed.repoAndTag}`])) as Record<SeedName, string>;
    pods = Object.fromEntries(SEEDS.map((seed) => [seed.name, seedPod(seed.name, images[seed.name])])) as Record<SeedName, KubePod>;

    const probe = probeBinaryPath();
    const base = buildLayer({ files: baseFiles() });
    // FROM python:3.9-slim: the interpreter, reached as `python3` through PATH and two symlinks, no file capability.
    const python = buildLayer({
      files: [
        { path: PYTHON.slice(1), copyOf: probe, mode: 0o755 },
        { path: 'usr/local/bin/python3', symlink: 'python3.9' },
        { path: 'usr/local/bin/python', symlink: 'python3' },
      ],
    });
    // COPY --from=build /out/server /usr/local/bin/server; RUN setcap cap_net_bind_service=+ep /usr/local/bin/server
    const server = buildLayer({ files: [{ path: SERVER.slice(1), copyOf: probe, mode: 0o755, capability: 'cap_net_bind_service=+ep' }] });
    const path = 'PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin';
    const layout = writeOciLayout('registry-seeds', [
      { tag: 'seed-000', config: { User: '1000', Env: [path, 'LANG=C.UTF-8'], Cmd: ['python3', 'tcp:80'] }, layers: [base, python] },
      { tag: 'seed-001', config: { User: '1000', Env: [path], Entrypoint: [SERVER], Cmd: ['tcp:80'] }, layers: [base, server] },
    ]);
    // Name each manifest for containerd (`ctr images import` reads io.containerd.image.name), as the registry names it.
    const indexFile = join(layout, 'index.json');
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    for (const manifest of index.manifests) {
      const seed = SEEDS.find((s) => s.tag === manifest.annotations['org.opencontainers.image.ref.name'])!;
      manifest.annotations['io.containerd.image.name'] = images[seed.name];
    }
    writeFileSync(indexFile, JSON.stringify(index));
    layoutDigests = Object.fromEntries(
      SEEDS.map((seed) => [seed.name, index.manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === seed.tag)!.digest]),
    ) as Record<SeedName, string>;
    const archive = tarDirectory(layout, join(WORK, 'seeds.oci.tar'));

    manifests = join(WORK, 'seeds.yaml');
    writeFileSync(manifests, SEEDS.map((seed) => JSON.stringify(deployment(pods[seed.name]))).join('\n---\n'));
    config = join(WORK, 'plain-http.config.json');
    writeFileSync(config, JSON.stringify({ registry: { plainHttp: [registry.host] } }));

    // skopeo pushes from the layout; containerd imports an archive of the same layout.
    await Promise.all([
      ...SEEDS.map((seed) => registry.push(`oci:${layout}:${seed.tag}`, seed.repoAndTag)),
      ...RUNTIME_PROFILES.map(async (profile) => imported.set(profile, await importImageArchive(profile, archive))),
    ]);
  }, 60_000);

  afterAll(async () => {
    try {
      await stopRuntimes();
    } finally {
      await registry?.stop();
    }
  });

  test('one manifest digest per seed: the layout\'s, the registry\'s, check\'s, readImageInspection\'s and containerd\'s (both daemons)', async () => {
    const report = await checked('default');
    for (const seed of SEEDS) {
      const digest = layoutDigests[seed.name];
      const repo = `${registry.host}/${seed.repoAndTag.split(':')[0]}`;
      expect(await servedDigest(registry, seed.repoAndTag)).toBe(digest);
      expect(report.images?.find((image) => image.image === images[seed.name])).toMatchObject({ status: 'pulled', source: `${repo}@${digest}` });
      const inspection = await readImageInspection(`docker://${images[seed.name]}`, { registry: { plainHttp: [registry.host] } });
      expect(inspection.manifestDigest).toBe(digest);
      for (const profile of RUNTIME_PROFILES) {
        const record = imported.get(profile)?.find((image) => image.name === images[seed.name]);
        expect([profile, record?.manifestDigest]).toEqual([profile, digest]);
        // CRI reports the image's USER as kubelet reads it (numeric 1000: runAsNonRoot passes).
        expect(record?.user?.uid?.value).toBe(1000);
      }
    }
  });

  test('check (registry mode, default profile): seed 000 denied, seed 001 allowed, each naming its image by digest (seed 001 also its setcap binary)', async () => {
    const report = await checked('default');
    expect(report.runtimeProfile).toBe('strict');
    expect(report.errors).toEqual([]);
    const [plain, capped] = SEEDS.map((seed) => portOf(report, seed.name));
    const named = (seed: (typeof SEEDS)[number]) => `${escape(registry.host)}/${escape(seed.repoAndTag.split(':')[0])}@${escape(layoutDigests[seed.name])}`;
    expect(plain.bind).toBe('denied');
    expect(plain.reason).toMatch(new RegExp(`uid 1000 \\(the image's USER "1000" of ${named(SEEDS[0])}\\) has none after exec`));
    expect(capped.bind).toBe('allowed');
    expect(capped.reason).toMatch(new RegExp(`cap_net_bind_service=\\+?ep on ${escape(SERVER)} in ${named(SEEDS[1])}`));
  });

  test.each(SEEDS.map((seed) => seed.name))('%s as containerd runs it: the image as is, uid 1000 from its USER, under both profiles', async (seed) => {
    for (const profile of RUNTIME_PROFILES) {
      const observed = await run(seed, profile);
      const [container] = observed.containers;
      expect([profile, container.evidence.failure]).toEqual([profile, undefined]);
      // kubelet's ContainerConfig: the seed's image, no command or args (containerd runs Entrypoint + Cmd).
      expect(container.evidence.criConfig).toMatchObject({ image: { image: images[seed] }, command: [], args: [] });
      const portStart = profile === 'strict' ? 1024 : 0;
      expect(container.evidence.identity).toMatch(new RegExp(`^uid=1000 gid=1000 .*NoNewPrivs=1 ip_unprivileged_port_start=${portStart}$`));
    }
  });

  test('runtime truth: strict — seed 000 does not listen on 80, seed 001 does; containerd-2 — both listen; check --runtime-profile agrees everywhere', async () => {
    const table: Array<{ seed: SeedName; profile: RuntimeProfile; model: string; observed: string; evidence: string; reason: string }> = [];
    for (const profile of RUNTIME_PROFILES) {
      const report = await checked(profile);
      expect(report.runtimeProfile).toBe(profile);
      for (const seed of SEEDS) {
        const port = portOf(report, seed.name);
        const observed = await run(seed.name, profile);
        const [observedPort] = observed.containers[0].ports;
        table.push({ seed: seed.name, profile, model: port.bind, observed: observedPort.observation, evidence: `${observedPort.evidence}; ${observed.containers[0].evidence.identity ?? ''}`, reason: port.reason });
      }
    }
    writeFileSync(join(WORK, 'table.json'), JSON.stringify(table, undefined, 2));
    expect(table.map(({ seed, profile, model, observed }) => [seed, profile, model, observed])).toEqual([
      ['seed-000', 'strict', 'denied', 'eacces'],
      ['seed-001', 'strict', 'allowed', 'listening'],
      ['seed-000', 'containerd-2', 'allowed', 'listening'],
      ['seed-001', 'containerd-2', 'allowed', 'listening'],
    ]);
    // The denial is the kernel's EACCES at bind(2), not a refusal or a failed exec: the probe ran with no capability left.
    expect(table[0].evidence).toMatch(/EACCES[^]*CapEff=0000000000000000/);
    for (const row of table) expect([row.seed, row.profile, row.model === 'allowed']).toEqual([row.seed, row.profile, row.observed === 'listening']);
  });
});
