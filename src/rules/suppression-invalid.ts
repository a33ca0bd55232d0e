import { defineRule } from './support/rule';
import { readSuppressionAnnotation, SUPPRESS_ANNOTATION } from './support/suppression-annotation';

/** LP000: a suppression that gives no reason or names no rule. */
export const suppressionInvalid = defineRule({
  id: 'LP000',
  name: 'suppression-invalid',
  title: 'A suppression gives no reason or names no rule',
  severity: 'error',
  podSecurityChecks: [],
  rationale: 'A suppression is a decision someone must be able to read later: without a reason it is only a way to silence the checker.',
  remediation: `metadata:\n  annotations:\n    ${SUPPRESS_ANNOTATION}: "LP007: dnsmasq drops root itself after binding port 53"`,
  check: ({ objectMetadata, knownRuleIds }) =>
    readSuppressionAnnotation(objectMetadata, knownRuleIds).problems.map((message) => ({ container: null, path: 'metadata.annotations', message })),
});
