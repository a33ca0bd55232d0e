import { ApiObject } from 'cdk8s';
import { IConstruct, Node } from 'constructs';
import { PodSecurityLevel } from '../model/pod-security-types';
import { resolvePolicyVersion } from '../model/pss';
import { objectsInDocument } from '../model/workload';
import { levelRank, verifyPod } from '../planner/verify-pod';

interface Expectation {
  level: PodSecurityLevel;
  podSecurityVersion: string;
}

const expectations = new WeakMap<IConstruct, Expectation>();

/**
 * Makes `cdk8s synth` (and `Testing.synth`) check the workload's pod template with the
 * capability model, on the manifest it will emit: every container port `allowed` under the
 * strict runtime profile, and Pod Security `level` met at `podSecurityVersion`. Registered once
 * per workload; asked again, the workload must meet the most restrictive level asked for.
 * cdk8s fails the synth with the model's reasons.
 */
export function requireVerifiedPod(workload: IConstruct, level: PodSecurityLevel, podSecurityVersion = 'latest'): void {
  const version = resolvePolicyVersion(podSecurityVersion);
  const existing = expectations.get(workload);
  if (existing !== undefined) {
    if (levelRank(level) > levelRank(existing.level)) existing.level = level;
    return;
  }
  const expectation: Expectation = { level, podSecurityVersion: version };
  expectations.set(workload, expectation);
  Node.of(workload).addValidation({
    validate: () => {
      const manifest = ApiObject.of(workload).toJson();
      const pod = objectsInDocument(manifest).objects[0]?.pod;
      if (pod === undefined) return [`k8s-least-privilege: ${ApiObject.of(workload).kind} has no pod template to verify`];
      const verification = verifyPod(pod, expectation);
      return verification.problems.map((problem) => `k8s-least-privilege: ${problem}`);
    },
  });
}
