import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseFiles,
  buildLayer,
  elfBinary,
  IMAGE_WORK_DIR,
  namespacedSetcapUnavailable,
  sha256,
  tarDirectory,
  writeDockerArchive,
  writeOciLayout,
  zstdCommandDecoder,
} from './image-builder';
import { ImageError, inspectImage, readImage } from '../../src/image';
import { currentTestFile, recordSkip } from '../skips/skip-log';

const zstd = zstdCommandDecoder;
const SERVER = '/usr/local/bin/server';

beforeAll(() => mkdirSync(IMAGE_WORK_DIR, { recursive: true }));

describe('OCI layout (oci:DIR), gzip layer, setcap binary', () => {
  const layout = () =>
    writeOciLayout('setcap-gzip', [
      {
        tag: 'v1',
        config: { User: 'app', Cmd: ['server', '--port', '80'], Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
        layers: [buildLayer({ files: [...baseFiles(), { path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] })],
      },
    ]);

  test('resolves USER through /etc/passwd, Cmd through PATH, and decodes the v2 capability', async () => {
    const image = await readImage(`oci:${layout()}:v1`);
    const inspection = inspectImage(image, ['/bin/sh']);
    expect(inspection.user).toMatchObject({ configured: 'app', uid: 1000, gid: 1000, name: 'app', numeric: false, problem: null });
    expect(inspection.executable).toMatchObject({ requested: 'server', path: SERVER, kind: 'elf' });
    expect(inspection.executable.fileCapabilities).toEqual({
      text: 'cap_net_bind_service=ep',
      revision: 2,
      permitted: ['NET_BIND_SERVICE'],
      inheritable: [],
      effective: true,
      rootId: null,
      honoredWithoutUserNamespace: true,
    });
    expect(inspection.binaries[0]).toMatchObject({ path: '/bin/sh', kind: 'elf', fileCapabilities: null });
    expect(inspection.layers[0].compression).toBe('gzip');
    // The capability agrees with what getcap reads from the same xattr.
    expect(inspection.capabilityTarget).toMatchObject({ path: SERVER, note: null });
  });

  test('without a tag, an index with one image is read; a wrong tag names the tags there are', async () => {
    const dir = layout();
    await expect(readImage(`oci:${dir}`)).resolves.toMatchObject({ reference: 'v1' });
    await expect(readImage(`oci:${dir}:v2`)).rejects.toThrow(/no image tagged "v2" in index\.json; its tags: v1/);
    await expect(readImage(dir)).resolves.toMatchObject({ location: { transport: 'oci' } });
  });
});

describe('compression and layer order', () => {
  test('zstd and uncompressed layers; a symlinked entrypoint resolves to its target', async () => {
    const dir = writeOciLayout('zstd', [
      {
        config: { User: '101:101', Entrypoint: ['/usr/sbin/nginx'] },
        layers: [
          buildLayer({ files: baseFiles(), compression: 'none' }),
          buildLayer({
            files: [
              { path: 'opt/nginx/nginx', copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service,cap_net_raw=+ep' },
              { path: 'usr/sbin/nginx', symlink: '../../opt/nginx/nginx' },
            ],
            compression: 'zstd',
          }),
        ],
      },
    ]);
    const image = await readImage(`oci:${dir}`, { zstd });
    expect(image.layers.map((layer) => layer.compression)).toEqual(['none', 'zstd']);
    const inspection = inspectImage(image);
    expect(inspection.user).toMatchObject({ uid: 101, gid: 101, name: 'nginx', numeric: true });
    expect(inspection.executable).toMatchObject({ path: '/opt/nginx/nginx', symlinks: ['/usr/sbin/nginx -> ../../opt/nginx/nginx'] });
    expect(inspection.executable.fileCapabilities?.permitted).toEqual(['NET_BIND_SERVICE', 'NET_RAW']);
  });

  test('a zstd layer without a decoder is a clear error naming the package to install', async () => {
    const dir = writeOciLayout('zstd-no-decoder', [{ config: {}, layers: [buildLayer({ files: baseFiles(), compression: 'zstd' })] }]);
    const hasNodeZstd = typeof (require('node:zlib') as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
    let hasFzstd = true;
    try {
      require.resolve('fzstd');
    } catch {
      hasFzstd = false;
    }
    if (hasNodeZstd || hasFzstd) {
      await expect(readImage(`oci:${dir}`)).resolves.toBeDefined();
    } else {
      await expect(readImage(`oci:${dir}`)).rejects.toThrow(/layer 1 \(sha256:[0-9a-f]{64}\): it is zstd-compressed.*fzstd/);
    }
  });

  test('a whiteout in a later layer removes the setcap binary; the re-added one has no capability', async () => {
    const dir = writeOciLayout('whiteout', [
      {
        config: { User: '1000', Entrypoint: [SERVER] },
        layers: [
          buildLayer({ files: [...baseFiles(), { path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] }),
          buildLayer({ files: [{ path: SERVER.slice(1), whiteout: true }] }),
          buildLayer({ files: [{ path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755 }] }),
        ],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`));
    expect(inspection.executable).toMatchObject({ path: SERVER, kind: 'elf', fileCapabilities: null });
    expect(inspection.capabilityTarget).toMatchObject({ path: SERVER, fileCapabilities: null });
  });

  test('a whiteout alone leaves the entrypoint missing: exec fails', async () => {
    const dir = writeOciLayout('whiteout-only', [
      {
        config: { Entrypoint: [SERVER] },
        layers: [
          buildLayer({ files: [...baseFiles(), { path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' }] }),
          buildLayer({ files: [{ path: SERVER.slice(1), whiteout: true }] }),
        ],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`));
    expect(inspection.executable.kind).toBe('missing');
    expect(inspection.executable.problem).toMatch(/\/usr\/local\/bin\/server does not exist in the image/);
  });

  test('an opaque directory hides everything the layers below put in it', async () => {
    const dir = writeOciLayout('opaque', [
      {
        config: { Entrypoint: ['/opt/app/bin/server'] },
        layers: [
          buildLayer({
            files: [
              ...baseFiles(),
              { path: 'opt/app/bin/server', copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' },
              { path: 'opt/app/bin/helper', copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_raw=+ep' },
            ],
          }),
          buildLayer({ files: [{ path: 'opt/app', opaque: true }, { path: 'opt/app/bin/server', copyOf: elfBinary(), mode: 0o755 }] }),
        ],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`), ['/opt/app/bin/helper']);
    expect(inspection.executable.fileCapabilities).toBeNull();
    expect(inspection.binaries[0].kind).toBe('missing');
  });
});

describe('revision-3 capabilities (setcap in a user namespace)', () => {
  const unavailable = namespacedSetcapUnavailable();
  if (unavailable !== undefined) recordSkip('revision-3 capability test', unavailable, currentTestFile());
  (unavailable === undefined ? test : test.skip)('decodes the rootid and says the kernel ignores it outside that namespace', async () => {
    const dir = writeOciLayout('v3', [
      {
        config: { User: '1000', Entrypoint: [SERVER] },
        layers: [buildLayer({ files: [...baseFiles(), { path: SERVER.slice(1), copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep', namespaceRoot: 100000 }] })],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`));
    expect(inspection.executable.fileCapabilities).toMatchObject({
      text: 'cap_net_bind_service=ep',
      revision: 3,
      rootId: 100000,
      honoredWithoutUserNamespace: false,
    });
  });
});

describe('scripts and interpreters', () => {
  const entrypointScript = '#!/bin/sh\nset -e\nexec "$@"\n';
  test('a shell entrypoint that execs its arguments: the capability must be on Cmd[0]', async () => {
    const dir = writeOciLayout('script', [
      {
        config: { User: '101', Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'], Env: ['PATH=/usr/sbin:/usr/bin:/bin'] },
        layers: [
          buildLayer({
            files: [
              ...baseFiles(),
              { path: 'docker-entrypoint.sh', content: entrypointScript, mode: 0o755, capability: 'cap_net_bind_service=+ep' },
              { path: 'usr/sbin/nginx', copyOf: elfBinary(), mode: 0o755 },
            ],
          }),
        ],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`));
    expect(inspection.executable).toMatchObject({ path: '/docker-entrypoint.sh', kind: 'script', shebang: '/bin/sh' });
    expect(inspection.executable.interpreter).toMatchObject({ path: '/bin/sh', kind: 'elf' });
    expect(inspection.capabilityTarget).toMatchObject({ path: '/usr/sbin/nginx', fileCapabilities: null });
    expect(inspection.capabilityTarget?.note).toMatch(/execs its arguments/);
  });

  test('#!/usr/bin/env python3: the capability must be on the interpreter env finds', async () => {
    const dir = writeOciLayout('python', [
      {
        config: { Entrypoint: ['/app/serve.py'], Env: ['PATH=/usr/local/bin:/usr/bin'] },
        layers: [
          buildLayer({
            files: [
              ...baseFiles(),
              { path: 'app/serve.py', content: '#!/usr/bin/env python3\nprint(1)\n', mode: 0o755 },
              { path: 'usr/local/bin/python3.12', copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service=+ep' },
              { path: 'usr/local/bin/python3', symlink: 'python3.12' },
            ],
          }),
        ],
      },
    ]);
    const inspection = inspectImage(await readImage(`oci:${dir}`));
    expect(inspection.capabilityTarget).toMatchObject({ path: '/usr/local/bin/python3.12', fileCapabilities: { text: 'cap_net_bind_service=ep' } });
    expect(inspection.capabilityTarget?.note).toMatch(/interpreter of the script \/app\/serve\.py/);
  });
});

describe('archives', () => {
  test('an OCI archive (oci-archive:FILE:tag) of a layout with two images', async () => {
    const layer = buildLayer({ files: baseFiles() });
    const dir = writeOciLayout('two-tags', [
      { tag: 'root', config: {}, layers: [layer] },
      { tag: 'web', config: { User: 'app:web' }, layers: [layer] },
    ]);
    const archive = tarDirectory(dir, join(IMAGE_WORK_DIR, 'two-tags.tar'));
    const inspection = inspectImage(await readImage(`oci-archive:${archive}:web`));
    expect(inspection.user).toMatchObject({ uid: 1000, gid: 2000, group: 'web' });
    await expect(readImage(`oci-archive:${archive}`)).rejects.toThrow(/holds 2 images: name one.*tags: root, web/);
    await expect(readImage(archive)).rejects.toThrow(ImageError);
  });

  test('a docker save archive built by hand: manifest.json, <hex>.json, <id>/layer.tar', async () => {
    const layers = [
      buildLayer({ files: baseFiles() }),
      buildLayer({ files: [{ path: 'usr/bin/app', copyOf: elfBinary(), mode: 0o755, capability: 'cap_net_bind_service+ep' }] }),
    ];
    const archive = writeDockerArchive('docker-save', { User: 'nginx', Entrypoint: ['app'], Env: ['PATH=/usr/bin'] }, layers, ['example.com/web:1.0']);
    for (const location of [`docker-archive:${archive}`, `docker-archive:${archive}:example.com/web:1.0`, archive]) {
      const image = await readImage(location);
      const inspection = inspectImage(image);
      expect(inspection.reference).toBe('example.com/web:1.0');
      expect(inspection.user).toMatchObject({ uid: 101, name: 'nginx' });
      expect(inspection.executable).toMatchObject({ path: '/usr/bin/app', fileCapabilities: { text: 'cap_net_bind_service=ep' } });
      expect(image.layers.map((l) => l.diffId)).toEqual(layers.map((l) => l.diffId));
    }
  });

  test("the runtime harness's probe image (test/runtime/image.ts): the setcap probe and USER 1000", async () => {
    const archive = join(__dirname, '..', '.work', 'runtime', 'image', 'bindprobe.oci.tar');
    if (!existsSync(archive)) {
      if (process.env.CI) throw new Error(`${archive} is missing: npm run test:prepare builds it`);
      recordSkip("the runtime harness's probe image test", `${archive} is missing (npm run test:prepare builds it)`, currentTestFile());
      return;
    }
    const inspection = inspectImage(await readImage(`oci-archive:${archive}:user-1000`), ['/bindprobe-setcap', '/bindprobe']);
    expect(inspection.user).toMatchObject({ uid: 1000, numeric: true });
    expect(inspection.binaries.map((b) => b.fileCapabilities?.text ?? null)).toEqual(['cap_net_bind_service=ep', null]);
  });
});

describe('a real third-party producer: umoci', () => {
  test('umoci repack keeps the security.capability that setcap wrote', async () => {
    const work = join(IMAGE_WORK_DIR, 'umoci');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const layout = join(work, 'layout');
    const bundle = join(work, 'bundle');
    const umoci = (...args: string[]) => execFileSync('umoci', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    umoci('init', '--layout', layout);
    umoci('new', '--image', `${layout}:web`);
    umoci('unpack', '--image', `${layout}:web`, bundle);
    const rootfs = join(bundle, 'rootfs');
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    mkdirSync(join(rootfs, 'usr', 'local', 'bin'), { recursive: true });
    writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0::/:/bin/sh\nweb:x:3000:3000::/:/bin/sh\n');
    writeFileSync(join(rootfs, SERVER), readFileSync(elfBinary()), { mode: 0o755 });
    execFileSync('setcap', ['cap_net_bind_service=+ep', join(rootfs, SERVER)]);
    umoci('repack', '--image', `${layout}:web`, bundle);
    umoci('config', '--image', `${layout}:web`, '--config.user', '3000', '--config.entrypoint', SERVER);
    const inspection = inspectImage(await readImage(`oci:${layout}:web`));
    expect(inspection.user).toMatchObject({ uid: 3000, name: 'web' });
    expect(inspection.executable).toMatchObject({ path: SERVER, fileCapabilities: { text: 'cap_net_bind_service=ep', revision: 2 } });
  });
});

describe('malformed images: a clear error that names the image and what is wrong', () => {
  const build = (name: string) => {
    const layer = buildLayer({ files: [...baseFiles(), { path: 'big', content: Buffer.alloc(200_000, 7) }], compression: 'gzip' });
    return { dir: writeOciLayout(name, [{ config: {}, layers: [layer] }]), layer };
  };
  const blob = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

  test('a truncated layer', async () => {
    const { dir, layer } = build('truncated');
    truncateSync(blob(dir, layer.digest), Math.floor(layer.blob.length / 2));
    const error = await readImage(`oci:${dir}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).message).toMatch(new RegExp(`^oci:${dir}: layer 1 \\(${layer.digest}\\) has \\d+ bytes, but the manifest says ${layer.blob.length}`));
  });

  test('a layer truncated while its descriptor was rewritten to match: the decompressor or the tar reader says so', async () => {
    const tar = buildLayer({ files: [...baseFiles(), { path: 'big', content: Buffer.alloc(200_000, 7) }], compression: 'none' });
    const cut = { ...tar, blob: tar.blob.subarray(0, 100_000) };
    const dir = writeOciLayout('truncated-tar', [{ config: {}, layers: [{ ...cut, digest: sha256(cut.blob) }] }]);
    await expect(readImage(`oci:${dir}`)).rejects.toThrow(/layer 1 \(sha256:[0-9a-f]+\): truncated: the archive ends inside "big" \(\d+ of 200000 bytes\)/);
  });

  test('a missing blob', async () => {
    const { dir, layer } = build('missing');
    rmSync(blob(dir, layer.digest));
    await expect(readImage(`oci:${dir}`)).rejects.toThrow(`oci:${dir}: layer 1 (${layer.digest}) is missing: blobs/sha256/${layer.digest.slice(7)} is not in the image`);
  });

  test('a wrong digest (same size, other bytes)', async () => {
    const { dir, layer } = build('wrong-digest');
    const other = buildLayer({ files: [...baseFiles(), { path: 'big', content: Buffer.alloc(200_000, 8) }], compression: 'gzip' });
    const bytes = Buffer.alloc(layer.blob.length);
    other.blob.copy(bytes, 0, 0, Math.min(other.blob.length, bytes.length));
    writeFileSync(blob(dir, layer.digest), bytes);
    await expect(readImage(`oci:${dir}`)).rejects.toThrow(/layer 1 \(sha256:[0-9a-f]+\) (has the digest sha256:[0-9a-f]+, not the sha256:[0-9a-f]+ the manifest names|cannot be decompressed)/);
  });

  test('a corrupt config blob', async () => {
    const { dir } = build('wrong-config');
    const manifest = JSON.parse(readFileSync(blob(dir, JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests[0].digest), 'utf8'));
    writeFileSync(blob(dir, manifest.config.digest), readFileSync(blob(dir, manifest.config.digest)).toString().replace('amd64', 'arm64'));
    await expect(readImage(`oci:${dir}`)).rejects.toThrow(/the config blob sha256:[0-9a-f]+ has the digest sha256:[0-9a-f]+: it is corrupt or was replaced/);
  });

  test('not an image', async () => {
    const file = join(IMAGE_WORK_DIR, 'not-an-image.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\n'.repeat(40));
    await expect(readImage(file)).rejects.toThrow(`${file}: not an image: not a tar archive: the header at byte 0 has a wrong checksum`);
    await expect(readImage(`oci-archive:${file}`)).rejects.toThrow(/not an image archive: not a tar archive/);
    await expect(readImage(`oci:${IMAGE_WORK_DIR}`)).rejects.toThrow(/not an OCI image layout: there is no oci-layout file/);
    await expect(readImage('docker:nginx:1.27')).rejects.toThrow(/use docker:\/\/IMAGE \(from its registry\)/);
    await expect(readImage(join(IMAGE_WORK_DIR, 'nothing-here.tar'))).rejects.toThrow(/no such file or directory/);
  });

  test('a docker archive used as an OCI archive says which form it is', async () => {
    const archive = writeDockerArchive('docker-as-oci', {}, [buildLayer({ files: baseFiles() })], ['web:1']);
    await expect(readImage(`oci-archive:${archive}`)).rejects.toThrow(/looks like a docker save archive, use docker-archive:/);
    truncateSync(archive, 3000);
    await expect(readImage(`docker-archive:${archive}`)).rejects.toThrow(/not an image archive: truncated/);
  });
});
