/**
 * A check spread over threads (`check --jobs N`): the report that a check on one thread writes,
 * byte for byte, with the work of parsing and checking each object shared by N threads — the
 * main thread and N − 1 worker threads (node:worker_threads, running check-worker.ts).
 *
 * The input is cut into chunks of about {@link CHUNK_CHARS} characters at document boundaries
 * (`splitDocuments`, the one splitter, runs on the main thread over each whole file, so documents
 * keep their indexes and lines): a large file gives many chunks, small files share one. Then:
 * 1. each chunk is parsed by whichever thread is free, which sends back its input errors and
 *    what the cross-resource index keeps of each object (`indexRecordOf`); the main thread adds
 *    them in input order, as a check on one thread does, and builds the index;
 * 2. (registry mode) each thread looks at its chunks' pods before any image is read and sends
 *    back the images their verdicts need, merged in input order; the main thread reads them;
 * 3. each thread checks its chunks' objects (the model, every rule, the input rules over its pods
 *    and their Namespaces) with the part of the index they need, and sends back their reports; the
 *    main thread writes them in input order, counting the summary.
 * Whatever runs where, every object is checked with the same context and options as on one
 * thread, the input rules' findings on an object do not depend on the objects checked with it,
 * and everything is written in input order: the reports are equal in every format
 * (test/cli/jobs.test.ts). A thread keeps the objects it parsed until it checks them while the
 * input is small enough to keep (`KEPT_INPUT_CHARS`); beyond, the main thread reads each file
 * again, as a check on one thread does, and sends the documents again.
 *
 * Each thread is a V8 isolate of its own, and V8 works for each on threads of its own too: it
 * compiles the checker's optimized code (about 0.7 s of CPU on the bench's 20k corpus) and collects
 * its garbage there, so that a check on one thread already keeps about 1.35 cores busy, and every
 * worker does that work again for itself. Hence the default, {@link defaultJobs}: one thread fewer
 * than the cores (on 2 cores, `--jobs 2` costs half as much CPU again as `--jobs 1` and ends no
 * sooner: bench/RESULTS.md, section 8). An input smaller than {@link PARALLEL_MIN_CHARS} is
 * checked on one thread, with no worker started: a worker takes about 85 ms to start and load the
 * checker, and runs cold while V8 compiles the checker again for it. Standard input is read
 * whole, like a file, and is split like one. A check with an image map (`--images`) runs on one
 * thread: the images it reads live on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckOptions } from './check-object';
import type { CheckOutcome } from './check-run';
import { readWantedImages, WrittenReport } from './check-run';
import type { ChunkPart, ChunkRequest, ChunkResponse, PortableCheckSettings } from './chunk-checker';
import { ChunkChecker } from './chunk-checker';
import type { CrossResourceIndex } from './cross-resource-index';
import { CrossResourceIndexBuilder } from './cross-resource-index';
import type { ImageFactsMode } from './image-facts-mode';
import { ImageRequests } from './image-facts-mode';
import type { ReplayedSource } from './parsed-input';
import { KEPT_INPUT_CHARS, letGo, replayedSource, replayedText } from './parsed-input';
import type { InputErrorReport, ReportWriter } from './report';
import type { ImagePullReport, RegistryFactsOptions } from '../image/registry/registry-facts';
import type { InputSource } from '../input/read-sources';
import type { DocumentText } from '../input/split-documents';
import { splitDocuments } from '../input/split-documents';

/**
 * The least input, in characters, that is checked on several threads (4 Mi, about 0.4 s of work
 * on one thread here): below, a worker cannot win back its start (about 85 ms, bench/RESULTS.md
 * section 8) and the time it runs cold.
 */
export const PARALLEL_MIN_CHARS = 4 * 1024 * 1024;

/** About how many characters of documents make a chunk: small enough to share the work evenly, large enough that a chunk's cost is its documents. */
export const CHUNK_CHARS = 512 * 1024;

/**
 * The number of threads a check uses unless told (`--jobs`): one fewer than the cores the
 * process may use, and at least one, for V8's own threads take most of a core (see the module
 * comment).
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** The input of a check, with how many threads check it. */
export interface InputForJobs {
  /** 1, or the jobs asked for when the input is large enough to share. */
  readonly threads: number;
  /** The input's sources (those read already, then the rest). */
  readonly sources: Iterable<InputSource>;
}

