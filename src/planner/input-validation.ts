/**
 * Run-time validation of what a public entry is given. The types say what each prop takes, but
 * JavaScript callers and casts get past them: `port: '80'`, `strategy: 'highPort'`,
 * `BindStrategy.fileCapability({})`. Each entry declares its props once as {@link PropRules}
 * (rules composed from the builders below) and calls {@link validateProps}, which throws for the
 * first prop that does not fit — naming the entry, the prop (its path, `ports[1].protocol`), the
 * value, the value's type and what is accepted. A value of the wrong type is a `TypeError`; one of
 * the right type outside what is accepted is a `RangeError`.
 * Hand-written rather than a schema validator (ajv, zod): the props hold functions, constructs and
 * cdk8s-plus modules as well as data, the messages must name the construct and say what type the
 * value was, and the constructs' entry point takes no runtime dependency for it.
 */

/** One value that a rule does not accept. */
export interface InputProblem {
  /** Where, below the value checked: `''` for the value itself, `.port`, `[1].protocol`. */
  readonly path: string;
  /** The value found there. */
  readonly value: unknown;
  /** What is accepted there, e.g. `an integer from 1 to 65535`. */
  readonly accepted: string;
  /** The value has the wrong type (a `TypeError`), not only a wrong value (a `RangeError`). */
  readonly wrongType: boolean;
}

/** A check of one value. */
export interface ValueRule {
  /** What the rule accepts, in words, e.g. `an integer from 1 to 65535`. */
  readonly accepted: string;
  /** Whether the prop must be given (see {@link required}). */
  readonly required?: boolean;
  /** The problems with `value`; none when it is accepted. */
  problems(value: unknown): readonly InputProblem[];
}

/** The rules of an entry's props, by prop name. Props not listed are not checked here. */
export type PropRules = Readonly<Record<string, ValueRule>>;

const NONE: readonly InputProblem[] = [];

function problem(value: unknown, accepted: string, wrongType: boolean): readonly InputProblem[] {
  return [{ path: '', value, accepted, wrongType }];
}

/** The same rule, for a prop that must be given. */
export function required(rule: ValueRule): ValueRule {
  return { ...rule, required: true, problems: (value) => rule.problems(value) };
}

/** An integer from `min` to `max`. */
export function integer(min: number, max: number, accepted = `an integer from ${min} to ${max}`): ValueRule {
  return {
    accepted,
    problems: (value) =>
      typeof value !== 'number' ? problem(value, accepted, true) : Number.isInteger(value) && value >= min && value <= max ? NONE : problem(value, accepted, false),
  };
}

