/**
 * What the capability model and the rules say of one object, as the generated policy should
 * enforce it: the reference of the differential test. The verdicts are those of
 * `check --image-facts offline` (src/check/image-facts-mode.ts): a verdict the image decides is
 * `unknown`, and the file-capability annotation is the declared fact.
 */
import { imageFactsLookup } from '../../src/check/image-facts-mode';
import { analyzePod } from '../../src/model/analyze';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';
import { objectsInDocument } from '../../src/model/workload';
import { ruleIdSet } from '../../src/rules';
import { capabilityNameSpelling } from '../../src/rules/capability-name-spelling';
import { fileCapabilityAnnotationInvalid } from '../../src/rules/file-capability-annotation-invalid';
import { runAsNonRootContradicted } from '../../src/rules/run-as-non-root-contradicted';

/** The rules the policies enforce, by the policy that enforces them. */
export interface ReferenceVerdict {
  /** LP001 on a declared port. */
  readonly LP001: boolean;
  readonly LP008: boolean;
  readonly LP015: boolean;
  /** LP002 on a declared port. */
  readonly LP002: boolean;
  readonly LP006: boolean;
}

const OFFLINE = imageFactsLookup('offline', undefined, new Map(), undefined);

/** The model's verdict for an object (a Pod or a workload) under a runtime profile. */
export function referenceVerdict(object: Record<string, unknown>, runtimeProfile: RuntimeProfileName): ReferenceVerdict {
  const [found] = objectsInDocument(object).objects;
  const pod = found.pod!;
  const analysis = analyzePod(pod, { runtimeProfile, imageFacts: OFFLINE });
  const input = { pod, analysis, objectMetadata: found.object.metadata as Record<string, unknown> | undefined, knownRuleIds: ruleIdSet() };
  const declared = analysis.containers.flatMap((container) => container.ports.filter((port) => port.source === 'declared'));
  return {
    LP001: declared.some((port) => port.bind === 'denied'),
    LP008: runAsNonRootContradicted.check(input).length > 0,
    LP015: fileCapabilityAnnotationInvalid.check(input).length > 0,
    LP002: declared.some((port) => port.bind === 'unknown'),
    LP006: capabilityNameSpelling.check(input).length > 0,
  };
}

/** Whether the deny policy should reject the object. */
export function referenceDenies(verdict: ReferenceVerdict): boolean {
  return verdict.LP001 || verdict.LP008 || verdict.LP015;
}

/** Whether the advisory policy should warn. */
export function referenceWarns(verdict: ReferenceVerdict): boolean {
  return verdict.LP002 || verdict.LP006;
}