/**
 * Reads the sources until `minChars` characters are read, to tell whether the input is large
 * enough to check on `jobs` threads: if they end before, one thread checks them. Nothing is read
 * when `jobs` is 1.
 */
export function inputForJobs(sources: Iterable<InputSource>, jobs: number, minChars: number = PARALLEL_MIN_CHARS): InputForJobs {
  if (jobs <= 1) return { threads: 1, sources };
  const rest = sources[Symbol.iterator]();
  const read: InputSource[] = [];
  let chars = 0;
  while (chars < minChars) {
    const next = rest.next();
    if (next.done === true) return { threads: 1, sources: read };
    read.push(next.value);
    if (next.value.ok) chars += next.value.text.length;
  }
  return { threads: jobs, sources: chain(read, rest) };
}

function* chain<T>(first: readonly T[], rest: Iterator<T>): Generator<T> {
  yield* first;
  for (let next = rest.next(); next.done !== true; next = rest.next()) yield next.value;
}

/** A check to spread over threads. */
export interface ParallelCheck {
  /** How many threads: the main thread and `jobs − 1` workers. */
  readonly jobs: number;
  /** The check's options; image facts come from `imageFacts` (`options.imageFacts` and `serviceTargets` are not used). */
  readonly options: CheckOptions;
  /** Where image facts come from. */
  readonly imageFacts: ImageFactsMode;
  /** `--platform`, when given. @default each pod's own */
  readonly platform?: string;
  /** How registries are reached, in registry mode. @default {} */
  readonly registry?: RegistryFactsOptions;
}

/** Sizes that decide how the input is shared; tests make them small. */
export interface ParallelLimits {
  /** About how many characters make a chunk. @default CHUNK_CHARS */
  readonly chunkChars?: number;
  /** How many characters of input are kept parsed in the threads' memory; beyond, files are read again. @default KEPT_INPUT_CHARS */
  readonly keptChars?: number;
}

/**
 * Checks the input on `check.jobs` threads and writes the report as a check on one thread
 * (`readImagesOf`, then `writeCheck`) writes it; `writer` is made once the images are
 * read. @throws InputChangedError when a file read twice changed in between; Error when a
 * worker thread fails (a defect of ours)
 */
export async function writeCheckInParallel(
  sources: Iterable<InputSource>,
  check: ParallelCheck,
  writer: () => ReportWriter,
  limits: ParallelLimits = {},
): Promise<CheckOutcome> {
  const { podSecurityVersion, suppressions, level } = check.options;
  const settings: PortableCheckSettings = {
    runtimeProfile: check.options.runtimeProfile.name,
    ...(podSecurityVersion === undefined ? {} : { podSecurityVersion }),
    ...(suppressions === undefined ? {} : { suppressions }),
    ...(level === undefined ? {} : { level }),
    imageFacts: check.imageFacts,
    ...(check.platform === undefined ? {} : { platform: check.platform }),
  };
  const pool = new ThreadPool(check.jobs, settings);
  try {
    const input = new ChunkedInput(pool, limits);
    await pool.runInOrder(input.parseTasks(sources), (chunk, response, executor) => input.parsed(chunk, response, executor));
    const index = input.index();
    pool.broadcast({ type: 'index', namespaces: index.namespacesByName() });
    let images: readonly ImagePullReport[] = [];
    if (check.imageFacts === 'registry') {
      const requests = new ImageRequests(undefined, check.platform);
      await pool.runInOrder(input.chunkTasks('look', index), (_chunk, response) => {
        if (response !== undefined) requests.merge(expect(response, 'looked').requests);
      });
      const read = await readWantedImages(requests.all(), check.registry ?? {});
      images = read.images;
      pool.broadcast({ type: 'answers', answers: read.answers });
    }
    const report = new WrittenReport(writer(), check.options, input.files, input.errors);
    await pool.runInOrder(input.chunkTasks('check', index), (_chunk, response) => {
      if (response === undefined) return;
      for (const resource of expect(response, 'checked').reports) report.resource(resource);
    });
    return report.finish(images);
  } finally {
    await pool.close();
  }
}

/** The response of a task, of the type its request asks for. */
function expect<T extends ChunkResponse['type']>(response: ChunkResponse | undefined, type: T): ChunkResponse & { readonly type: T } {
  if (response?.type !== type) throw new Error(`a thread of the check answered ${response?.type ?? 'nothing'} where ${type} was asked for`);
  return response as ChunkResponse & { readonly type: T };
}

