/**
 * `LeastPrivilegeAdmissionPolicy`: the cdk8s construct that adds to a chart the
 * ValidatingAdmissionPolicies and bindings `k8s-least-privilege admission-policy` prints
 * (src/admission), object for object, so that a platform team ships the cluster's enforcement
 * with the rest of its cdk8s app.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { AdmissionPolicyOptions } from '../admission/admission-policy';
import { admissionPolicyManifests } from '../admission/admission-policy';

/** Props of {@link LeastPrivilegeAdmissionPolicy}: the options of `admission-policy`. */
export interface LeastPrivilegeAdmissionPolicyProps extends AdmissionPolicyOptions {}

/**
 * The admission policies as cdk8s `ApiObject`s, one per policy and binding, with the names the CLI
 * gives them (`k8s-least-privilege-pods` …); `cdk8s synth` writes the same objects as
 * `k8s-least-privilege admission-policy` with the same options.
 *
 * ```ts
 * new LeastPrivilegeAdmissionPolicy(chart, 'admission', { runtimeProfile: 'containerd-2', mode: 'warn' });
 * ```
 * @throws AdmissionPolicyOptionError on an unknown runtime profile, level or mode
 */
export class LeastPrivilegeAdmissionPolicy extends Construct {
  /** The objects added, in the order they are applied (each policy, then its binding). */
  public readonly apiObjects: readonly ApiObject[];

  /**
   * Adds the policies and bindings under `scope`.
   * @param scope the chart (or any construct in it)
   * @param id this construct's id
   * @param props the options of `admission-policy`
   */
  constructor(scope: Construct, id: string, props: LeastPrivilegeAdmissionPolicyProps = {}) {
    super(scope, id);
    this.apiObjects = admissionPolicyManifests(props).map((manifest) => {
      type Manifest = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;
      const { apiVersion, kind, metadata, ...rest } = manifest as Manifest;
      return new ApiObject(this, `${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest });
    });
  }
}
