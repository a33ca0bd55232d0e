/**
 * Issue 17: builds hostile inputs — for the manifest reader (FIFOs, devices, symlinks leaving
 * the directory given, huge scalars, control characters) and for the image reader (tar
 * headers with negative or absurd sizes, PAX floods, decompression bombs, too many entries) —
 * and runs the real binary on them with a wall-clock and a memory bound. The tar members are
 * written by hand (GNU tar refuses to write most of them); see {@link tarArchive}.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, workDirectory } from './run-checker';
import type { BuiltLayer } from '../image/image-builder';
import { sha256, writeOciLayout } from '../image/image-builder';

/** How a bounded run ended, with what it cost. */
export interface BoundedRun {
  /** The exit status, or `null` when killed. */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Peak resident set size: the child's own figure when it exits, else the highest sampled. */
  readonly peakRssBytes: number;
  /** Why the run was killed, if it was. */
  readonly killed: 'time' | 'memory' | undefined;
}

/** Limits of {@link runBounded}. */
export interface RunBounds {
  /** Killed after this long. @default 20000 */
  readonly timeoutMs?: number;
  /** Killed when its resident memory passes this. @default 1.5 GiB */
  readonly memoryBytes?: number;
  /** A file to give as standard input. @default none (an empty pipe) */
  readonly stdinFile?: string;
  /** Variables added to the environment. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** The binary. @default bin/k8s-least-privilege of this repository */
  readonly bin?: string;
}

const GiB = 1024 ** 3;
// Reports the child's peak RSS (kB) on standard error as it exits, then runs the binary as is. VmHWM,
// not resourceUsage().maxRSS: Linux carries a forked parent's peak over into the child's maxRSS.
const MEASURE =
  "process.on('exit', () => process.stderr.write('\\nmax-rss-kb: ' + " +
  "/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'latin1'))[1] + '\\n'));";

/**
 * Runs `k8s-least-privilege ARGS…` (the compiled binary, through `node -e` so that it can report
 * its peak memory) and kills it when it runs past the time or memory bound. Resident memory is
 * sampled from /proc every 50 ms, so a run that is killed still has a figure.
 */
export function runBounded(args: readonly string[], bounds: RunBounds = {}): Promise<BoundedRun> {
  const timeoutMs = bounds.timeoutMs ?? 20_000;
  const memoryBytes = bounds.memoryBytes ?? 1.5 * GiB;
  const stdin = bounds.stdinFile === undefined ? 'pipe' : openSync(bounds.stdinFile, 'r');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', `${MEASURE}require(${JSON.stringify(bounds.bin ?? BIN)});`, 'k8s-least-privilege', ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, ...bounds.env },
  });
  if (typeof stdin === 'number') closeSync(stdin);
  else child.stdin?.end();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  let killed: BoundedRun['killed'];
  let sampledPeak = 0;
  const kill = (why: 'time' | 'memory') => {
    killed ??= why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill('time'), timeoutMs);
  const sampler = setInterval(() => {
    const { rss, peak } = residentBytes(child.pid);
    sampledPeak = Math.max(sampledPeak, peak);
    if (rss > memoryBytes) kill('memory');
  }, 50);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const errorText = Buffer.concat(stderr).toString();
      const match = /\nmax-rss-kb: (\d+)\n$/.exec(errorText);
      resolve({
        status: killed === undefined ? status : null,
        stdout: Buffer.concat(stdout).toString(),
        stderr: match === null ? errorText : errorText.slice(0, match.index),
        seconds,
        peakRssBytes: Math.max(sampledPeak, match === null ? 0 : Number(match[1]) * 1024),
        killed,
      });
    });
  });
}

function residentBytes(pid: number | undefined): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** `12.3 s, 85 MB` — or what killed it. */
export function describeRun(run: BoundedRun): string {
  const memory = `${(run.peakRssBytes / 1024 ** 2).toFixed(0)} MB`;
  if (run.killed === 'time') return `> ${run.seconds.toFixed(0)} s, killed (${memory} by then)`;
  if (run.killed === 'memory') return `killed at ${memory} after ${run.seconds.toFixed(1)} s`;
  return `${run.seconds.toFixed(1)} s, ${memory}`;
}

// ---------------------------------------------------------------------------------------------
// Tar members written by hand.

