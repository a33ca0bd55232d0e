import type { CheckDefinition, CheckFailure } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { Culprits, joinQuoted, pluralize, sortedValues } from '../culprits';
import type { PodView } from '../pod-view';
import { forEachVolume, hasSource } from './volumes';

// Upstream's allowed inline sources (`image` included from v1.0: it is read-only OCI content).
const ALLOWED_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
] as const;

// Every other volume source of corev1.VolumeSource, in the order upstream names the first one set.
const RESTRICTED_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
] as const;

function restrictedVolumes1_0(pod: PodView): CheckFailure | undefined {
  const culprits = new Culprits();
  const names: string[] = [];
  const types = new Set<string>();
  forEachVolume(pod, (volume) => {
    if (ALLOWED_SOURCES.some((source) => hasSource(volume, source))) return;
    // A volume with no source at all is defaulted to emptyDir by the API server before admission
    // (SetDefaults_Volume), so only a restricted source makes it fail.
    const restricted = RESTRICTED_SOURCES.find((source) => hasSource(volume, source));
    if (restricted === undefined) return;
    culprits.blamePod(`${volume.path}.${restricted}`);
    names.push(volume.name);
    types.add(restricted);
  });
  if (!culprits.found) return undefined;
  return culprits.failure(
    'restricted volume types',
    `${pluralize(names.length, 'volume', 'volumes')} ${joinQuoted(names)} ${pluralize(names.length, 'uses', 'use')} ` +
      `${pluralize(types.size, 'restricted volume type', 'restricted volume types')} ${joinQuoted(sortedValues(types))}`,
  );
}

/** `restrictedVolumes` (restricted): only configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, projected and secret volumes. */
export const restrictedVolumesCheck: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  title: 'Volume types',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_restrictedVolumes.go'),
  versions: [
    {
      since: 'v1.0',
      change: 'volumes may only use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret',
      overrides: ['hostPathVolumes'],
      evaluate: restrictedVolumes1_0,
    },
  ],
};
