import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity as PolicySeverity,
} from '@pulumi/policy';
import { CheckOptions, checkObject, ObjectCheck, ObjectFinding } from '../check/check-object';
import { formatFieldPath } from '../check/node-path';
import { asObject } from '../model/json-value';
import { DEFAULT_RUNTIME_PROFILE, runtimeProfileNames } from '../model/runtime-profile';
import { KubernetesObject, NodePath, objectsInDocument, WORKLOAD_KINDS } from '../model/workload';
import { DEFAULT_REQUIRED_LEVEL, Rule, RULES, Severity } from '../rules';
import { POD_SECURITY_LEVELS } from '../model/pod-security-types';
import { checkOptionsWithImages, EnforcementConfig, ImageFactsSettings, imageFactsSettingsOf } from '../check/enforcement-config';
import { DEFAULT_IMAGE_FACTS_MODE, IMAGE_FACTS_MODES, readImageFacts } from '../check/image-facts-mode';
import { ImagePullReport } from '../image/registry/registry-facts';
import { ImageLoadError, normalizeImageReference } from '../image';
import { listContainers } from '../model/containers';
import { describeChanges, hardenSecurityContext } from './harden-security-context';
import { isPrefix, PlainProperties, plainProperties, unknownScope, valueAt } from './pulumi-properties';

/** The policy pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = 'k8s-least-privilege';

/** The policy that offers the mechanical security-context fixes through `remediateResource`. */
export const HARDEN_POLICY_NAME = 'harden-security-context';

/**
 * How each rule severity is enforced: an `error` (the pod crash-loops, or admission refuses
 * it) stops `pulumi up`; a `warning` is printed; `info` is off unless configured, because
 * Pulumi has no level below advisory and would print it on every preview.
 */
export const ENFORCEMENT_LEVELS: Readonly<Record<Severity, EnforcementLevel>> = { error: 'mandatory', warning: 'advisory', info: 'disabled' };

const POLICY_SEVERITIES: Readonly<Record<Severity, PolicySeverity>> = { error: 'high', warning: 'medium', info: 'low' };

/** The JSON schema of {@link EnforcementConfig}: each policy's config (`pulumi preview --policy-pack-config`). */
export const POLICY_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    runtimeProfile: {
      type: 'string',
      enum: runtimeProfileNames(),
      default: DEFAULT_RUNTIME_PROFILE.name,
      description:
        'The container runtime the verdicts hold for. strict (the default) assumes no runtime lowers ' +
        'net.ipv4.ip_unprivileged_port_start, so a verdict holds on every runtime.',
    },
    podSecurityVersion: {
      type: 'string',
      pattern: '^(latest|v1\\.(0|[1-9][0-9]*))$',
      default: 'latest',
      description: 'The Pod Security Standards policy version the pod is evaluated at.',
    },
    level: {
      type: 'string',
      enum: [...POD_SECURITY_LEVELS],
      default: DEFAULT_REQUIRED_LEVEL,
      description:
        'The Pod Security level every workload must meet: missing it is a mandatory violation (LP020), missing a stricter one ' +
        'stays advisory; a workload\'s k8s-least-privilege.dev/pod-security-level annotation can only raise it. privileged: no gate.',
    },
    images: {
      type: 'object',
      description:
        'Image reference → image on disk (oci:DIR[:tag], oci-archive:FILE[:tag], docker-archive:FILE; paths relative to ' +
        "the pack's working directory): their USER and file capabilities replace unknown verdicts and the file-capability annotation.",
      additionalProperties: { type: 'string' },
    },
    imageFacts: {
      type: 'string',
      enum: [...IMAGE_FACTS_MODES],
      default: DEFAULT_IMAGE_FACTS_MODE,
      description:
        'How image facts are found: registry (read the images a verdict depends on from their registries), offline ' +
        '(read none: such a verdict is unknown, with its question) or assume-none (no file capability unless annotated).',
    },
    registry: {
      type: 'object',
      description:
        'How registries are reached: mirrors ({"docker.io": ["host:port"]}), plainHttp (hosts reached over HTTP), timeoutSeconds, ' +
        'maxLayerBytes, concurrency, cacheDirectory, tagTtlSeconds.',
    },
    suppressions: {
      type: 'array',
      description: 'Findings to suppress, each with a reason; suppressed findings are not reported as violations.',
      items: {
        type: 'object',
        required: ['rule', 'reason'],
        additionalProperties: false,
        properties: {
          rule: { type: 'string', pattern: '^LP[0-9]{3}$' },
          reason: { type: 'string', minLength: 1 },
          kind: { type: 'string' },
          name: { type: 'string' },
          namespace: { type: 'string' },
          container: { type: 'string' },
        },
      },
    },
  },
};

/** A Pulumi resource read as the Kubernetes object it creates. */
export interface KubernetesResource extends PlainProperties {
  /** The object, for a type that carries a pod. */
  readonly object: KubernetesObject;
}

