/**
 * The probe image: one uncompressed layer built offline from busybox-static and our
 * bindprobe, written as an OCI image layout archive that `ctr images import` loads
 * into containerd's `k8s.io` namespace, where the CRI plugin finds it.
 *
 * The layer holds two copies of the probe. The second carries the file capability
 * `cap_net_bind_service=+ep`, set with `setcap` and packed with
 * `tar --xattrs --xattrs-include=security.capability`, so it travels as the PAX
 * record `SCHILY.xattr.security.capability` — exactly how a real image built with
 * `RUN setcap ...` carries it, and containerd's applier writes it back on unpack.
 *
 * Two tags share that layer and differ only in the image config's `User`, because
 * kubelet's runAsNonRoot check reads the image user when the pod sets no runAsUser
 * (pkg/kubelet/kuberuntime/security_context_others.go, verifyRunAsNonRoot).
 *
 * Run directly (`ts-node test/runtime/image.ts`) it builds the archive; setup.sh does that.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeWorkDir } from './paths';

/** Image whose config names no user: containers run as uid 0 unless the pod says otherwise. */
export const PROBE_IMAGE_ROOT = 'k8s-least-privilege.dev/bindprobe:root';
/** Same layer, image config `User: "1000:1000"` (numeric, as kubelet's runAsNonRoot check needs). */
export const PROBE_IMAGE_USER_1000 = 'k8s-least-privilege.dev/bindprobe:user-1000';

/** The probe without file capabilities. */
export const PROBE_PATH = '/bindprobe';
/** The probe with `cap_net_bind_service=+ep` in its `security.capability` xattr. */
export const SETCAP_PROBE_PATH = '/bindprobe-setcap';
/** The file capability the setcap copy carries, in setcap(8) text form. */
export const SETCAP_PROBE_CAPABILITY = 'cap_net_bind_service=+ep';

/** The non-root account in the image's /etc/passwd. */
export const PROBE_ACCOUNT = { name: 'probe', uid: 1000, gid: 1000 } as const;

/** The OCI archive setup.sh produces and the harness imports. */
export function imageArchivePath(): string {
  return join(runtimeWorkDir(), 'image', 'bindprobe.oci.tar');
}

/** The statically linked probe setup.sh compiles. */
export function probeBinaryPath(): string {
  return join(runtimeWorkDir(), 'bin', 'bindprobe');
}

/** Debian's busybox-static: `sleep` for the sandbox and a shell for debugging. */
const BUSYBOX = '/bin/busybox';

/** A descriptor as in the OCI image spec (descriptor.md). */
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

/** Builds the image archive from the compiled probe and busybox-static. */
export function buildImage(): string {
  const imageDir = join(runtimeWorkDir(), 'image');
  const rootfs = join(imageDir, 'rootfs');
  const layout = join(imageDir, 'layout');
  rmSync(imageDir, { recursive: true, force: true });
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true, mode: 0o1777 });
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });

  copyFileSync(BUSYBOX, join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'sleep', 'cat', 'ls', 'id']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  copyFileSync(probeBinaryPath(), join(rootfs, PROBE_PATH));
  copyFileSync(probeBinaryPath(), join(rootfs, SETCAP_PROBE_PATH));
  execFileSync('setcap', [SETCAP_PROBE_CAPABILITY, join(rootfs, SETCAP_PROBE_PATH)]);
  const { name, uid, gid } = PROBE_ACCOUNT;
  writeFileSync(join(rootfs, 'etc', 'passwd'), `root:x:0:0:root:/root:/bin/sh\n${name}:x:${uid}:${gid}:${name}:/tmp:/bin/sh\n`);
  writeFileSync(join(rootfs, 'etc', 'group'), `root:x:0:\n${name}:x:${gid}:\n`);

  const layerTar = join(imageDir, 'layer.tar');
  // Sorted names, fixed owner and times, and no atime/ctime PAX records: the same
  // inputs give the same layer digest, so re-running setup.sh changes nothing.
  execFileSync('tar', [
    '--create', '--file', layerTar, '--directory', rootfs,
    '--format=posix', '--xattrs', '--xattrs-include=security.capability',
    '--pax-option=delete=atime,delete=ctime', '--sort=name', '--mtime=@0',
    '--owner=0', '--group=0', '--numeric-owner', '.',
  ]);
  const layer = writeBlob(layout, 'application/vnd.oci.image.layer.v1.tar', readFileSync(layerTar));

  const manifests = [
    { ref: PROBE_IMAGE_ROOT, user: '' },
    { ref: PROBE_IMAGE_USER_1000, user: `${uid}:${gid}` },
  ].map(({ ref, user }) => {
    const config = writeBlob(layout, 'application/vnd.oci.image.config.v1+json', json({
      architecture: 'amd64',
      os: 'linux',
      config: { User: user, Cmd: ['/bin/sleep', '2147483647'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created_by: 'k8s-least-privilege test/runtime/image.ts' }],
    }));
    const manifest = writeBlob(layout, 'application/vnd.oci.image.manifest.v1+json', json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers: [layer],
    }));
    return {
      ...manifest,
      platform: { architecture: 'amd64', os: 'linux' },
      annotations: {
        'io.containerd.image.name': ref,
        'org.opencontainers.image.ref.name': ref.split(':')[1],
      },
    };
  });
  writeFileSync(join(layout, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(layout, 'index.json'), json({ schemaVersion: 2, manifests }));

  const archive = imageArchivePath();
  execFileSync('tar', ['--create', '--file', archive, '--directory', layout, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '.']);
  rmSync(rootfs, { recursive: true, force: true });
  rmSync(layout, { recursive: true, force: true });
  rmSync(layerTar, { force: true });
  return archive;
}

/** Loads the archive (the probe image's unless `archive` names another) into the `k8s.io` namespace of the containerd at `address`. */
export function importImage(address: string, archive = imageArchivePath()): void {
  execFileSync('ctr', ['--address', address, '--namespace', 'k8s.io', 'images', 'import', archive], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function writeBlob(layout: string, mediaType: string, content: Buffer): Descriptor {
  const hex = createHash('sha256').update(content).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), content);
  return { mediaType, digest: `sha256:${hex}`, size: content.length };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

if (require.main === module) {
  const started = Date.now();
  const archive = buildImage();
  process.stdout.write(`image: ${archive} (${PROBE_IMAGE_ROOT}, ${PROBE_IMAGE_USER_1000}) in ${Date.now() - started} ms\n`);
}
