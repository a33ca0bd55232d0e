import type { PodAnalysis } from '../../src/model/analyze';
import { analyzePod } from '../../src/model/analyze';
import { objectsInDocument } from '../../src/model/workload';

/** Every pod (template) in synthesized manifests, analyzed by the model under the strict profile. */
export function analyzeManifests(manifests: readonly unknown[], podSecurityVersion = 'latest'): { kind: string; name: string | null; analysis: PodAnalysis }[] {
  return manifests.flatMap((manifest) =>
    objectsInDocument(manifest).objects.flatMap((object) =>
      object.pod === undefined ? [] : [{ kind: object.kind, name: object.name, analysis: analyzePod(object.pod, { runtimeProfile: 'strict', podSecurityVersion }) }],
    ),
  );
}

/** The bind verdict of every port of every pod, e.g. `['allowed']`. */
export function bindVerdicts(manifests: readonly unknown[]): string[] {
  return analyzeManifests(manifests).flatMap(({ analysis }) => analysis.containers.flatMap((container) => container.ports.map((port) => port.bind)));
}

/** The Pod Security level of every pod. */
export function podSecurityLevels(manifests: readonly unknown[], podSecurityVersion = 'latest'): string[] {
  return analyzeManifests(manifests, podSecurityVersion).map(({ analysis }) => analysis.podSecurity.level);
}
