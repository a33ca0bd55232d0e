/**
 * A child process that answers JSON requests, one line in and one line out, in request order: the
 * protocol of the Go oracles (test/oracle, test/vap-oracle). Each request gets an `id`, which its
 * answer must carry back; many requests may be in flight.
 */
import type { ChildProcessWithoutNullStreams } from 'child_process';
import { spawn } from 'child_process';
import { existsSync } from 'fs';
import { createInterface } from 'readline';

/** A JSON object as sent or answered. */
export type JsonLine = Record<string, unknown>;

interface Pending {
  readonly id: string;
  readonly resolve: (answer: JsonLine) => void;
  readonly reject: (error: Error) => void;
}

/** A running process that speaks the JSON-line protocol. */
export class JsonLineProcess {
  /**
   * Starts `binary`; rejects if it is missing (with `buildHint`, how to build it) or does not start.
   * @param name what the process is, for messages (`PSA oracle`)
   */
  public static async start(name: string, binary: string, buildHint: string): Promise<JsonLineProcess> {
    if (!existsSync(binary)) throw new Error(`${name} binary not found at ${binary}: run \`${buildHint}\``);
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    return new JsonLineProcess(name, child);
  }

  private readonly pending: Pending[] = [];
  private nextId = 0;
  private stderr = '';
  private exited: Error | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-8192)));
    // Errors on stdin (EPIPE after a crash) surface through 'exit' below.
    child.stdin.on('error', () => undefined);
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = new Error(`${name} exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
        for (const p of this.pending.splice(0)) p.reject(this.exited);
        resolve();
      });
    });
  }

  /** Sends the requests in one batch; the answers, without their `id`, in request order. */
  public async send(requests: readonly object[]): Promise<JsonLine[]> {
    if (this.exited) throw this.exited;
    const answers: Promise<JsonLine>[] = [];
    const lines: string[] = [];
    for (const request of requests) {
      const id = String(this.nextId++);
      answers.push(new Promise((resolve, reject) => this.pending.push({ id, resolve, reject })));
      lines.push(JSON.stringify({ id, ...request }));
    }
    // One write per batch: the oracles answer a batch with one flush.
    if (lines.length > 0 && !this.child.stdin.write(lines.join('\n') + '\n')) {
      await new Promise<void>((resolve) => this.child.stdin.once('drain', resolve));
    }
    return (await Promise.all(answers)).map(({ id: _id, ...answer }) => answer);
  }

  /** Closes the process's stdin and waits for it to exit (killed after 5 s). */
  public async stop(): Promise<void> {
    if (!this.exited) this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const next = this.pending.shift();
    if (!next) {
      // An answer nobody asked for means the protocol is broken: stop, so the exit handler reports it.
      this.stderr += `\nunexpected output line: ${line.slice(0, 200)}`;
      this.child.kill('SIGKILL');
      return;
    }
    let answer: JsonLine;
    try {
      answer = JSON.parse(line) as JsonLine;
    } catch {
      next.reject(new Error(`${this.name} sent invalid JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (answer.id !== next.id) next.reject(new Error(`${this.name} answered request ${String(answer.id)} when ${next.id} was expected`));
    else next.resolve(answer);
  }
}