/** One of the given strings, spelled exactly. */
export function oneOf(values: readonly string[], accepted = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`): ValueRule {
  return {
    accepted,
    problems: (value) => (typeof value !== 'string' ? problem(value, accepted, true) : values.includes(value) ? NONE : problem(value, accepted, false)),
  };
}

/** `true` or `false`. */
export const BOOLEAN: ValueRule = {
  accepted: 'true or false',
  problems: (value) => (typeof value === 'boolean' ? NONE : problem(value, 'true or false', true)),
};

/** A string, matching `pattern` when one is given (`accepted` then says what it matches). */
export function text(accepted = 'a string', pattern?: RegExp): ValueRule {
  return {
    accepted,
    problems: (value) =>
      typeof value !== 'string' ? problem(value, accepted, true) : pattern === undefined || pattern.test(value) ? NONE : problem(value, accepted, false),
  };
}

/** A non-empty string. */
export const NON_EMPTY_TEXT: ValueRule = text('a non-empty string', /\S/);

/** A value of type `type` (`typeof`) that `test` accepts. */
export function satisfying(accepted: string, type: 'string' | 'number' | 'object' | 'function', test: (value: never) => boolean): ValueRule {
  return {
    accepted,
    problems: (value) => {
      const actual = value === null ? 'null' : typeof value;
      if (actual !== type) return problem(value, accepted, true);
      return test(value as never) ? NONE : problem(value, accepted, false);
    },
  };
}

/** An array whose every entry `item` accepts. */
export function listOf(item: ValueRule, options: { readonly minLength?: number } = {}): ValueRule {
  const minLength = options.minLength ?? 0;
  const accepted = `an array${minLength > 0 ? ` of at least ${minLength}` : ''} of ${item.accepted}`;
  return {
    accepted,
    problems: (value) => {
      if (!Array.isArray(value)) return problem(value, accepted, true);
      if (value.length < minLength) return problem(value, accepted, false);
      return value.flatMap((entry, index) => item.problems(entry).map((found) => ({ ...found, path: `[${index}]${found.path}` })));
    },
  };
}

/** A plain object whose string keys each map to a value `values` accepts (labels, annotations). */
export function mapOf(values: ValueRule): ValueRule {
  const accepted = `an object of ${values.accepted}`;
  return {
    accepted,
    problems: (value) => {
      if (!isPlainObject(value)) return problem(value, accepted, true);
      return Object.entries(value).flatMap(([key, entry]) => values.problems(entry).map((found) => ({ ...found, path: `${propPath(key)}${found.path}` })));
    },
  };
}

/** An object whose props `fields` checks (a prop whose value is `undefined` is absent). */
export function objectWith(fields: PropRules, accepted = `an object { ${describeFields(fields)} }`): ValueRule {
  return {
    accepted,
    problems: (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem(value, accepted, true);
      return Object.entries(fields).flatMap(([key, rule]) => {
        const entry = (value as Record<string, unknown>)[key];
        if (entry === undefined) {
          return rule.required === true ? [{ path: propPath(key), value: entry, accepted: rule.accepted, wrongType: true }] : [];
        }
        return rule.problems(entry).map((found) => ({ ...found, path: `${propPath(key)}${found.path}` }));
      });
    },
  };
}

/**
 * The rule of each entry's props, made once: an entry's rules are a constant checked on every
 * call (every construct), and making the rule spells out every prop for its `accepted` text.
 */
const propsRules = new WeakMap<PropRules, ValueRule>();

/**
 * Checks an entry's props with its rules.
 *
 * @param entry the entry as messages name it: `PrivilegedPortService "web"`, `BindStrategy.fileCapability`
 * @param propNames the entry's own names of props it passes on under another (`user` for `runAsUser`)
 * @throws TypeError when a prop (or the props object itself) has the wrong type
 * @throws RangeError when a prop has the right type and a value that is not accepted
 */
export function validateProps(entry: string, props: unknown, rules: PropRules, propNames: Readonly<Record<string, string | undefined>> = {}): void {
  let rule = propsRules.get(rules);
  if (rule === undefined) {
    rule = objectWith(rules);
    propsRules.set(rules, rule);
  }
  const [first] = rule.problems(props);
  if (first === undefined) return;
  const renamed = first.path.replace(/^\.([A-Za-z_$][\w$]*)/, (_whole, prop: string) => `.${propNames[prop] ?? prop}`);
  throw inputError(entry, { ...first, path: renamed });
}

/** The error for a problem: names the entry, the prop, the value, its type and what is accepted. */
export function inputError(entry: string, found: InputProblem): TypeError | RangeError {
  const prop = found.path === '' ? 'the argument' : found.path.replace(/^\./, '');
  const message = `${entry}: ${prop} must be ${found.accepted}, got ${describeValue(found.value)}`;
  return found.wrongType ? new TypeError(message) : new RangeError(message);
}

/** A value as a message shows it, with its type: `"80" (a string)`, `{"kind":"magic"} (an object)`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `${clip(JSON.stringify(value))} (a string)`;
    case 'number':
      return `${String(value)} (a number)`;
    case 'boolean':
      return `${String(value)} (a boolean)`;
    case 'bigint':
      return `${String(value)}n (a bigint)`;
    case 'symbol':
      return `${String(value)} (a symbol)`;
    case 'function':
      return value.name === '' ? 'a function' : `a function (${value.name})`;
  }
  if (Array.isArray(value)) return `${clip(json(value))} (an array)`;
  const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const kind = typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object' ? `a ${constructorName}` : 'an object';
  return `${clip(json(value))} (${kind})`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describeFields(fields: PropRules): string {
  return Object.entries(fields)
    .map(([key, rule]) => (rule.required === true ? key : `${key}?`))
    .join(', ');
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? '[…]' : '{…}';
  }
}

function clip(words: string): string {
  return words.length <= 80 ? words : `${words.slice(0, 77)}…`;
}

/** Whether `action` returns without throwing: a parser as a yes/no check, a plan as a remedy that works. */
export function succeeds(action: () => unknown): boolean {
  try {
    action();
    return true;
  } catch {
    return false;
  }
}
