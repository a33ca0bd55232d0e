/**
 * Reading an untrusted, parsed pod without throwing.
 *
 * Upstream evaluates a typed `corev1.PodSpec` that the API server's strict JSON decoder produced;
 * we get whatever YAML or JSON said. How we read what the decoder would have refused:
 * - `null` is absent, as the decoder makes it (a nil pointer or a zero value).
 * - A non-object where an object belongs reads as an empty object, and a non-list where a list of
 *   objects belongs (containers, ports, volumes, sysctls) as an empty list: there is nothing in it
 *   to check. An optional object is still *set* when it holds any non-null value
 *   (`hostPath: "/"` is a hostPath volume; `seccompProfile: "x"` is a profile with no valid type).
 * - A scalar of the wrong type in a field a check restricts is never read as compliant
 *   (fail closed): `privileged: "true"` fails `privileged`, `allowPrivilegeEscalation: "false"`
 *   fails `allowPrivilegeEscalation`, `runAsUser: "0"` fails `runAsUser`, `hostUsers: "false"`
 *   relaxes nothing, and a `capabilities.add` that is not a list is a forbidden addition.
 *   Such a pod would not be admitted at all; no verdict should call it compliant.
 */

/** The fields of an object read from YAML or JSON. */
export type Fields = Readonly<Record<string, unknown>>;

const NO_FIELDS: Fields = Object.freeze({});
const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** `value` as an object's fields; an empty object when `value` is not an object (or is a list). */
export function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : NO_FIELDS;
}

/** `value` as a list; an empty list when it is not one. */
export function itemsOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : NO_ITEMS;
}

/** Whether an optional field is set: present and not `null` (the decoder's non-nil pointer). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * How a value is shown in a violation's detail: strings as they are, absent as the empty string
 * (Go's zero value, as upstream prints it), other scalars in their literal form, objects by kind.
 */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return Array.isArray(value) ? '<list>' : '<object>';
  return String(value);
}

/** A Go `%q`-style quoted string, as upstream quotes annotation values. */
export function quoted(value: string): string {
  return JSON.stringify(value);
}
