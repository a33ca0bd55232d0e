/**
 * Client for the Pod Security Admission reference oracle (`test/oracle/main.go`): the checks of
 * the real `k8s.io/pod-security-admission` library, in one long-running Go process that tests
 * feed with many pods.
 *
 * ```ts
 * const oracle = await PsaOracle.start();
 * const verdicts = await oracle.evaluate(pods, ['latest', 'v1.25']);
 * const [reading] = await oracle.readYaml(['runAsNonRoot: yes\n']); // { documents: [{ runAsNonRoot: true }] }
 * await oracle.stop();
 * ```
 *
 * The same process is the ground truth for reading YAML: `readYaml` returns the JSON kubectl's
 * decoder (`k8s.io/apimachinery/pkg/util/yaml`, go-yaml v2) makes of each document.
 *
 * Build the binary first with `bash test/oracle/build.sh`.
 */
import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import * as path from 'path';
import { JsonLineProcess } from '../json-line-process';
import { currentTestFile, recordSkip } from '../skips/skip-log';

/** Where `test/oracle/build.sh` puts the binary; `PSA_ORACLE_BIN` overrides it. */
export const ORACLE_BINARY = process.env.PSA_ORACLE_BIN ?? path.resolve(__dirname, '..', '.work', 'bin', 'psa-oracle');

/** A Pod Security Standards policy version as the admission controller accepts it. */
export type PsaVersion = 'latest' | `v1.${number}`;

/**
 * The upstream check ids (`policy.CheckID`) that fail at each enforcing level, each level judged
 * with its own checks: a level admits the pod when its list is empty.
 */
export interface FailingChecks {
  /** Checks that fail at baseline. */
  readonly baseline: readonly string[];
  /**
   * Checks that fail at restricted: the restricted checks and the baseline checks no restricted
   * check overrides at the version, as upstream evaluates them (so restricted may admit a pod
   * that baseline refuses).
   */
  readonly restricted: readonly string[];
}

/** One failing check with the admission controller's own wording. */
export interface FailingCheckDetail {
  readonly id: string;
  readonly reason: string;
  readonly detail?: string;
}

/** The oracle's answer for one pod. */
export interface OracleVerdict {
  /** Per requested version (the key as requested, e.g. `latest`): the failing checks. Absent when `error` is set. */
  readonly results?: Readonly<Record<string, FailingChecks>>;
  /** Per requested version: the policy version actually applied (`latest` and future versions become the newest, e.g. `v1.37`). */
  readonly resolved?: Readonly<Record<string, string>>;
  /** With `details: true`: reasons and details of every failing check. */
  readonly details?: Readonly<Record<string, { baseline: FailingCheckDetail[]; restricted: FailingCheckDetail[] }>>;
  /** Unknown or duplicate fields: the API server drops them (or rejects them under `fieldValidation=Strict`). */
  readonly warnings?: readonly string[];
  /** The pod could not be decoded as the API server decodes it (e.g. a value of the wrong type); the API server would reject it. */
  readonly error?: string;
  /** For a `yaml` request: the JSON of each document read before `error` (an empty document is null). */
  readonly documents?: readonly unknown[];
}

/** A YAML stream as kubectl reads it. */
export interface KubectlReading {
  /** The JSON of each document, in order (an empty document is null); with `error`, those before it. */
  readonly documents: readonly unknown[];
  /** Why kubectl refuses the document after the last of `documents`. */
  readonly error?: string;
}

export interface EvaluateOptions {
  /** Ask for the upstream reason and detail of every failing check. @default false */
  readonly details?: boolean;
}

/** One request line: a pod as a JSON-able object, or as YAML text (converted as kubectl converts it); or a YAML stream to read. */
export type OracleRequest =
  | { readonly pod: unknown; readonly versions: readonly string[]; readonly details?: boolean }
  | { readonly podYaml: string; readonly versions: readonly string[]; readonly details?: boolean }
  | { readonly yaml: string };

/** Whether the oracle binary has been built (`bash test/oracle/build.sh`). */
export function oracleAvailable(): boolean {
  return existsSync(ORACLE_BINARY);
}