/** Where a chunk's documents are in a file: to send them again when the input is not kept. */
interface PartPlace {
  readonly replay: ReplayedSource;
  readonly firstDocument: number;
  readonly documents: number;
}

/** A chunk of the input: its documents' places; once parsed, its objects' ordinals and the thread that keeps them. */
interface Chunk {
  readonly places: readonly PartPlace[];
  /** A file that could not be read: the chunk is its error alone. */
  readonly fileError: InputErrorReport | undefined;
  first: number;
  objects: number;
  executor: Executor | undefined;
}

/** The input, cut into chunks as it is read, and what the main thread learns of it. */
class ChunkedInput {
  /** Files read (or tried). */
  files = 0;
  /** Every input error, in input order. */
  readonly errors: InputErrorReport[] = [];
  private readonly chunks: Chunk[] = [];
  private readonly replays: ReplayedSource[] = [];
  private readonly builder = new CrossResourceIndexBuilder();
  private readonly chunkChars: number;
  private readonly keptChars: number;
  private keeping = true;
  private chars = 0;
  private ordinal = 0;

  constructor(
    private readonly pool: ThreadPool,
    limits: ParallelLimits,
  ) {
    this.chunkChars = limits.chunkChars ?? CHUNK_CHARS;
    this.keptChars = limits.keptChars ?? KEPT_INPUT_CHARS;
  }

  /** Reads the sources as the tasks are taken, and gives a task to parse each chunk (a file's error is a chunk with no task). */
  *parseTasks(sources: Iterable<InputSource>): Generator<Task> {
    let parts: ChunkPart[] = [];
    let places: PartPlace[] = [];
    let chars = 0;
    const cut = (): Task => {
      const chunk = this.add({ places, fileError: undefined });
      const task: Task = { chunk, request: { type: 'parse', chunk, parts, keep: this.keeping }, executor: undefined };
      parts = [];
      places = [];
      chars = 0;
      return task;
    };
    for (const source of sources) {
      this.files++;
      if (!source.ok) {
        if (parts.length > 0) yield cut();
        const fileError = { file: source.file, document: null, line: null, message: source.message };
        yield { chunk: this.add({ places: [], fileError }), request: undefined, executor: undefined };
        continue;
      }
      const replay = replayedSource(source);
      this.replays.push(replay);
      this.chars += source.text.length;
      if (this.keeping && this.chars > this.keptChars) this.stopKeeping();
      const documents = splitDocuments(source.text);
      let start = 0;
      const takePart = (end: number) => {
        parts.push({ file: source.file, documents: documents.slice(start, end) });
        places.push({ replay, firstDocument: start, documents: end - start });
        start = end;
      };
      for (let document = 0; document < documents.length; document++) {
        chars += documents[document].text.length;
        if (chars < this.chunkChars) continue;
        takePart(document + 1);
        yield cut();
      }
      if (start < documents.length) takePart(documents.length);
      if (!this.keeping) letGo(replay);
    }
    if (parts.length > 0) yield cut();
  }

  /** Takes a chunk's parse, in input order: its errors, and its objects into the index. */
  parsed(chunk: number, response: ChunkResponse | undefined, executor: Executor | undefined): void {
    const plan = this.chunks[chunk];
    if (plan.fileError !== undefined) {
      this.errors.push(plan.fileError);
      return;
    }
    const { records, errors } = expect(response, 'parsed');
    this.errors.push(...errors);
    plan.first = this.ordinal;
    plan.objects = records.length;
    plan.executor = executor;
    this.ordinal += records.length;
    for (const record of records) this.builder.addRecord(record);
  }

  /** The input's index, once every chunk is parsed. */
  index(): CrossResourceIndex {
    return this.builder.build();
  }

  /**
   * A task for each chunk with objects, in input order: to the thread that keeps its objects,
   * or, when the input is not kept, with its documents read again, to any thread.
   */
  *chunkTasks(type: 'look' | 'check', index: CrossResourceIndex): Generator<Task> {
    let replay: ReplayedSource | undefined;
    let documents: DocumentText[] = [];
    for (const [chunk, plan] of this.chunks.entries()) {
      if (plan.objects === 0) {
        yield { chunk, request: undefined, executor: undefined };
        continue;
      }
      let parts: ChunkPart[] | undefined;
      if (!this.keeping) {
        parts = plan.places.map((place) => {
          if (place.replay !== replay) {
            replay = place.replay;
            documents = splitDocuments(replayedText(replay));
          }
          return { file: place.replay.file, documents: documents.slice(place.firstDocument, place.firstDocument + place.documents) };
        });
      }
      const portion = index.portion(plan.first, plan.first + plan.objects);
      yield { chunk, request: { type, chunk, first: plan.first, portion, parts }, executor: this.keeping ? plan.executor : undefined };
    }
  }