/**
 * The Kubernetes object a `kubernetes:<group>/<version>:<Kind>` resource creates, for the
 * kinds that carry a pod; `undefined` for every other type (other providers, Services,
 * `…Patch` resources, whose properties are partial). Resources a `kubernetes:yaml/v2:ConfigGroup`
 * creates reach the pack under their own types, so YAML is checked too.
 */
export function kubernetesResource(type: string, props: unknown): KubernetesResource | undefined {
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (match === null || !WORKLOAD_KINDS.includes(match[2])) return undefined;
  const [, groupVersion, kind] = match;
  const apiVersion = groupVersion.startsWith('core/') ? groupVersion.slice('core/'.length) : groupVersion;
  const plain = plainProperties(props);
  const { objects } = objectsInDocument({ ...plain.value, apiVersion, kind });
  const object = objects[0];
  return object === undefined ? undefined : { ...plain, object };
}

/** One finding, and whether it can be judged with the values known now. */
export interface JudgedFinding extends ObjectFinding {
  /**
   * `false` when a value the finding may depend on is unknown (preview): the finding was
   * computed without it and must not be reported; `pulumi up` judges it with the real value.
   */
  readonly judged: boolean;
}

/** What the rules say about one resource, preview-aware. */
export interface ResourceCheck {
  /** The model's verdicts with unknown values left out. */
  readonly check: ObjectCheck;
  /** Every finding, each marked judged or not. */
  readonly findings: readonly JudgedFinding[];
  /** The unknown values some finding was withheld for. */
  readonly withheldFor: readonly NodePath[];
}

/**
 * Runs every rule (through {@link checkObject}) over a resource and marks the findings that
 * depend on a value unknown during preview: an unknown the rules never read (the image, an
 * env var, a ConfigMap's generated name) withholds nothing; one in a container's security
 * fields withholds that container's findings; one at pod level withholds them all.
 */
export function checkResource(resource: KubernetesResource, options: CheckOptions): ResourceCheck {
  const check = checkObject(resource.object, options);
  const pod = resource.object.pod;
  const relevant = pod === undefined ? [] : resource.unknownPaths.map((path) => ({ path, scope: unknownScope(pod, path) })).filter(({ scope }) => scope.kind !== 'irrelevant');
  const withheld = new Set<NodePath>();
  const findings = check.findings.map((finding) => {
    const blocking = relevant.filter(({ scope }) => {
      if (scope.kind !== 'container' || finding.container === null) return true;
      const name = asObject(valueAt(resource.object.object, scope.containerPath))?.name;
      return isPrefix(scope.containerPath, finding.path) || name === undefined || name === finding.container;
    });
    blocking.forEach(({ path }) => withheld.add(path));
    return { ...finding, judged: blocking.length === 0 };
  });
  return { check, findings, withheldFor: [...withheld] };
}

/**
 * The pack's policies: one per rule (name, description, enforcement level and remediation
 * text from the rule's metadata), and {@link HARDEN_POLICY_NAME}, which remediates.
 */
export function leastPrivilegePolicies(): ResourceValidationPolicy[] {
  return [...RULES.map(rulePolicy), hardenPolicy()];
}

function rulePolicy(rule: Rule): ResourceValidationPolicy {
  return {
    name: rule.name,
    displayName: `${rule.id} ${rule.name}`,
    description: `${rule.id}: ${rule.title}`,
    enforcementLevel: ENFORCEMENT_LEVELS[rule.severity],
    severity: POLICY_SEVERITIES[rule.severity],
    remediationSteps: rule.remediation,
    tags: ['kubernetes', 'least-privilege', rule.id],
    configSchema: POLICY_CONFIG_SCHEMA,
    validateResource: async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const resource = kubernetesResource(args.type, args.props);
      if (resource === undefined) args.notApplicable(`not a Kubernetes workload with a pod template (${WORKLOAD_KINDS.join(', ')})`);
      const configured = await configuredCheck(args.getConfig<EnforcementConfig>());
      const { check, images } = await cachedCheck(args.type, resource, configured);
      // An image that cannot be read leaves its containers' verdicts to the manifest, or unknown: LP002's concern.
      if (rule.id === 'LP002') {
        for (const error of imageErrorsOf(resource, configured.imageErrors)) {
          reportViolation(`[${rule.id}] image ${error.reference} (${error.location}) cannot be read, so its containers are judged without it: ${error.message}`);
        }
        for (const image of images) if (image.status === 'failed') reportViolation(`[${rule.id}] image ${image.message}`);
      }
      const { findings, withheldFor } = check;
      let withheld = false;
      for (const finding of findings) {
        // A suppression (annotation or policy config) always carries a reason; it is not a violation.
        if (finding.ruleId !== rule.id || finding.suppressionReason !== undefined) continue;
        if (finding.judged) reportViolation(`[${rule.id}] ${formatFieldPath(finding.path)}: ${finding.message}`);
        else withheld = true;
      }
      if (withheld) reportCannotJudge(args.props, withheldFor);
    },
  };
}

