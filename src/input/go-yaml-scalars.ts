/**
 * What a YAML scalar is to kubectl. kubectl and Helm decode a manifest with
 * `k8s.io/apimachinery/pkg/util/yaml`, which hands each document to `sigs.k8s.io/yaml`: go-yaml v2
 * (`go.yaml.in/yaml/v2`) resolves every scalar by YAML 1.1 rules of its own, then the value is
 * turned into JSON, map keys included, and that JSON is what the API server receives. So
 * `runAsNonRoot: yes` is `true`, `containerPort: 01777` is 1023, `on:` is the key `"true"`.
 *
 * Hand-written, because no JavaScript YAML library resolves scalars this way: js-yaml and `yaml`
 * implement YAML 1.2, or the YAML 1.1 specification, from which go-yaml v2 departs (`1:30` is a
 * string, `08` is the float 8, `0o17` and `0b-1` are integers, `1e400` is a string, `.5_5` is
 * 0.55, a float map key is printed as a float32 …). Every rule below is the decoder's, as the
 * reference oracle (`test/oracle`, the real decoder) shows for each spelling in
 * `test/conformance/yaml-differential.test.ts`.
 *
 * Values are JavaScript primitives, except the few numbers whose JSON value or map key
 * JavaScript would get wrong ({@link GoNumber}): the loader unwraps those once the document
 * is read.
 */

/**
 * A number whose map key (as `sigs.k8s.io/yaml` prints it) differs from JavaScript's `String()`
 * of it, or that has no JSON value: an integer beyond 2^53, a float such as `1e6` (key `1e+06`)
 * or `.inf`. `toString()` is its map key, so a YAML parser that stringifies keys gets kubectl's.
 */
export abstract class GoNumber {
  /** The number as a value. */
  public abstract jsonValue(): number;

  /** Whether JSON can hold the value: not NaN or ±Inf (kubectl refuses those as values). */
  public isJsonNumber(): boolean {
    return Number.isFinite(this.jsonValue());
  }

  /** Whether `sigs.k8s.io/yaml` refuses this number as a map key (an integer beyond int64). */
  public abstract refusedAsKey(): boolean;

  /** The map key kubectl makes of the number. */
  public abstract toString(): string;

  /** Keeps js-yaml from replacing it, as it does any plain object used as a key, with `[object Object]`. */
  public get [Symbol.toStringTag](): string {
    return 'GoNumber';
  }
}

/** An integer beyond 2^53: exact as a key, rounded to the nearest double as a value (as JSON readers do). */
class GoInteger extends GoNumber {
  constructor(private readonly value: bigint) {
    super();
  }

  public jsonValue(): number {
    return Number(this.value);
  }

  public refusedAsKey(): boolean {
    // go-yaml decodes it as a uint64, a key type sigs.k8s.io/yaml does not convert.
    return this.value > INT64_MAX;
  }

  public toString(): string {
    return this.value.toString();
  }
}

/** A float whose key, printed as go-yaml prints a float32, is not JavaScript's, or that is NaN or ±Inf. */
class GoFloat extends GoNumber {
  constructor(private readonly value: number) {
    super();
  }

  public jsonValue(): number {
    return this.value;
  }

  public refusedAsKey(): boolean {
    return false;
  }

  public toString(): string {
    return float32Key(this.value);
  }
}

/** The YAML 1.1 core tags go-yaml v2 resolves a scalar against (`!!str` … `!!timestamp`). */
export type ResolvableTag = 'str' | 'bool' | 'int' | 'float' | 'null' | 'timestamp';

/** What go-yaml makes of a scalar before it becomes a value. */
type Resolution =
  | { readonly tag: 'str' | 'timestamp' | 'null' }
  | { readonly tag: 'bool'; readonly value: boolean }
  | { readonly tag: 'int'; readonly value: number | bigint }
  | { readonly tag: 'float'; readonly value: number };

const STR: Resolution = { tag: 'str' };
const NULL: Resolution = { tag: 'null' };
const TIMESTAMP: Resolution = { tag: 'timestamp' };
const TRUE: Resolution = { tag: 'bool', value: true };
const FALSE: Resolution = { tag: 'bool', value: false };

/** go-yaml's table of whole spellings: its booleans, nulls, NaN and infinities (`resolveMapList`). */
const SPELLINGS: ReadonlyMap<string, Resolution> = new Map<string, Resolution>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, TRUE] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, FALSE] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, NULL] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, { tag: 'float', value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, { tag: 'float', value: Infinity }] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, { tag: 'float', value: -Infinity }] as const),
]);

