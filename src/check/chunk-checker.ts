/**
 * One thread's share of a check spread over threads (`check --jobs N`, src/check/parallel-check.ts):
 * it parses the chunks of the input it is given, and checks their objects once the main thread has
 * built the input's index, keeping the objects in between while the input is small enough to keep
 * (else it is given the documents again). Each worker thread runs one (check-worker.ts), and so
 * does the main thread. What it is sent and sends back is plain data (structured clone).
 */
import type { CheckOptions, ConfiguredSuppression } from './check-object';
import type { FirstLook } from './check-run';
import { checkObjectsInOrder, lookBeforeImages, reusableBindings } from './check-run';
import type { IndexPortion, IndexRecord, RelatedObject } from './cross-resource-index';
import { CrossResourceIndex, indexRecordOf } from './cross-resource-index';
import type { ImageFactsMode } from './image-facts-mode';
import { imageFactsLookup, ImageRequests } from './image-facts-mode';
import type { ParsedObject } from './parsed-input';
import { parseDocument } from './parsed-input';
import type { InputErrorReport, ResourceReport } from './report';
import type { FactsRequest } from '../image/registry/registry-facts';
import type { DocumentText } from '../input/split-documents';
import type { ImageFacts, UnreadImage } from '../model/image-facts';
import type { PodSecurityLevel } from '../model/pod-security-types';
import { findRuntimeProfile } from '../model/runtime-profile';

/** Documents of one file, in order, with their places in it (a chunk holds one or more such runs). */
export interface ChunkPart {
  /** The file, as reported. */
  readonly file: string;
  /** Its documents, as `splitDocuments` gives them. */
  readonly documents: readonly DocumentText[];
}

/** A check's options as data another thread can be sent: the runtime profile by name, image facts by mode. */
export interface PortableCheckSettings {
  /** The runtime profile's name. */
  readonly runtimeProfile: string;
  /** The Pod Security Standards policy version. @default 'latest' */
  readonly podSecurityVersion?: string;
  /** The configured suppressions. @default [] */
  readonly suppressions?: readonly ConfiguredSuppression[];
  /** The level every workload must meet. @default 'baseline' */
  readonly level?: PodSecurityLevel;
  /** Where image facts come from (no image map: a check with one runs on one thread). */
  readonly imageFacts: ImageFactsMode;
  /** `--platform`, when given. @default each pod's own */
  readonly platform?: string;
}

/** What the main thread asks of a chunk checker. `forget`, `index` and `answers` get no answer. */
export type ChunkRequest =
  /** Parse a chunk: its objects' index records and its errors; keep its objects when `keep`. */
  | { readonly type: 'parse'; readonly chunk: number; readonly parts: readonly ChunkPart[]; readonly keep: boolean }
  /** The input is too large to keep: let go of every object kept, and keep none from now on. */
  | { readonly type: 'forget' }
  /** The Namespaces of the whole input, once the index is built. */
  | { readonly type: 'index'; readonly namespaces: ReadonlyMap<string, readonly RelatedObject[]> }
  /** The image facts read from registries (registry mode). */
  | { readonly type: 'answers'; readonly answers: ReadonlyMap<string, ImageFacts | UnreadImage> }
  /**
   * Look at a chunk's pods before their images are read (`look`, registry mode), or check its
   * objects (`check`): those from ordinal `first`, with their part of the index; `parts` gives
   * the documents again when the objects were not kept.
   */
  | {
    readonly type: 'look' | 'check';
    readonly chunk: number;
    readonly first: number;
    readonly portion: IndexPortion;
    readonly parts: readonly ChunkPart[] | undefined;
  };

/** What a chunk checker answers. */
export type ChunkResponse =
  /** A chunk parsed: each object's index record, in order, and the chunk's input errors. */
  | { readonly type: 'parsed'; readonly chunk: number; readonly records: readonly (IndexRecord | null)[]; readonly errors: readonly InputErrorReport[] }
  /** The image requests of a chunk's pods, with their keys, as `ImageRequests.entries` gives them. */
  | { readonly type: 'looked'; readonly chunk: number; readonly requests: readonly (readonly [string, FactsRequest])[] }
  /** A chunk's resource reports, in input order. */
  | { readonly type: 'checked'; readonly chunk: number; readonly reports: readonly ResourceReport[] }
  /** A defect of ours stopped the thread's work (never the input's fault: that is an input error). */
  | { readonly type: 'failed'; readonly message: string };

