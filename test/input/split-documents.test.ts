import { splitDocuments } from '../../src/input/split-documents';

describe('splitDocuments', () => {
  test('indexes documents as kubectl does and records where each starts', () => {
    const docs = splitDocuments('# header\na: 1\n---\nb: 2\n---\n# only a comment\n---\n\nc: 3\n');
    expect(docs.map((d) => [d.index, d.startLine, d.contentLine])).toEqual([
      [0, 1, 2],
      [1, 3, 4],
      [3, 7, 9],
    ]);
  });

  test('a leading --- does not create an empty document', () => {
    expect(splitDocuments('---\na: 1\n').map((d) => d.index)).toEqual([0]);
  });

  test('handles CRLF, a BOM, "..." end markers and content after ---', () => {
    const docs = splitDocuments('\ufeffa: 1\r\n...\r\n--- {b: 2}\r\n');
    expect(docs.map((d) => d.text.trim())).toEqual(['a: 1', '{b: 2}']);
    expect(docs[1].startLine).toBe(3);
  });

  test('a --- inside a block scalar line that is indented is content, not a separator', () => {
    expect(splitDocuments('a: |\n  ---\n  text\n')).toHaveLength(1);
  });

  test('empty input and comment-only input hold no document', () => {
    expect(splitDocuments('')).toEqual([]);
    expect(splitDocuments('# nothing\n\n')).toEqual([]);
    expect(splitDocuments('---\n---\n')).toEqual([]);
  });
});
