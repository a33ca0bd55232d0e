/**
 * The YAML rewriter alone: edits land where the Document API locates them, in the document's own
 * style, and every other character stays as it was.
 */
import type { FieldEdit } from '../../src/fix';
import { rewriteFile } from '../../src/fix/file-rewrite';

function rewrite(text: string, edits: readonly FieldEdit[], document = 0) {
  return rewriteFile(text, new Map([[document, edits]]));
}

describe('rewriteFile (YAML)', () => {
  test('replaces a scalar where it stands, with its quotes and its comment', () => {
    const text = 'spec:\n  ports:\n  - port: "80"   # http\n    targetPort: \'80\' # app\n';
    const { text: fixed } = rewrite(text, [{ path: ['spec', 'ports', 0, 'targetPort'], value: '8080' }]);
    expect(fixed).toBe('spec:\n  ports:\n  - port: "80"   # http\n    targetPort: \'8080\' # app\n');
  });

  test('adds a missing map in the block style and indentation of the document (4 spaces, sequences level with their key)', () => {
    const text = 'spec:\n    containers:\n    -   name: a\n        image: x\n';
    const { text: fixed } = rewrite(text, [
      { path: ['spec', 'securityContext', 'seccompProfile', 'type'], value: 'RuntimeDefault' },
      { path: ['spec', 'securityContext', 'sysctls'], value: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] },
    ]);
    expect(fixed).toBe(
      'spec:\n    containers:\n    -   name: a\n        image: x\n' +
        '    securityContext:\n        seccompProfile:\n            type: RuntimeDefault\n' +
        '        sysctls:\n        - name: net.ipv4.ip_unprivileged_port_start\n          value: "80"\n',
    );
  });

  test('grows a flow sequence inside a flow map, and adds to a flow map, in its padding', () => {
    const text = 'capabilities: { drop: [ALL] }\n';
    const { text: fixed } = rewrite(text, [
      { path: ['capabilities', 'drop'], value: ['ALL', 'NET_RAW'] },
      { path: ['capabilities', 'add'], value: ['NET_BIND_SERVICE'] },
    ]);
    // The new item joins `[ALL]` as it is written; the new list is padded as the document's first flow collection is.
    expect(fixed).toBe('capabilities: { drop: [ALL, NET_RAW], add: [ NET_BIND_SERVICE ] }\n');
  });

  test('appends to a block sequence after its last item, keeping the items\' comments', () => {
    const text = 'sysctls:\n  - name: a   # first\n    value: "1"\nnext: 1\n';
    const { text: fixed } = rewrite(text, [{ path: ['sysctls'], value: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }]);
    expect(fixed).toBe('sysctls:\n  - name: a   # first\n    value: "1"\n  - name: b\n    value: "2"\nnext: 1\n');
  });

  test('keeps CRLF line breaks, and the end of a file without a final line break', () => {
    const { text: fixed } = rewrite('a:\r\n  b: 1', [{ path: ['a', 'c'], value: true }]);
    expect(fixed).toBe('a:\r\n  b: 1\r\n  c: true\r\n');
  });

  test('quotes a string YAML 1.1 would read as another type (kubectl reads yes as true)', () => {
    const { text: fixed } = rewrite('a: {}\n', [{ path: ['a', 'b'], value: 'yes' }, { path: ['a', 'c'], value: '80' }]);
    expect(fixed).toBe('a: {b: "yes", c: "80"}\n');
  });

  test('edits only its document of a stream, found by the index the checker gives it', () => {
    const text = 'a: 1\n---\n# comment only\n---\nb: 1\n';
    const { text: fixed, problems } = rewrite(text, [{ path: ['b'], value: 2 }], 2);
    expect(problems).toEqual([]);
    expect(fixed).toBe('a: 1\n---\n# comment only\n---\nb: 2\n');
  });

  test('an alias on the way is a problem named with its line; the file is left as it was', () => {
    const text = 'x: &ctx {runAsUser: 1}\ny:\n  securityContext: *ctx\n';
    const { text: fixed, problems } = rewrite(text, [{ path: ['y', 'securityContext', 'runAsUser'], value: 2 }]);
    expect(fixed).toBe(text);
    expect(problems).toEqual([{ document: 0, message: expect.stringMatching(/^the value at line 3 is an alias \(\*ctx\)/) }]);
  });
});
