/**
 * cdk8s constructs (on cdk8s-plus-27) that are correct by construction for a declared Pod
 * Security level: a thin face on the planner (`../planner`), checked by the capability model at
 * synth time. Only this module loads cdk8s; the model, the checker and the CLI never import it.
 */
export * from './hardened-container';
export * from './harden-workload';
export * from './privileged-port-service';
export { requireVerifiedPod } from './pod-verification';
