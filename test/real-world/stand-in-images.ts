/**
 * The real-world corpus (corpus.json, described in README.md) as the tests read it, and the
 * stand-in images that reproduce its documented image facts: for each image whose `facts` are
 * established, one layer with `/etc/passwd` and `/etc/group` made of exactly the documented
 * lines, every binary at its documented path (a copy of a static ELF, or, for an entrypoint or
 * CMD script, a script with its documented `#!` line and what the README says it does) with
 * exactly its documented file capability set by the real `setcap`, and every documented
 * symlink; the config carries the documented User, Entrypoint, Cmd and Env. Each is pushed to a
 * local registry under the repository path and tag of its reference, so that a registry mirror
 * serves it for the reference's own registry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImageName } from '../../src/image/registry/image-name';
import type { ConfigSpec, LayerFile } from '../image/image-builder';
import { buildLayer, elfBinary, writeOciLayout } from '../image/image-builder';
import type { Registry } from '../registry/registry';

/** test/real-world: the corpus and its manifests. */
export const CORPUS_DIR = __dirname;

/** One binary an image's argv goes through (corpus.json `binaries[]`). */
export interface CorpusBinary {
  readonly path: string;
  readonly capability: string | null;
  readonly role?: string;
  readonly listens?: readonly number[];
}

/** One image a manifest runs (corpus.json `images[]`). */
export interface CorpusImage {
  readonly reference: string;
  readonly user: string | null;
  readonly passwd: readonly string[];
  readonly group?: readonly string[];
  readonly entrypoint: readonly string[] | null;
  readonly cmd: readonly string[] | null;
  readonly env: readonly string[];
  readonly binaries: readonly CorpusBinary[];
  readonly links?: ReadonlyArray<{ readonly path: string; readonly target: string }>;
  /** Where the facts come from, or `unknown` when they are not established. */
  readonly facts: string;
  readonly note?: string;
}

/** One port verdict the corpus expects (corpus.json `expected[]`). */
export interface ExpectedPort {
  readonly kind: string;
  readonly name: string;
  readonly container: string;
  readonly port: number;
  readonly protocol: string;
  readonly bind: 'allowed' | 'denied';
  readonly reason: string;
  /** What names the port when the container does not declare it, as the report's `source` says. */
  readonly source?: 'probe' | 'service' | 'image';
  /**
   * What the checker can prove with the image read, when that is less than the truth: the image
   * starts a script, whose program is not read, so the honest verdict is `unknown`, and why.
   */
  readonly provable?: { readonly bind: 'unknown'; readonly why: string };
}

/** One manifest of the corpus. */
export interface CorpusEntry {
  /** `manifests/….yaml`, relative to {@link CORPUS_DIR}. */
  readonly file: string;
  readonly source: { readonly repository: string; readonly commit: string; readonly path: string; readonly license: string };
  /** Only for a manifest published as a template: its placeholders and how they are rendered. */
  readonly template?: { readonly placeholders: Readonly<Record<string, string>>; readonly unrenderedVerdict: string };
  readonly images: readonly CorpusImage[];
  readonly expected: readonly ExpectedPort[];
}

/** corpus.json, parsed. */
export function loadCorpus(): CorpusEntry[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'corpus.json'), 'utf8')) as CorpusEntry[];
}

/** Whether the corpus establishes the image's facts (else it gets no stand-in). */
export function isEstablished(image: CorpusImage): boolean {
  return image.facts !== 'unknown';
}

/** Whether the reference pins a digest, which no stand-in can have. */
export function isPinned(reference: string): boolean {
  return parseImageName(reference).digest !== undefined;
}

/**
 * The scripts of the corpus, by path: what README.md documents each one to do, after its
 * `#!` line (which the binary's `role` gives). Only the `#!` line decides a verdict: the
 * kernel runs the interpreter it names.
 */
