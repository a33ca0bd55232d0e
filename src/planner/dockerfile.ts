/**
 * The Dockerfile lines that give the file-capability strategy's binary its file capability.
 */
import { requireBinaryPath } from './binary-path';
import type { ImageBase } from './bind-strategy';

/** The file capability the file-capability strategy gives the binary, in setcap's text form. */
export const NET_BIND_SERVICE_FILE_CAPABILITY = 'cap_net_bind_service=+ep';

/** What {@link fileCapabilityDockerfileLines} writes for. */
export interface FileCapabilityImage {
  /** The binary `setcap` marks. */
  readonly binary: string;
  /** The image's distribution. */
  readonly imageBase: ImageBase;
  /** The uid the image runs as afterwards. */
  readonly runAsUser: number;
  /** The gid the image runs as afterwards. */
  readonly runAsGroup: number;
}

/**
 * The Dockerfile lines, for the image's final stage, that give `binary` the file capability
 * `cap_net_bind_service=+ep`: install setcap (Debian/Ubuntu: `libcap2-bin`; Alpine: `libcap`),
 * set it, remove the package again so the image carries no capability tool, and switch back
 * to the non-root user. Run them in the final stage: a file capability is an xattr
 * (`security.capability`), and copying the file between stages or images can drop it.
 *
 * @throws RangeError when `binary` is not a path the `RUN` line can carry as one word (see `binary-path.ts`)
 */
export function fileCapabilityDockerfileLines(image: FileCapabilityImage): string[] {
  requireBinaryPath('fileCapabilityDockerfileLines', 'binary', image.binary);
  const header = [
    `# k8s-least-privilege: BindStrategy.fileCapability — ${image.binary} gains CAP_NET_BIND_SERVICE on exec`,
    '# (the pod keeps NET_BIND_SERVICE in the bounding set and declares the file capability annotation).',
    'USER root',
  ];
  const install =
    image.imageBase === 'alpine'
      ? [
        'RUN apk add --no-cache --virtual .setcap libcap \\',
        ` && setcap ${NET_BIND_SERVICE_FILE_CAPABILITY} ${image.binary} \\`,
        ' && apk del .setcap',
      ]
      : [
        'RUN apt-get update \\',
        ' && apt-get install -y --no-install-recommends libcap2-bin \\',
        ` && setcap ${NET_BIND_SERVICE_FILE_CAPABILITY} ${image.binary} \\`,
        ' && apt-get purge -y --auto-remove libcap2-bin \\',
        ' && rm -rf /var/lib/apt/lists/*',
      ];
  return [...header, ...install, `USER ${image.runAsUser}:${image.runAsGroup}`];
}
