/**
 * `check --fix`: least-privilege fixes of existing manifests, chosen by the planner, proven by the
 * model and written into the files without touching anything else. Above check, planner and
 * report; below the CLI (nothing under it imports it).
 */
export type { FieldEdit } from './field-edits';
export type { FileChange, FixInputOptions, InputFix, ResourceFix } from './fix-input';
export { fixInput } from './fix-input';
export type { FixMode } from './fix-report';
export { fixJson, formatFixes, inputDiff, sarifFixesOf } from './fix-report';
export type { FixChange, UnfixablePort } from './workload-fix';
