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
import { existsSync } from 'fs';
import * as path from 'path';
import { JsonLineProcess } from '../json-line-process';
import { currentTestFile, recordSkip } from '../skips/skip-log';

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

/** Whether the oracle binary has been built (`bash test/vap-oracle/build.sh`). */
export function vapOracleAvailable(): boolean {
  return existsSync(VAP_ORACLE_BINARY);
}

/** A running oracle process. Answers come back in request order. */
export class VapOracle {
  /** Starts the oracle process; rejects if the binary is missing. */
  public static async start(binary: string = VAP_ORACLE_BINARY): Promise<VapOracle> {
    return new VapOracle(await JsonLineProcess.start('VAP oracle', binary, 'bash test/vap-oracle/build.sh'));
  }

  private constructor(private readonly process: JsonLineProcess) {}

  /**
   * Loads (replacing what was loaded) a YAML stream of policies and bindings. With `analyze`, also
   * type-checks every expression and estimates its cost, with the size hints of the variables
   * (slow: about a minute for the generated policies).
   */
  public async load(yaml: string, analyze?: { sizeHints: Record<string, Record<string, string>> }): Promise<LoadReport> {
    const [report] = await this.process.send([{ load: yaml, analyze: analyze !== undefined, sizeHints: analyze?.sizeHints ?? {} }]);
    return report as LoadReport;
  }

  /** Admits or denies each object with the loaded policies; answers in order. */
  public async evaluate(requests: readonly AdmissionRequest[]): Promise<AdmissionVerdict[]> {
    return (await this.process.send(requests)) as AdmissionVerdict[];
  }

  /** Closes the oracle's stdin and waits for it to exit. */
  public async stop(): Promise<void> {
    await this.process.stop();
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
      recordSkip('VAP oracle tests', `${VAP_ORACLE_BINARY} is missing; \`bash test/vap-oracle/build.sh\` builds it (about 4.5 CPU-minutes cold)`, currentTestFile());
      skipWarned = true;
    }
    describe.skip(title, body);
  }
}
