import { loadDocument } from '../../src/input/load-document';

describe('loadDocument', () => {
  test('loads YAML and JSON', () => {
    expect(loadDocument('a: 1')).toEqual({ ok: true, value: { a: 1 } });
    expect(loadDocument('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  test('invalid YAML gives the line within the document', () => {
    const result = loadDocument('a: 1\nb: [unclosed\n');
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ message: expect.stringMatching(/^invalid YAML/) });
  });

  test('duplicate keys are an error, as for kubectl', () => {
    expect(loadDocument('a: 1\na: 2\n')).toMatchObject({ ok: false, message: expect.stringMatching(/duplicated mapping key/) });
  });

  test('an alias bomb is refused quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(loadDocument(levels.join('\n'))).toMatchObject({ ok: false, message: expect.stringMatching(/alias bomb/) });
  });

  test('ordinary aliases are fine', () => {
    expect(loadDocument('a: &x {k: v}\nb: *x\n')).toMatchObject({ ok: true });
  });

  test('deep nesting is an error, not a crash', () => {
    const deep = '['.repeat(20000) + ']'.repeat(20000);
    const result = loadDocument(deep);
    expect(result.ok).toBe(false);
  });
});
