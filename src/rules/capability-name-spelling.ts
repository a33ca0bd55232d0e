import { canonicalCapabilityName, isAllCapabilities } from '../model/capabilities';
import type { RuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/** What is wrong with a capability name as written, or `undefined` when it is exact. */
function spellingProblem(name: string): string | undefined {
  if (isAllCapabilities(name)) {
    return name === 'ALL' ? undefined : `"${name}" drops everything at runtime but fails Pod Security restricted, which wants exactly "ALL"`;
  }
  const canonical = canonicalCapabilityName(name);
  if (canonical === undefined) return `"${name}" names no Linux capability`;
  if (name.toUpperCase().startsWith('CAP_')) {
    return `"${name}" is read by containerd as "CAP_${name.toUpperCase()}", an unknown name that grants or drops nothing; write "${canonical}"`;
  }
  return name === canonical ? undefined : `"${name}" works on containerd but Pod Security compares names exactly; write "${canonical}"`;
}

/** LP006: capability names that work differently at runtime than they read, or fail PSS. */
export const capabilityNameSpelling = defineRule({
  id: 'LP006',
  name: 'capability-name-spelling',
  title: 'A capability name is not spelled as Kubernetes expects (ALL, NET_BIND_SERVICE)',
  severity: 'warning',
  podSecurityChecks: ['capabilities_baseline', 'capabilities_restricted'],
  rationale:
    'Runtimes and Pod Security read names differently: containerd upper-cases a name and prefixes CAP_, so ' +
    '"CAP_NET_BIND_SERVICE" becomes CAP_CAP_NET_BIND_SERVICE and grants nothing (port 80 then fails with EACCES), ' +
    'while Pod Security compares names exactly, so drop: ["all"] works at runtime yet fails restricted. ' +
    "cdk8s-plus-27's Capability enum produces the CAP_ form.",
  remediation: 'Write capability names in upper case without the CAP_ prefix: drop: [ALL], add: [NET_BIND_SERVICE].',
  check: ({ analysis }) => {
    const findings: RuleFinding[] = [];
    for (const container of analysis.containers) {
      for (const [field, names] of [['add', container.securityContext.add], ['drop', container.securityContext.drop]] as const) {
        names.forEach((name, index) => {
          const problem = spellingProblem(name);
          if (problem === undefined) return;
          findings.push({
            container: container.name,
            path: `spec.${container.path}.securityContext.capabilities.${field}[${index}]`,
            message: `container "${container.name}" capabilities.${field}: ${problem}`,
          });
        });
      }
    }
    return findings;
  },
});
