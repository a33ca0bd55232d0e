/**
 * How kubectl reads each scalar spelling on which YAML 1.1 (go-yaml v2, what kubectl and Helm
 * use) and YAML 1.2 (js-yaml's default, what `check` used to read) disagree, plus the spellings
 * next to them that both read alike. Each row was produced by the reference oracle (`test/oracle`,
 * kubectl's own decoder) and is checked against it on every run that has the binary
 * (yaml-differential.test.ts); the random documents of that test are built from these rows.
 *
 * A row: the text, the JSON value kubectl sends for `v: TEXT`, and the JSON key for `TEXT: k`;
 * {@link REFUSED} where kubectl refuses the document.
 */

/** kubectl refuses the document. */
export const REFUSED = Symbol('refused');

/** What kubectl makes of a scalar as a value and as a map key. */
export interface Spelling {
  readonly text: string;
  readonly value: unknown;
  readonly key: string | typeof REFUSED;
}

type Row = readonly [text: string, value: unknown, key: string | typeof REFUSED];

const spellings = (rows: readonly Row[]): Spelling[] => rows.map(([text, value, key]) => ({ text, value, key }));

/** Plain (unquoted, untagged) scalars. */
export const PLAIN_SPELLINGS: readonly Spelling[] = spellings([
  // Booleans: YAML 1.1's y/yes/on and n/no/off, in go-yaml's three cases only.
  ['y', true, 'true'],
  ['Y', true, 'true'],
  ['yes', true, 'true'],
  ['Yes', true, 'true'],
  ['YES', true, 'true'],
  ['n', false, 'false'],
  ['N', false, 'false'],
  ['no', false, 'false'],
  ['No', false, 'false'],
  ['NO', false, 'false'],
  ['on', true, 'true'],
  ['On', true, 'true'],
  ['ON', true, 'true'],
  ['off', false, 'false'],
  ['Off', false, 'false'],
  ['OFF', false, 'false'],
  ['true', true, 'true'],
  ['True', true, 'true'],
  ['TRUE', true, 'true'],
  ['false', false, 'false'],
  ['False', false, 'false'],
  ['FALSE', false, 'false'],
  ['yEs', 'yEs', 'yEs'],
  ['oN', 'oN', 'oN'],
  ['tRUE', 'tRUE', 'tRUE'],
  // Nulls: a value, never a key.
  ['~', null, REFUSED],
  ['null', null, REFUSED],
  ['Null', null, REFUSED],
  ['NULL', null, REFUSED],
  ['nULL', 'nULL', 'nULL'],
  // Integers: a leading 0 is octal, 0o/0O too; 0b/0B binary (and go-yaml's `0b-101`); `_` ignored.
  ['0777', 511, '511'],
  ['-0777', -511, '-511'],
  ['+0777', 511, '511'],
  ['0o777', 511, '511'],
  ['0O17', 15, '15'],
  ['-0o17', -15, '-15'],
  ['0b101', 5, '5'],
  ['0B11', 3, '3'],
  ['-0b101', -5, '-5'],
  ['0b-101', -5, '-5'],
  ['0b+1', 1, '1'],
  ['0x1F', 31, '31'],
  ['0X1f', 31, '31'],
  ['-0x1F', -31, '-31'],
  ['1_000', 1000, '1000'],
  ['1__0', 10, '10'],
  ['0_', 0, '0'],
  ['08', 8, '8'],
  ['09', 9, '9'],
  ['0778', 778, '778'],
  ['00', 0, '0'],
  ['+1', 1, '1'],
  ['-0', 0, '0'],
  ['0x', '0x', '0x'],
  ['0o', '0o', '0o'],
  ['0b', '0b', '0b'],
  // Beyond int64 an octal is read as a decimal float; beyond uint64 too; a key beyond int64 is refused.
  ['012345670123456701234567', 1.2345670123456702e22, '1.234567e+22'],
  ['9007199254740993', Number('9007199254740993'), '9007199254740993'],
  ['9223372036854775807', Number('9223372036854775807'), '9223372036854775807'],
  ['9223372036854775808', Number('9223372036854775808'), REFUSED],
  ['18446744073709551615', Number('18446744073709551615'), REFUSED],
  ['18446744073709551616', Number('18446744073709551616'), '1.8446744e+19'],
  ['-9223372036854775808', Number('-9223372036854775808'), '-9223372036854775808'],
  ['-9223372036854775809', Number('-9223372036854775809'), '-9.223372e+18'],
  ['0x10000000000000000', '0x10000000000000000', '0x10000000000000000'],
  // Floats: a float key is printed as a float32 (`%g`, exponent from 1e+06).
  ['1e3', 1000, '1000'],
  ['1E3', 1000, '1000'],
  ['1.0e+3', 1000, '1000'],
  ['1e-5', 0.00001, '1e-05'],
  ['1.', 1, '1'],
  ['.5', 0.5, '0.5'],
  ['+.5', 0.5, '0.5'],
  ['-.5', -0.5, '-0.5'],
  ['.5_5', 0.55, '0.55'],
  ['._5', '._5', '._5'],
  ['.5e3', 500, '500'],
  ['1_000.5', 1000.5, '1000.5'],
  ['1e400', '1e400', '1e400'],
  ['1e-400', 0, '0'],
  ['.5e400', '.5e400', '.5e400'],
  ['-0.0', -0, '-0'],
  ['3.14159265', 3.14159265, '3.1415927'],
  ['6.02e23', 6.02e23, '6.02e+23'],
  ['1234567.0', 1234567, '1.234567e+06'],
  ['123456.7', 123456.7, '123456.7'],
  ['0.1', 0.1, '0.1'],
  ['16777217.0', 16777217, '1.6777216e+07'],
  // Infinities and NaN: keys, never values (JSON has no such number).
  ['.inf', REFUSED, '.inf'],
  ['.Inf', REFUSED, '.inf'],
  ['.INF', REFUSED, '.inf'],
  ['+.inf', REFUSED, '.inf'],
  ['-.inf', REFUSED, '-.inf'],
  ['-.Inf', REFUSED, '-.inf'],
  ['.nan', REFUSED, '.nan'],
  ['.NaN', REFUSED, '.nan'],
  ['.NAN', REFUSED, '.nan'],
  ['.iNf', '.iNf', '.iNf'],
  ['inf', 'inf', 'inf'],
  ['nan', 'nan', 'nan'],
  // Sexagesimal numbers (YAML 1.1): go-yaml reads none.
  ['1:30', '1:30', '1:30'],
  ['-1:30', '-1:30', '-1:30'],
  ['190:20:30', '190:20:30', '190:20:30'],
  ['1:30.5', '1:30.5', '1:30.5'],
  // Timestamps stay the text as written (js-yaml's default makes Dates of them).
  ['2001-12-14', '2001-12-14', '2001-12-14'],
  ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['2001-12-14 21:59:43.10', '2001-12-14 21:59:43.10', '2001-12-14 21:59:43.10'],
  ['2001-1-2', '2001-1-2', '2001-1-2'],
  ['2001-02-29', '2001-02-29', '2001-02-29'],
  // A merge key where a map is expected, a string anywhere else.
  ['<<', '<<', REFUSED],
  ['=', '=', '='],
  ['web', 'web', 'web'],
]);

