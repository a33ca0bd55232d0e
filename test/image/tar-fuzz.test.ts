/**
 * Issue 17, property-based: the tar reader and the image metadata parsers on hostile bytes.
 * Archives are well-formed ones (written by hand: PAX `x` and `g` records, GNU long names,
 * links, extended attributes) with header fields replaced (negative, huge, non-octal sizes;
 * checksums recomputed so that the damage gets past them), bytes overwritten, or cut short —
 * or random bytes — pushed in random chunks. Image layouts get index.json, manifests and
 * configs that are any JSON or valid ones with fields replaced, and layers that are mutated
 * tar, gzip or zstd. Whatever the input, the reader ends (each run is timed) and throws nothing
 * but TarFormatError (tar) or ImageError (images).
 *
 * `FUZZ_RUNS` sets the runs per property (default 150, a few seconds), `FUZZ_SEED` the seed
 * (default random; printed, and fast-check prints seed and path of any counterexample).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as fc from 'fast-check';
import { IMAGE_WORK_DIR, sha256, writeBlob } from './image-builder';
import { ImageError, readImage, TarFormatError, TarParser } from '../../src/image';
import { ArchiveStore } from '../../src/image/image-store';
import { integerFromEnv } from '../env-integer';
import type { TarMember } from '../robustness/hostile-inputs';
import { base256, paxData, tarArchive } from '../robustness/hostile-inputs';

const RUNS = integerFromEnv('FUZZ_RUNS') ?? 150;
const SEED = integerFromEnv('FUZZ_SEED') ?? Math.floor(Math.random() * 2 ** 31);
/** No single run may take longer: a slow path shows up as a failure, a hang as the test's timeout. */
const MAX_MS_PER_RUN = 2_000;
const WORK = join(IMAGE_WORK_DIR, 'tar-fuzz');

