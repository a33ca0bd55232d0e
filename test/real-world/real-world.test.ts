/**
 * The real-world corpus (README.md, corpus.json) through `check --format json`, every manifest
 * in one run per mode:
 * - offline (`--image-facts offline`): no port the corpus expects to bind is `denied`; a port is
 *   `unknown` only while it awaits its image;
 * - registry: stand-ins of the established images (stand-in-images.ts) in one local registry
 *   that mirrors every registry the corpus names: each port gets the corpus verdict, except where
 *   no stand-in can answer — a digest-pinned reference (a digest cannot be forged) or an image
 *   whose facts are not established — and there the port stays `unknown`, awaiting its image,
 *   and the image's report says why the pull failed.
 * It prints the verdict table once, for the record.
 */
import dns from 'node:dns';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { CorpusEntry, CorpusImage, ExpectedPort } from './stand-in-images';
import { CORPUS_DIR, isEstablished, isPinned, loadCorpus, pushStandIns } from './stand-in-images';
import { OFFLINE_WHY } from '../../src/check/image-facts-mode';
import type { CheckReport, PortReport } from '../../src/check/report';
import { parseImageName } from '../../src/image/registry/image-name';
import { listContainers } from '../../src/model/containers';
import { asObject } from '../../src/model/json-value';
import { objectsInDocument } from '../../src/model/workload';
import { checkJson } from '../registry/check-json';
import type { Registry } from '../registry/registry';
import { startRegistry } from '../registry/registry';

const WORK = join(__dirname, '..', '.work', 'real-world');
const corpus = loadCorpus();

/** The file `check` reads for a corpus entry: the manifest itself, or a template rendered as its placeholders say. */
function checkedFile(entry: CorpusEntry): string {
  const published = join(CORPUS_DIR, entry.file);
  if (entry.template === undefined) return published;
  let text = readFileSync(published, 'utf8');
  for (const [placeholder, value] of Object.entries(entry.template.placeholders)) text = text.split(placeholder).join(value);
  const rendered = join(WORK, basename(entry.file));
  writeFileSync(rendered, text);
  return rendered;
}

/** `check --format json ARGS` in this process, with a facts cache of its own. */
async function check(args: readonly string[]): Promise<CheckReport> {
  return (await checkJson(args, WORK)).report;
}

/**
 * Runs `action` with no host name resolving: the only registry reachable is the local one (an
 * IP literal), so a reference its mirror cannot serve fails at once at the real registry, with
 * or without a network, instead of being read from the Internet.
 */
async function withoutDns<T>(action: () => Promise<T>): Promise<T> {
  const lookup = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
    const callback = rest[rest.length - 1] as (error: NodeJS.ErrnoException) => void;
    process.nextTick(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname })));
  }) as unknown as typeof dns.lookup);
  try {
    return await action();
  } finally {
    lookup.mockRestore();
  }
}

/** `Kind/name/container`: how a container is named across the corpus and the report. */
function containerKey(kind: string, name: string | null, container: string): string {
  return `${kind}/${name}/${container}`;
}

/** `Kind/name/container/port/protocol`. */
function portKey(kind: string, name: string | null, container: string, port: unknown, protocol: string): string {
  return `${containerKey(kind, name, container)}/${port}/${protocol}`;
}

/** The corpus image each container of a manifest runs, by {@link containerKey}. */
function imagesByContainer(entry: CorpusEntry, file: string): Map<string, CorpusImage> {
  const images = new Map<string, CorpusImage>();
  for (const document of loadAll(readFileSync(file, 'utf8'))) {
    for (const object of objectsInDocument(document).objects) {
      for (const container of listContainers(asObject(object.pod?.spec))) {
        const image = entry.images.find((candidate) => candidate.reference === container.spec.image);
        if (image === undefined) throw new Error(`${entry.file}: ${container.name} runs ${String(container.spec.image)}, which corpus.json does not list`);
        images.set(containerKey(object.kind, object.name, container.name), image);
      }
    }
  }
  return images;
}

/** Every port the report gives for the resources of one file, by {@link portKey}. */
function reportedPorts(report: CheckReport, file: string): Map<string, PortReport> {
  const ports = new Map<string, PortReport>();
  for (const resource of report.resources.filter((candidate) => candidate.source.file === file)) {
    for (const container of resource.containers) {
      for (const port of container.ports) ports.set(portKey(resource.kind, resource.name, container.name, port.containerPort, port.protocol), port);
    }
  }
  return ports;
}

/** How `check` learns image facts in a run. */
type Mode = 'offline' | 'registry';

/** One expected port with what each mode said. */
interface Row {
  readonly entry: CorpusEntry;
  readonly expected: ExpectedPort;
  readonly image: CorpusImage;
  readonly offline: PortReport | undefined;
  readonly registry: PortReport | undefined;
}

