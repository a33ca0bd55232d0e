/**
 * A policy pack started the way the Pulumi engine starts one, and a gRPC client for the
 * Analyzer service it serves.
 *
 * The Node.js language host's `RunPlugin` runs `node <@pulumi/pulumi/cmd/run-policy-pack>
 * <engine-address> .` with the pack directory as its working directory (so the pack's
 * tsconfig.json and package.json are read from there); the pack prints the port of its
 * Analyzer server on stdout and serves until it is killed. Nothing in it calls the engine
 * while it starts or analyzes, so any address will do.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import {
  AnalyzeRequest,
  AnalyzerResourceOptions,
  AnalyzerProviderResource,
  ConfigureAnalyzerRequest,
  EnforcementLevel,
  PolicyConfig,
} from '@pulumi/pulumi/proto/analyzer_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { ENFORCEMENT_LEVELS, HARDEN_POLICY_NAME } from '../../src/integrations/pulumi-policy';
import { RULES } from '../../src/rules';

const REPO = join(__dirname, '..', '..');
const RUN_POLICY_PACK = join(REPO, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'run-policy-pack');

/** A diagnostic of an `Analyze` answer, as plain data. */
export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly message: string;
  readonly enforcementLevel: 'advisory' | 'mandatory' | 'disabled' | 'remediate';
  readonly urn: string;
}

/** A remediation of a `Remediate` answer. */
export interface Remediation {
  readonly policyName: string;
  readonly properties: Record<string, unknown> | undefined;
  readonly diagnostic: string;
}

/** The pack's answer to `Analyze`. */
export interface AnalyzeAnswer {
  readonly diagnostics: readonly Diagnostic[];
  /** Policies that said they do not apply, with their reason. */
  readonly notApplicable: readonly { readonly policyName: string; readonly reason: string }[];
}

/** A resource to analyze. */
export interface ResourceUnderTest {
  readonly type: string;
  readonly name: string;
  /** The properties, in the wire form (unknowns and secrets spelled as the engine spells them). */
  readonly properties: Record<string, unknown>;
}

/**
 * Per policy: its enforcement level and config properties. The engine resolves every policy's
 * level before `Configure` (the policy's default unless `--policy-pack-config` overrides it) and
 * @pulumi/policy takes the level it is sent over the policy's own, so a level is required here.
 */
export type PackConfig = Readonly<Record<string, { readonly enforcementLevel: keyof typeof LEVELS; readonly [key: string]: unknown }>>;

const LEVELS = {
  advisory: EnforcementLevel.ADVISORY,
  mandatory: EnforcementLevel.MANDATORY,
  disabled: EnforcementLevel.DISABLED,
  remediate: EnforcementLevel.REMEDIATE,
} as const;

const LEVEL_NAMES = new Map<number, Diagnostic['enforcementLevel']>(Object.entries(LEVELS).map(([name, level]) => [level, name as Diagnostic['enforcementLevel']]));

