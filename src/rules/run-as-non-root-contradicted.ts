import { containerFindings } from './support/container-findings';
import { defineRule } from './support/rule';

/** LP008: runAsNonRoot: true with runAsUser: 0 — the kubelet refuses to start the container. */
export const runAsNonRootContradicted = defineRule({
  id: 'LP008',
  name: 'run-as-non-root-contradicted',
  title: 'runAsNonRoot: true is contradicted by runAsUser: 0',
  severity: 'error',
  podSecurityChecks: ['runAsNonRoot', 'runAsUser'],
  rationale: 'The kubelet verifies runAsNonRoot before it starts a container and refuses uid 0: the pod stays in CreateContainerConfigError.',
  remediation:
    'Set runAsUser to a non-zero uid, or drop runAsNonRoot if the container must run as root (PSS baseline at best; ' +
    'restricted from policy v1.35 when the pod has its own user namespace, hostUsers: false).',
  check: (input) =>
    containerFindings(input, (container) =>
      container.securityContext.kubeletRefusal === undefined
        ? undefined
        : { message: `never starts: ${container.securityContext.kubeletRefusal}`, field: 'runAsUser' },
    ),
});
