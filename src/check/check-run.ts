/**
 * A check of the whole input, written as it is made: each object checked in input order, with
 * what it needs of the others from the input's index, and its report handed to a writer at once,
 * so that neither the objects nor the reports accumulate. In registry mode the images the
 * verdicts need are read first (see {@link readImagesOf}). A check spread over threads
 * (parallel-check.ts) runs the same steps, {@link lookBeforeImages} and {@link checkObjectsInOrder},
 * on each thread's share of the objects.
 */
import type { CheckOptions, ObjectCheck } from './check-object';
import { analyzeObjectBinding, checkAnalyzedObject, checkObject } from './check-object';
import type { CrossResourceIndex, ObjectContext } from './cross-resource-index';
import { imageFactsLookup, ImageRequests, withoutUnreadImages } from './image-facts-mode';
import { InputRuleWindow } from './input-rule-window';
import type { ParsedInput, ParsedObject } from './parsed-input';
import type { CheckSummary, InputErrorReport, ReportHead, ReportWriter, ResourceReport } from './report';
import { resourceReport } from './resource-report';
import { SummaryCounter } from './summary-counter';
import type { FactsRequest, ImagePullReport, RegistryFacts, RegistryFactsOptions } from '../image/registry/registry-facts';
import { fetchRegistryFacts } from '../image/registry/registry-facts';
import type { BindingAnalysis } from '../model/bind-analysis';
import type { ContainerEntry } from '../model/containers';
import type { ImageFactsLookup } from '../model/image-facts';
import type { JsonObject } from '../model/json-value';
import { asObject } from '../model/json-value';
import type { ServiceTarget } from '../model/undeclared-ports';
import { DEFAULT_REQUIRED_LEVEL } from '../rules';

/** What a written check ends with: what decides its exit status. */
export interface CheckOutcome {
  /** Every input error reported. */
  readonly errors: readonly InputErrorReport[];
  /** The report's counts. */
  readonly summary: CheckSummary;
}

/**
 * Checks every object of `input` with `options`, whose image facts are final, and writes the
 * report, each resource as soon as it is checked. `images` says how images were read (an image
 * map's that could not be read: failed, as a failed pull is; the verdicts that depend on one
 * are `unknown` with its reason, through the lookup); `bindings` are the bind analyses already
 * made of some pods, by ordinal ({@link ImagesRead.reusable}), which are not made again.
 */
export function writeCheck(
  input: ParsedInput,
  options: CheckOptions,
  writer: ReportWriter,
  images: readonly ImagePullReport[] = [],
  bindings: ReadonlyMap<number, BindingAnalysis> = new Map(),
): CheckOutcome {
  const report = new WrittenReport(writer, options, input.files, input.errors);
  checkObjectsInOrder(input.objects(), 0, input.index.contexts(), options, bindings, (resource) => report.resource(resource));
  return report.finish(images);
}

/** How registry mode reads images: an image map's facts first, then the registries. */
export interface RegistryReading {
  /** The facts an image map gives. */
  readonly known: ImageFactsLookup | undefined;
  /** The platform every pod runs on, when given (`--platform`). */
  readonly platform: string | undefined;
  /** How registries are reached (and a progress callback). */
  readonly registry: RegistryFactsOptions;
}

/** What a check learns of its input's images before its report is written: {@link writeCheck}'s image facts, `images` and `bindings`. */
export interface ImagesRead {
  /** The model's final lookup: the image map's answers first, then the registries'. */
  readonly lookup: ImageFactsLookup | undefined;
  /** How each image was read: {@link readImagesOf} gives the pulls; a caller with an image map adds its failures. */
  readonly images: readonly ImagePullReport[];
  /** The first analyses that hold once the images are read, by ordinal: {@link writeCheck}'s `bindings`. */
  readonly reusable: ReadonlyMap<number, BindingAnalysis>;
}

/**
 * Reads from registries the images the verdicts of `input` need. Each pod is first analyzed with
 * the images it starts not read yet, which tells the images its verdicts need; the report
 * ({@link writeCheck} with the {@link ImagesRead}) then does not analyze again a pod whose
 * verdicts did not depend on an image: one that starts no unknown image, or whose images nobody
 * needed (its first analysis is kept, when the input is). Only a pod that starts an image that
 * was read is judged again, with its facts.
 */
export async function readImagesOf(input: ParsedInput, options: CheckOptions, reading: RegistryReading): Promise<ImagesRead> {
  const requests = new ImageRequests(reading.known, reading.platform);
  const kept = lookBeforeImages(input.objects(), 0, input.index.contexts(), options, requests, input.kept);
  const { answers, images } = await readWantedImages(requests.all(), reading.registry);
  const lookup = imageFactsLookup('registry', reading.known, answers, reading.platform);
  return { lookup, images, reusable: reusableBindings(kept, requests, answers) };
}

/** The contexts of the input's objects, asked for in input order ({@link CrossResourceIndex.contexts}). */
export type ObjectContexts = ReturnType<CrossResourceIndex['contexts']>;

/**
 * The first look of registry mode at `objects`, the input's objects from ordinal `first` on:
 * each pod analyzed with the images it starts not read yet, its requests recorded in `requests`.
 * Returns the analyses that can be kept (when `keep`, the objects being kept), by ordinal.
 */