  private add(chunk: Omit<Chunk, 'first' | 'objects' | 'executor'>): number {
    this.chunks.push({ ...chunk, first: 0, objects: 0, executor: undefined });
    return this.chunks.length - 1;
  }

  /** The input is too large to keep: as a check on one thread, the index keeps compact records, and every file is read again. */
  private stopKeeping(): void {
    this.keeping = false;
    this.builder.compactRecords();
    this.pool.broadcast({ type: 'forget' });
    for (const replay of this.replays) letGo(replay);
  }
}

/** Work for a thread: a request about a chunk, for one thread (`executor`) or any; a chunk with nothing to do has none. */
interface Task {
  readonly chunk: number;
  readonly request: ChunkRequest | undefined;
  readonly executor: Executor | undefined;
}

/** A thread that handles requests: the main thread, or a worker. */
interface Executor {
  /** Requests sent that are not answered yet. */
  inFlight: number;
  /** How many requests it is given ahead. */
  readonly capacity: number;
  /** Sends a request; the answer comes to the pool. */
  send(request: ChunkRequest): void;
}

/** How the pool hears from its threads. */
interface PoolEvents {
  answered(executor: Executor, response: ChunkResponse): void;
  failed(error: unknown): void;
}

/**
 * The main thread's own {@link ChunkChecker}: a request is handled once the main thread is free
 * (setImmediate), so the workers' answers are taken between two of its requests.
 */
class MainThreadExecutor implements Executor {
  inFlight = 0;
  readonly capacity = 1;
  private readonly queue: ChunkRequest[] = [];

  constructor(
    private readonly checker: ChunkChecker,
    private readonly events: PoolEvents,
  ) {}

  send(request: ChunkRequest): void {
    this.queue.push(request);
    if (this.queue.length === 1) setImmediate(() => this.handleNext());
  }

  /** Drops what was sent and not handled yet: the check is over. */
  close(): void {
    this.queue.length = 0;
  }

  private handleNext(): void {
    const request = this.queue[0];
    if (request === undefined) return;
    let response: ChunkResponse | undefined;
    try {
      response = this.checker.handle(request);
    } catch (error) {
      this.events.failed(error);
      return;
    }
    this.queue.shift();
    if (this.queue.length > 0) setImmediate(() => this.handleNext());
    if (response !== undefined) this.events.answered(this, response);
  }
}

/** A worker thread running check-worker.ts. */
class WorkerExecutor implements Executor {
  inFlight = 0;
  /** One request at work and one waiting, so that it never waits for the main thread. */
  readonly capacity = 2;
  private readonly worker: Worker;
  private closing = false;

