/** Issue 7: the progress indication of long runs, on a terminal only. */
import type { ProgressStream } from '../../src/cli/progress';
import { startProgress } from '../../src/cli/progress';

function fakeTerminal(isTTY: boolean, columns = 80): ProgressStream & { readonly written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) };
}

function sources(count: number) {
  return Array.from({ length: count }, (_, index) => ({ file: `dist/chart-${index}.k8s.yaml` }));
}

describe('startProgress', () => {
  test('not a terminal (a pipe, a CI log): nothing is written, the sources pass through unchanged', () => {
    const stream = fakeTerminal(false);
    const progress = startProgress(stream, { now: () => 1e9, delayMs: 0 });
    expect([...progress.trackSources(sources(3))]).toEqual(sources(3));
    progress.documentChecked();
    progress.finish();
    expect(stream.written).toEqual([]);
    expect([...startProgress(undefined).trackSources(sources(2))]).toHaveLength(2);
  });

  test('a short run prints nothing: progress waits for delayMs', () => {
    let time = 0;
    const stream = fakeTerminal(true);
    const progress = startProgress(stream, { now: () => time, delayMs: 1000 });
    for (const _ of progress.trackSources(sources(5))) time += 100;
    progress.finish();
    expect(stream.written).toEqual([]);
  });

  test('a long run: one line, redrawn in place at most every intervalMs, cleared at the end', () => {
    let time = 0;
    const stream = fakeTerminal(true);
    const progress = startProgress(stream, { now: () => time, delayMs: 1000, intervalMs: 200 });
    for (const _ of progress.trackSources(sources(100))) {
      time += 50;
      progress.documentChecked();
      progress.documentChecked();
    }
    // 5 s of work, a draw at most every 200 ms after the first second: about 20 draws, not 300.
    expect(stream.written.length).toBeGreaterThan(10);
    expect(stream.written.length).toBeLessThanOrEqual(25);
    for (const line of stream.written.slice(0, -1)) {
      expect(line.startsWith('\r\x1b[2K')).toBe(true);
      expect(line).not.toContain('\n');
    }
    expect(stream.written[stream.written.length - 2]).toMatch(/^\r\x1b\[2Kchecking: 9\d files, 1\d\d documents, 4s — dist\/chart-9\d\.k8s\.yaml$/);
    progress.finish();
    expect(stream.written[stream.written.length - 1]).toBe('\r\x1b[2K');
  });

  test('the line fits the terminal: a long file name loses its start', () => {
    let time = 5000;
    const stream = fakeTerminal(true, 60);
    const progress = startProgress(stream, { now: () => time, delayMs: 0 });
    const file = `${'very/deep/'.repeat(10)}app.k8s.yaml`;
    for (const _ of progress.trackSources([{ file }])) time += 1;
    const line = stream.written[0].slice('\r\x1b[2K'.length);
    expect(line.length).toBeLessThanOrEqual(59);
    expect(line).toMatch(/^checking: 1 file, 0 documents, 0s — ….*app\.k8s\.yaml$/);
  });

  test('TERM=dumb cannot erase a line: no progress', () => {
    const saved = process.env.TERM;
    process.env.TERM = 'dumb';
    try {
      const stream = fakeTerminal(true);
      const progress = startProgress(stream, { now: () => 1e9, delayMs: 0 });
      [...progress.trackSources(sources(3))];
      expect(stream.written).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TERM;
      else process.env.TERM = saved;
    }
  });
});
