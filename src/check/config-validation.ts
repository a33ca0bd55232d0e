/**
 * Validates settings against the enforcement configuration's JSON Schema (`config-schema.ts`)
 * with ajv, and words every problem found as one {@link ConfigError} naming the source.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigError } from './config-error';
import type { ConfigSchemaNode, EnforcementConfig } from './config-schema';
import { ENFORCEMENT_CONFIG_SCHEMA, RULE_ID_PATTERN } from './config-schema';
import { asArray, asObject, describeRaw } from '../model/json-value';
import { ruleIdSet } from '../rules';

/** Where settings come from, as a {@link ConfigError} names it. */
export interface ConfigSource {
  /** `--config app.yaml`, `cdk8s plugin properties`, `Pulumi policy config`, `command line`. */
  readonly name: string;
  /**
   * How a setting is called there when not by its key: `{ level: '--level' }` on the command line.
   * @default each setting by its key
   */
  readonly settingNames?: { readonly [Key in keyof EnforcementConfig]?: string };
}

let compiled: ValidateFunction<EnforcementConfig> | undefined;

/** The schema's validator, compiled once, on first use. */
function validator(): ValidateFunction<EnforcementConfig> {
  if (compiled === undefined) {
    // verbose: each error carries the schema node and the value it is about, which the message words.
    const ajv = new Ajv({ allErrors: true, verbose: true });
    ajv.addKeyword({ keyword: 'accepts', schemaType: 'string' });
    compiled = ajv.compile<EnforcementConfig>(ENFORCEMENT_CONFIG_SCHEMA);
  }
  return compiled;
}

/**
 * The settings `raw` stands for, validated: `undefined` and `null` are no settings, and a key
 * given `null` (YAML's `level:`) is a key not given.
 * @throws ConfigError naming `source` and every problem: an unknown key, a value of the wrong
 *   type or not among those accepted, a suppression without its rule or reason
 */
export function validEnforcementConfig(raw: unknown, source: ConfigSource): EnforcementConfig {
  const given = raw === undefined || raw === null ? {} : withoutNulls(raw, ENFORCEMENT_CONFIG_SCHEMA);
  const validate = validator();
  const problems = validate(given) ? [] : problemsOf(validate.errors ?? [], source);
  problems.push(...unknownRules(given, source));
  if (problems.length > 0) throw new ConfigError(source.name, problems);
  return given as EnforcementConfig;
}

/** A copy of `value` without the keys the schema declares that are given `null`. */
function withoutNulls(value: unknown, node: ConfigSchemaNode): unknown {
  const items = node.items;
  if (Array.isArray(value)) return items === undefined ? value : value.map((item: unknown) => withoutNulls(item, items));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).flatMap(([key, item]: [string, unknown]) => {
    const declared = node.properties !== undefined && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
    if (declared !== undefined) return item === null ? [] : [[key, withoutNulls(item, declared)]];
    return [[key, typeof node.additionalProperties === 'object' ? withoutNulls(item, node.additionalProperties) : item]];
  });
  return Object.fromEntries(entries);
}

/** One problem per error, without the type error of a value whose enum error says more. */
function problemsOf(errors: readonly ErrorObject[], source: ConfigSource): string[] {
  const enumPaths = new Set(errors.filter((error) => error.keyword === 'enum').map((error) => error.instancePath));
  const problems = errors.filter((error) => !(error.keyword === 'type' && enumPaths.has(error.instancePath))).map((error) => problemOf(error, source));
  return [...new Set(problems)];
}

function problemOf(error: ErrorObject, source: ConfigSource): string {
  const path = settingPath(error.instancePath, source);
  const at = path === '' ? '' : `${path}: `;
  const node = error.parentSchema as ConfigSchemaNode;
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${at}unknown key ${describeRaw(error.params.additionalProperty)}; the keys are ${Object.keys(node.properties ?? {}).join(', ')}`;
    case 'required': {
      const missing = String(error.params.missingProperty);
      return `${at}${subjectOf(node, value)} needs ${/^[aeiou]/.test(missing) ? 'an' : 'a'} ${missing}`;
    }
    case 'enum':
      return `${path} ${describeRaw(value)} is not one of ${(node.enum ?? []).join(', ')}`;
    default: {
      const accepted = node.accepts ?? acceptedByType(node);
      if (path === '') return `expected ${accepted}, not ${describeRaw(value)}`;
      if (node.title !== undefined) return `${path}: invalid ${node.title} ${describeRaw(value)}: expected ${accepted}`;
      return `${path} must be ${accepted}, not ${describeRaw(value)}`;
    }
  }
}

/** What an entry is called in a message: `a suppression of LP001`, by its title and its first required key. */
function subjectOf(node: ConfigSchemaNode, value: unknown): string {
  const identity = asObject(value)?.[node.required?.[0] ?? ''];
  return `a ${node.title ?? 'entry'}${typeof identity === 'string' ? ` of ${identity}` : ''}`;
}

function acceptedByType(node: ConfigSchemaNode): string {
  if (node.type === 'object') return node.properties === undefined ? 'a map' : `a map with ${Object.keys(node.properties).join(', ')}`;
  return { array: 'a list', string: 'a string', integer: 'a whole number' }[node.type];
}

/**
 * A setting's path as a user writes it: `registry.mirrors["docker.io"][0]` (a key of a map quoted,
 * a declared key not), its first key as the source calls it (`--level`). `instancePath` is ajv's
 * JSON Pointer into the settings.
 */
function settingPath(instancePath: string, source: ConfigSource): string {
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  let node: ConfigSchemaNode | undefined = ENFORCEMENT_CONFIG_SCHEMA;
  for (const segment of segments) {
    if (node?.type === 'array') {
      path += `[${segment}]`;
      node = node.items;
    } else if (node?.properties !== undefined && Object.hasOwn(node.properties, segment)) {
      path = path === '' ? source.settingNames?.[segment as keyof EnforcementConfig] ?? segment : `${path}.${segment}`;
      node = node.properties[segment];
    } else {
      path += `[${JSON.stringify(segment)}]`;
      node = typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined;
    }
  }
  return path;
}

/** A suppression's rule in the shape of an id (the schema checks that) that names no rule. */
function unknownRules(given: unknown, source: ConfigSource): string[] {
  const suppressions = asArray(asObject(given)?.suppressions) ?? [];
  return suppressions.flatMap((entry, index) => {
    const rule = asObject(entry)?.rule;
    if (typeof rule !== 'string' || !new RegExp(RULE_ID_PATTERN).test(rule) || ruleIdSet().has(rule)) return [];
    return [`${settingPath(`/suppressions/${index}/rule`, source)} ${JSON.stringify(rule)} names no rule; the rules are ${[...ruleIdSet()].join(', ')}`];
  });
}