const SCRIPT_BODIES: Readonly<Record<string, string>> = {
  // microservices-demo/msd-java java.sh: line 3 runs the JVM as a child of the shell (no exec).
  '/usr/local/bin/java.sh': '\njava $JAVA_OPTS $*\n',
  // haproxytech/kubernetes-ingress fs/start.sh:19-25: flag arguments are the controller's; s6-overlay starts everything.
  '/start.sh': 'if [ "${1#--}" != "$1" ]; then\n  exec /init\nfi\n',
  // traefik-library-image v3.7/alpine/entrypoint.sh: flag arguments get traefik prepended (5-7), then exec "$@" (18).
  '/entrypoint.sh': 'set -e\nif [ "${1#-}" != "$1" ]; then\n  set -- traefik "$@"\nfi\nexec "$@"\n',
  // nginxinc/docker-nginx docker-entrypoint.sh: the first argument is not nginx, so it only exec's "$@" (line 47).
  '/docker-entrypoint.sh': 'set -e\nexec "$@"\n',
  // docker-library/php docker-php-entrypoint: exec "$@".
  '/usr/local/bin/docker-php-entrypoint': 'set -e\nexec "$@"\n',
  // docker-library/php apache2-foreground:40.
  '/usr/local/bin/apache2-foreground': 'set -e\nexec apache2 -DFOREGROUND\n',
};

/** The documented file of one binary: a script when its role names a `#!` line, else an ELF copy. */
function binaryFile(binary: CorpusBinary): LayerFile {
  const path = binary.path.slice(1);
  const capability = binary.capability ?? undefined;
  const shebang = /#!(\/[^\s),;]+)/.exec(binary.role ?? '')?.[1];
  if (shebang === undefined) return { path, copyOf: elfBinary(), mode: 0o755, capability };
  const body = SCRIPT_BODIES[binary.path];
  if (body === undefined) throw new Error(`${binary.path} is a #!${shebang} script in corpus.json, but SCRIPT_BODIES does not say what it does`);
  return { path, content: `#!${shebang}\n${body}`, mode: 0o755, capability };
}

/** The files of an image's stand-in: account files, binaries and symlinks, as documented. */
function standInFiles(image: CorpusImage): LayerFile[] {
  const accounts = ([['etc/passwd', image.passwd], ['etc/group', image.group ?? []]] as const)
    .filter(([, lines]) => lines.length > 0)
    .map(([path, lines]): LayerFile => ({ path, content: `${lines.join('\n')}\n` }));
  const links = (image.links ?? []).map((link): LayerFile => ({ path: link.path.slice(1), symlink: link.target }));
  return [...accounts, ...image.binaries.map(binaryFile), ...links];
}

/** The image config of an image's stand-in: User, Entrypoint, Cmd and Env as documented (an empty list: unset). */
function standInConfig(image: CorpusImage): ConfigSpec {
  const set = (list: readonly string[] | null) => (list === null || list.length === 0 ? undefined : list);
  return { User: image.user ?? undefined, Entrypoint: set(image.entrypoint), Cmd: set(image.cmd), Env: set(image.env) };
}

/**
 * Builds a stand-in for every established image and pushes each to `registry` under its
 * reference's repository path and tag (`traefik/whoami:latest` for `traefik/whoami`), digest
 * references included: their tag is there, their digest cannot be.
 */
export async function pushStandIns(registry: Registry, images: readonly CorpusImage[]): Promise<void> {
  const standIns = images.filter(isEstablished).map((image) => ({ image, name: parseImageName(image.reference) }));
  const targets = standIns.map(({ name }) => `${name.repository}:${name.tag}`);
  const repeated = targets.find((target, index) => targets.indexOf(target) !== index);
  if (repeated !== undefined) throw new Error(`two corpus images need the stand-in ${repeated}: one registry cannot serve both`);
  const layout = writeOciLayout(
    'real-world-stand-ins',
    standIns.map(({ image }, index) => ({ tag: `stand-in-${index}`, config: standInConfig(image), layers: [buildLayer({ files: standInFiles(image) })] })),
  );
  await Promise.all(targets.map((target, index) => registry.push(`oci:${layout}:stand-in-${index}`, target)));
}
