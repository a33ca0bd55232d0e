/**
 * The file-capability annotation (`file-capabilities.k8s-least-privilege.dev/<container>`) read in
 * CEL exactly as `parseFileCapabilities` (src/model/file-capabilities.ts) reads it: setcap's text
 * form, clauses separated by whitespace, each `caplist` then actions `=`, `+`, `-` with flags
 * `e`, `i`, `p`, applied in order. CEL has no loop with state, so the final state of one capability
 * in one set is read off the sequence of actions that touch it, with a regular expression.
 */
import { JS_WHITESPACE_CLASS } from './cel-text';

/** A clause's capability list: the model's CLAUSE `^([a-z_0-9,]*)…`, read case-insensitively (ASCII only, as JavaScript's `/i` without `u`). */
const CAPLIST = "'^[a-z_0-9,]*'";

/** The whole clause: the model's `^([a-z_0-9,]*)((?:[=+-][eip]*)+)$`. */
const CLAUSE = "'^[a-z_0-9,]*([=+-][eip]*)+$'";

/** The clauses of an annotation text `text` (a CEL string expression): its runs of non-whitespace. */
export function annotationClauses(text: string): string {
  return `${text}.findAll('[^${JS_WHITESPACE_CLASS.replace(/\\/g, '\\\\')}]+')`;
}

/**
 * Whether every clause (`clauses`, a CEL list from {@link annotationClauses}) is valid: a setcap
 * clause whose names are each a Linux capability (with or without `cap_`), or empty, or `all`.
 */
export function clausesValid(clauses: string): string {
  return (
    `(size(${clauses}) > 0 && ${clauses}.all(t, t.lowerAscii().matches(${CLAUSE}) && ` +
    `[t.lowerAscii().find(${CAPLIST})].all(l, l == '' || l == 'all' || ` +
    'l.split(\',\').all(n, (n.startsWith(\'cap_\') ? n.substring(4) : n).upperAscii() in variables.capabilityNames))))'
  );
}

/** Whether clause `t` names `capability` (a CEL string expression, canonical): by name, or with an empty list or `all`. */
function clauseNames(clause: string, capability: string): string {
  return (
    `[${clause}.lowerAscii().find(${CAPLIST})].all(l, l == '' || l == 'all' || ` +
    `l.split(',').exists(n, n.upperAscii() == ${capability} || n.upperAscii() == 'CAP_' + ${capability}))`
  );
}

/** The actions of clause `t` (`=+ep`), lower-cased. */
function clauseActions(clause: string): string {
  return `${clause}.lowerAscii().substring(size(${clause}.lowerAscii().find(${CAPLIST})))`;
}

/**
 * A pattern for a sequence of actions after which `flag` is set: some action sets it (`=` or `+`
 * with the flag) and no later one clears it (`-` with the flag, or `=` without it).
 */
function finalFlagPattern(flag: 'e' | 'p'): string {
  const others = flag === 'e' ? 'ip' : 'ei';
  return `'^([=+-][eip]*)*[=+][eip]*${flag}[eip]*(\\\\+[eip]*|-[${others}]*|=[eip]*${flag}[eip]*)*$'`;
}

/** Whether `capability` ends in the file's set `flag` (`p` permitted, `e` effective) after every clause. */
export function finallyIn(clauses: string, capability: string, flag: 'e' | 'p'): string {
  return `${clauses}.filter(t, ${clauseNames('t', capability)}).map(t, ${clauseActions('t')}).join('').matches(${finalFlagPattern(flag)})`;
}

/** Whether the file's effective bit is set: some capability ends in the effective set. */
export function effectiveBit(clauses: string): string {
  return `variables.capabilityList.exists(x, ${finallyIn(clauses, 'x', 'e')})`;
}