/**
 * Hands the "cannot judge during preview" case to @pulumi/policy's own mechanism: reading an
 * unknown through `args.props` throws its `UnknownValueError`, which it reports as an advisory
 * "can't run policy … during preview: … can't be known during preview", whatever the policy's
 * enforcement level — after the violations already reported. Reading through the proxy (rather
 * than throwing our own error) keeps the error class the one the pack's @pulumi/policy checks.
 */
function reportCannotJudge(props: unknown, unknownPaths: readonly NodePath[]): void {
  for (const path of unknownPaths) {
    let node: unknown = props;
    for (const segment of path) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  }
}

function hardenPolicy(): ResourceValidationPolicy {
  const harden = async (args: ResourceValidationArgs) => {
    const resource = kubernetesResource(args.type, args.props);
    if (resource === undefined) args.notApplicable(`not a Kubernetes workload with a pod template (${WORKLOAD_KINDS.join(', ')})`);
    const { options } = await configuredCheck(args.getConfig<EnforcementConfig>());
    return { resource, hardening: hardenSecurityContext({ ...resource, rawProperties: args.props }, options) };
  };
  return {
    name: HARDEN_POLICY_NAME,
    displayName: 'harden security context',
    description:
      'Sets capabilities.drop [ALL], allowPrivilegeEscalation false and pod seccompProfile RuntimeDefault where no port binds worse',
    enforcementLevel: 'advisory',
    severity: 'medium',
    remediationSteps:
      'Set this policy\'s enforcementLevel to "remediate" and Pulumi applies the changes; a root container that binds a ' +
      'privileged port keeps NET_BIND_SERVICE; unknown (preview) and secret fields and privileged containers are left alone.',
    tags: ['kubernetes', 'least-privilege', 'remediation'],
    configSchema: POLICY_CONFIG_SCHEMA,
    validateResource: async (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const { hardening } = await harden(args);
      if (hardening !== undefined) reportViolation(`can be hardened without breaking any port: ${describeChanges(hardening.changes)}`);
    },
    remediateResource: async (args: ResourceValidationArgs) => (await harden(args)).hardening?.properties,
  };
}

/** The check options of one policy config, with the images it maps read. */
interface ConfiguredCheck {
  /** The config, as a cache key. */
  readonly key: string;
  readonly options: CheckOptions;
  readonly imageErrors: readonly ImageLoadError[];
  /** How image facts are found beyond the map. */
  readonly imageFacts: ImageFactsSettings;
}

// Images are read once per distinct config (reading streams their layers), not per resource.
const checksByConfig = new Map<string, Promise<ConfiguredCheck>>();

function configuredCheck(config: EnforcementConfig | undefined): Promise<ConfiguredCheck> {
  const key = JSON.stringify(config ?? {});
  let configured = checksByConfig.get(key);
  if (configured === undefined) {
    const imageFacts = imageFactsSettingsOf(config ?? {});
    configured = checkOptionsWithImages(config ?? {}).then(({ options, imageErrors }) => ({ key, options, imageErrors, imageFacts }));
    checksByConfig.set(key, configured);
  }
  return configured;
}

/** The image errors about images the resource's containers run. */
function imageErrorsOf(resource: KubernetesResource, errors: readonly ImageLoadError[]): ImageLoadError[] {
  if (errors.length === 0) return [];
  const images = new Set(
    listContainers(asObject(resource.object.pod?.spec)).flatMap((container) =>
      typeof container.spec.image === 'string' ? [normalizeImageReference(container.spec.image)] : [],
    ),
  );
  return errors.filter((error) => images.has(normalizeImageReference(error.reference)));
}

// Every policy of the pack checks the same resource: the model runs once per resource and options.
const CACHE_SIZE = 16;
const cache = new Map<string, Promise<{ check: ResourceCheck; images: readonly ImagePullReport[] }>>();

/** The resource's check, with the image facts its verdicts need read first (once for all the pack's policies). */
function cachedCheck(type: string, resource: KubernetesResource, configured: ConfiguredCheck): Promise<{ check: ResourceCheck; images: readonly ImagePullReport[] }> {
  const key = JSON.stringify([type, configured.key, resource.value, resource.unknownPaths]);
  let result = cache.get(key);
  if (result === undefined) {
    const { options, imageFacts } = configured;
    result = readImageFacts([resource.object], imageFacts.mode, options.runtimeProfile, options.imageFacts, imageFacts.registry).then(({ lookup, images }) => ({
      check: checkResource(resource, lookup === undefined ? options : { ...options, imageFacts: lookup }),
      images,
    }));
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, result);
  }
  return result;
}