/** A thread's share of a check: see the module comment. */
export class ChunkChecker {
  private readonly options: CheckOptions;
  private readonly mode: ImageFactsMode;
  private readonly platform: string | undefined;
  /** The objects of each chunk parsed and kept, by chunk, until it is checked. */
  private readonly kept = new Map<number, ParsedObject[]>();
  /** The first looks kept of each chunk (registry mode), by chunk, until it is checked. */
  private readonly looks = new Map<number, Map<number, FirstLook>>();
  private keeping = true;
  private namespaces: ReadonlyMap<string, readonly RelatedObject[]> = new Map();
  private answers: ReadonlyMap<string, ImageFacts | UnreadImage> = new Map();

  /** @param settings the check's options, as the main thread sends them */
  constructor(settings: PortableCheckSettings) {
    const runtimeProfile = findRuntimeProfile(settings.runtimeProfile);
    if (runtimeProfile === undefined) throw new Error(`no runtime profile ${settings.runtimeProfile}`);
    const { podSecurityVersion, suppressions, level } = settings;
    this.options = { runtimeProfile, podSecurityVersion, suppressions, level };
    this.mode = settings.imageFacts;
    this.platform = settings.platform;
  }

  /** Does what `request` asks and gives the answer, if it has one. */
  handle(request: ChunkRequest): ChunkResponse | undefined {
    switch (request.type) {
      case 'parse':
        return this.parse(request.chunk, request.parts, request.keep && this.keeping);
      case 'forget':
        this.keeping = false;
        this.kept.clear();
        return undefined;
      case 'index':
        this.namespaces = request.namespaces;
        return undefined;
      case 'answers':
        this.answers = request.answers;
        return undefined;
      case 'look':
      case 'check':
        return this[request.type](request.chunk, request.first, request.portion, request.parts);
    }
  }

  private parse(chunk: number, parts: readonly ChunkPart[], keep: boolean): ChunkResponse {
    const records: (IndexRecord | null)[] = [];
    const errors: InputErrorReport[] = [];
    const objects: ParsedObject[] = [];
    parseParts(parts, errors, (parsed) => {
      records.push(indexRecordOf(parsed.object));
      if (keep) objects.push(parsed);
    });
    if (keep && objects.length > 0) this.kept.set(chunk, objects);
    return { type: 'parsed', chunk, records, errors };
  }

  private look(chunk: number, first: number, portion: IndexPortion, parts: readonly ChunkPart[] | undefined): ChunkResponse {
    const requests = new ImageRequests(undefined, this.platform);
    const contexts = CrossResourceIndex.ofPortion(portion, this.namespaces).contexts();
    const looks = lookBeforeImages(this.objectsOf(chunk, parts), first, contexts, this.options, requests, parts === undefined);
    if (looks.size > 0) this.looks.set(chunk, looks);
    return { type: 'looked', chunk, requests: requests.entries() };
  }

  private check(chunk: number, first: number, portion: IndexPortion, parts: readonly ChunkPart[] | undefined): ChunkResponse {
    const objects = this.objectsOf(chunk, parts);
    const looks = this.looks.get(chunk);
    this.kept.delete(chunk);
    this.looks.delete(chunk);
    const bindings = looks === undefined ? new Map() : reusableBindings(looks, new ImageRequests(undefined, this.platform), this.answers);
    const options = { ...this.options, imageFacts: imageFactsLookup(this.mode, undefined, this.answers, this.platform) };
    const reports: ResourceReport[] = [];
    const contexts = CrossResourceIndex.ofPortion(portion, this.namespaces).contexts();
    checkObjectsInOrder(objects, first, contexts, options, bindings, (report) => reports.push(report));
    return { type: 'checked', chunk, reports };
  }

  /** A chunk's objects: kept, or parsed again from `parts` (their errors were reported when it was first parsed). */
  private objectsOf(chunk: number, parts: readonly ChunkPart[] | undefined): readonly ParsedObject[] {
    if (parts === undefined) {
      const kept = this.kept.get(chunk);
      if (kept === undefined) throw new Error(`chunk ${chunk} was not kept, and its documents were not sent again`);
      return kept;
    }
    const objects: ParsedObject[] = [];
    parseParts(parts, [], (parsed) => objects.push(parsed));
    return objects;
  }
}

function parseParts(parts: readonly ChunkPart[], errors: InputErrorReport[], onObject: (parsed: ParsedObject) => void): void {
  for (const part of parts) for (const document of part.documents) parseDocument(part.file, document, onObject, errors);
}
