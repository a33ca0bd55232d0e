import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, joinQuoted, pluralize } from '../culprits';
import type { PodView } from '../pod-view';
import { forEachVolume, hasSource } from './volumes';

function hostPathVolumes1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const names: string[] = [];
  forEachVolume(pod, (volume) => {
    if (hasSource(volume, 'hostPath')) {
      culprits.blamePod(`${volume.path}.hostPath`);
      names.push(volume.name);
    }
  });
  if (!culprits.found) return undefined;
  return culprits.failure('hostPath volumes', `${pluralize(names.length, 'volume', 'volumes')} ${joinQuoted(names)}`);
}

/** `hostPathVolumes` (baseline): no hostPath volume. At restricted, `restrictedVolumes` replaces it. */
export const hostPathVolumesCheck: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  title: 'HostPath volumes',
  documentation: documentationFor('baseline'),
  source: upstreamSource('check_hostPathVolumes.go'),
  versions: [{ since: 'v1.0', change: 'volumes[*].hostPath must be unset', evaluate: hostPathVolumes1_0 }],
};
