import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithStdin } from './integration-tools';
import type { CheckReport } from '../../src/check/report';

const FIXTURES = join(__dirname, '..', 'fixtures', 'check');
const CLEAN = readFileSync(join(FIXTURES, 'clean.yaml'), 'utf8');
const TRAP = readFileSync(join(FIXTURES, 'trap.yaml'), 'utf8');

describe('post-render: check - as a filter', () => {
  test('a clean input goes on to stdout byte for byte; the report is on stderr', () => {
    const { status, stdout, stderr } = runWithStdin(['post-render'], CLEAN);
    expect(status).toBe(0);
    expect(stdout).toBe(CLEAN);
    expect(stderr).toMatch(/^Checked \d+ resources? .*: 0 errors/m);
  });

  test.each([
    ['a byte order mark, CRLF line ends and no final newline', `\uFEFF${CLEAN.replace(/\n/g, '\r\n').trimEnd()}`],
    ['comments and empty documents', `# rendered\n---\n\n---\n${CLEAN}\n---\n# nothing\n`],
  ])('%s: the same bytes come out', (_what, input) => {
    const { status, stdout } = runWithStdin(['post-render'], input);
    expect(status).toBe(0);
    expect(Buffer.from(stdout)).toEqual(Buffer.from(input));
  });

  test('an error finding: exit 1, nothing on stdout, the report names the container and the port', () => {
    const { status, stdout, stderr } = runWithStdin(['post-render'], TRAP);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/<stdin>:\d+ +error +LP001 +container "web" port 80\/TCP cannot bind/);
  });

  test('it is check -: the same report, on stderr instead of stdout, in every format', () => {
    for (const format of ['human', 'json', 'sarif']) {
      const check = runWithStdin(['check', '--format', format, '-'], TRAP);
      const postRender = runWithStdin(['post-render', '--format', format], TRAP);
      expect(postRender).toEqual({ status: check.status, stdout: '', stderr: check.stdout });
    }
    const report = JSON.parse(runWithStdin(['post-render', '--format', 'json'], CLEAN).stderr) as CheckReport;
    expect(report.schemaVersion).toBe(1);
  });

  test.each([
    ['invalid YAML', 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n'],
    ['a document that is not a Kubernetes object', 'just: data\n'],
    ['bytes that are not UTF-8', Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a])],
  ])('%s: exit 2 and nothing on stdout', (_what, input) => {
    const { status, stdout, stderr } = runWithStdin(['post-render'], input);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/<stdin>/);
  });

  test('--report-file: the report goes to the file (Helm 4 hides a plugin\'s stderr), the manifests and the exit status are as without it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'k8slp-report-file-'));
    try {
      const file = join(directory, 'report.json');
      const failing = runWithStdin(['post-render', '--format', 'json', `--report-file=${file}`], TRAP);
      expect(failing).toEqual({ status: 1, stdout: '', stderr: '' });
      expect(readFileSync(file, 'utf8')).toBe(runWithStdin(['check', '--format', 'json', '-'], TRAP).stdout);
      const clean = runWithStdin(['post-render', '--report-file', file], CLEAN);
      expect(clean).toEqual({ status: 0, stdout: CLEAN, stderr: '' });
      expect(readFileSync(file, 'utf8')).toMatch(/^Checked \d+ resources? .*: 0 errors/m);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('--report-file that cannot be written: exit 2 naming it, nothing on stdout; with check it is a usage error', () => {
    const unwritable = runWithStdin(['post-render', '--report-file', '/nonexistent/directory/report.txt'], CLEAN);
    expect(unwritable).toEqual({ status: 2, stdout: '', stderr: 'k8s-least-privilege: --report-file /nonexistent/directory/report.txt cannot be written: ENOENT\n' });
    const withCheck = runWithStdin(['check', '--report-file', 'report.txt', '-'], CLEAN);
    expect(withCheck.status).toBe(2);
    expect(withCheck.stderr).toMatch(/--report-file goes with post-render/);
  });

  test('a PATH is a usage error: post-render reads standard input only', () => {
    const { status, stdout, stderr } = runWithStdin(['post-render', 'dist/'], CLEAN);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/post-render reads the manifests from standard input and takes no PATH, not "dist\/"/);
  });

  test('--help shows the Helm line and check\'s options', () => {
    const { status, stdout } = runWithStdin(['post-render', '--help'], '');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: k8s-least-privilege post-render \[options\]/);
    expect(stdout).toMatch(/--post-renderer k8s-least-privilege --post-renderer-args post-render/);
    expect(stdout).toMatch(/--image-facts MODE/);
  });
});
