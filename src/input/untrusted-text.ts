/**
 * Text from untrusted input (a manifest, a file name, an image) made safe to show: messages
 * built around it are bounded in length, and every control character is escaped before it
 * reaches a terminal, so that input can neither flood a report nor forge or recolour its lines.
 */

/** The longest message made around text from input; longer ones are cut. */
export const MAX_MESSAGE_CHARS = 1000;

/** A run of non-space characters this long in a message is input (no word of ours is), and is cut. */
const MAX_WORD_CHARS = 160;

/** What is kept of such a run. */
export const EXCERPT_CHARS = 80;

const LONG_WORD = new RegExp(`\\S{${MAX_WORD_CHARS + 1},}`, 'g');

/**
 * A message that may embed input (a parser's reason, a list of an image's tags), bounded:
 * every run of more than 160 non-space characters is cut to its first 80 and a count of the
 * rest, and the whole to {@link MAX_MESSAGE_CHARS}.
 */
export function boundMessage(message: string): string {
  const shortened = shortenLongWords(message);
  return shortened.length <= MAX_MESSAGE_CHARS ? shortened : `${cut(shortened, MAX_MESSAGE_CHARS)}… [message cut]`;
}

/**
 * A message of ours quoting names from input (a container, a capability): every run of more
 * than 160 non-space characters cut to its first 80 and a count of the rest. The message's own
 * length is not capped: a finding's reason is ours and says all it must.
 */
export function shortenLongWords(message: string): string {
  if (!hasLongWord(message)) return message;
  return message.replace(LONG_WORD, (word) => `${cut(word, EXCERPT_CHARS)}…[${(word.length - EXCERPT_CHARS).toLocaleString('en-US')} more characters]`);
}

/**
 * Whether `text` has a run of more than {@link MAX_WORD_CHARS} non-space UTF-16 units: what
 * {@link LONG_WORD} matches, found in one pass (the regular expression retries from every
 * character of every shorter word, and nearly every message has none). A run lies between two
 * spaces, so only a stretch between spaces longer than that is looked into.
 */
function hasLongWord(text: string): boolean {
  if (text.length <= MAX_WORD_CHARS) return false;
  for (let start = 0; ; ) {
    const space = text.indexOf(' ', start);
    const end = space === -1 ? text.length : space;
    if (end - start > MAX_WORD_CHARS && hasLongRun(text, start, end)) return true;
    if (space === -1) return false;
    start = space + 1;
  }
}

/** Whether `text` has a run of more than {@link MAX_WORD_CHARS} non-space units from `start` to `end`. */
function hasLongRun(text: string, start: number, end: number): boolean {
  let run = 0;
  for (let i = start; i < end; i++) {
    if (isWhiteSpace(text.charCodeAt(i))) run = 0;
    else if (++run > MAX_WORD_CHARS) return true;
  }
  return false;
}

/** What `\s` matches in a regular expression (ECMA-262 WhiteSpace and LineTerminator). */
function isWhiteSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

// C0 controls (line breaks and tabs included), DEL, C1 controls (U+009B is a CSI on many
// terminals), the line and paragraph separators, and the bidirectional overrides and isolates
// that reorder what a terminal shows ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * Text for a terminal: every control character escaped (`\e`, `\n`, `\x9b`, `\u202e`), so what
 * input holds is shown, never obeyed. Every human-readable formatter passes its lines through it.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (char) => NAMED[char] ?? escapeCode(char.charCodeAt(0)));
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The first `length` UTF-16 units of `text`, never splitting a surrogate pair. */
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}