/** The checks the upstream registry runs at one policy version. */
export interface PolicyVersionChecks {
  /** Check ids run at baseline. */
  readonly baseline: readonly string[];
  /** Check ids run at restricted: restricted checks plus the baseline checks no restricted check replaces. */
  readonly restricted: readonly string[];
  /** Baseline check id → the restricted check that replaces it at restricted (e.g. `hostPathVolumes` → `restrictedVolumes`). */
  readonly overriddenBy: Readonly<Record<string, string>>;
}

/** The upstream check registry, as the oracle binary describes it (`psa-oracle --registry`). */
export interface PolicyRegistry {
  readonly library: string;
  /** The newest policy version; `latest` and any newer version resolve to it. */
  readonly newest: string;
  readonly versions: Readonly<Record<string, PolicyVersionChecks>>;
}

/** Reads the upstream check registry from the oracle binary. */
export function oracleRegistry(binary: string = ORACLE_BINARY): PolicyRegistry {
  return JSON.parse(execFileSync(binary, ['--registry'], { encoding: 'utf8' })) as PolicyRegistry;
}

/** A running oracle process. Answers come back in request order; many requests may be in flight. */
export class PsaOracle {
  /** Starts the oracle process; rejects if the binary is missing or does not start. */
  public static async start(binary: string = ORACLE_BINARY): Promise<PsaOracle> {
    return new PsaOracle(await JsonLineProcess.start('PSA oracle', binary, 'bash test/oracle/build.sh'));
  }

  private constructor(private readonly process: JsonLineProcess) {}

  /**
   * Judges every pod (`{ metadata, spec }` or a whole Pod object) at every version; the answers
   * are in the order of `pods`.
   */
  public async evaluate(
    pods: readonly unknown[],
    versions: readonly PsaVersion[] | readonly string[],
    options: EvaluateOptions = {},
  ): Promise<OracleVerdict[]> {
    return this.send(pods.map((pod) => ({ pod, versions, details: options.details })));
  }

  /** Like `evaluate`, for pods given as YAML text, converted to JSON as kubectl does (`sigs.k8s.io/yaml`, YAML 1.1). */
  public async evaluateYaml(
    yamlTexts: readonly string[],
    versions: readonly PsaVersion[] | readonly string[],
    options: EvaluateOptions = {},
  ): Promise<OracleVerdict[]> {
    return this.send(yamlTexts.map((podYaml) => ({ podYaml, versions, details: options.details })));
  }

  /** Reads each YAML (or JSON) stream as kubectl reads a manifest, in one batch. */
  public async readYaml(texts: readonly string[]): Promise<KubectlReading[]> {
    const answers = await this.send(texts.map((yaml) => ({ yaml })));
    return answers.map(({ documents, error }) => (error === undefined ? { documents: documents ?? [] } : { documents: documents ?? [], error }));
  }

  /** Sends mixed requests (each with its own versions) in one batch. */
  public async send(requests: readonly OracleRequest[]): Promise<OracleVerdict[]> {
    return (await this.process.send(requests)) as OracleVerdict[];
  }

  /** Closes the oracle's stdin and waits for it to exit. */
  public async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** Whether this test file has already said why the oracle tests are skipped. */
let skipWarned = false;

/**
 * `describe` for tests that need the oracle binary. Without it: in CI (`CI` set) the suite fails,
 * because CI must build the oracle first; locally it is skipped with one clear message.
 */
export function describeWithOracle(title: string, body: () => void): void {
  if (oracleAvailable()) {
    describe(title, body);
  } else if (process.env.CI) {
    describe(title, () => {
      test('the PSA oracle binary is built', () => {
        throw new Error(`PSA oracle binary missing at ${ORACLE_BINARY}: CI must run \`bash test/oracle/build.sh\` before the tests`);
      });
    });
  } else {
    // Jest drops console output of a file whose tests are all skipped, so this goes to stderr, once per file.
    if (!skipWarned) {
      recordSkip('PSA oracle tests', `${ORACLE_BINARY} is missing; \`bash test/oracle/build.sh\` builds it (about 1.5 CPU-minutes cold)`, currentTestFile());
      skipWarned = true;
    }
    describe.skip(title, body);
  }
}