/** Whether a stand-in answers for the image: its facts are established and its reference names no digest. */
function reproducible(image: CorpusImage): boolean {
  return isEstablished(image) && !isPinned(image.reference);
}

/** A verdict as the table shows it: why it is `unknown` when it awaits its image. */
function cell(row: Row, mode: Mode): string {
  const port = row[mode];
  if (port === undefined) return 'missing';
  if (!port.awaitsImage) return mode === 'registry' && row.expected.provable !== undefined && port.bind === 'unknown' ? 'unknown (starts a script)' : port.bind;
  if (mode === 'offline') return 'unknown (awaits image)';
  if (!isEstablished(row.image)) return 'unknown (no stand-in)';
  return isPinned(row.image.reference) ? 'unknown (digest pinned)' : 'unknown (image not read)';
}

function table(rows: readonly Row[]): string {
  const header = ['manifest', 'container', 'port', 'expected', 'offline', 'registry'];
  const port = (expected: ExpectedPort) => `${expected.port}/${expected.protocol}${expected.source === undefined ? '' : ` (${expected.source})`}`;
  const lines = rows.map((row) => [basename(row.entry.file, '.yaml'), row.expected.container, port(row.expected), row.expected.bind, cell(row, 'offline'), cell(row, 'registry')]);
  return [header, header.map(() => '---'), ...lines].map((line) => `| ${line.join(' | ')} |`).join('\n');
}

/** What the assertions compare for one port: its verdict, named (the reason only explains a failure). */
function verdictOf(row: Row, mode: Mode) {
  const { expected, image } = row;
  const port = row[mode];
  return { port: `${expected.container} ${expected.port}/${expected.protocol}`, image: image.reference, bind: port?.bind, awaitsImage: port?.awaitsImage ?? false, reason: port?.reason };
}

/** Expects every port of `rows` to have the verdict `wanted` gives it, all at once. */
function expectVerdicts(rows: readonly Row[], mode: Mode, wanted: (row: Row) => { bind: string; awaitsImage: boolean }): void {
  const received = rows.map((row) => verdictOf(row, mode));
  expect(received).toEqual(received.map((verdict, index) => ({ ...verdict, ...wanted(rows[index]) })));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let registry: Registry;
const reports = {} as Record<Mode, CheckReport>;
let files: Map<CorpusEntry, string>;
let rows: Row[];

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  files = new Map(corpus.map((entry) => [entry, checkedFile(entry)]));
  registry = await startRegistry();
  const standIns = corpus.flatMap((entry) => entry.images);
  await pushStandIns(registry, standIns);
  // Every registry the corpus names is mirrored by the local one, over plain HTTP.
  const domains = [...new Set(standIns.map((image) => parseImageName(image.reference).registry))].sort();
  const mirrors = Object.fromEntries(domains.map((domain) => [domain, [registry.host]]));
  const config = join(WORK, 'registry.config.json');
  writeFileSync(config, JSON.stringify({ imageFacts: 'registry', registry: { mirrors, plainHttp: [registry.host] } }));
  reports.offline = await check(['--image-facts', 'offline', ...files.values()]);
  reports.registry = await withoutDns(() => check(['--config', config, ...files.values()]));
  rows = corpus.flatMap((entry) => {
    const file = files.get(entry) as string;
    const images = imagesByContainer(entry, file);
    const offlinePorts = reportedPorts(reports.offline, file);
    const registryPorts = reportedPorts(reports.registry, file);
    return entry.expected.map((expected) => {
      const container = containerKey(expected.kind, expected.name, expected.container);
      const image = images.get(container);
      if (image === undefined) throw new Error(`${entry.file}: no container ${container}`);
      const key = portKey(expected.kind, expected.name, expected.container, expected.port, expected.protocol);
      return { entry, expected, image, offline: offlinePorts.get(key), registry: registryPorts.get(key) };
    });
  });
}, 60_000);

afterAll(async () => {
  if (rows !== undefined) console.log(`Real-world corpus, verdict per port (strict runtime):\n\n${table(rows)}\n`);
  await registry?.stop();
});

const byManifest = corpus.map((entry) => [entry.file, entry] as const);
const rowsOf = (entry: CorpusEntry) => rows.filter((row) => row.entry === entry);

test('both runs read every manifest without an input error', () => {
  for (const report of Object.values(reports)) {
    expect(report.errors).toEqual([]);
    expect(new Set(report.resources.map((resource) => resource.source.file))).toEqual(new Set(files.values()));
  }
});

