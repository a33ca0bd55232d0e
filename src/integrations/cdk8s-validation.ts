import { checkParsed, parseInputs } from '../check/check-inputs';
import type { CheckOptions } from '../check/check-object';
import type { ConfigSource, EnforcementConfig, ImageFactsSettings } from '../check/enforcement-config';
import { checkOptionsOf, checkOptionsWithImages, imageFactsSettingsOf } from '../check/enforcement-config';
import { readImageFacts } from '../check/image-facts-mode';
import type { FindingReport, ResourceReport } from '../check/report';
import { exitStatusOf } from '../check/report';
import { readSources } from '../input/read-sources';
import { serviceTargetsOf } from '../model/service-selection';
import { ALL_RULES, DEFAULT_REQUIRED_LEVEL } from '../rules';

/**
 * The part of cdk8s-cli's `ValidationContext` (cdk8s-cli/lib/plugins/validation.d.ts) the
 * plugin uses, written out so that the library does not depend on cdk8s-cli.
 */
export interface Cdk8sValidationContext {
  /** The synthesized manifest files. */
  readonly manifests: readonly string[];
  /** The report the plugin fills and submits. */
  readonly report: {
    addViolation(violation: Cdk8sValidationViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/** cdk8s-cli's `ValidationViolation`: one rule and the resources that break it. */
export interface Cdk8sValidationViolation {
  /** The rule, shown as the heading of its occurrences. */
  readonly ruleName: string;
  /** Why it matters. */
  readonly recommendation: string;
  /** What to do. */
  readonly fix: string;
  /**
   * The resources: cdk8s-cli finds each one's construct path by `resourceName` (the
   * object's `metadata.name`) in the construct metadata the app records during synth.
   */
  readonly violatingResources: readonly {
    readonly resourceName: string;
    readonly locations: readonly string[];
    readonly manifestPath: string;
  }[];
}

/** The `properties:` of the plugin's entry in cdk8s.yaml. */
export type LeastPrivilegeValidationProperties = EnforcementConfig;

export { ConfigError } from '../check/config-error';

const PROPERTIES: ConfigSource = { name: 'cdk8s plugin properties' };

/**
 * A cdk8s synth validation plugin: every rule over every synthesized manifest, the same
 * findings as `k8s-least-privilege check` (through the same `parseInputs` and `checkParsed`), each occurrence
 * under its construct path; an error-severity finding (or a manifest it cannot read) fails
 * the synth. In cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/k8s-least-privilege/lib/integrations/cdk8s-validation.js
 *     version: 0.0.0            # any exact version: a local path is not installed
 *     class: LeastPrivilegeValidation
 *     properties: { runtimeProfile: strict }
 * ```
 */
export class LeastPrivilegeValidation {
  private readonly options: CheckOptions;
  private readonly imageFacts: ImageFactsSettings;

  /**
   * @param properties the settings of every enforcement point; `images` maps image references
   *   to local images (paths relative to the directory `cdk8s synth` runs in), read at validation
   * @throws ConfigError naming `cdk8s plugin properties`, each setting that is not valid and what
   *   it accepts, so `cdk8s synth` stops at once.
   */
  constructor(private readonly properties: LeastPrivilegeValidationProperties = {}) {
    this.options = checkOptionsOf(properties ?? {}, PROPERTIES);
    this.imageFacts = imageFactsSettingsOf(properties ?? {}, PROPERTIES);
  }

  /** Checks the manifests and submits the report (cdk8s-cli's `Validation.validate`). */
  public async validate(context: Cdk8sValidationContext): Promise<void> {
    // Images are read here, not in the constructor: reading streams their layers.
    const { options, imageErrors } = await checkOptionsWithImages(this.properties ?? {}, PROPERTIES);
    const parsed = parseInputs(readSources(context.manifests));
    const objects = parsed.objects.map(({ object }) => object);
    // Matched once: the image requests and the check both judge the ports Services name.
    const serviceTargets = serviceTargetsOf(objects);
    const registry = { ...this.imageFacts.registry, serviceTargets };
    const { lookup, images } = await readImageFacts(objects, this.imageFacts.mode, options.runtimeProfile, options.imageFacts, registry);
    const report = checkParsed(parsed, { ...options, serviceTargets, ...(lookup === undefined ? {} : { imageFacts: lookup }) });
    for (const violation of violationsOf(report.resources)) context.report.addViolation(violation);
    if (report.errors.length > 0) {
      context.report.addViolation({
        ruleName: 'input-error',
        recommendation: 'A synthesized manifest could not be read, so it was not checked.',
        fix: 'Fix the document named in each location.',
        violatingResources: report.errors.map((error) => ({
          resourceName: `${error.file}${error.document === null ? '' : ` document ${error.document}`}`,
          manifestPath: error.file,
          locations: [`${error.line === null ? '' : `line ${error.line}: `}${error.message}`],
        })),
      });
    }
    const { findings } = report.summary;
    // An image that could not be read (from the map or a registry) makes the verdicts that depend on
    // it unknown, with its reason: LP002 warnings, as in every face. The metadata names them all.
    const unreadImages = [...imageErrors.map((error) => error.reference), ...images.filter((image) => image.status === 'failed').map((image) => image.image)];
    context.report.submit(exitStatusOf(report) === 0 ? 'success' : 'failure', {
      runtimeProfile: this.options.runtimeProfile.name,
      podSecurityVersion: this.options.podSecurityVersion ?? 'latest',
      requiredLevel: this.options.level ?? DEFAULT_REQUIRED_LEVEL,
      resources: String(report.summary.resources),
      errors: String(findings.error),
      warnings: String(findings.warning),
      info: String(findings.info),
      ...(unreadImages.length === 0 ? {} : { unreadImages: unreadImages.join(', ') }),
    });
  }
}

/** One violation per rule that found something, in rule order; one entry per resource. */
function violationsOf(resources: readonly ResourceReport[]): Cdk8sValidationViolation[] {
  const violations: Cdk8sValidationViolation[] = [];
  for (const rule of ALL_RULES) {
    const violatingResources = [];
    for (const resource of resources) {
      const findings = resource.findings.filter((finding) => finding.ruleId === rule.id);
      if (findings.length === 0) continue;
      violatingResources.push({
        resourceName: resource.name ?? `${resource.kind} (document ${resource.source.document})`,
        manifestPath: resource.source.file,
        locations: findings.map(location),
      });
    }
    if (violatingResources.length === 0) continue;
    violations.push({
      ruleName: `${rule.id} ${rule.name} (${rule.severity})`,
      recommendation: `${rule.title}. ${rule.rationale}`,
      fix: rule.remediation,
      violatingResources,
    });
  }
  return violations;
}

function location(finding: FindingReport): string {
  return `line ${finding.line} ${finding.path}: ${finding.message}${finding.suppressed ? ' (suppressed)' : ''}`;
}
