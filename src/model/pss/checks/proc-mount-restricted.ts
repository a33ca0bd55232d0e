import type { CheckDefinition } from '../check';
import { documentationFor, upstreamSource } from '../check';
import { procMountMasked } from './proc-mount';

/** `procMount_restricted` (restricted, v1.35+): keeps /proc masked even in a user namespace. */
export const procMountRestrictedCheck: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  title: '/proc mount type (restricted)',
  documentation: documentationFor('restricted'),
  source: upstreamSource('check_procMount_restricted.go'),
  versions: [
    {
      // Baseline relaxed procMount for user-namespace pods in v1.35; restricted keeps the old rule.
      since: 'v1.35',
      change: 'securityContext.procMount must be unset or Default, even when spec.hostUsers is false',
      overrides: ['procMount'],
      evaluate: procMountMasked,
    },
  ],
};
