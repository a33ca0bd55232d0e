/**
 * The constructs' synth-time check: the manifest a workload will emit, judged by the capability
 * model and Pod Security. Resolving a workload's manifest (`ApiObject.toJson`) costs as much as
 * the rest of its synthesis, so the check hands the manifest it judged to the synthesis that
 * follows (see {@link manifestForSynthesis}) instead of letting cdk8s resolve it a second time.
 */
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

/** Manifests judged by a validation and not yet taken by the synthesis that ran it. */
const judgedManifests = new WeakMap<ApiObject, Record<string, unknown>>();

/**
 * Makes the object's next `toJson()` return `manifest`, the one the check just resolved and
 * judged, once. cdk8s runs every validation and then, in the same synchronous `synth()`,
 * serializes every object once; nothing of the app changes in between. The handover expires
 * at the end of that synchronous run (a microtask), so a `toJson()` called later — after a
 * failed synth and a change, say — resolves afresh.
 */
function manifestForSynthesis(object: ApiObject, manifest: Record<string, unknown>): void {
  judgedManifests.set(object, manifest);
  queueMicrotask(() => judgedManifests.delete(object));
}

/** Lets `object.toJson()` take a manifest handed over by {@link manifestForSynthesis}. */
function takeJudgedManifests(object: ApiObject): void {
  const resolve = object.toJson.bind(object);
  object.toJson = () => {
    const judged = judgedManifests.get(object);
    if (judged === undefined) return resolve();
    judgedManifests.delete(object);
    return judged;
  };
}

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
    // A verdict handed over was reached without this level.
    judgedManifests.delete(ApiObject.of(workload));
    return;
  }
  const expectation: Expectation = { levels: new Set([level]), podSecurityVersion: version };
  expectations.set(workload, expectation);
  const object = ApiObject.of(workload);
  takeJudgedManifests(object);
  Node.of(workload).addValidation({
    validate: () => {
      // cdk8s validates the app twice in one `synth()` (before serializing it, and again as each
      // chart serializes); a manifest still waiting to be handed over passed a moment ago and
      // nothing has changed since (see manifestForSynthesis), so it is not judged a second time.
      if (judgedManifests.has(object)) return [];
      const manifest = object.toJson();
      const pod = objectsInDocument(manifest).objects[0]?.pod;
      if (pod === undefined) return [`k8s-least-privilege: ${object.kind} has no pod template to verify`];
      const [first, ...others] = expectation.levels;
      const verification = verifyPod(pod, { level: first, podSecurityVersion: expectation.podSecurityVersion });
      const levelProblems = others.flatMap((other) => podSecurityProblem(verification.analysis.podSecurity, other) ?? []);
      const problems = [...verification.problems, ...levelProblems];
      // A failing check fails the synth: nothing will be serialized, so nothing is handed over.
      if (problems.length === 0) manifestForSynthesis(object, manifest);
      return problems.map((problem) => `k8s-least-privilege: ${problem}`);
    },
  });
}