/** A running policy pack and a client connected to it. */
export class PolicyPackProcess {
  /**
   * Starts the pack in `packDirectory` and waits for the port it prints. `runPolicyPack` is the
   * @pulumi/pulumi that runs it: this repository's by default; the consumer test passes the one
   * Node resolves from the pack's directory, as the language host does.
   */
  public static async start(packDirectory: string, timeoutMs = 60_000, runPolicyPack = RUN_POLICY_PACK): Promise<PolicyPackProcess> {
    const child = spawn(process.execPath, [runPolicyPack, '127.0.0.1:0', '.'], {
      cwd: packDirectory,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PULUMI_CONFIG: '{}' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the policy pack printed no port within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^(\d+)\r?\n/.exec(stdout);
        if (line !== null) {
          clearTimeout(timer);
          resolve(Number(line[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the policy pack exited (${code}) before printing its port; stdout:\n${stdout}\nstderr:\n${stderr}`));
      });
    });
    return new PolicyPackProcess(child, port, () => stderr);
  }

  private readonly client: AnalyzerClient;

  private constructor(
    private readonly child: ChildProcess,
    public readonly port: number,
    /** What the pack wrote to stderr so far, for failure messages. */
    public readonly stderr: () => string,
  ) {
    this.client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  /**
   * The CPU time the pack's process has used so far, in µs (Linux: /proc/PID/stat, user + system,
   * in clock ticks of 1/100 s): what the pack costs beside the latency its clients see.
   */
  public cpuTimeUs(): number {
    // The fields after the command name (which may hold spaces), from the state: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  }

  /** `GetAnalyzerInfo`: the pack's name and its policies. */
  public async info() {
    const info = await this.call<import('@pulumi/pulumi/proto/analyzer_pb').AnalyzerInfo>((done) => this.client.getAnalyzerInfo(new Empty(), done));
    return {
      name: info.getName(),
      version: info.getVersion(),
      supportsConfig: info.getSupportsconfig(),
      policies: info.getPoliciesList().map((policy) => ({
        name: policy.getName(),
        description: policy.getDescription(),
        enforcementLevel: LEVEL_NAMES.get(policy.getEnforcementlevel()),
        configSchema: policy.getConfigschema()?.getProperties()?.toJavaScript(),
        remediationSteps: policy.getRemediationSteps(),
      })),
    };
  }

  /** `Configure`: replaces the whole policy configuration, as the engine does once per run. */
  public async configure(config: PackConfig): Promise<void> {
    const request = new ConfigureAnalyzerRequest();
    for (const [policyName, { enforcementLevel, ...properties }] of Object.entries(config)) {
      const policyConfig = new PolicyConfig();
      policyConfig.setEnforcementlevel(LEVELS[enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
      request.getPolicyconfigMap().set(policyName, policyConfig);
    }
    await this.call((done) => this.client.configure(request, done));
  }

  /** `Analyze` one resource, or send a request built beforehand ({@link analyzeRequest}). */
  public async analyze(resource: ResourceUnderTest | AnalyzeRequest): Promise<AnalyzeAnswer> {
    const message = resource instanceof AnalyzeRequest ? resource : analyzeRequest(resource);
    const response = await this.call<import('@pulumi/pulumi/proto/analyzer_pb').AnalyzeResponse>((done) => this.client.analyze(message, done));
    return {
      diagnostics: response.getDiagnosticsList().map((diagnostic) => ({
        policyName: diagnostic.getPolicyname(),
        policyPackName: diagnostic.getPolicypackname(),
        message: diagnostic.getMessage(),
        enforcementLevel: LEVEL_NAMES.get(diagnostic.getEnforcementlevel()) ?? 'advisory',
        urn: diagnostic.getUrn(),
      })),
      notApplicable: response.getNotApplicableList().map((entry) => ({ policyName: entry.getPolicyName(), reason: entry.getReason() })),
    };
  }

  /** `Remediate` one resource. */
  public async remediate(resource: ResourceUnderTest): Promise<Remediation[]> {
    const response = await this.call<import('@pulumi/pulumi/proto/analyzer_pb').RemediateResponse>((done) =>
      this.client.remediate(analyzeRequest(resource), done),
    );
    return response.getRemediationsList().map((remediation) => ({
      policyName: remediation.getPolicyname(),
      properties: remediation.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
      diagnostic: remediation.getDiagnostic(),
    }));
  }

  /** Closes the client and ends the pack process (the one this object started). */
  public async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }

  private call<T>(invoke: (done: (error: grpc.ServiceError | null, response: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => invoke((error, response) => (error ? reject(withStderr(error, this.stderr())) : resolve(response))));
  }
}

function withStderr(error: Error, stderr: string): Error {
  return new Error(`${error.message}${stderr ? `\npolicy pack stderr:\n${stderr}` : ''}`);
}

/** The request the engine sends to `Analyze` (and `Remediate`) a resource. */
export function analyzeRequest(resource: ResourceUnderTest): AnalyzeRequest {
  const request = new AnalyzeRequest();
  request.setType(resource.type);
  request.setName(resource.name);
  request.setUrn(`urn:pulumi:test::enforcement::${resource.type}::${resource.name}`);
  request.setProperties(Struct.fromJavaScript(resource.properties as Record<string, never>));
  // @pulumi/policy answers "A more recent version of the Pulumi CLI is required" without options.
  request.setOptions(new AnalyzerResourceOptions());
  const provider = new AnalyzerProviderResource();
  const providerType = `pulumi:providers:${resource.type.split(':')[0]}`;
  provider.setType(providerType);
  provider.setName('default');
  provider.setUrn(`urn:pulumi:test::enforcement::${providerType}::default`);
  provider.setProperties(Struct.fromJavaScript({}));
  request.setProvider(provider);
  return request;
}

/**
 * Every policy at its default level, in the closed world (`imageFacts: assume-none`, as the
 * shared enforcement table is): what the engine sends for `--policy-pack-config` with that key.
 * test/registry covers reading images.
 */
export const DEFAULT_PACK_CONFIG: PackConfig = Object.fromEntries([
  ...RULES.map((rule) => [rule.name, { enforcementLevel: ENFORCEMENT_LEVELS[rule.severity], imageFacts: 'assume-none' }] as const),
  [HARDEN_POLICY_NAME, { enforcementLevel: 'advisory', imageFacts: 'assume-none' }] as const,
]);

/**
 * Starts the pack in policies/ once for the calling test file (configured with
 * {@link DEFAULT_PACK_CONFIG}) and stops it after; returns a getter for it. The pack loads the
 * compiled library (lib/), which `npm test` builds first.
 */
export function usePolicyPack(): () => PolicyPackProcess {
  let pack: PolicyPackProcess | undefined;
  beforeAll(async () => {
    const compiled = join(REPO, 'lib', 'integrations', 'pulumi-policy.js');
    if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run compile\` (npm test does) first`);
    pack = await PolicyPackProcess.start(join(REPO, 'policies'));
    await pack.configure(DEFAULT_PACK_CONFIG);
  }, 90_000);
  afterAll(async () => {
    await pack?.stop();
  });
  return () => {
    if (pack === undefined) throw new Error('the policy pack has not started');
    return pack;
  };
}