beforeAll(() => {
  mkdirSync(WORK, { recursive: true });
  // eslint-disable-next-line no-console
  console.log(`tar fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} runs per property (FUZZ_RUNS); replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
});
afterAll(() => rmSync(WORK, { recursive: true, force: true }));
jest.setTimeout(120_000 + RUNS * 200);

// ---------------------------------------------------------------- archives

const name = fc.oneof(fc.constantFrom('etc/passwd', 'bin/sh', './a/../b', '/abs', 'dir/', '', '..', 'x'.repeat(150)), fc.string({ maxLength: 20 }));
const number = fc.oneof(fc.constantFrom('-1536', '-1', '0', '1.5', '12abc', ' 0x200', '1e3', '', '99999999999999999999', '9007199254740993'), fc.nat().map(String));
const paxRecords = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('size', 'path', 'linkpath', 'uid', 'gid', 'SCHILY.xattr.security.capability', 'LIBARCHIVE.xattr.%ZZ', 'LIBARCHIVE.xattr.user.a%20b'), fc.string({ maxLength: 12 })),
    fc.oneof(number, name),
  ),
  { maxLength: 6 },
);
const member: fc.Arbitrary<TarMember> = fc.oneof(
  fc.record({ name, data: fc.uint8Array({ maxLength: 700 }).map((bytes) => Buffer.from(bytes)), mode: fc.constantFrom(0o644, 0o755, 0o4755) }),
  fc.record({ name, type: fc.constantFrom('1', '2'), linkname: name }),
  fc.record({ name, type: fc.constantFrom('5', '3', '6', '7', 'S', 'Z') }),
  fc.record({ name: fc.constant('PaxHeaders/x'), type: fc.constantFrom('x', 'g'), data: paxRecords.map((records) => paxData(records)) }),
  fc.record({ name: fc.constant('././@LongLink'), type: fc.constantFrom('L', 'K'), data: name.map((text) => Buffer.from(`${text}\0`)) }),
);

/** A header numeric field as no writer would write it, for one header of the archive. */
const fieldDamage = fc.record({
  header: fc.nat({ max: 12 }),
  field: fc.constantFrom([100, 8], [108, 8], [124, 12]) as fc.Arbitrary<[number, number]>,
  value: fc.oneof(
    fc.constantFrom(base256(1536, true), base256(2 ** 40), Buffer.from([0x80, ...Array(11).fill(0xff)]), Buffer.from('-0001536\0'), Buffer.from('77777777777\0'), Buffer.from('9\0')),
    fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
  ),
});
const byteDamage = fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) });

const archive: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        members: fc.array(member, { maxLength: 12 }),
        fields: fc.array(fieldDamage, { maxLength: 2 }),
        bytes: fc.array(byteDamage, { maxLength: 2 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ members, fields, bytes, cut }) => {
        const tar = tarArchive(members);
        const headers = headerOffsets(tar);
        for (const { header, field, value } of fields) {
          const at = headers[header % Math.max(headers.length, 1)];
          if (at !== undefined) value.copy(tar, at + field[0], 0, Math.min(value.length, field[1]));
        }
        for (const at of headers) fixChecksum(tar, at);
        for (const damage of bytes) tar.set(damage.bytes.subarray(0, Math.max(0, tar.length - (damage.at % tar.length))), damage.at % tar.length);
        return cut === undefined ? tar : tar.subarray(0, cut % (tar.length + 1));
      }),
  },
);

/** Where the headers of a hand-written archive start (each with the ustar magic). */
function headerOffsets(tar: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 512 <= tar.length; at += 512) if (tar.toString('latin1', at + 257, at + 262) === 'ustar') offsets.push(at);
  return offsets;
}

function fixChecksum(tar: Buffer, at: number): void {
  const block = tar.subarray(at, at + 512);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}

/** Runs `body`; anything thrown must be one of `allowed`; the run must be quick. */
async function bounded(allowed: readonly (new (...args: never[]) => Error)[], body: () => unknown): Promise<void> {
  const started = Date.now();
  try {
    await body();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
  }
  expect(Date.now() - started).toBeLessThan(MAX_MS_PER_RUN);
}

describe('the tar reader on hostile archives', () => {
  test('TarParser, any chunking: it ends, or throws TarFormatError', async () => {
    await fc.assert(
      fc.asyncProperty(archive, fc.integer({ min: 1, max: 1500 }), fc.nat({ max: 600 }), async (tar, chunk, keep) =>
        bounded([TarFormatError], () => {
          const parser = new TarParser(() => ({ keep, receive: () => undefined }), { maxBytes: 1024 * 1024, maxEntries: 64 });
          for (let at = 0; at < tar.length; at += chunk) parser.push(tar.subarray(at, at + chunk));
          parser.end();
        }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('ArchiveStore (an image archive read in place): it ends, or throws TarFormatError', async () => {
    const file = join(WORK, 'archive.tar');
    await fc.assert(
      fc.asyncProperty(archive, async (tar) =>
        bounded([TarFormatError], () => {
          writeFileSync(file, tar);
          const store = new ArchiveStore(file);
          for (const path of ['etc/passwd', 'bin/sh', 'b', 'x']) if (store.has(path)) store.read(path);
        }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- images

const VALID_TAR = tarArchive([{ name: 'etc/passwd', data: 'root:x:0:0::/root:/bin/sh\n' }, { name: 'bin/sh', data: '#!/bin/sh\n', mode: 0o755 }]);

/** A JSON value: anything, a valid shape with one field replaced by anything, or (most often, so that the layers are reached) the valid shape. */
function jsonLike(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue() },
    {
      weight: 1,
      arbitrary: fc.record({ key: fc.constantFrom(...keys), value: fc.jsonValue() }).map(({ key, value }) => ({ ...valid, [key]: value })),
    },
    { weight: 3, arbitrary: fc.constant(valid) },
  );
}

const layerBlob = fc.oneof(
  archive.map((tar) => ({ blob: tar, type: 'tar' })),
  archive.map((tar) => ({ blob: gzipSync(tar), type: 'tar+gzip' })),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ blob: Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(bytes)]), type: 'tar+zstd' })),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ blob: Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(bytes)]), type: 'tar+gzip' })),
);

let layouts = 0;

/** Writes an OCI layout from these documents, each blob under its true digest (so parsing is reached). */
function writeLayout(documents: { config: unknown; manifest: unknown; index: unknown; layer: { blob: Buffer; type: string } }): string {
  const layout = join(WORK, `layout-${layouts++}`);
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const layerDigest = writeBlob(layout, documents.layer.blob);
  const config = Buffer.from(JSON.stringify(documents.config) ?? 'null');
  const configDigest = writeBlob(layout, config);
  const sizes = { CONFIG_SIZE: config.length, LAYER_SIZE: documents.layer.blob.length };
  const manifest = substitute(documents.manifest, { CONFIG: configDigest, LAYER: layerDigest, ...sizes });
  const manifestBytes = Buffer.from(JSON.stringify(manifest) ?? 'null');
  const manifestDigest = writeBlob(layout, manifestBytes);
  const index = substitute(documents.index, { MANIFEST: manifestDigest, MANIFEST_SIZE: manifestBytes.length });
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index) ?? 'null');
  return layout;
}

/** The value with every string placeholder (`CONFIG`, …) replaced. */
function substitute(value: unknown, names: Record<string, string | number>): unknown {
  if (typeof value === 'string') return value in names ? names[value] : value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, names));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, names)]));
  return value;
}

const descriptor = (digest: string, size: string, mediaType: string) => ({ mediaType, digest, size });

describe('the image parsers on hostile metadata and layers', () => {
  test('readImage (oci:DIR): it ends, or throws ImageError', async () => {
    const layout = fc.record({
      config: jsonLike({ architecture: 'amd64', os: 'linux', config: { User: 'root', Entrypoint: ['/bin/sh'] }, rootfs: { type: 'layers', diff_ids: [sha256(VALID_TAR)] } }),
      manifest: jsonLike({
        schemaVersion: 2,
        config: descriptor('CONFIG', 'CONFIG_SIZE', 'application/vnd.oci.image.config.v1+json'),
        layers: [descriptor('LAYER', 'LAYER_SIZE', 'application/vnd.oci.image.layer.v1.tar')],
      }),
      index: jsonLike({ schemaVersion: 2, manifests: [descriptor('MANIFEST', 'MANIFEST_SIZE', 'application/vnd.oci.image.manifest.v1+json')] }),
      layer: fc.oneof(fc.constant({ blob: VALID_TAR, type: 'tar' }), layerBlob),
    });
    await fc.assert(
      fc.asyncProperty(layout, async (documents) => bounded([ImageError], () => readImage(`oci:${writeLayout(documents)}`))),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('readImage (oci-archive:FILE) on a damaged archive: it ends, or throws ImageError', async () => {
    await fc.assert(
      fc.asyncProperty(archive, async (tar) =>
        bounded([ImageError], () => {
          const file = join(WORK, 'image.tar');
          writeFileSync(file, tar);
          return readImage(`oci-archive:${file}`);
        }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

test('the hand-written archives the fuzzer starts from are well-formed: GNU tar and the parser read them alike', () => {
  expect(execFileSync('tar', ['--list'], { input: VALID_TAR }).toString()).toBe('etc/passwd\nbin/sh\n');
  const parsed: string[] = [];
  const parser = new TarParser((entry) => {
    parsed.push(`${entry.type} ${entry.path} ${entry.size}`);
    return undefined;
  });
  parser.push(VALID_TAR);
  parser.end();
  expect(parsed).toEqual(['file etc/passwd 26', 'file bin/sh 10']);
});
