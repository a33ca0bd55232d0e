/**
 * One variable of a generated ValidatingAdmissionPolicy, with what bounds the size of its value:
 * the API server's cost estimator needs it to estimate the expressions that read the variable.
 */

/** A policy variable. */
export interface PolicyVariable {
  /** Its name, read as `variables.<name>`. */
  readonly name: string;
  /** Its CEL expression. */
  readonly expression: string;
  /**
   * What bounds its size, for the cost estimate: `scalar` (a number, a boolean, a short fixed
   * string), the schema path from the object of the node it is (or is filtered from), or
   * `verdicts:<pod spec path>` (one list per container of the pod, each at most the container's
   * ports and five more entries).
   */
  readonly size: string;
}
