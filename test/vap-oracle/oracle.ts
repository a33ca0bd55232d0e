/**
 * Client for the ValidatingAdmissionPolicy reference oracle (`test/vap-oracle/main.go`): the real
 * `k8s.io/apiserver` ValidatingAdmissionPolicy plugin in one long-running Go process that loads
 * the generated policies and admits or denies the objects tests send it, as an API server would.
 *
 * ```ts
 * const oracle = await VapOracle.start();
 * const load = await oracle.load(admissionPolicyYaml(), admissionPolicySizeHints());
 * const [verdict] = await oracle.evaluate([{ object: pod }]); // { allowed: false, message: 'ValidatingAdmissionPolicy …' }
 * await oracle.stop();
 * ```
 *
 * Build the binary first with `bash test/vap-oracle/build.sh`.
 */
import type { ChildProcessWithoutNullStreams } from 'child_process';
import { spawn } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';

/** Where `test/vap-oracle/build.sh` puts the binary; `VAP_ORACLE_BIN` overrides it. */
export const VAP_ORACLE_BINARY = process.env.VAP_ORACLE_BIN ?? path.resolve(__dirname, '..', '.work', 'bin', 'vap-oracle');

/** A static cost estimate: the least and the most the expression may cost. */
export interface CostRange {
  readonly min: number;
  readonly max: number;
}

/** What the oracle says of a loaded YAML stream of policies and bindings. */
export interface LoadReport {
  readonly policies?: readonly string[];
  readonly bindings?: readonly string[];
  /** Per policy: what fails to compile in the API server's environment (StoredExpressions). */
  readonly compileErrors?: Readonly<Record<string, readonly string[] | null>>;
  /** Per policy: what fails to compile as a Kubernetes 1.30 API server validates a new policy. */
  readonly compileErrors130?: Readonly<Record<string, readonly string[] | null>>;
  /** Per policy: the kinds type-checked and the type checker's warnings. */
  readonly typeCheck?: Readonly<Record<string, { kinds: readonly string[] | null; warnings: readonly string[] | null }>>;
  /** Per policy, per kind, per expression: the static cost estimate. */
  readonly costs?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, CostRange>>>>>>;
  readonly error?: string;
}

/** One decision of one policy's validation. */
export interface OracleDecision {
  readonly policy: string;
  readonly binding: string;
  /** `admit` or `deny`. */
  readonly action: string;
  /** `admit`, `deny` or `error`. */
  readonly evaluation: string;
  readonly message?: string;
}

/** The API server's answer for one object. */
export interface AdmissionVerdict {
  /** Whether the request is admitted; absent with `error`. */
  readonly allowed?: boolean;
  /** The Forbidden message when denied. */
  readonly message?: string;
  /** Warnings returned to the client (validationActions Warn). */
  readonly warnings?: readonly string[] | null;
  /** Audit annotations (validationActions Audit). */
  readonly audit?: Readonly<Record<string, string>> | null;
  /** Every decision of every policy that matched. */
  readonly decisions?: readonly OracleDecision[] | null;
  /** With `measure`: the runtime CEL cost of the matched policies' validations and messages. */
  readonly cost?: number;
  /** With `measure`: why the cost could not be counted in full (an expression past a limit). */
  readonly costError?: string;
  /** The object cannot be decoded as the API server decodes it. */
  readonly error?: string;
}

/** One admission request. */
export interface AdmissionRequest {
  readonly object: unknown;
  readonly oldObject?: unknown;
  /** @default 'CREATE' */
  readonly operation?: 'CREATE' | 'UPDATE';
  /** e.g. `ephemeralcontainers`. @default '' */
  readonly subResource?: string;
  /** Also count the runtime cost. @default false */
  readonly measure?: boolean;
}