export function lookBeforeImages(
  objects: Iterable<ParsedObject>,
  first: number,
  contexts: ObjectContexts,
  options: CheckOptions,
  requests: ImageRequests,
  keep: boolean,
): Map<number, FirstLook> {
  const kept = new Map<number, FirstLook>();
  let ordinal = first;
  for (const parsed of objects) {
    const at = ordinal++;
    const context = contexts(at, parsed.object);
    const pod = parsed.object.pod;
    if (pod === undefined) continue;
    const look = requests.lookupForPod();
    const binding = analyzeObjectBinding(pod, { ...options, imageFacts: look.lookup }, targetsOf(parsed, context, options));
    // A pod whose verdicts asked for images is judged again with them: its first analysis is not kept.
    if (!requests.record(pod, binding) && keep) kept.set(at, { binding, unread: look.unread, podSpec: asObject(pod.spec) });
  }
  return kept;
}

/** Reads the images `wanted` from their registries (none: nothing read). */
export async function readWantedImages(wanted: readonly FactsRequest[], registry: RegistryFactsOptions): Promise<Pick<RegistryFacts, 'answers' | 'images'>> {
  return wanted.length === 0 ? NOTHING_READ : fetchRegistryFacts(wanted, registry);
}

/** The first analyses that hold once the images are read: those of pods that start no image that was read. */
export function reusableBindings(
  kept: ReadonlyMap<number, FirstLook>,
  requests: ImageRequests,
  answers: ReadonlyMap<string, unknown>,
): Map<number, BindingAnalysis> {
  const reusable = new Map<number, BindingAnalysis>();
  for (const [at, { binding, unread, podSpec }] of kept) {
    // Its images were read for other pods: it is judged with their facts.
    if (requests.answered(unread, podSpec, answers)) continue;
    reusable.set(at, unread.length === 0 ? binding : withoutUnreadImages(binding));
  }
  return reusable;
}

/** A pod's analysis made before its images were read: kept, when its verdicts asked for no image. */
export interface FirstLook {
  /** The analysis. */
  readonly binding: BindingAnalysis;
  /** Its containers whose image was not known. */
  readonly unread: readonly ContainerEntry[];
  /** The pod's spec. */
  readonly podSpec: JsonObject | undefined;
}

/** What registry mode learns when no verdict needs an image. */
const NOTHING_READ = { answers: new Map<string, never>(), images: [] };

/**
 * Checks `objects`, the input's objects from ordinal `first` on, in input order, each with its
 * context (the bind analyses of `bindings` already made, by ordinal), and hands each report to
 * `emit`, in order, once the input rules have added their findings to it.
 */
export function checkObjectsInOrder(
  objects: Iterable<ParsedObject>,
  first: number,
  contexts: ObjectContexts,
  options: CheckOptions,
  bindings: ReadonlyMap<number, BindingAnalysis>,
  emit: (report: ResourceReport) => void,
): void {
  const window = new InputRuleWindow(options, emit);
  let ordinal = first;
  for (const parsed of objects) {
    const at = ordinal++;
    const context = contexts(at, parsed.object);
    const pod = parsed.object.pod;
    let check: ObjectCheck;
    if (pod === undefined) {
      check = checkObject(parsed.object, options);
    } else {
      const binding = bindings.get(at) ?? analyzeObjectBinding(pod, options, targetsOf(parsed, context, options));
      check = checkAnalyzedObject(parsed.object, pod, binding, options);
    }
    window.add(at, parsed, resourceReport(parsed, check), check.analysis?.podSecurity, context);
  }
  window.flush();
}

/** The numbers the Services target on the object's pod: the options' own matching, when they give one (`checkParsed`'s callers), else the index's. */
function targetsOf(parsed: ParsedObject, context: ObjectContext, options: CheckOptions): readonly ServiceTarget[] {
  return options.serviceTargets?.(parsed.object) ?? context.serviceTargets;
}

/** A report being written: its head at once, then each resource counted and written, then its tail. */
export class WrittenReport {
  private readonly counter = new SummaryCounter();

  /** Writes the report's head: @param files the files read (or tried); @param errors every input error, in order */
  constructor(
    private readonly writer: ReportWriter,
    options: CheckOptions,
    private readonly files: number,
    private readonly errors: readonly InputErrorReport[],
  ) {
    const requiredLevel = options.level ?? DEFAULT_REQUIRED_LEVEL;
    const head: ReportHead = { schemaVersion: 1, runtimeProfile: options.runtimeProfile.name, requiredLevel, errors };
    writer.start(head);
  }

  /** Counts and writes the next resource. */
  resource(report: ResourceReport): void {
    this.counter.add(report);
    this.writer.resource(report);
  }

  /** Writes the tail (the summary, how images were read) and gives what decides the exit status. */
  finish(images: readonly ImagePullReport[]): CheckOutcome {
    const summary = this.counter.summary(this.files, this.errors.length);
    this.writer.finish({ summary, ...(images.length === 0 ? {} : { images }) });
    return { errors: this.errors, summary };
  }
}
