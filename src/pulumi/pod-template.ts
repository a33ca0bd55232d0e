import { listOf, validateProps } from '../planner/input-validation';
import { WRITABLE_PATH } from '../planner/intent-rules';
import type { PrivilegedPortPlan } from '../planner/plan-privileged-port';
import { verifyPod } from '../planner/verify-pod';
import { writableVolumeName } from '../planner/writable-volumes';

/** A type with every `readonly` removed, arrays included (the Kubernetes input types want mutable ones). */
export type DeepMutable<T> = T extends readonly (infer U)[]
  ? DeepMutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: DeepMutable<T[K]> }
    : T;

/** A mutable deep copy of plain JSON data: a plan's securityContexts, ports and annotations. */
function mutableCopy<T>(value: T): DeepMutable<T> {
  return JSON.parse(JSON.stringify(value)) as DeepMutable<T>;
}

/** The image written into the pod the model verifies: the image is an Input and plays no part in the verdict. */
const IMAGE_PLACEHOLDER = 'image';

/** The binding container, as far as it is decided by the plan. */
export interface PlannedContainer {
  /** The plan's container name. */
  name: string;
  /** The plan's `securityContext`. */
  securityContext: DeepMutable<PrivilegedPortPlan['containerSecurityContext']>;
  /** The plan's named ports. */
  ports: DeepMutable<PrivilegedPortPlan['containerPorts']>;
  /** One mount per writable path. */
  volumeMounts: { name: string; mountPath: string }[];
}

/** The pod template a plan describes, every field of it known: what the model verifies and the Pulumi component registers. */
export interface PlannedPodTemplate {
  /** The pod template annotations (the decision; the file capability when the image has one). */
  annotations: Record<string, string>;
  /** The pod spec's security-relevant part. */
  spec: {
    /** Set only when the plan uses the node's network namespace. */
    hostNetwork?: true;
    /** Set (to `false`) only when the plan runs the pod in its own user namespace. */
    hostUsers?: false;
    /** The plan's pod `securityContext`. */
    securityContext: DeepMutable<PrivilegedPortPlan['podSecurityContext']>;
    /** The binding container. */
    containers: [PlannedContainer];
    /** One `emptyDir` per writable path (the root filesystem is read-only). */
    volumes: { name: string; emptyDir: Record<string, never> }[];
  };
}

/**
 * The pod template of a plan, with an `emptyDir` volume for each writable path, checked by the
 * capability model as it will be written: every port `allowed` under the strict runtime
 * profile, the plan's level met. The Pulumi component registers these very objects and adds
 * only fields the verdict does not depend on (image, command, env, resources, probes).
 *
 * @param caller who asks, for messages
 * @throws RangeError when a writable path is not absolute (TypeError when it is no string)
 */
export function plannedPodTemplate(plan: PrivilegedPortPlan, writablePaths: readonly string[] = [], caller = 'plannedPodTemplate'): PlannedPodTemplate {
  validateProps(caller, { writablePaths }, { writablePaths: listOf(WRITABLE_PATH) });
  const volumes = writablePaths.map((path, index) => ({ name: writableVolumeName(plan.containerName, path, index), emptyDir: {} }));
  const container: PlannedContainer = {
    name: plan.containerName,
    securityContext: mutableCopy(plan.containerSecurityContext),
    ports: mutableCopy(plan.containerPorts),
    volumeMounts: volumes.map((volume, index) => ({ name: volume.name, mountPath: writablePaths[index] })),
  };
  const template: PlannedPodTemplate = {
    annotations: mutableCopy(plan.podAnnotations),
    spec: {
      ...(plan.hostNetwork ? { hostNetwork: true as const } : {}),
      ...(plan.hostUsers === false ? { hostUsers: false as const } : {}),
      securityContext: mutableCopy(plan.podSecurityContext),
      containers: [container],
      volumes,
    },
  };
  const spec = { ...template.spec, containers: [{ ...container, image: IMAGE_PLACEHOLDER }] };
  const pod = { metadata: { annotations: template.annotations }, spec };
  const verification = verifyPod(pod, { level: plan.level, podSecurityVersion: plan.podSecurityVersion });
  if (!verification.ok) {
    // The plan was verified by the planner; a failure here means this face wrote it wrongly.
    throw new Error(`k8s-least-privilege bug: the ${plan.strategy} pod template fails the capability model: ${verification.problems.join('; ')}`);
  }
  return template;
}
