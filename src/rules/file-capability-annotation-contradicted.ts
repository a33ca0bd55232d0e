import type { FileCapabilities } from '../model/file-capabilities';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import type { RuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/**
 * LP017: the image was read (`check --images`), and the binary the container executes does
 * not carry the file capabilities its annotation declares. The annotation is what the
 * checker trusted until now; a wrong one is a pod called fine that crash-loops.
 */
export const fileCapabilityAnnotationContradicted = defineRule({
  id: 'LP017',
  name: 'file-capability-annotation-contradicted',
  title: "A file-capability annotation contradicts the file capabilities of the image's binary",
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'The annotation declares what the image carries; when the image itself is read and its binary has other file ' +
    'capabilities (or none), every verdict made from the annotation is wrong — a non-root process without the ' +
    'capability gets EACCES on a privileged port, and one whose capability the bounding set lacks fails to exec.',
  remediation:
    'Make the image and the annotation agree: add `RUN setcap cap_net_bind_service=+ep /path/to/binary` to the ' +
    `Dockerfile (on the binary itself, not a wrapper script or symlink), or correct ${FILE_CAPABILITIES_ANNOTATION_PREFIX}<container> ` +
    'to what `k8s-least-privilege image inspect IMAGE` reports.',
  check: ({ analysis }) => {
    const findings: RuleFinding[] = [];
    for (const container of analysis.containers) {
      const context = container.securityContext;
      const declared = context.declaredFileCapabilities;
      const facts = context.imageFacts;
      if (context.fileCapabilitiesSource !== 'image' || declared === undefined || facts?.binary === undefined) continue;
      const actual = facts.binary.fileCapabilities;
      if (actual !== undefined && sameCapabilities(declared, actual)) continue;
      const found = actual === undefined ? 'no file capability' : `the file capability ${actual.text}`;
      findings.push({
        container: container.name,
        path: `metadata.annotations.${FILE_CAPABILITIES_ANNOTATION_PREFIX}${container.name}`,
        message:
          `annotation ${FILE_CAPABILITIES_ANNOTATION_PREFIX}${container.name} declares "${declared.text}", but ${facts.binary.path} in ${facts.image} has ${found}` +
          `${facts.binary.note === undefined ? '' : ` (${facts.binary.note})`}; the verdicts use the image`,
      });
    }
    return findings;
  },
});

function sameCapabilities(a: FileCapabilities, b: FileCapabilities): boolean {
  return a.effective === b.effective && sameSet(a.permitted, b.permitted) && sameSet(a.inheritable, b.inheritable);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((name) => b.has(name));
}