// go-yaml looks a scalar up only when its first character hints it may not be a string.
const HINT_NONE = 0;
const HINT_SIGN = 1;
const HINT_DIGIT = 2;
const HINT_SPELLING = 3;
const HINT_DOT = 4;
const HINTS = new Uint8Array(128);
HINTS[0x2b] = HINTS[0x2d] = HINT_SIGN;
for (let c = 0x30; c <= 0x39; c++) HINTS[c] = HINT_DIGIT;
for (const c of 'yYnNtTfFoO~') HINTS[c.charCodeAt(0)] = HINT_SPELLING;
HINTS[0x2e] = HINT_DOT;

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A decimal integer of at most 15 digits: exact as a double, no need for a bigint. */
const SHORT_DECIMAL = /^[-+]?(?:0|[1-9][0-9]{0,14})$/;
/** `strconv.ParseInt(s, 0, 64)`'s syntax (underscores already removed): sign, base prefix, digits. */
const GO_INTEGER = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
/** go-yaml's `yamlStyleFloat`: what it hands to `strconv.ParseFloat` once the integer parses failed. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** After go-yaml's integer and float attempts: `0b` then a signed binary number (`0b-101` is -5). */
const SIGNED_BINARY = /^0b([-+]?)([01]+)$/;
/** `strconv.ParseFloat` of a scalar starting with `.`: digits, with `_` only between two digits. */
const DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;

/**
 * go-yaml v2's `resolve(tag, text)` for a scalar with an explicit tag: what the text is, or
 * `undefined` when it does not fit the tag (`!!int abc`): kubectl refuses the document.
 */
function resolveTagged(text: string, tag: ResolvableTag): Resolution | undefined {
  const resolution = tag === 'str' ? STR : resolveImplicit(text, tag === 'timestamp');
  if (tag === resolution.tag) return resolution;
  // An explicit !!float accepts an integer; every other mismatch is refused.
  if (tag === 'float' && resolution.tag === 'int') return { tag: 'float', value: Number(resolution.value) };
  return undefined;
}

/** go-yaml v2's `resolve('', text)`: what a plain scalar is; with `timestamps`, a timestamp too. */
function resolveImplicit(text: string, timestamps: boolean): Resolution {
  // go-yaml looks the empty text (an explicitly tagged empty node) up in its table too: null.
  const hint = text === '' ? HINT_SPELLING : HINTS[text.charCodeAt(0)] ?? HINT_NONE;
  if (hint === HINT_NONE) return STR;
  const spelled = SPELLINGS.get(text);
  if (spelled !== undefined) return spelled;
  if (hint === HINT_SPELLING) return STR;
  if (hint === HINT_DOT) {
    if (!DOT_FLOAT.test(text)) return STR;
    const value = Number(text.replace(/_/g, ''));
    return Number.isFinite(value) ? { tag: 'float', value } : STR;
  }
  // Only an explicit !!timestamp is checked here: an untagged timestamp is a string to kubectl,
  // and no timestamp reads as a number, so an untagged one falls through to STR below.
  if (timestamps && isGoTimestamp(text)) return TIMESTAMP;
  const plain = text.includes('_') ? text.replace(/_/g, '') : text;
  const integer = parseGoInteger(plain);
  if (integer !== undefined) return { tag: 'int', value: integer };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const value = Number(plain);
    // strconv.ParseFloat fails on overflow, and go-yaml then leaves the scalar a string.
    if (Number.isFinite(value)) return { tag: 'float', value };
  }
  const binary = SIGNED_BINARY.exec(plain);
  if (binary !== null) {
    const magnitude = BigInt(`0b${binary[2]}`);
    const value = binary[1] === '-' ? -magnitude : magnitude;
    if (value <= INT64_MAX && value >= -INT64_MAX - 1n) return { tag: 'int', value: narrow(value) };
  }
  return STR;
}

/**
 * `strconv.ParseInt(s, 0, 64)`, then `strconv.ParseUint(s, 0, 64)` (no sign) when it overflows:
 * the integer, a number when it is exact as a double, else a bigint; `undefined` when neither parses.
 */
function parseGoInteger(s: string): number | bigint | undefined {
  if (SHORT_DECIMAL.test(s)) return Number(s) || 0; // `|| 0`: `-0` is the integer 0
  const match = GO_INTEGER.exec(s);
  if (match === null) return undefined;
  const [, sign, hex, octal, binary, leadingZeroOctal, decimal] = match;
  const magnitude =
    hex !== undefined ? BigInt(`0x${hex}`)
      : octal !== undefined ? BigInt(`0o${octal}`)
        : binary !== undefined ? BigInt(`0b${binary}`)
          : leadingZeroOctal !== undefined ? BigInt(`0o${leadingZeroOctal || '0'}`)
            : BigInt(decimal);
  if (sign === '-') return magnitude <= INT64_MAX + 1n ? narrow(-magnitude) : undefined;
  if (magnitude <= INT64_MAX) return narrow(magnitude);
  return sign === '' && magnitude <= UINT64_MAX ? magnitude : undefined;
}