interface Pending {
  readonly id: string;
  readonly resolve: (answer: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
}

/** Whether the oracle binary has been built (`bash test/vap-oracle/build.sh`). */
export function vapOracleAvailable(): boolean {
  return existsSync(VAP_ORACLE_BINARY);
}

/** A running oracle process. Answers come back in request order. */
export class VapOracle {
  /** Starts the oracle process; rejects if the binary is missing. */
  public static async start(binary: string = VAP_ORACLE_BINARY): Promise<VapOracle> {
    if (!existsSync(binary)) throw new Error(`VAP oracle binary not found at ${binary}: run \`bash test/vap-oracle/build.sh\``);
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    return new VapOracle(child);
  }

  private readonly pending: Pending[] = [];
  private nextId = 0;
  private stderr = '';
  private exited: Error | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-8192)));
    child.stdin.on('error', () => undefined);
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = new Error(`VAP oracle exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
        for (const p of this.pending.splice(0)) p.reject(this.exited);
        resolve();
      });
    });
  }

  /**
   * Loads (replacing what was loaded) a YAML stream of policies and bindings. With `analyze`, also
   * type-checks every expression and estimates its cost, with the size hints of the variables
   * (slow: about a minute for the generated policies).
   */
  public async load(yaml: string, analyze?: { sizeHints: Record<string, Record<string, string>> }): Promise<LoadReport> {
    const [report] = await this.send([{ load: yaml, analyze: analyze !== undefined, sizeHints: analyze?.sizeHints ?? {} }]);
    return report as LoadReport;
  }

  /** Admits or denies each object with the loaded policies; answers in order. */
  public async evaluate(requests: readonly AdmissionRequest[]): Promise<AdmissionVerdict[]> {
    return (await this.send(requests.map((request) => ({ ...request })))) as AdmissionVerdict[];
  }

  /** Closes the oracle's stdin and waits for it to exit. */
  public async stop(): Promise<void> {
    if (!this.exited) this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private async send(requests: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    if (this.exited) throw this.exited;
    const answers: Promise<Record<string, unknown>>[] = [];
    const lines: string[] = [];
    for (const request of requests) {
      const id = String(this.nextId++);
      answers.push(new Promise((resolve, reject) => this.pending.push({ id, resolve, reject })));
      lines.push(JSON.stringify({ id, ...request }));
    }
    if (lines.length > 0 && !this.child.stdin.write(lines.join('\n') + '\n')) {
      await new Promise<void>((resolve) => this.child.stdin.once('drain', resolve));
    }
    return (await Promise.all(answers)).map(({ id: _id, ...answer }) => answer);
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    const next = this.pending.shift();
    if (!next) {
      this.stderr += `\nunexpected output line: ${line.slice(0, 200)}`;
      this.child.kill('SIGKILL');
      return;
    }
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(line) as Record<string, unknown>;
    } catch {
      next.reject(new Error(`VAP oracle sent invalid JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (answer.id !== next.id) next.reject(new Error(`VAP oracle answered request ${String(answer.id)} when ${next.id} was expected`));
    else next.resolve(answer);
  }
}

let skipWarned = false;

/**
 * `describe` for tests that need the oracle binary. Without it: in CI (`CI` set) the suite fails,
 * because CI must build the oracle first; locally it is skipped with one clear message.
 */
export function describeWithVapOracle(title: string, body: () => void): void {
  if (vapOracleAvailable()) {
    describe(title, body);
  } else if (process.env.CI) {
    describe(title, () => {
      test('the VAP oracle binary is built', () => {
        throw new Error(`VAP oracle binary missing at ${VAP_ORACLE_BINARY}: CI must run \`bash test/vap-oracle/build.sh\` before the tests`);
      });
    });
  } else {
    if (!skipWarned) {
      process.stderr.write(`Skipping VAP oracle tests: ${VAP_ORACLE_BINARY} is missing. Run \`bash test/vap-oracle/build.sh\` (about 4.5 CPU-minutes cold).\n`);
      skipWarned = true;
    }
    describe.skip(title, body);
  }
}
