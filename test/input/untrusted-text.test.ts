/**
 * `shortenLongWords` cuts every run of more than 160 non-space characters in a message; it first
 * looks for one without a regular expression (src/input/untrusted-text.ts). It must cut exactly
 * what the regular expression `\S{161,}` matches, for any text: every kind of white space
 * (`\s` is wider than the space), surrogate pairs, runs just below and above the limit.
 */
import fc from 'fast-check';
import { EXCERPT_CHARS, shortenLongWords } from '../../src/input/untrusted-text';

/** What shortenLongWords did before its quick test: the regular expression over every message. */
function byRegularExpression(message: string): string {
  return message.replace(/\S{161,}/g, (word) => {
    const code = word.charCodeAt(EXCERPT_CHARS - 1);
    const excerpt = word.slice(0, code >= 0xd800 && code <= 0xdbff ? EXCERPT_CHARS - 1 : EXCERPT_CHARS);
    return `${excerpt}…[${(word.length - EXCERPT_CHARS).toLocaleString('en-US')} more characters]`;
  });
}

const WHITE_SPACE = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];

describe('shortenLongWords', () => {
  test('cuts what \\S{161,} matches, for any text', () => {
    const piece = fc.oneof(
      fc.constantFrom(...WHITE_SPACE),
      fc.integer({ min: 150, max: 170 }).map((length) => 'x'.repeat(length)),
      fc.integer({ min: 1, max: 40 }).map((length) => 'y'.repeat(length)),
      fc.constantFrom('\u200b', '\ud83d\ude00', '\ud800', 'é'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const message = pieces.join('');
        expect(shortenLongWords(message)).toBe(byRegularExpression(message));
      }),
      { numRuns: 3000 },
    );
  });

  test('every kind of white space ends a run, and nothing else does', () => {
    for (const space of WHITE_SPACE) {
      const message = `${'a'.repeat(100)}${space}${'b'.repeat(100)}`;
      expect(shortenLongWords(message)).toBe(message);
    }
    const joined = `${'a'.repeat(100)}\u200b${'b'.repeat(100)}`;
    expect(shortenLongWords(joined)).toBe(byRegularExpression(joined));
    expect(shortenLongWords(joined)).not.toBe(joined);
  });
});
