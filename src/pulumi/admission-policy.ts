/**
 * `leastPrivilegeAdmissionPolicies`: the Pulumi helper that registers the ValidatingAdmissionPolicies
 * and bindings `k8s-least-privilege admission-policy` prints (src/admission) as
 * `@pulumi/kubernetes` resources, so that a Pulumi program enforces in the cluster what `check`
 * and the policy pack enforce before deploy.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { AdmissionPolicyOptions, KubernetesManifest } from '../admission/admission-policy';
import { admissionPolicyManifests } from '../admission/admission-policy';

/** The resources {@link leastPrivilegeAdmissionPolicies} registers. */
export interface LeastPrivilegeAdmissionPolicies {
  /** The policies, by name (`k8s-least-privilege-pods` …). */
  readonly policies: Readonly<Record<string, k8s.admissionregistration.v1.ValidatingAdmissionPolicy>>;
  /** The bindings, by name; each depends on its policy. */
  readonly bindings: Readonly<Record<string, k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding>>;
}

/**
 * Registers the admission policies and their bindings. The inputs are plain values: the objects
 * are made before anything is registered, with the same options as the CLI.
 *
 * ```ts
 * import { leastPrivilegeAdmissionPolicies } from 'k8s-least-privilege/pulumi';
 * leastPrivilegeAdmissionPolicies('cluster', { runtimeProfile: 'containerd-2' }, { provider });
 * ```
 * @param name the prefix of every resource's Pulumi name
 * @param options the options of `admission-policy`
 * @param resourceOptions given to every resource (provider, parent …); each binding also depends on its policy
 * @throws AdmissionPolicyOptionError on an unknown runtime profile, level or mode
 */
export function leastPrivilegeAdmissionPolicies(
  name: string,
  options: AdmissionPolicyOptions = {},
  resourceOptions: pulumi.CustomResourceOptions = {},
): LeastPrivilegeAdmissionPolicies {
  const policies: Record<string, k8s.admissionregistration.v1.ValidatingAdmissionPolicy> = {};
  const bindings: Record<string, k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding> = {};
  for (const manifest of admissionPolicyManifests(options)) {
    const objectName = (manifest.metadata as { name: string }).name;
    if (manifest.kind === 'ValidatingAdmissionPolicy') {
      policies[objectName] = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${objectName}`, asArgs(manifest), resourceOptions);
    } else {
      bindings[objectName] = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${objectName}-binding`, asArgs(manifest), {
        ...resourceOptions,
        dependsOn: [policies[objectName]],
      });
    }
  }
  return { policies, bindings };
}

/** A manifest as the args of its @pulumi/kubernetes resource, whose shapes it has. */
function asArgs<T>(manifest: KubernetesManifest): T {
  return manifest as unknown as T;
}
