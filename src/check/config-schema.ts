/**
 * The enforcement configuration's one JSON Schema (draft-07, as ajv validates it): every key the
 * CLI's `--config` file, the cdk8s plugin's `properties:` and the Pulumi policy config accept,
 * with their types, accepted values, defaults and descriptions. `config-validation.ts` validates
 * with it; the policy pack's `configSchema` is derived from it (`integrations/policy-config.ts`).
 *
 * Besides standard keywords, a node may carry `accepts`: what a valid value is, in the words an
 * error message uses (`registry.timeoutSeconds must be a whole number of seconds, not -1`).
 */
import type { JSONSchemaType } from 'ajv';
import { DEFAULT_IMAGE_FACTS_MODE, IMAGE_FACTS_MODES } from './image-facts-mode';
import type { FactsCacheOptions } from '../image/registry/facts-cache';
import type { RegistryFactsOptions } from '../image/registry/registry-facts';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { LATEST_POLICY_VERSION } from '../model/pss';
import { DEFAULT_RUNTIME_PROFILE, runtimeProfileNames } from '../model/runtime-profile';
import { DEFAULT_REQUIRED_LEVEL } from '../rules';

/** A finding to suppress where the configuration applies, with the reason: `{ rule, reason, kind?, name?, namespace?, container? }`. */
export interface SuppressionConfig {
  /** The rule id (`LP001`). */
  readonly rule: string;
  /** Why the finding does not apply; reported with the suppressed finding. */
  readonly reason: string;
  /**
   * The kind of the objects it applies to (`Deployment`).
   * @default every kind
   */
  readonly kind?: string;
  /**
   * The name of the objects it applies to.
   * @default every name
   */
  readonly name?: string;
  /**
   * The namespace of the objects it applies to.
   * @default every namespace
   */
  readonly namespace?: string;
  /**
   * The container it applies to.
   * @default every container
   */
  readonly container?: string;
}

/**
 * How registries are reached for image facts: the registry reader's own settings (their
 * defaults are its defaults), and the facts cache's directory.
 */
export interface RegistryConfig
  extends Pick<RegistryFactsOptions, 'mirrors' | 'plainHttp' | 'timeoutSeconds' | 'maxLayerBytes' | 'concurrency'>, Pick<FactsCacheOptions, 'tagTtlSeconds'> {
  /**
   * Where the facts read from registries are cached.
   * @default `$XDG_CACHE_HOME/k8s-least-privilege`, else `~/.cache/k8s-least-privilege`
   */
  readonly cacheDirectory?: string;
}

/**
 * What an enforcement point is configured with: the Pulumi policies' config, the cdk8s
 * plugin's `properties:` and the CLI's `--config` file and flags alike. A key given no value
 * (`null`, as YAML reads `level:`) is a key not given.
 */
export interface EnforcementConfig {
  /**
   * The runtime the bind verdicts hold for: `strict`, `containerd-1`, `cri-o`, `containerd-2`,
   * `docker`, `gvisor` (aliases `kind`, `k3s`, `minikube`).
   * @default 'strict' — no runtime help assumed, so a verdict holds on every runtime
   */
  readonly runtimeProfile?: string;
  /**
   * The Pod Security Standards policy version (`latest`, `v1.25` …).
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;
  /**
   * The Pod Security level every workload must meet (`privileged`, `baseline`, `restricted`):
   * missing it is an error (LP020), missing a stricter one stays a warning. A workload's
   * `k8s-least-privilege.dev/pod-security-level` annotation can only raise it.
   * @default 'baseline'
   */
  readonly level?: string;
  /**
   * Suppressions, each with a reason.
   * @default []
   */
  readonly suppressions?: readonly SuppressionConfig[];
  /**
   * Images on disk, by the reference the manifests use: `{ "nginx:1.27": "oci-archive:images/nginx.tar" }`
   * (`oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]`). Their USER and
   * their binary's file capabilities replace `unknown` and the file-capability annotation.
   * @default {} — no image is read
   */
  readonly images?: Readonly<Record<string, string>>;
  /**
   * How image facts are found: `registry` (read the images a verdict depends on from their
   * registries), `offline` (read none: such a verdict is `unknown` with its question) or
   * `assume-none` (no file capability unless the annotation declares one).
   * @default 'registry'
   */
  readonly imageFacts?: string;
  /**
   * How registries are reached.
   * @default {} — registries themselves, over HTTPS, with the defaults of each setting
   */
  readonly registry?: RegistryConfig;
}