  constructor(settings: PortableCheckSettings, events: PoolEvents) {
    this.worker = new Worker(workerScript(), { workerData: settings });
    const failure = (what: string) => new Error(`a worker thread of the check (--jobs) ${what}; run with --jobs 1 to check on one thread`);
    this.worker.on('message', (response: ChunkResponse) => {
      if (response.type === 'failed') events.failed(failure(`failed: ${response.message}`));
      else events.answered(this, response);
    });
    this.worker.on('error', (error) => events.failed(failure(`failed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.closing) events.failed(failure(`stopped (exit code ${code})`));
    });
  }

  send(request: ChunkRequest): void {
    this.worker.postMessage(request);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/**
 * The compiled worker program: beside this module in lib/; when this module runs from the
 * TypeScript sources (ts-jest, ts-node), the package's lib/, which the test task compiles first.
 */
function workerScript(): string {
  const sibling = join(__dirname, 'check-worker.js');
  if (existsSync(sibling)) return sibling;
  const compiled = join(__dirname, '..', '..', 'lib', 'check', 'check-worker.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`the worker program of a check on several threads is not compiled (${sibling}): run npx tsc --build, or check with --jobs 1`);
}

/** Takes the answer to a chunk's task (none for a task with no request), with the thread that answered. */
type TakeAnswer = (chunk: number, response: ChunkResponse | undefined, executor: Executor | undefined) => void;

/** A run of tasks: how the pool hands it the answers. */
interface Run {
  answered(executor: Executor, response: ChunkResponse): void;
  failed(error: unknown): void;
}

/**
 * The main thread and up to `jobs − 1` worker threads, started as work comes: tasks are run on
 * them a few ahead, and their answers taken in the tasks' order.
 */
class ThreadPool implements PoolEvents {
  private readonly main: MainThreadExecutor;
  private readonly workers: WorkerExecutor[] = [];
  /** Requests every thread gets, in order: a worker started late gets them first. */
  private readonly broadcasts: ChunkRequest[] = [];
  private run: Run | undefined;
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly jobs: number,
    private readonly settings: PortableCheckSettings,
  ) {
    this.main = new MainThreadExecutor(new ChunkChecker(settings), this);
  }

  /** Sends every thread a request that has no answer, after the requests sent to it before. */
  broadcast(request: ChunkRequest): void {
    this.broadcasts.push(request);
    this.main.send(request);
    for (const worker of this.workers) worker.send(request);
  }

  answered(executor: Executor, response: ChunkResponse): void {
    this.run?.answered(executor, response);
  }

  failed(error: unknown): void {
    this.failure ??= { error };
    this.run?.failed(error);
  }

  /**
   * Runs the tasks, taking them from `tasks` as threads are free (a task for one thread waits for
   * it), and gives each answer to `take` in the tasks' order, with the thread that answered.
   */
  runInOrder(tasks: Iterator<Task>, take: TakeAnswer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Tasks taken ahead (a file is read as its task is taken): twice what the threads can hold.
      const lookahead = 2 * (2 * (this.jobs - 1) + 1);
      const waiting: Task[] = [];
      const order: number[] = [];
      const answers = new Map<number, { response: ChunkResponse | undefined; executor: Executor | undefined }>();
      let exhausted = false;
      let over = false;
      const stop = (error?: unknown) => {
        over = true;
        this.run = undefined;
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      const pump = () => {
        if (over) return;
        try {
          for (;;) {
            this.dispatch(waiting);
            if (exhausted || waiting.length >= lookahead) break;
            const next = tasks.next();
            if (next.done === true) {
              exhausted = true;
              break;
            }
            order.push(next.value.chunk);
            if (next.value.request === undefined) answers.set(next.value.chunk, { response: undefined, executor: undefined });
            else waiting.push(next.value);
          }
          while (order.length > 0 && answers.has(order[0])) {
            const chunk = order.shift()!;
            const { response, executor } = answers.get(chunk)!;
            answers.delete(chunk);
            take(chunk, response, executor);
          }
          if (exhausted && order.length === 0) stop();
        } catch (error) {
          stop(error);
        }
      };
      this.run = {
        answered: (executor, response) => {
          executor.inFlight--;
          answers.set((response as { chunk: number }).chunk, { response, executor });
          pump();
        },
        failed: (error) => stop(error),
      };
      if (this.failure !== undefined) stop(this.failure.error);
      else pump();
    });
  }

  /** Sends each waiting task to its thread, or to a free one, as long as one can take it. */
  private dispatch(waiting: Task[]): void {
    for (let at = 0; at < waiting.length; ) {
      const task = waiting[at];
      const executor = task.executor ?? this.freeExecutor();
      if (executor === undefined || executor.inFlight >= executor.capacity) {
        at++;
        continue;
      }
      waiting.splice(at, 1);
      executor.inFlight++;
      executor.send(task.request!);
    }
  }

  /** A worker with room, the least busy; else a new worker, if fewer than jobs − 1 run; else the main thread, if free. */
  private freeExecutor(): Executor | undefined {
    let free: Executor | undefined;
    for (const worker of this.workers) {
      if (worker.inFlight < worker.capacity && (free === undefined || worker.inFlight < free.inFlight)) free = worker;
    }
    if (free !== undefined) return free;
    if (this.workers.length < this.jobs - 1) {
      const worker = new WorkerExecutor(this.settings, this);
      for (const request of this.broadcasts) worker.send(request);
      this.workers.push(worker);
      return worker;
    }
    return this.main.inFlight < this.main.capacity ? this.main : undefined;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    this.run = undefined;
    this.main.close();
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