/** A bigint as a number when that is exact. */
function narrow(value: bigint): number | bigint {
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * The value a resolution becomes: a primitive, or a {@link GoNumber} where JavaScript's value or
 * map key would not be kubectl's. A string (and a timestamp, which go-yaml leaves as its text) is
 * `text` itself.
 */
function valueOf(resolution: Resolution, text: string): unknown {
  switch (resolution.tag) {
    case 'str':
    case 'timestamp':
      return text;
    case 'null':
      return null;
    case 'bool':
      return resolution.value;
    case 'int':
      return typeof resolution.value === 'number' ? resolution.value : new GoInteger(resolution.value);
    case 'float': {
      const value = resolution.value;
      return Number.isFinite(value) && float32Key(value) === String(value) ? value : new GoFloat(value);
    }
  }
}

/** Whether a plain scalar may be anything but a string: the cheap test before {@link plainScalarValue}. */
export function mayNotBeString(text: string): boolean {
  return text === '' || (HINTS[text.charCodeAt(0)] ?? HINT_NONE) !== HINT_NONE;
}

/** The value of a plain (unquoted, untagged) scalar, as kubectl reads it: `yes` is `true`, `0777` is 511. */
export function plainScalarValue(text: string): unknown {
  return valueOf(resolveImplicit(text, false), text);
}

/**
 * The value of a scalar with an explicit YAML 1.1 core tag (`!!int "12"` is 12), or `undefined`
 * when go-yaml refuses the text for that tag (`!!int abc`, `!!bool 1`): kubectl refuses the document.
 */
export function taggedScalarValue(text: string, tag: ResolvableTag): unknown {
  const resolution = resolveTagged(text, tag);
  return resolution === undefined ? undefined : valueOf(resolution, text);
}

/**
 * The map key kubectl makes of a plain scalar key (`yes` → `true`, `0x1F` → `31`, `1e6` →
 * `1e+06`), or `undefined` when it is no key: kubectl refuses a null (`~`) or too large a key,
 * and `<<` merges a map in.
 */
export function plainKeyString(text: string): string | undefined {
  if (text === '<<') return undefined;
  const value = plainScalarValue(text);
  if (value === null || (value instanceof GoNumber && value.refusedAsKey())) return undefined;
  return String(value);
}

/**
 * The string a `!!binary` scalar decodes to (base64, line breaks ignored; bytes that are not
 * UTF-8 become U+FFFD one byte each, as Go's JSON encoder writes them), or `undefined` when the
 * text is not base64 (kubectl refuses the document).
 */
export function binaryScalarValue(text: string): string | undefined {
  const base64 = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) return undefined;
  return goString(Buffer.from(base64, 'base64'));
}

/** Bytes as Go's JSON encoder writes a string of them: valid UTF-8 sequences kept, every other byte U+FFFD. */
function goString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += '\ufffd';
      i++;
    } else {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** The length of the valid UTF-8 sequence at `i` (Go's `utf8.DecodeRune`), or 0 for an invalid byte. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const continuation = (k: number, low = 0x80, high = 0xbf) => i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Whether go-yaml reads the text as a timestamp: one of its four `time.Parse` layouts
 * (`2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999`,
 * `2006-1-2`), with Go's ranges (a real calendar day, hour < 24, zone offset hour ≤ 24 …).
 */
function isGoTimestamp(text: string): boolean {
  const match = GO_TIMESTAMP.exec(text);
  if (match === null) return false;
  const [, year, month, day, separator, hour, minute, second, zone, zoneHour, zoneMinute] = match;
  const y = Number(year);
  const m = Number(month);
  if (m < 1 || m > 12 || Number(day) < 1 || Number(day) > daysIn(m, y)) return false;
  if (separator === undefined) return true;
  // The `T`/`t` layouts end with a zone; the space layout has none.
  if ((separator === ' ') !== (zone === undefined)) return false;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return false;
  return zoneHour === undefined || (Number(zoneHour) <= 24 && Number(zoneMinute) <= 60);
}

const GO_TIMESTAMP =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[-+]([0-9]{2}):([0-9]{2}))?)?$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * A float as a map key, as `sigs.k8s.io/yaml` prints it: `strconv.FormatFloat(f, 'g', -1, 32)`,
 * the shortest decimal that reads back as the same float32, in exponent form from 1e+06 and
 * below 1e-04 (`1e+06`, `3.1415927`, `1e-05`), with go-yaml's `.inf`, `-.inf`, `.nan`.
 *
 * The shortest decimal is found by trying 1 to 9 significant digits, each rounded to nearest:
 * Go's exact shortest search could pick the other neighbour at a power of two, which no test
 * spelling reaches.
 */
function float32Key(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  const single = Math.fround(value);
  if (single === Infinity) return '.inf';
  if (single === -Infinity) return '-.inf';
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  let exponential = single.toExponential(8);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = single.toExponential(digits - 1);
    if (Math.fround(Number(candidate)) === single) {
      exponential = candidate;
      break;
    }
  }
  const [mantissa, exponentText] = exponential.split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const significant = mantissa.replace(/[-.]/g, '');
  let body: string;
  if (exponent < -4 || exponent >= 6) {
    const fraction = significant.length > 1 ? `.${significant.slice(1)}` : '';
    body = `${significant[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  } else if (exponent < 0) {
    body = `0.${'0'.repeat(-exponent - 1)}${significant}`;
  } else {
    const whole = significant.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = significant.slice(exponent + 1);
    body = fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return negative ? `-${body}` : body;
}