/** The shape of a rule id; that one names a rule is checked against the rules (`config-validation.ts`). */
export const RULE_ID_PATTERN = '^LP[0-9]{3}$';

const HOST = {
  type: 'string',
  pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?$',
  accepts: 'a host[:port] such as mirror.example:5000',
} as const;

const SELECTOR = (description: string, accepts: string) => ({ type: 'string', nullable: true, description, accepts }) as const;

const SUPPRESSION = {
  type: 'object',
  title: 'suppression',
  description: 'A finding to suppress, with the reason; kind, name, namespace and container narrow where it applies.',
  accepts: 'a map with rule and reason (and optionally kind, name, namespace, container)',
  required: ['rule', 'reason'],
  additionalProperties: false,
  properties: {
    rule: { type: 'string', pattern: RULE_ID_PATTERN, description: 'The rule id, e.g. LP001.', accepts: 'a rule id such as LP001' },
    reason: { type: 'string', pattern: '\\S', description: 'Why the finding does not apply.', accepts: 'a reason that is not blank' },
    kind: SELECTOR('Only objects of this kind (Deployment).', 'a kind such as Deployment'),
    name: SELECTOR('Only objects of this name.', 'an object name'),
    namespace: SELECTOR('Only objects in this namespace.', 'a namespace'),
    container: SELECTOR('Only findings about this container.', 'a container name'),
  },
} satisfies JSONSchemaType<SuppressionConfig>;

const WHOLE_SECONDS = { type: 'integer', minimum: 0, nullable: true, accepts: 'a whole number of seconds' } as const;

const REGISTRY = {
  type: 'object',
  description:
    'How registries are reached: mirrors ({"docker.io": ["host:port"]}), plainHttp (hosts reached over HTTP), timeoutSeconds, ' +
    'maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds.',
  additionalProperties: false,
  properties: {
    mirrors: {
      type: 'object',
      nullable: true,
      description: 'Registry → mirrors (host[:port]) to try, in order, before the registry itself.',
      accepts: 'a map from registry to a list of mirrors (host[:port])',
      required: [],
      additionalProperties: { type: 'array', items: HOST, accepts: 'a list of mirrors (host[:port])' },
    },
    plainHttp: { type: 'array', nullable: true, items: HOST, description: 'Registries and mirrors reached over plain HTTP.', accepts: 'a list of hosts (host[:port])' },
    timeoutSeconds: { ...WHOLE_SECONDS, default: 30, description: 'Seconds a request may wait for the next byte before it fails.' },
    maxLayerBytes: { type: 'integer', minimum: 1, nullable: true, description: 'The largest layer blob read, in bytes.', accepts: 'a whole number of bytes' },
    concurrency: { type: 'integer', minimum: 1, nullable: true, default: 4, description: 'Images pulled at once.', accepts: 'a whole number ≥ 1' },
    cacheDirectory: { type: 'string', minLength: 1, nullable: true, description: 'Where the facts read from registries are cached.', accepts: 'a directory path' },
    tagTtlSeconds: { ...WHOLE_SECONDS, default: 600, description: "How long a tag's digest is trusted before the registry is asked again, in seconds." },
  },
} satisfies JSONSchemaType<RegistryConfig>;

/**
 * One node of {@link ENFORCEMENT_CONFIG_SCHEMA}, in the keywords it uses (the subset of JSON Schema
 * that the Pulumi policy config schema also speaks, with ajv's `nullable` and our `accepts`).
 */
