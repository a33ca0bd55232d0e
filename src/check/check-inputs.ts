import type { CheckOptions } from './check-object';
import { writeCheck } from './check-run';
import type { ParsedInput, ParsedInputs } from './parsed-input';
import { parsedInputOf, parseInputs, readInput } from './parsed-input';
import type { CheckReport, ReportHead, ReportTail, ResourceReport } from './report';
import type { InputSource } from '../input/read-sources';


export { ParsedInputs, ParsedObject, parseInputs } from './parsed-input';

/**
 * Checks every document of every input: each Kubernetes object becomes a resource
 * report, each unreadable file, document or object an error entry, and one bad
 * document never hides the others.
 */
export function checkInputs(sources: Iterable<InputSource>, options: CheckOptions): CheckReport {
  return checkedReport(readInput(sources), options);
}

/**
 * Checks parsed inputs ({@link parseInputs}): the Services are matched to the workloads they
 * select (so that a port only a Service names is judged on its workload; `serviceTargets` of the
 * options when a caller already matched them), then the model and every rule run over each
 * object, and the input rules over it and the objects they need beside it.
 */
export function checkParsed(parsed: ParsedInputs, options: CheckOptions): CheckReport {
  return checkedReport(parsedInputOf(parsed), options);
}

/** The whole report of a check, gathered in memory. */
function checkedReport(input: ParsedInput, options: CheckOptions): CheckReport {
  let head: ReportHead | undefined;
  let tail: ReportTail | undefined;
  const resources: ResourceReport[] = [];
  writeCheck(input, options, { start: (start) => (head = start), resource: (resource) => resources.push(resource), finish: (end) => (tail = end) });
  const { schemaVersion, runtimeProfile, requiredLevel, errors } = head!;
  return { schemaVersion, runtimeProfile, requiredLevel, resources, errors, summary: tail!.summary };
}
