/**
 * The constructs' implementation sees every supported cdk8s-plus through the reference API,
 * cdk8s-plus-27's types. Sound for what the constructs call: the same signatures and output in
 * 27–33 (see `cdk8s-plus.ts`); the casts only drop the nominal differences of the types. No
 * public declaration may use this module: the package's typings name no cdk8s-plus package, so
 * that a project with only another version type-checks them (`skipLibCheck: false`).
 */
import type * as kplus27 from 'cdk8s-plus-27';
import type { Cdk8sPlusContainerProps, Cdk8sPlusModule, Cdk8sPlusWorkload } from './cdk8s-plus';

/** The reference module's type: `typeof import('cdk8s-plus-27')`. */
export type ReferenceApi = typeof kplus27;

/** A module seen through the reference API. */
export function asReferenceApi(plus: Cdk8sPlusModule): ReferenceApi {
  return plus as unknown as ReferenceApi;
}

/** A workload seen through the reference API. */
export function asReferenceWorkload(workload: Cdk8sPlusWorkload): kplus27.AbstractPod {
  return workload as unknown as kplus27.AbstractPod;
}

/** Container props of any version seen through the reference API. */
export function asReferenceContainerProps(props: Cdk8sPlusContainerProps): kplus27.ContainerProps {
  return props as unknown as kplus27.ContainerProps;
}