/** Scalars with a tag or quotes: `TEXT` is written as is after `v: ` and before `: k`. */
export const WRITTEN_SCALARS: readonly Spelling[] = spellings([
  ['!!int "0777"', 511, '511'],
  ['!!int 0x_1F', 31, '31'],
  ['!!int 1.5', REFUSED, REFUSED],
  ['!!int abc', REFUSED, REFUSED],
  ['!!float 1', 1, '1'],
  ['!!float 16777217', 16777217, '1.6777216e+07'],
  ['!!float "1e3"', 1000, '1000'],
  ['!!float .inf', REFUSED, '.inf'],
  ['!!float abc', REFUSED, REFUSED],
  ['!!bool "on"', true, 'true'],
  ['!!bool 1', REFUSED, REFUSED],
  ['!!null ~', null, REFUSED],
  ['!!null ""', null, REFUSED],
  ['!!null x', REFUSED, REFUSED],
  ['!!str yes', 'yes', 'yes'],
  ['!!str 0777', '0777', '0777'],
  ['!!str ~', '~', '~'],
  ['!!timestamp 2001-1-2', '2001-1-2', '2001-1-2'],
  ['!!timestamp 2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ['!!timestamp 2001-02-29', REFUSED, REFUSED],
  ['!!timestamp 12', REFUSED, REFUSED],
  ['!!binary aGVsbG8=', 'hello', 'hello'],
  ['!!binary 4oI=', '\ufffd\ufffd', '\ufffd\ufffd'],
  ['!!binary not64', REFUSED, REFUSED],
  ['! yes', 'yes', 'yes'],
  ['! 0777', '0777', '0777'],
  ['!!map x', 'x', 'x'],
  ['!!seq 12', '12', '12'],
  ['!!set yes', 'yes', 'yes'],
  ['!!merge <<', '<<', REFUSED],
  ['!!merge x', 'x', 'x'],
  ['"yes"', 'yes', 'yes'],
  ["'0777'", '0777', '0777'],
  ['"~"', '~', '~'],
  ['"1e3"', '1e3', '1e3'],
]);