export interface ConfigSchemaNode {
  /** The JSON type of a value. */
  readonly type: 'object' | 'array' | 'string' | 'integer';
  /** What such a value is, as messages name it (`Pod Security Standards policy version`, `suppression`). */
  readonly title?: string;
  /** What the setting does, for users (the Pulumi config schema shows it). */
  readonly description?: string;
  /** What a valid value is, in the words an error message uses (`a whole number of seconds`). */
  readonly accepts?: string;
  /** ajv: `null` is valid too (an optional key; validation treats it as not given). */
  readonly nullable?: boolean;
  /** The values accepted. */
  readonly enum?: readonly string[];
  /** The value absence stands for. */
  readonly default?: string | number;
  /** A string's pattern. */
  readonly pattern?: string;
  /** A string's least length. */
  readonly minLength?: number;
  /** An integer's least value. */
  readonly minimum?: number;
  /** An object's required keys. */
  readonly required?: readonly string[];
  /** An object's keys. */
  readonly properties?: Readonly<Record<string, ConfigSchemaNode>>;
  /** An object's other keys: `false` (none) or the schema of their values. */
  readonly additionalProperties?: boolean | ConfigSchemaNode;
  /** An array's items. */
  readonly items?: ConfigSchemaNode;
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    runtimeProfile: {
      type: 'string',
      nullable: true,
      enum: runtimeProfileNames(),
      default: DEFAULT_RUNTIME_PROFILE.name,
      description:
        'The container runtime the verdicts hold for. strict (the default) takes the worst of every runtime ' +
        '(no runtime lowers net.ipv4.ip_unprivileged_port_start, the fewest default capabilities), so a verdict holds on every runtime.',
    },
    podSecurityVersion: {
      type: 'string',
      nullable: true,
      // Upstream accepts `v1.` followed by a minor number without leading zeros (model/pss/policy-version.ts),
      // which must be a safe integer here: at most 15 digits.
      pattern: '^(latest|v1\\.(0|[1-9][0-9]{0,14}))$',
      default: 'latest',
      description: 'The Pod Security Standards policy version the pod is evaluated at.',
      title: 'Pod Security Standards policy version',
      accepts: `"latest" or "v1.N" (v1.0 … ${LATEST_POLICY_VERSION}; later versions evaluate as ${LATEST_POLICY_VERSION})`,
    },
    level: {
      type: 'string',
      nullable: true,
      enum: [...POD_SECURITY_LEVELS],
      default: DEFAULT_REQUIRED_LEVEL,
      description:
        'The Pod Security level every workload must meet: missing it is a mandatory violation (LP020), missing a stricter one ' +
        'stays advisory; a workload\'s k8s-least-privilege.dev/pod-security-level annotation can only raise it. privileged: no gate.',
    },
    suppressions: {
      type: 'array',
      nullable: true,
      items: SUPPRESSION,
      description: 'Findings to suppress, each with a reason; suppressed findings are not reported as violations.',
      accepts: 'a list of suppressions, each {rule, reason, kind?, name?, namespace?, container?}',
    },
    images: {
      type: 'object',
      nullable: true,
      required: [],
      description:
        'Image reference → image on disk (oci:DIR[:tag], oci-archive:FILE[:tag], docker-archive:FILE; relative paths are relative to ' +
        "the config file's directory, or the working directory): their USER and file capabilities replace unknown verdicts and the " +
        'file-capability annotation.',
      accepts: 'a map from image reference to local image (oci:DIR, oci-archive:FILE, docker-archive:FILE)',
      additionalProperties: { type: 'string', pattern: '\\S', accepts: 'a local image such as oci-archive:nginx.tar' },
    },
    imageFacts: {
      type: 'string',
      nullable: true,
      enum: [...IMAGE_FACTS_MODES],
      default: DEFAULT_IMAGE_FACTS_MODE,
      description:
        'How image facts are found: registry (read the images a verdict depends on from their registries), offline ' +
        '(read none: such a verdict is unknown, with its question) or assume-none (no file capability unless annotated).',
    },
    registry: { ...REGISTRY, nullable: true },
  },
} satisfies JSONSchemaType<EnforcementConfig>;

/** The JSON Schema of {@link EnforcementConfig}, checked against it by the compiler. */
export const ENFORCEMENT_CONFIG_SCHEMA: ConfigSchemaNode = SCHEMA;