/** One tar member. `size` is what the header says; `data` what follows it (padded to a block). */
export interface TarMember {
  readonly name: string;
  /** ustar typeflag. @default '0' */
  readonly type?: string;
  /** @default data's length */
  readonly size?: number;
  /** The 12 bytes of the size field as they are, to write what no writer would (base-256, negative). */
  readonly sizeField?: Buffer;
  readonly data?: Buffer | string;
  readonly linkname?: string;
  /** @default 0o644 */
  readonly mode?: number;
}

/** A 512-byte ustar header with a correct checksum. */
export function tarHeader(member: TarMember): Buffer {
  const block = Buffer.alloc(512);
  const data = member.data === undefined ? Buffer.alloc(0) : Buffer.from(member.data);
  block.write(member.name, 0, 100, 'utf8');
  octal(block, 100, 8, member.mode ?? 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  if (member.sizeField !== undefined) member.sizeField.copy(block, 124, 0, 12);
  else octal(block, 124, 12, member.size ?? data.length);
  octal(block, 136, 12, 0);
  block.write(member.type ?? '0', 156, 1, 'latin1');
  block.write(member.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

function octal(block: Buffer, at: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, at, length, 'latin1');
}

/** Members, each padded to a block, then the two zero blocks. */
export function tarArchive(members: readonly TarMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const member of members) {
    const data = member.data === undefined ? Buffer.alloc(0) : Buffer.from(member.data);
    parts.push(tarHeader(member), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** PAX records (`"%d %s=%s\n"`, the length counting itself). */
export function paxData(records: Readonly<Record<string, string>> | readonly (readonly [string, string])[]): Buffer {
  const entries = Array.isArray(records) ? records : Object.entries(records);
  return Buffer.concat(entries.map(([key, value]) => Buffer.from(paxRecord(key, value))));
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** A PAX `x` member carrying `records` for the member after it. */
export function paxMember(records: Readonly<Record<string, string>>, type: 'x' | 'g' = 'x'): TarMember {
  return { name: 'PaxHeaders/entry', type, data: paxData(records) };
}

// ---------------------------------------------------------------------------------------------
// Images.

/** An uncompressed or gzip layer made of `tar` (its diff_id computed). */
export function layerOf(tar: Buffer, compression: 'none' | 'gzip' = 'gzip'): BuiltLayer {
  const blob = compression === 'gzip' ? gzipSync(tar, { level: 1 }) : tar;
  return { blob, diffId: sha256(tar), digest: sha256(blob), mediaType: `application/vnd.oci.image.layer.v1.tar${compression === 'gzip' ? '+gzip' : ''}` };
}

/** A layer blob as given (a bomb), with a made-up diff_id: the reader must stop before it could compare. */
export function layerBlob(blob: Buffer, mediaType: string): BuiltLayer {
  return { blob, diffId: sha256(Buffer.from('not reached')), digest: sha256(blob), mediaType };
}

/** A small valid base layer: /etc/passwd with root and app (1000), /app an executable. */
export function baseTar(): Buffer {
  return tarArchive([
    { name: 'etc/', type: '5', mode: 0o755 },
    { name: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' },
    { name: 'etc/group', data: 'root:x:0:\napp:x:1000:\n' },
    { name: 'app', data: '\u007fELF\u0002\u0001\u0001', mode: 0o755 },
  ]);
}

/** An OCI layout directory of one image (tag `latest`) with these layers; returns its path. */
export function ociLayout(name: string, layers: readonly BuiltLayer[], config: Record<string, unknown> = { User: 'app', Entrypoint: ['/app'] }): string {
  return writeOciLayout(`hostile-${name}`, [{ config, layers, tag: 'latest' }]);
}

/**
 * A zstd bomb, written as `zstd` writes `gib` GiB of zeros: RLE blocks of 128 KiB zeros, 4 bytes
 * each (16 GiB in 512 KiB). With `claim`, a raw block first holds a tar header for a file of
 * that size; without, the stream is zeros only: an empty archive, then zeros past its end.
 * `windowLog` is what the frame header asks of the decoder (17: 128 KiB; 31: 2 GiB).
 */
export function zstdBomb(gib: number, options: { readonly claim?: boolean; readonly windowLog?: number } = {}): Buffer {
  const header = options.claim === true ? tarHeader({ name: 'zero.bin', sizeField: base256(gib * GiB) }) : Buffer.alloc(512);
  const blocks = (gib * GiB) / (128 * 1024);
  const out = Buffer.alloc(6 + 3 + 512 + blocks * 4);
  out.writeUInt32LE(0xfd2fb528, 0);
  out[4] = 0x00; // no checksum, no dictionary, no content size, not single-segment
  out[5] = ((options.windowLog ?? 17) - 10) << 3;
  let at = 6;
  at = blockHeader(out, at, false, 0, 512);
  header.copy(out, at);
  at += 512;
  for (let block = 0; block < blocks; block++) {
    at = blockHeader(out, at, block === blocks - 1, 1, 128 * 1024);
    out[at++] = 0;
  }
  return out;
}

function blockHeader(out: Buffer, at: number, last: boolean, type: number, size: number): number {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  out[at] = value & 0xff;
  out[at + 1] = (value >> 8) & 0xff;
  out[at + 2] = (value >> 16) & 0xff;
  return at + 3;
}

/** A GNU base-256 size field (the high bit of the first byte set). */
export function base256(value: number, negative = false): Buffer {
  const field = Buffer.alloc(12, negative ? 0xff : 0);
  let rest = value;
  for (let i = 11; i > 0 && rest > 0; i--) {
    field[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  field[0] = negative ? 0xff : 0x80;
  return field;
}

/**
 * A gzip bomb: gzip members of 64 MiB of zeros, `gib` GiB in all (gzip readers read
 * concatenated members as one stream). With `claim`, the first starts with a tar header for
 * a file of that size; without, the stream is an empty archive, then zeros past its end.
 */
export function gzipBomb(gib: number, options: { readonly claim?: boolean } = {}): Buffer {
  const chunk = 64 * 1024 ** 2;
  const zeros = gzipSync(Buffer.alloc(chunk));
  const first = options.claim === true ? gzipSync(Buffer.concat([tarHeader({ name: 'zero.bin', sizeField: base256(gib * GiB) }), Buffer.alloc(chunk - 512)])) : zeros;
  return Buffer.concat([first, ...Array<Buffer>((gib * GiB) / chunk - 1).fill(zeros)]);
}

/**
 * A gzip layer of `count` empty files with distinct names. Written as one gzip member per 4096
 * entries (gzip readers read concatenated members as one stream), so that it is never whole in memory.
 */
export function manyEntriesLayer(count: number): BuiltLayer {
  const batch = 4096;
  const members: Buffer[] = [];
  const diff = createHash('sha256');
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const blocks = Buffer.concat(Array.from({ length: size }, (_, i) => tarHeader({ name: `f/${String(start + i).padStart(10, '0')}` })));
    diff.update(blocks);
    members.push(gzipSync(blocks, { level: 1 }));
  }
  diff.update(Buffer.alloc(1024));
  members.push(gzipSync(Buffer.alloc(1024)));
  const blob = Buffer.concat(members);
  return { blob, diffId: `sha256:${diff.digest('hex')}`, digest: sha256(blob), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
}

// ---------------------------------------------------------------------------------------------
// Manifests and paths.

/** A Pod named `name` whose one container listens on `port`. */
export function pod(name: string, port = 8080, extra = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: web\n      image: app:1\n      ports: [{containerPort: ${port}}]\n${extra}`;
}

/** A fresh directory for one probe. */
export function probeDirectory(name: string): string {
  return workDirectory(`hostile-${name}`);
}

/** Writes `files` (path → content, or `{ symlink }`) under `directory`. */
export function writeTree(directory: string, files: Readonly<Record<string, string | Buffer | { readonly symlink: string }>>): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(directory, path);
    mkdirSync(join(target, '..'), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.symlink, target);
    else writeFileSync(target, content);
  }
}

/** Writes a file of `bytes` bytes of `fill` in 1 MiB writes; returns its path. */
export function bigFile(path: string, prefix: string, bytes: number, fill: string, suffix = ''): string {
  const descriptor = openSync(path, 'w');
  writeSync(descriptor, prefix);
  const chunk = Buffer.alloc(1024 * 1024, fill);
  for (let written = 0; written < bytes; written += chunk.length) writeSync(descriptor, chunk, 0, Math.min(chunk.length, bytes - written));
  writeSync(descriptor, suffix);
  closeSync(descriptor);
  return path;
}

/** Makes a named pipe (nothing ever writes to it: opening it for reading blocks forever). */
export function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

// ---------------------------------------------------------------------------------------------
// The probes of issue 17, each ready to run.

/** A probe: the command line and the bounds it runs under. */
export interface Probe {
  readonly args: readonly string[];
  readonly bounds?: RunBounds;
  /** Text that must never appear in any output (a secret outside the paths given). */
  readonly secret?: string;
}

/** A distinctive secret, placed in files outside the paths given. */
export const SECRET = 'lp17-s3cr3t-7f3a9c2e';

/** Runs `check --images MAP` on a pod using image `app:1`, the map pointing at `location`. */
function checkImage(name: string, location: string, format = 'json'): Probe {
  const directory = probeDirectory(name);
  writeTree(directory, { 'images.yaml': `app:1: ${JSON.stringify(location)}\n`, 'pod.yaml': pod('uses-image') });
  return { args: ['check', '--format', format, '--images', join(directory, 'images.yaml'), join(directory, 'pod.yaml')] };
}

/** `check --images` with an image whose second layer is this zstd blob. */
function zstdLayerProbe(name: string, blob: Buffer): Probe {
  return checkImage(name, `oci:${ociLayout(name, [layerOf(baseTar()), layerBlob(blob, 'application/vnd.oci.image.layer.v1.tar+zstd')])}`);
}

/** `check --images` with an image whose second layer is this gzip blob. */
function gzipLayerProbe(name: string, blob: Buffer): Probe {
  return checkImage(name, `oci:${ociLayout(name, [layerOf(baseTar()), layerBlob(blob, 'application/vnd.oci.image.layer.v1.tar+gzip')])}`);
}

/** An OCI archive whose first member is preceded by a PAX header with this `size`. */
function archiveWithPaxSize(size: string): Buffer {
  return tarArchive([paxMember({ size }), { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', data: '{}' }]);
}

/** Writes `bytes` as an archive file of a probe; returns its path. */
function archiveFile(name: string, bytes: Buffer): string {
  const path = join(probeDirectory(name), 'image.tar');
  writeFileSync(path, bytes);
  return path;
}

/** The escape sequences a manifest or an image can carry: colour, an OSC title, a C1 CSI, CR, a forged line. */
export const INJECTION = '\u001b[31mred\u001b[0m\u001b]0;pwned\u0007\u009b2J\rCR\nFAKE LINE: 0 errors';

/** Every probe by name. */
export const PROBES: Readonly<Record<string, () => Probe>> = {
  'PAX size=-1536 in an image archive (2.5 KB)': () => checkImage('pax-negative', `oci-archive:${archiveFile('pax-negative', archiveWithPaxSize('-1536'))}`),
  'PAX size not a number, not an integer, absurd': () => {
    const directory = probeDirectory('pax-sizes');
    const map = ['12abc', '1.5', '99999999999999999999', ' 0x200'].map((size, i) => {
      writeFileSync(join(directory, `image-${i}.tar`), archiveWithPaxSize(size));
      return `app${i}:1: oci-archive:${join(directory, `image-${i}.tar`)}`;
    });
    writeTree(directory, { 'images.yaml': `${map.join('\n')}\n`, 'pod.yaml': pod('uses-image') });
    return { args: ['check', '--format', 'json', '--images', join(directory, 'images.yaml'), join(directory, 'pod.yaml')] };
  },
  'base-256 size: negative, and beyond 2^53': () => {
    const directory = probeDirectory('base256');
    const fields = [base256(1536, true), Buffer.from([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])];
    const map = fields.map((sizeField, i) => {
      writeFileSync(join(directory, `image-${i}.tar`), tarArchive([{ name: 'oci-layout', sizeField, data: '' }]));
      return `app${i}:1: oci-archive:${join(directory, `image-${i}.tar`)}`;
    });
    writeTree(directory, { 'images.yaml': `${map.join('\n')}\n`, 'pod.yaml': pod('uses-image') });
    return { args: ['check', '--format', 'json', '--images', join(directory, 'images.yaml'), join(directory, 'pod.yaml')] };
  },
  'x header of 2^40 bytes in an image archive': () =>
    checkImage('huge-x', `oci-archive:${archiveFile('huge-x', tarArchive([{ name: 'PaxHeaders/x', type: 'x', sizeField: base256(2 ** 40) }]))}`),
  'L header of 8 GiB in a layer': () => {
    const tar = Buffer.concat([tarHeader({ name: '././@LongLink', type: 'L', size: 8 * GiB - 1 }), Buffer.alloc(4096)]);
    return checkImage('huge-l', `oci:${ociLayout('huge-l', [layerOf(baseTar()), layerOf(tar)])}`);
  },
  'global PAX header of 550k records, then 20k entries': () => {
    const records = Array.from({ length: 550_000 }, (_, i) => [`k${i.toString(36)}`, ''] as const);
    const members: TarMember[] = [{ name: 'PaxHeaders/global', type: 'g', data: paxData(records) }];
    for (let i = 0; i < 20_000; i++) members.push({ name: `d/f${i}` });
    return checkImage('pax-flood', `oci:${ociLayout('pax-flood', [layerOf(baseTar()), layerOf(tarArchive(members))])}`);
  },
  'PAX x headers of 10k records before each of 2k entries': () => {
    const records = Array.from({ length: 10_000 }, (_, i) => [`SCHILY.xattr.user.k${i}`, 'v'] as const);
    const data = paxData(records);
    const members: TarMember[] = [];
    for (let i = 0; i < 2_000; i++) members.push({ name: 'PaxHeaders/x', type: 'x', data }, { name: `d/f${i}` });
    return checkImage('pax-per-entry', `oci:${ociLayout('pax-per-entry', [layerOf(baseTar()), layerOf(tarArchive(members))])}`);
  },
  'LIBARCHIVE.xattr.%ZZ': () => {
    const tar = tarArchive([paxMember({ 'LIBARCHIVE.xattr.%ZZ': 'AAAA' }), { name: 'bin/tool', data: 'x', mode: 0o755 }]);
    return checkImage('xattr-name', `oci:${ociLayout('xattr-name', [layerOf(baseTar()), layerOf(tar)])}`);
  },
  'zstd bomb: a 16 GiB entry in 512 KiB': () => zstdLayerProbe('zstd-claim', zstdBomb(16, { claim: true })),
  'zstd bomb: 16 GiB of zeros past the end of the archive': () => zstdLayerProbe('zstd-zeros', zstdBomb(16)),
  'zstd frame asking for a 2 GiB window': () => zstdLayerProbe('zstd-window', zstdBomb(1, { windowLog: 31 })),
  'gzip bomb: a 16 GiB entry in 16 MiB': () => gzipLayerProbe('gzip-claim', gzipBomb(16, { claim: true })),
  'gzip bomb: 16 GiB of zeros past the end of the archive': () => gzipLayerProbe('gzip-zeros', gzipBomb(16)),
  // A million entries take seconds to read before the limit is passed: a busy runner gets a minute.
  'a layer of 1.2 million entries': () => ({
    ...checkImage('many-entries', `oci:${ociLayout('many-entries', [layerOf(baseTar()), manyEntriesLayer(1_200_000)])}`),
    bounds: { timeoutMs: 60_000 },
  }),
  'index.json a symlink to a secret outside the layout': () => {
    const outside = probeDirectory('index-outside');
    writeTree(outside, { passwd: `${SECRET}:x:0:0:root:/root:/bin/bash\n` });
    const layout = ociLayout('index-symlink', [layerOf(baseTar())]);
    execFileSync('ln', ['-sf', join(outside, 'passwd'), join(layout, 'index.json')]);
    return { ...checkImage('index-symlink', `oci:${layout}`), secret: SECRET };
  },
  'a blob a symlink to /dev/zero': () => {
    const layout = ociLayout('blob-zero', [layerOf(baseTar())]);
    const manifest = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0].digest as string;
    execFileSync('ln', ['-sf', '/dev/zero', join(layout, 'blobs', 'sha256', manifest.slice('sha256:'.length))]);
    return checkImage('blob-zero', `oci:${layout}`);
  },
  'a FIFO as the image': () => {
    const directory = probeDirectory('fifo-image');
    const pipe = fifo(join(directory, 'image.tar'));
    writeTree(directory, { 'images.yaml': `a:1: oci-archive:${pipe}\nb:1: ${pipe}\n`, 'pod.yaml': pod('uses-image') });
    return { args: ['check', '--format', 'json', '--images', join(directory, 'images.yaml'), join(directory, 'pod.yaml')] };
  },
  'a FIFO as image inspect\'s image': () => ({ args: ['image', 'inspect', fifo(join(probeDirectory('fifo-inspect'), 'image.tar'))] }),
  'a FIFO as a path': () => {
    const directory = probeDirectory('fifo-path');
    writeTree(directory, { 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--format', 'json', fifo(join(directory, 'pipe.yaml')), join(directory, 'pod.yaml')] };
  },
  'a FIFO and a *.yaml symlink to it in a scanned directory': () => {
    const directory = probeDirectory('fifo-dir');
    fifo(join(directory, 'pipe.yaml'));
    fifo(join(directory, 'pipe'));
    writeTree(directory, { 'link.yaml': { symlink: 'pipe' }, 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--format', 'json', directory] };
  },
  'a FIFO as --config': () => {
    const directory = probeDirectory('fifo-config');
    writeTree(directory, { 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--config', fifo(join(directory, 'config.yaml')), join(directory, 'pod.yaml')] };
  },
  'a FIFO as --images': () => {
    const directory = probeDirectory('fifo-images');
    writeTree(directory, { 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--images', fifo(join(directory, 'images.yaml')), join(directory, 'pod.yaml')] };
  },
  'a *.yaml symlink to /dev/zero in a scanned directory': () => {
    const directory = probeDirectory('zero-dir');
    writeTree(directory, { 'zero.yaml': { symlink: '/dev/zero' }, 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--format', 'json', directory] };
  },
  '/dev/zero as a path': () => {
    const directory = probeDirectory('zero-path');
    writeTree(directory, { 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--format', 'json', '/dev/zero', join(directory, 'pod.yaml')] };
  },
  '/dev/zero on standard input (-)': () => ({ args: ['check', '--format', 'json', '-'], bounds: { stdinFile: '/dev/zero' } }),
  'a *.yaml symlink to a secret outside the directory given': () => {
    const root = probeDirectory('symlink-secret');
    writeTree(root, {
      'outside/creds.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${SECRET}\n---\n${SECRET}: [unclosed\n`,
      'outside/token.yaml': `"${SECRET}"\n`,
      // A link that stays inside is followed.
      'repo/alias.yaml': { symlink: 'sub/real.txt' },
      'repo/sub/real.txt': pod('via-link'),
      'repo/creds.yaml': { symlink: '../outside/creds.yaml' },
      'repo/nested/token.yaml': { symlink: join(root, 'outside', 'token.yaml') },
      'repo/pod.yaml': pod('still-checked'),
    });
    return { args: ['check', '--format', 'json', join(root, 'repo')], secret: SECRET };
  },
  'a 50 MB scalar document': () => {
    const directory = probeDirectory('huge-scalar');
    writeTree(directory, { 'pod.yaml': pod('still-checked') });
    return { args: ['check', '--format', 'json', bigFile(join(directory, 'scalar.yaml'), '"', 50 * 1024 * 1024, 'x', '"\n'), join(directory, 'pod.yaml')] };
  },
  'a 1 MB tag handle and a 1 MB alias': () => {
    const directory = probeDirectory('huge-tag');
    const long = 'x'.repeat(1024 * 1024);
    writeTree(directory, { 'bad.yaml': `a: !${long}!y 1\n---\nb: *${long}\n---\n${pod('still-checked')}` });
    return { args: ['check', '--format', 'json', join(directory, 'bad.yaml')] };
  },
  'control characters in names, reasons and file names (human output)': () => {
    const directory = probeDirectory('injection');
    const name = JSON.stringify(`web${INJECTION}`);
    writeTree(directory, {
      ['evil\u001b]0;title\u0007\nFAKE LINE: 0 errors.yaml']:
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${name}\n  annotations:\n    k8s-least-privilege.dev/suppress: ${JSON.stringify(`LP001: ${INJECTION}`)}\n` +
        `spec:\n  containers:\n    - name: ${name}\n      ports: [{containerPort: 80, protocol: ${name}}]\n` +
        `      securityContext: {runAsUser: 1000, capabilities: {add: [${name}, NET_BIND_SERVICE]}}\n---\n${name}: [\n`,
    });
    return { args: ['check', directory] };
  },
  'control characters in an image (image inspect, human output)': () => {
    const tar = tarArchive([
      { name: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'bin/', type: '5', mode: 0o755 },
      { name: 'bin/start', type: '2', linkname: `/opt/${INJECTION}` },
      { name: 'opt/', type: '5', mode: 0o755 },
      { name: `opt/${INJECTION}`, data: `#!/bin/${INJECTION}\n`, mode: 0o755 },
    ]);
    const layout = ociLayout('injection', [layerOf(tar)], { User: INJECTION, Entrypoint: ['/bin/start', INJECTION], Cmd: [INJECTION], WorkingDir: INJECTION });
    return { args: ['image', 'inspect', `oci:${layout}:latest`, '--binary', `/bin/${INJECTION}`] };
  },
  'CR-only line ends (two documents)': () => {
    const directory = probeDirectory('cr-only');
    writeTree(directory, { 'mac.yaml': `${pod('first')}---\n${pod('second')}`.replace(/\n/g, '\r') });
    return { args: ['check', '--format', 'json', join(directory, 'mac.yaml')] };
  },
};
