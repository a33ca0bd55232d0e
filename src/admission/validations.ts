/**
 * The validations of the generated policies, one per rule of `check` that a manifest alone decides,
 * each with a message that names the container, the port and the fix, as the rule's finding does:
 * LP001 (a port that cannot bind), LP008 (runAsNonRoot with uid 0) and LP015 (a file-capability
 * annotation that cannot be read or names no container) deny; LP002 (a port whose binding the
 * manifest does not decide) and LP006 (a capability name spelled other than Kubernetes expects)
 * warn.
 */
import { celString } from './cel-text';
import { PORT_ENTRY_PREFIX, VERDICT_FIELDS } from './container-verdict';
import { PORT_PLACEHOLDER } from './remedies';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX } from '../model/file-capabilities';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { capabilityNameSpelling } from '../rules/capability-name-spelling';
import { fileCapabilityAnnotationInvalid } from '../rules/file-capability-annotation-invalid';
import { portBindUnknown } from '../rules/port-bind-unknown';
import { portCannotBind } from '../rules/port-cannot-bind';
import { runAsNonRootContradicted } from '../rules/run-as-non-root-contradicted';
import type { Rule } from '../rules/support/rule';

/** One validation of a ValidatingAdmissionPolicy. */
export interface PolicyValidation {
  /** True when the object passes. */
  readonly expression: string;
  /** The message when `messageExpression` cannot be evaluated. */
  readonly message: string;
  /** The message, naming what fails. */
  readonly messageExpression: string;
}

const { name: NAME, category: CATEGORY, reason: REASON, kubelet: KUBELET, annotation: ANNOTATION } = VERDICT_FIELDS;
const FIRST_PORT = ANNOTATION + 1;

function prefix(rule: Rule): string {
  return `${rule.id} ${rule.name}: `;
}

/** The validation of the ports whose verdict is `category`: LP001 for `denied`, LP002 for `unknown`. */
function portValidation(rule: Rule, category: 'denied' | 'unknown', verb: string): PolicyValidation {
  const offending = `v[${CATEGORY}] == '${category}' && size(v) > ${FIRST_PORT}`;
  const portMessages =
    `v.filter(e, e.startsWith('${PORT_ENTRY_PREFIX}')).map(e, 'container "' + v[${NAME}] + '" port ' + e.substring(${PORT_ENTRY_PREFIX.length}) + ` +
    `' ${verb}: ' + v[${REASON}].replace('${PORT_PLACEHOLDER}', e.substring(${PORT_ENTRY_PREFIX.length}).split('/')[0])).join('; ')`;
  return {
    expression: `variables.containerVerdicts.all(v, !(${offending}))`,
    message: `${prefix(rule)}${rule.title}`,
    messageExpression: `${celString(prefix(rule))} + variables.containerVerdicts.filter(v, ${offending}).map(v, ${portMessages}).join('; ')`,
  };
}

/** LP001: a declared port that the container cannot bind. */
export function portCannotBindValidation(): PolicyValidation {
  return portValidation(portCannotBind, 'denied', 'cannot bind');
}

/** LP002: a declared port whose binding the manifest does not decide (the image does). */
export function portBindUnknownValidation(): PolicyValidation {
  return portValidation(portBindUnknown, 'unknown', 'may not bind');
}

/** LP008: runAsNonRoot: true with uid 0, which the kubelet refuses. */
export function runAsNonRootValidation(level: PodSecurityLevel): PolicyValidation {
  const fix = level === 'restricted' ? 'set runAsUser to a non-zero uid' : 'set runAsUser to a non-zero uid, or remove runAsNonRoot if the container must run as root (Pod Security baseline at best)';
  return {
    expression: `variables.containerVerdicts.all(v, v[${KUBELET}] == '')`,
    message: `${prefix(runAsNonRootContradicted)}${runAsNonRootContradicted.title}`,
    messageExpression:
      `${celString(prefix(runAsNonRootContradicted))} + variables.containerVerdicts.filter(v, v[${KUBELET}] != '').map(v, 'container "' + v[${NAME}] + ` +
      `${celString(`" never starts: the kubelet refuses to start it: runAsNonRoot is true but runAsUser is 0 (CreateContainerConfigError); ${fix}`)}).join('; ')`,
  };
}

/** LP015: a file-capability annotation that names no container of the pod, or cannot be read. */
export function fileCapabilityAnnotationValidation(): PolicyValidation {
  const strayKey = `!variables.manyContainers && k.startsWith('${FILE_CAPABILITIES_ANNOTATION_PREFIX}') && !sets.contains(variables.containerNames, [k.substring(${FILE_CAPABILITIES_ANNOTATION_PREFIX.length})])`;
  return {
    expression: `!variables.annotations.exists(k, ${strayKey}) && variables.containerVerdicts.all(v, v[${ANNOTATION}] == '')`,
    message: `${prefix(fileCapabilityAnnotationInvalid)}${fileCapabilityAnnotationInvalid.title}`,
    messageExpression:
      `${celString(prefix(fileCapabilityAnnotationInvalid))} + (variables.annotations.filter(k, ${strayKey})` +
      `.map(k, 'annotation ' + string(k) + ' names container "' + string(k).substring(${FILE_CAPABILITIES_ANNOTATION_PREFIX.length}) + '", which the pod does not have') + ` +
      `variables.containerVerdicts.filter(v, v[${ANNOTATION}] != '').map(v, v[${ANNOTATION}])).join('; ')`,
  };
}

/** LP006: capability names that work differently at runtime than they read, or fail Pod Security. */
export function capabilitySpellingValidation(): PolicyValidation {
  return {
    expression: 'variables.capabilitySpellings.all(problems, size(problems) == 0)',
    message: `${prefix(capabilityNameSpelling)}${capabilityNameSpelling.title}`,
    messageExpression:
      `${celString(prefix(capabilityNameSpelling))} + variables.capabilitySpellings.filter(problems, size(problems) > 0).map(problems, problems.join('; ')).join('; ')`,
  };
}
