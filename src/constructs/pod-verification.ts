import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Node } from 'constructs';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { resolvePolicyVersion } from '../model/pss';
import { objectsInDocument } from '../model/workload';
import { podSecurityProblem, verifyPod } from '../planner/verify-pod';

interface Expectation {
  /** Every level asked for: each must admit the pod (meeting restricted does not imply baseline). */
  readonly levels: Set<PodSecurityLevel>;
  readonly podSecurityVersion: string;
}

const expectations = new WeakMap<IConstruct, Expectation>();

/**
 * Makes `cdk8s synth` (and `Testing.synth`) check the workload's pod template with the
 * capability model, on the manifest it will emit: every container port `allowed` under the
 * strict runtime profile, and a namespace enforcing Pod Security `level` at `podSecurityVersion`
 * admitting the pod. Registered once per workload; asked again, every level asked for must admit
 * the pod (each level is judged with its own checks, as admission judges it: a pod restricted
 * admits may still be refused at baseline). cdk8s fails the synth with the model's reasons.
 */
export function requireVerifiedPod(workload: IConstruct, level: PodSecurityLevel, podSecurityVersion = 'latest'): void {
  const version = resolvePolicyVersion(podSecurityVersion);
  const existing = expectations.get(workload);
  if (existing !== undefined) {
    existing.levels.add(level);
    return;
  }
  const expectation: Expectation = { levels: new Set([level]), podSecurityVersion: version };
  expectations.set(workload, expectation);
  Node.of(workload).addValidation({
    validate: () => {
      const manifest = ApiObject.of(workload).toJson();
      const pod = objectsInDocument(manifest).objects[0]?.pod;
      if (pod === undefined) return [`k8s-least-privilege: ${ApiObject.of(workload).kind} has no pod template to verify`];
      const [first, ...others] = expectation.levels;
      const verification = verifyPod(pod, { level: first, podSecurityVersion: expectation.podSecurityVersion });
      const levelProblems = others.flatMap((other) => podSecurityProblem(verification.analysis.podSecurity, other) ?? []);
      return [...verification.problems, ...levelProblems].map((problem) => `k8s-least-privilege: ${problem}`);
    },
  });
}