describe.each(['offline', 'registry'] as const)('%s: the checker reports exactly the ports of the corpus, each from where the corpus says', (mode) => {
  test.each(byManifest)('%s', (_file, entry) => {
    const keys = entry.expected.map((expected) => portKey(expected.kind, expected.name, expected.container, expected.port, expected.protocol));
    expect([...reportedPorts(reports[mode], files.get(entry) as string).keys()].sort()).toEqual(keys.sort());
    // A port the container does not declare (traefik-whoami's 80, only its Service names it; the
    // health ports only probes name) is judged all the same, marked with its source.
    const sources = rowsOf(entry).map((row) => ({ port: verdictOf(row, mode).port, source: row[mode]?.source }));
    expect(sources).toEqual(rowsOf(entry).map((row) => ({ port: verdictOf(row, mode).port, source: row.expected.source })));
  });
});

describe('offline: never a false denied; unknown only while the image is awaited', () => {
  test.each(byManifest)('%s', (_file, entry) => {
    expectVerdicts(rowsOf(entry), 'offline', (row) => (row.offline?.bind === 'unknown' ? { bind: 'unknown', awaitsImage: true } : { bind: row.expected.bind, awaitsImage: false }));
    for (const row of rowsOf(entry).filter((candidate) => candidate.offline?.awaitsImage)) expect(row.offline?.reason).toContain(OFFLINE_WHY);
  });

  test('the microk8s template as published: every port unknown, since the API server would reject it', async () => {
    const template = corpus.filter((entry) => entry.template !== undefined);
    expect(template.map((entry) => entry.file)).toEqual(['manifests/microk8s-coredns.yaml']);
    const published = join(CORPUS_DIR, template[0].file);
    const ports = [...reportedPorts(await check(['--image-facts', 'offline', published]), published).values()];
    expect(ports.map((port) => port.containerPort)).toEqual([53, 53, 9153, 8080, 8181]);
    for (const port of ports) {
      expect(port).toMatchObject({ bind: 'unknown' });
      expect(port.reason).toMatch(/API server rejects .*allowPrivilegeEscalation is "\$ALLOWESCALATION"/);
    }
  });
});

describe('registry: the stand-ins decide what offline left unknown', () => {
  test.each(byManifest)('%s', (_file, entry) => {
    // No stand-in answers for a pinned digest or an image of unknown facts: its pull fails, and a verdict that needs it stays unknown.
    // Where the image starts a script, the checker cannot prove which program listens: unknown, never denied.
    expectVerdicts(rowsOf(entry), 'registry', (row) =>
      row.offline?.awaitsImage === true && !reproducible(row.image)
        ? { bind: 'unknown', awaitsImage: true }
        : { bind: row.expected.provable?.bind ?? row.expected.bind, awaitsImage: false });
    for (const row of rowsOf(entry).filter((candidate) => candidate.expected.provable !== undefined)) {
      expect(row.registry?.reason).toMatch(/the container starts a script, and \/bin\/sh \(the interpreter of the script \/usr\/local\/bin\/java\.sh\) has none/);
    }
  });

  test('every image a verdict needed was read from the mirror, except those no stand-in can be', () => {
    const needed = new Map(rows.filter((row) => row.offline?.awaitsImage).map((row) => [row.image.reference, row.image]));
    const pulls = new Map((reports.registry.images ?? []).map((report) => [report.image, report]));
    expect([...pulls.keys()].sort()).toEqual([...needed.keys()].sort());
    for (const image of needed.values()) {
      const name = parseImageName(image.reference);
      const report = pulls.get(image.reference);
      if (reproducible(image)) {
        // carts, orders and shipping have the same documented facts, hence one stand-in digest: read once, then from the cache.
        const source = new RegExp(`^${escapeRegExp(`${name.registry}/${name.repository}`)}@sha256:[0-9a-f]{64}$`);
        expect(report).toMatchObject({ status: expect.stringMatching(/^(pulled|cached)$/), message: null, source: expect.stringMatching(source) });
      } else {
        // The mirror has no manifest by that digest (a pinned reference: the stand-in is there under its tag only) or none
        // at all (no stand-in); the real registry is not reached.
        expect(report).toMatchObject({ status: 'failed', source: null });
        const asked = `mirror ${registry.host}: 404 Not Found for ${name.repository}/manifests/${name.digest ?? name.tag}`;
        expect(report?.message).toMatch(new RegExp(`${escapeRegExp(asked)}.*; ${escapeRegExp(name.registry)}: `));
      }
    }
  });

  test('a pinned reference\'s stand-in is in the mirror under its tag, with another digest: a digest cannot be forged', async () => {
    const pinned = corpus.flatMap((entry) => entry.images).filter((image) => isEstablished(image) && isPinned(image.reference));
    expect(pinned.length).toBeGreaterThan(0);
    for (const image of pinned) {
      const name = parseImageName(image.reference);
      const response = await fetch(`${registry.url}/v2/${name.repository}/manifests/${name.tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect([response.status, response.headers.get('docker-content-digest')]).toEqual([200, expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
      expect(response.headers.get('docker-content-digest')).not.toBe(name.digest);
    }
  });
});
