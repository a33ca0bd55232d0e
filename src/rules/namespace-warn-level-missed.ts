import { namespaceLevelFindings } from './support/namespace-level-findings';
import { defineRule } from './support/rule';

/** LP022: the pod misses the level its Namespace audits or warns about. */
export const namespaceWarnLevelMissed = defineRule({
  id: 'LP022',
  name: 'namespace-warn-level-missed',
  title: 'The pod misses the Pod Security level its Namespace warns or audits at',
  severity: 'warning',
  podSecurityChecks: [],
  rationale:
    'A namespace often warns at a stricter level than it enforces, ahead of tightening enforcement: pods that miss it ' +
    'will be rejected once the namespace enforces that level.',
  remediation: 'Fix each failing check listed before the namespace enforces the level.',
  checkInput: (objects) => namespaceLevelFindings(objects, ['warn', 'audit'], 'the API server warns (or audits) on every pod'),
});
