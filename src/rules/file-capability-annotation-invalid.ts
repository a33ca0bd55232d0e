import { listContainers } from '../model/containers';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import { asObject, objectField } from '../model/json-value';
import type { RuleFinding } from './support/rule';
import { defineRule } from './support/rule';

/** LP015: a file-capability annotation that cannot be read or names no container. */
export const fileCapabilityAnnotationInvalid = defineRule({
  id: 'LP015',
  name: 'file-capability-annotation-invalid',
  title: 'A file-capability annotation is malformed or names a container that does not exist',
  severity: 'error',
  podSecurityChecks: [],
  rationale:
    'The checker trusts the annotation for what the image carries; one it cannot read, or one on the wrong ' +
    'container, turns a verdict into a guess.',
  remediation:
    `metadata:\n  annotations:\n    ${FILE_CAPABILITIES_ANNOTATION_PREFIX}<container-name>: cap_net_bind_service=+ep   # setcap text form`,
  check: ({ pod, analysis }) => {
    const annotations = objectField(asObject(pod.metadata), 'annotations');
    if (annotations === undefined) return [];
    const names = new Set(listContainers(asObject(pod.spec)).filter((c) => c.named).map((c) => c.name));
    const findings: RuleFinding[] = [];
    for (const key of Object.keys(annotations)) {
      if (!key.startsWith(FILE_CAPABILITIES_ANNOTATION_PREFIX)) continue;
      const container = key.slice(FILE_CAPABILITIES_ANNOTATION_PREFIX.length);
      const path = `metadata.annotations.${key}`;
      if (!names.has(container)) {
        findings.push({ container: null, path, message: `annotation ${key} names container "${container}", which the pod does not have` });
        continue;
      }
      const error = analysis.containers.find((c) => c.name === container)?.securityContext.fileCapabilitiesError;
      if (error !== undefined) findings.push({ container, path, message: `annotation ${key} cannot be read: ${error}` });
    }
    return findings;
  },
});
