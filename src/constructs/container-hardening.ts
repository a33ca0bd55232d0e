import type * as kplus27 from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { Cdk8sPlusModule, Cdk8sPlusWorkload } from './cdk8s-plus';
import { cdk8sPlusOf } from './cdk8s-plus';
import { asReferenceApi, asReferenceWorkload } from './reference-api';
import { patchContainerSecurityContext } from './security-patch';
import { writableVolumeName } from '../planner/writable-volumes';

/** The securityContext decided for one container, and what it writes to. */
export interface ContainerHardening {
  /** The uid (0 turns `runAsNonRoot` off for the container). */
  readonly user: number;
  /** The gid. */
  readonly group: number;
  /** Capabilities kept after `drop: [ALL]`, exact names. */
  readonly addCapabilities: readonly string[];
  /** Whether the root filesystem is read-only. */
  readonly readOnlyRootFilesystem: boolean;
  /** Paths that get an `emptyDir` each. */
  readonly writablePaths: readonly string[];
  /** Add it as an init container. */
  readonly initContainer: boolean;
  /** The workload's cdk8s-plus module, for the volumes; found from the workload when not given. */
  readonly plus: Cdk8sPlusModule | undefined;
  /** Who adds it, for messages. */
  readonly caller: string;
}

/**
 * Adds a container to a cdk8s-plus workload (27–33) with the given hardening: non-root unless
 * uid 0, no privilege escalation, not privileged, `drop: [ALL]` plus only the given
 * capabilities (exact names, by JSON patch), `seccompProfile: RuntimeDefault`, and an `emptyDir`
 * mounted at each writable path (volumes made under the construct `volumeScope` returns, asked
 * for only when there is a writable path). What a container binds and at which level is decided
 * by the caller (`HardenedContainer`, `PrivilegedPortService`).
 */
export function addHardenedContainer(
  volumeScope: () => Construct,
  workload: Cdk8sPlusWorkload,
  containerProps: kplus27.ContainerProps,
  hardening: ContainerHardening,
): kplus27.Container {
  // Through the reference API: the container props the constructs set mean the same in 27–33.
  const pod = asReferenceWorkload(workload);
  const props: kplus27.ContainerProps = {
    ...containerProps,
    securityContext: {
      user: hardening.user,
      group: hardening.group,
      ensureNonRoot: hardening.user !== 0,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: hardening.readOnlyRootFilesystem,
    },
  };
  const container = hardening.initContainer ? pod.addInitContainer(props) : pod.addContainer(props);
  const list = hardening.initContainer ? 'initContainers' : 'containers';
  const index = (hardening.initContainer ? pod.initContainers : pod.containers).indexOf(container);

  if (hardening.writablePaths.length > 0) {
    const plus = asReferenceApi(hardening.plus ?? cdk8sPlusOf(workload, hardening.caller));
    const scope = volumeScope();
    hardening.writablePaths.forEach((path, i) => {
      const volume = plus.Volume.fromEmptyDir(scope, `writable-${i}`, writableVolumeName(container.name, path, i));
      container.mount(path, volume);
    });
  }

  const add = hardening.addCapabilities;
  patchContainerSecurityContext(workload, {
    list,
    index,
    fields: {
      capabilities: add.length > 0 ? { drop: ['ALL'], add: [...add] } : { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  });
  return container;
}
