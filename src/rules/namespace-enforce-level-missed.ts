import { namespaceLevelFindings } from './support/namespace-level-findings';
import { defineRule } from './support/rule';

/** LP021: the pod misses the level its Namespace enforces: admission rejects it. */
export const namespaceEnforceLevelMissed = defineRule({
  id: 'LP021',
  name: 'namespace-enforce-level-missed',
  title: 'The pod misses the Pod Security level its Namespace enforces',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'Pod Security Admission rejects every pod that misses the enforce level of its namespace (at the enforce-version); ' +
    'a Deployment is accepted but its ReplicaSet never creates a pod. Checked when the Namespace is in the same input.',
  remediation: 'Fix each failing check listed, or deploy to a namespace whose level the pod meets.',
  checkInput: (objects) => namespaceLevelFindings(objects, ['enforce'], 'the admission controller rejects its pods'),
});
