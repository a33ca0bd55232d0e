/**
 * The benchmark (`npm run bench`): figures, not tests — nothing here asserts a timing.
 *
 * Generates the seeded corpora (bench/corpus.ts), then measures side by side in one run, each
 * figure the median of BENCH_RUNS (default 5) runs, the runs of the things compared interleaved
 * so that a change in the machine's load hits them alike:
 * 1. the parse floor: a Node process that reads a corpus and only loads it with js-yaml
 *    (`loadAll`), and the same with the `yaml` package (positions kept, as the locator's
 *    fallback parses);
 * 2. `check` through the CLI (bin/k8s-least-privilege, the compiled lib/) over each corpus,
 *    `--format json` to /dev/null: wall time, CPU time, peak RSS, documents/s, ratio to the floor;
 * 3. the Pulumi policy pack (bench/policy-pack.ts): every policy's `validateResource` as
 *    @pulumi/policy calls them, over 10k workloads, against `checkObject` once per resource; and
 *    end to end, `Analyze` over gRPC to the pack as the engine runs it, 2,000 requests, against
 *    the same policies doing nothing;
 * 4. `app.synth()` of 1,000 PrivilegedPortServices vs 1,000 plain cdk8s-plus-27
 *    Deployment+Service pairs and vs the very manifest the construct emits written by hand with
 *    cdk8s-plus-27 (compared first, object for object), which isolates the planner's and the
 *    synth-time check's cost (bench/constructs.ts);
 * 5. the CLI's cold start: `check` of a three-document file;
 * 6. image facts from a local registry: offline vs pulling vs cached (bench/image-facts.ts);
 * 7. peak memory on large inputs (generated, never committed): 100 MB in one file and 1 GB in ten,
 *    `check` against the js-yaml floor's peak RSS on the 100 MB file, once each;
 * 8. `check --jobs 1` against `--jobs 2` on the 20k and the small-documents corpora (the reports
 *    compared byte for byte), the cost of starting a worker thread, and the speedup projected per
 *    core: Amdahl's law from the serial fraction the two-thread speedup implies, and the work law
 *    from the CPU time each further thread adds.
 * Writes bench/RESULTS.md and prints it. Needs the compiled lib/ (the `bench` task compiles first).
 * `BENCH_SECTIONS=2,6` runs only those sections (1 and 2 run together) and prints their tables,
 * without writing RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_CORPORA, CORPUS_DIRECTORY, CORPUS_SEED, CORPUS_SIZES, LARGE_INPUTS, SMALL_DOCUMENT_CORPUS, writeCorpora, writeLargeInputs } from './corpus';

const ROOT = join(__dirname, '..');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const CLI = join(ROOT, 'bin', 'k8s-least-privilege');
const RESULTS = join(__dirname, 'RESULTS.md');
const SECTIONS = (process.env.BENCH_SECTIONS ?? '').split(',').filter((section) => section.trim() !== '');

/** Whether the run measures a section: every section, unless BENCH_SECTIONS names some. */
function selected(section: number): boolean {
  return SECTIONS.length === 0 || SECTIONS.includes(String(section)) || (section <= 2 && SECTIONS.some((name) => Number(name) <= 2));
}

/** What one child process cost, as the kernel counted it (getrusage at exit) and the wall clock. */
interface ProcessCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
  readonly stdout: string;
}

/**
 * Runs `node <args>` with a preload that writes the process's own resource usage at exit,
 * so that peak RSS and CPU time need no /usr/bin/time; wall time is measured here.
 */
function runNode(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; allowExit?: readonly number[]; discardStdout?: boolean } = {},
): ProcessCost {
  const usageFile = join(CORPUS_DIRECTORY, `usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', RUSAGE_PRELOAD, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, BENCH_USAGE_FILE: usageFile },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    // A report of a large input is not kept: a file is written as fast as it is made, and so is /dev/null.
    stdio: ['ignore', options.discardStdout === true ? 'ignore' : 'pipe', 'pipe'],
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const allowed = options.allowExit ?? [0];
  if (child.status === null || !allowed.includes(child.status)) {
    throw new Error(`node ${args.join(' ')} exited with ${child.status ?? child.signal}:\n${child.stderr}`);
  }
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as NodeJS.ResourceUsage;
  rmSync(usageFile, { force: true });
  return { wallMs, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS, stdout: child.stdout ?? '' };
}

const RUSAGE_PRELOAD = join(CORPUS_DIRECTORY, 'rusage-preload.js');
const RUSAGE_PRELOAD_SOURCE = `'use strict';
// Written by bench/run.ts: records this process's resource usage when it exits.
process.on('exit', () => {
  require('fs').writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage()));
});
`;

/** A process that reads the file and only parses it: js-yaml's loadAll, or the yaml package with positions. */
function floorScript(parser: 'js-yaml' | 'yaml', file: string): string[] {
  const load =
    parser === 'js-yaml'
      ? 'require(\'js-yaml\').loadAll(text)'
      : '{ const yaml = require(\'yaml\'); yaml.parseAllDocuments(text, { lineCounter: new yaml.LineCounter(), uniqueKeys: false }); }';
  return ['-e', `const text = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'); const s = process.hrtime.bigint(); ${load}; process.stdout.write(String(Number(process.hrtime.bigint() - s) / 1e6));`];
}

const TS_NODE = ['--require', 'ts-node/register/transpile-only'];
const TS_NODE_ENV = { TS_NODE_PROJECT: join(ROOT, 'test', 'tsconfig.json') };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOf<T>(samples: readonly T[], pick: (sample: T) => number): number {
  return median(samples.map(pick));
}

const ms = (value: number) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const ratio = (value: number) => `${value.toFixed(2)}×`;
const us = (value: number) => `${value.toFixed(0)} µs`;
const perSecond = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;

/** One row of the targets table: a figure the performance issue set a target for, now against it. */
function targetRow(figure: string, now: number, target: number, format: (value: number) => string, section: number): string {
  return `| ${figure} | **${format(now)}** | ≤ ${format(target)} | ${now <= target ? 'met' : `missed: ${ratio(now / target)} the target`} | §${section} |`;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function main(): void {
  if (!existsSync(join(ROOT, 'lib', 'cli', 'main.js'))) {
    throw new Error('lib/ is not compiled: run `npx projen compile` (the bench task does) first');
  }
  mkdirSync(CORPUS_DIRECTORY, { recursive: true });
  writeFileSync(RUSAGE_PRELOAD, RUSAGE_PRELOAD_SOURCE);
  const loadBefore = loadavg();
  const started = new Date();
  log(`generating corpora (seed 0x${CORPUS_SEED.toString(16)}) in ${CORPUS_DIRECTORY}`);
  const corpora = writeCorpora();

  // 1 + 2: parse floors and check, interleaved run by run.
  const checkRows: string[] = [];
  const floorRows: string[] = [];
  const memoryRows: string[] = [];
  const checkOverFloor = new Map<string, number>();
  for (const name of selected(1) ? BENCH_CORPORA : []) {
    const corpus = corpora.get(name)!;
    const jsYamlRuns: ProcessCost[] = [];
    const yamlRuns: ProcessCost[] = [];
    const checkRuns: ProcessCost[] = [];
    for (let run = 0; run < RUNS; run++) {
      log(`${name}: run ${run + 1}/${RUNS}`);
      jsYamlRuns.push(runNode(floorScript('js-yaml', corpus.path)));
      // The closed world, as the figures before image facts: section 6 measures reading images.
      checkRuns.push(runNode([CLI, 'check', '--image-facts', 'assume-none', corpus.path, '--format', 'json'], { allowExit: [0, 1] }));
      yamlRuns.push(runNode(floorScript('yaml', corpus.path)));
    }
    const output = JSON.parse(checkRuns[0].stdout) as { resources: { findings: { line: number | null }[] }[]; errors: unknown[] };
    const findings = output.resources.flatMap((resource) => resource.findings);
    const located = findings.filter((finding) => typeof finding.line === 'number' && finding.line > 0).length;
    const jsYamlWall = medianOf(jsYamlRuns, (r) => r.wallMs);
    const jsYamlParse = medianOf(jsYamlRuns, (r) => Number(r.stdout));
    const jsYamlRss = medianOf(jsYamlRuns, (r) => r.maxRssKb);
    const checkWall = medianOf(checkRuns, (r) => r.wallMs);
    const checkCpu = medianOf(checkRuns, (r) => r.cpuMs);
    const checkRss = medianOf(checkRuns, (r) => r.maxRssKb);
    const yamlWall = medianOf(yamlRuns, (r) => r.wallMs);
    checkOverFloor.set(name, checkWall / jsYamlWall);
    floorRows.push(
      `| ${name} | ${corpus.documents.toLocaleString('en-US')} | ${(corpus.bytes / 1e6).toFixed(1)} MB | ${ms(jsYamlWall)} (${ms(jsYamlParse)} parsing) | ${mb(jsYamlRss)} | ${ms(yamlWall)} (${ms(medianOf(yamlRuns, (r) => Number(r.stdout)))} parsing) | ${mb(medianOf(yamlRuns, (r) => r.maxRssKb))} | ${ratio(yamlWall / jsYamlWall)} |`,
    );
    checkRows.push(
      `| ${name} | ${ms(checkWall)} | ${ms(checkCpu)} | ${perSecond((corpus.documents / checkWall) * 1000)} | ${findings.length.toLocaleString('en-US')} (${located === findings.length ? 'all' : `${located}`} with a line) | **${ratio(checkWall / jsYamlWall)}** | ${ratio(checkCpu / medianOf(jsYamlRuns, (r) => r.cpuMs))} |`,
    );
    memoryRows.push(`| ${name} | ${mb(checkRss)} | ${mb(jsYamlRss)} | **${ratio(checkRss / jsYamlRss)}** | ${(checkRss / corpus.documents).toFixed(1)} KB |`);
  }

  // 3: the policy pack, in process and end to end.
  log('policy pack');
  type Distribution = { mean: number; p50: number; p99: number };
  const packRuns: {
    resources: number;
    policies: number;
    perResourceUs: Distribution;
    firstPolicyUs: Distribution;
    hardenPolicyUs: Distribution;
    otherPoliciesUs: Distribution;
    checkObjectUs: Distribution;
  }[] = [];
  const analyzeRuns: { resources: number; packUs: Distribution; noOpUs: Distribution; packCpuUs: number; noOpCpuUs: number }[] = [];
  for (let run = 0; run < (selected(3) ? RUNS : 0); run++) {
    log(`policy pack: run ${run + 1}/${RUNS}`);
    packRuns.push(JSON.parse(runNode([...TS_NODE, join(__dirname, 'policy-pack.ts'), 'validate', corpora.get('20k')!.path, '10000'], { env: TS_NODE_ENV }).stdout));
    analyzeRuns.push(JSON.parse(runNode([...TS_NODE, join(__dirname, 'policy-pack.ts'), 'analyze', corpora.get('20k')!.path, '2000'], { env: TS_NODE_ENV }).stdout));
  }
  const pack = (pick: (run: (typeof packRuns)[number]) => number) => medianOf(packRuns, pick);
  const analyzed = (pick: (run: (typeof analyzeRuns)[number]) => number) => medianOf(analyzeRuns, pick);

  // 4: constructs.
  log('constructs');
  const synth: Record<'plain' | 'handwritten' | 'privileged-port-service', { constructMs: number; synthMs: number; totalMs: number }[]> = {
    'plain': [],
    'handwritten': [],
    'privileged-port-service': [],
  };
  if (selected(4)) {
    // The hand-written baseline is only fair if it emits what the construct emits.
    const manifestOf = (variant: string) => runNode([...TS_NODE, join(__dirname, 'constructs.ts'), variant, '1', '-'], { env: TS_NODE_ENV }).stdout;
    if (manifestOf('handwritten') !== manifestOf('privileged-port-service')) throw new Error('bench/constructs.ts: the hand-written manifest is not the one PrivilegedPortService emits');
  }
  for (let run = 0; run < (selected(4) ? RUNS : 0); run++) {
    for (const variant of ['plain', 'handwritten', 'privileged-port-service'] as const) {
      const outdir = join(CORPUS_DIRECTORY, `synth-${variant}`);
      synth[variant].push(JSON.parse(runNode([...TS_NODE, join(__dirname, 'constructs.ts'), variant, '1000', outdir], { env: TS_NODE_ENV }).stdout));
    }
  }
  const synthFigure = (variant: keyof typeof synth, key: 'constructMs' | 'synthMs' | 'totalMs') => medianOf(synth[variant], (r) => r[key]);

  // 5: cold start.
  log('cold start');
  const coldRuns: ProcessCost[] = [];
  const nodeRuns: ProcessCost[] = [];
  for (let run = 0; run < (selected(5) ? Math.max(RUNS, 10) : 0); run++) {
    nodeRuns.push(runNode(['-e', '0']));
    coldRuns.push(runNode([CLI, 'check', '--image-facts', 'assume-none', corpora.get('small')!.path, '--format', 'json'], { allowExit: [0, 1] }));
  }
  const coldWall = medianOf(coldRuns, (r) => r.wallMs);
  const nodeWall = medianOf(nodeRuns, (r) => r.wallMs);

  // 6: image facts from a registry: offline vs pulling vs cached.
  log('image facts');
  const imageFacts = JSON.parse(selected(6) ? runNode([...TS_NODE, join(__dirname, 'image-facts.ts'), String(RUNS)], { env: TS_NODE_ENV }).stdout : '{}') as {
    documents: number;
    images: number;
    offline?: number[];
    cold?: number[];
    cached?: number[];
    cacheBytes: number;
    layersRead: number;
  };
  const factsOffline = median(imageFacts.offline ?? []);
  const factsCold = median(imageFacts.cold ?? []);
  const factsCached = median(imageFacts.cached ?? []);

  // 7: peak memory on large inputs, once each: RSS depends little on the machine's load.
  const large = selected(7) ? largeInputMemory() : undefined;

  // 8: --jobs, one thread against two.
  const jobs = selected(8) ? jobsSpeedup(corpora) : undefined;

  const targets = [
    ...(selected(1) ? [
      targetRow('`check` 20k documents / js-yaml floor (wall)', checkOverFloor.get('20k')!, 1.5, ratio, 2),
      targetRow(`\`check\` ${SMALL_DOCUMENT_CORPUS.name} (small documents) / js-yaml floor (wall)`, checkOverFloor.get(SMALL_DOCUMENT_CORPUS.name)!, 1.5, ratio, 2),
    ] : []),
    ...(selected(3) ? [targetRow('Pulumi policy pack, per resource (mean, in process)', pack((r) => r.perResourceUs.mean), 50, us, 3)] : []),
    ...(selected(4) ? [
      targetRow('`PrivilegedPortService` synth / plain cdk8s-plus-27 Deployment + Service', synthFigure('privileged-port-service', 'totalMs') / synthFigure('plain', 'totalMs'), 1.2, ratio, 4),
      targetRow('`PrivilegedPortService` synth / the same manifest written by hand', synthFigure('privileged-port-service', 'totalMs') / synthFigure('handwritten', 'totalMs'), 1.2, ratio, 4),
    ] : []),
    ...(large === undefined ? [] : [
      targetRow('peak RSS, 100 MB input / js-yaml floor\'s on it', large.checkFile.maxRssKb / large.floor.maxRssKb, 2, ratio, 7),
      targetRow('peak RSS, 1 GB input / js-yaml floor\'s on 100 MB', large.checkDirectory.maxRssKb / large.floor.maxRssKb, 2, ratio, 7),
    ]),
    ...(jobs === undefined ? [] : jobs.corpora.map(({ name, one, two }) =>
      `| \`check --jobs 2\` / \`--jobs 1\`, ${name} (speedup, ${cpus().length} cores) | **${ratio(medianOf(one, (r) => r.wallMs) / medianOf(two, (r) => r.wallMs))}** | none set | reported | §8 |`)),
  ];
  const cpu = cpus();
  const loadAfter = loadavg();
  const table = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${started.toISOString()}; every figure is the median of ${RUNS} runs.`,
    '',
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`,
    `- Node ${process.version} (${process.platform} ${process.arch})`,
    `- Corpora: seed 0x${CORPUS_SEED.toString(16)}, bench/corpus.ts; ${[...CORPUS_SIZES].map(({ name }) => { const c = corpora.get(name)!; return `${name}: ${c.workloads.toLocaleString('en-US')} workloads (${c.workloadsWithMistakes.toLocaleString('en-US')} with findings)`; }).join(', ')}; the rest Services and ConfigMaps; ${SMALL_DOCUMENT_CORPUS.name}: ${SMALL_DOCUMENT_CORPUS.deployments.toLocaleString('en-US')} Deployments of one container and one port (${corpora.get(SMALL_DOCUMENT_CORPUS.name)!.workloadsWithMistakes.toLocaleString('en-US')} with findings), each with its Service`,
    '',
    ...(targets.length === 0 ? [] : [
      '## Targets (the performance issue, #19)',
      '',
      '| figure | now | target | | section |',
      '|---|---:|---:|---|---|',
      ...targets,
      '',
    ]),
    ...(selected(1) ? [
      '## 1. Parse floor (a Node process that reads the file and only parses it)',
      '',
      '| corpus | documents | size | js-yaml `loadAll`: wall | js-yaml peak RSS | `yaml` (positions): wall | `yaml` peak RSS | yaml / js-yaml |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...floorRows,
      '',
      '## 2. `check --format json` (CLI, to /dev/null)',
      '',
      '| corpus | wall | CPU (user+sys) | documents/s | findings | **check / js-yaml floor (wall)** | check / floor (CPU) |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...checkRows,
      '',
      '| corpus | check peak RSS | js-yaml floor peak RSS | **ratio** | RSS per document |',
      '|---|---:|---:|---:|---:|',
      ...memoryRows,
      '',
    ] : []),
    ...(selected(3) ? [
      '## 3. Pulumi policy pack (`imageFacts: assume-none`)',
      '',
      `In process: every enabled policy's \`validateResource\` (${packRuns[0].policies}), as @pulumi/policy calls them for one \`Analyze\` request, each with its own copy of the properties (the copies not timed). The first policy of a request runs the analysis the others share. Floor: \`checkObject\` once per resource, resource by resource in turn with the pack.`,
      '',
      '| workloads | **per resource: mean** (target ≤ 50 µs) | p50 | p99 | first policy (mean) | harden-security-context (mean) | the other policies (mean) | floor: `checkObject` (mean) | **pack / floor** |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${packRuns[0].resources.toLocaleString('en-US')} | **${us(pack((r) => r.perResourceUs.mean))}** | ${us(pack((r) => r.perResourceUs.p50))} | ${us(pack((r) => r.perResourceUs.p99))} | ${us(pack((r) => r.firstPolicyUs.mean))} | ${us(pack((r) => r.hardenPolicyUs.mean))} | ${us(pack((r) => r.otherPoliciesUs.mean))} | ${us(pack((r) => r.checkObjectUs.mean))} | **${ratio(pack((r) => r.perResourceUs.mean) / pack((r) => r.checkObjectUs.mean))}** |`,
      '',
      'End to end: one `Analyze` request at a time over gRPC to the pack run as the engine runs it (`run-policy-pack`); floor: the same policies doing nothing, request by request in turn with it (gRPC, and @pulumi/policy deserializing the properties once per policy).',
      '',
      '| requests | **latency p50** | p99 | mean | floor p50 | floor p99 | **pack / floor (p50)** | pack server CPU per request | floor server CPU | the pack\'s own CPU per request |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      `| ${analyzeRuns[0].resources.toLocaleString('en-US')} | **${us(analyzed((r) => r.packUs.p50))}** | ${us(analyzed((r) => r.packUs.p99))} | ${us(analyzed((r) => r.packUs.mean))} | ${us(analyzed((r) => r.noOpUs.p50))} | ${us(analyzed((r) => r.noOpUs.p99))} | **${ratio(analyzed((r) => r.packUs.p50) / analyzed((r) => r.noOpUs.p50))}** | ${us(analyzed((r) => r.packCpuUs))} | ${us(analyzed((r) => r.noOpCpuUs))} | ${us(analyzed((r) => r.packCpuUs - r.noOpCpuUs))} |`,
      '',
    ] : []),
    ...(selected(4) ? [
      '## 4. Constructs: `app.synth()` in-process, 1,000 of each',
      '',
      '| | construct | synth | total |',
      '|---|---:|---:|---:|',
      `| plain cdk8s-plus-27 Deployment + Service | ${ms(synthFigure('plain', 'constructMs'))} | ${ms(synthFigure('plain', 'synthMs'))} | ${ms(synthFigure('plain', 'totalMs'))} |`,
      `| the same manifest as PrivilegedPortService's, written by hand | ${ms(synthFigure('handwritten', 'constructMs'))} | ${ms(synthFigure('handwritten', 'synthMs'))} | ${ms(synthFigure('handwritten', 'totalMs'))} |`,
      `| PrivilegedPortService | ${ms(synthFigure('privileged-port-service', 'constructMs'))} | ${ms(synthFigure('privileged-port-service', 'synthMs'))} | ${ms(synthFigure('privileged-port-service', 'totalMs'))} |`,
      `| ratio to plain | ${ratio(synthFigure('privileged-port-service', 'constructMs') / synthFigure('plain', 'constructMs'))} | ${ratio(synthFigure('privileged-port-service', 'synthMs') / synthFigure('plain', 'synthMs'))} | ${ratio(synthFigure('privileged-port-service', 'totalMs') / synthFigure('plain', 'totalMs'))} |`,
      `| **ratio to the hand-written manifest** (the planner and the check) | ${ratio(synthFigure('privileged-port-service', 'constructMs') / synthFigure('handwritten', 'constructMs'))} | ${ratio(synthFigure('privileged-port-service', 'synthMs') / synthFigure('handwritten', 'synthMs'))} | **${ratio(synthFigure('privileged-port-service', 'totalMs') / synthFigure('handwritten', 'totalMs'))}** |`,
      '',
      'The construct emits more than the plain pair (securityContexts, JSON patches, the decision annotations), so the hand-written row is what the same output costs without the planner and the synth-time check.',
      '',
    ] : []),
    ...(selected(5) ? [
      '## 5. CLI cold start (`check` of a three-document file)',
      '',
      '| `check` wall | `node -e 0` wall | check CPU | check peak RSS |',
      '|---:|---:|---:|---:|',
      `| **${ms(coldWall)}** | ${ms(nodeWall)} | ${ms(medianOf(coldRuns, (r) => r.cpuMs))} | ${mb(medianOf(coldRuns, (r) => r.maxRssKb))} |`,
      '',
    ] : []),
    ...(selected(6) ? [
      `## 6. Image facts from a registry (${imageFacts.documents.toLocaleString('en-US')} documents, ${imageFacts.images} distinct images on a local docker-registry)`,
      '',
      'Every workload is non-root with NET_BIND_SERVICE on port 80, so every verdict depends on its image (bench/image-facts.ts).',
      '',
      '| `--image-facts offline` (baseline) | `registry`, empty cache | `registry`, cached | **cached / offline** | pulled / offline | layers downloaded (cold) | facts cache on disk |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      `| ${ms(factsOffline)} | ${ms(factsCold)} | ${ms(factsCached)} | **${ratio(factsCached / factsOffline)}** | ${ratio(factsCold / factsOffline)} | ${imageFacts.layersRead} of ${imageFacts.images * 2} | ${(imageFacts.cacheBytes / 1024).toFixed(0)} KB |`,
      '',
    ] : []),
    ...(large === undefined ? [] : largeInputTable(large)),
    ...(jobs === undefined ? [] : jobsTable(jobs)),
  ].join('\n');
  // A run of some sections prints them and leaves the results of a whole run alone.
  if (SECTIONS.length === 0) writeFileSync(RESULTS, table);
  process.stdout.write(table);
}

/** What section 7 measured: the floor's peak RSS on the 100 MB input, and check's on both. */
interface LargeInputMemory {
  readonly file: { readonly documents: number; readonly workloads: number; readonly bytes: number };
  readonly directory: { readonly documents: number; readonly workloads: number; readonly bytes: number };
  readonly floor: ProcessCost;
  readonly checkFile: ProcessCost;
  readonly checkDirectory: ProcessCost;
}

/** Section 7: generates the large inputs and runs the js-yaml floor on the 100 MB one and `check` on both (report to /dev/null). */
function largeInputMemory(): LargeInputMemory {
  log(`large inputs: writing ${LARGE_INPUTS.files} files of ${LARGE_INPUTS.deploymentsPerFile.toLocaleString('en-US')} Deployments and their Services`);
  const { file, directory } = writeLargeInputs();
  const check = (path: string) => runNode([CLI, 'check', '--image-facts', 'assume-none', '--format', 'json', path], { allowExit: [0, 1], discardStdout: true });
  log('large inputs: js-yaml floor, 100 MB');
  const floor = runNode(floorScript('js-yaml', file.path));
  log('large inputs: check, 100 MB');
  const checkFile = check(file.path);
  log('large inputs: check, 1 GB');
  const checkDirectory = check(directory.path);
  return { file, directory, floor, checkFile, checkDirectory };
}

function largeInputTable({ file, directory, floor, checkFile, checkDirectory }: LargeInputMemory): string[] {
  const row = (name: string, input: LargeInputMemory['file'], cost: ProcessCost) =>
    `| ${name} | ${(input.bytes / 1e6).toFixed(0)} MB | ${input.documents.toLocaleString('en-US')} (${input.workloads.toLocaleString('en-US')} workloads) | ${ms(cost.wallMs)} | ${mb(cost.maxRssKb)} | **${ratio(cost.maxRssKb / floor.maxRssKb)}** |`;
  return [
    '## 7. Peak memory on large inputs (generated, not committed; one run each)',
    '',
    `The small-document shape of the 20k-small corpus, in one file and in ${LARGE_INPUTS.files} (bench/corpus.ts \`writeLargeInputs\`); \`check --format json\` to /dev/null. Floor: js-yaml \`loadAll\` of the 100 MB file, ${mb(floor.maxRssKb)} peak RSS (${ms(floor.wallMs)}); a string of 1 GB does not exist in V8, so that is the floor of both. Target: ≤ 2× it.`,
    '',
    '| input | size | documents | check wall | **check peak RSS** | **/ floor (100 MB)** |',
    '|---|---:|---:|---:|---:|---:|',
    row('one file', file, checkFile),
    row(`${LARGE_INPUTS.files} files`, directory, checkDirectory),
    '',
  ];
}

/** What section 8 measured: `check --jobs 1` and `--jobs 2` on each corpus, and a worker thread's start. */
interface JobsSpeedup {
  readonly corpora: readonly {
    readonly name: string;
    readonly documents: number;
    readonly bytes: number;
    readonly one: readonly ProcessCost[];
    readonly two: readonly ProcessCost[];
    /** Whether every run of both wrote the same report. */
    readonly identical: boolean;
  }[];
  /** A worker thread (lib/check/check-worker.js) started, until it answers its first request. */
  readonly workerStartMs: readonly number[];
}

/** The corpora of section 8: the mixed one of 20k documents, and the small-documents one. */
const JOBS_CORPORA: readonly string[] = ['20k', SMALL_DOCUMENT_CORPUS.name];

/** A process that starts one worker thread of `check --jobs` and prints how long it took to answer a first (empty) request. */
const WORKER_START_SCRIPT = `
const { Worker } = require('node:worker_threads');
const start = process.hrtime.bigint();
const worker = new Worker(${JSON.stringify(join(ROOT, 'lib', 'check', 'check-worker.js'))}, { workerData: { runtimeProfile: 'strict', imageFacts: 'assume-none' } });
worker.once('message', () => {
  process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));
  worker.terminate();
});
worker.postMessage({ type: 'parse', chunk: 0, parts: [], keep: false });
`;

/** Section 8: `check --jobs 1` and `--jobs 2`, run by run in turn, on each corpus; and a worker's start. */
function jobsSpeedup(corpora: ReturnType<typeof writeCorpora>): JobsSpeedup {
  const measured: JobsSpeedup['corpora'][number][] = [];
  for (const name of JOBS_CORPORA) {
    const corpus = corpora.get(name)!;
    const one: ProcessCost[] = [];
    const two: ProcessCost[] = [];
    const check = (jobs: string) => runNode([CLI, 'check', '--image-facts', 'assume-none', '--format', 'json', '--jobs', jobs, corpus.path], { allowExit: [0, 1] });
    for (let run = 0; run < RUNS; run++) {
      log(`--jobs, ${name}: run ${run + 1}/${RUNS}`);
      one.push(check('1'));
      two.push(check('2'));
    }
    const identical = [...one, ...two].every((cost) => cost.stdout === one[0].stdout);
    measured.push({ name, documents: corpus.documents, bytes: corpus.bytes, one, two, identical });
  }
  const workerStartMs: number[] = [];
  for (let run = 0; run < Math.max(RUNS, 10); run++) workerStartMs.push(Number(runNode(['-e', WORKER_START_SCRIPT]).stdout));
  return { corpora: measured, workerStartMs };
}

function jobsTable({ corpora, workerStartMs }: JobsSpeedup): string[] {
  const measured: string[] = [];
  const projected: string[] = [];
  for (const { name, documents, bytes, one, two, identical } of corpora) {
    const [wallOne, wallTwo] = [medianOf(one, (r) => r.wallMs), medianOf(two, (r) => r.wallMs)];
    const [cpuOne, cpuTwo] = [medianOf(one, (r) => r.cpuMs), medianOf(two, (r) => r.cpuMs)];
    const speedup = wallOne / wallTwo;
    measured.push(
      `| ${name} | ${documents.toLocaleString('en-US')} (${(bytes / 1e6).toFixed(1)} MB) | ${ms(wallOne)} | ${ms(wallTwo)} | **${ratio(speedup)}** | ` +
        `${ms(cpuOne)} / ${ms(cpuTwo)} | ${(cpuOne / wallOne).toFixed(2)} / ${(cpuTwo / wallTwo).toFixed(2)} | ` +
        `${mb(medianOf(one, (r) => r.maxRssKb))} / ${mb(medianOf(two, (r) => r.maxRssKb))} | ${identical ? 'yes' : '**no**'} |`,
    );
    // Amdahl: S(2) = 1 / (s + (1 − s) / 2), so s = 2 / S(2) − 1; with no speedup there is nothing to project.
    const serial = Math.min(1, Math.max(0, 2 / speedup - 1));
    const amdahl = (cores: number) => (serial >= 1 ? '—' : ratio(1 / (serial + (1 - serial) / cores)));
    // The work law: n threads cost the CPU of one plus, for each further thread, what the second cost more; n cores do it in no less than 1/n of that.
    const extra = Math.max(0, cpuTwo - cpuOne);
    const bound = (cores: number) => ratio((cores * cpuOne) / (cpuOne + (cores - 1) * extra));
    projected.push(
      `| ${name} | ${(serial * 100).toFixed(0)} % | ${amdahl(4)} | ${amdahl(8)} | ${amdahl(16)} | ${ms(extra)} | ${bound(4)} | ${bound(8)} | ${bound(16)} | ` +
        `${extra === 0 ? '∞' : ratio(cpuOne / extra)} |`,
    );
  }
  return [
    `## 8. \`check --jobs\`: one thread against two (${cpus().length} cores)`,
    '',
    '`check --image-facts assume-none --format json`, `--jobs 1` and `--jobs 2` run by run in turn; every report of both compared byte for byte. ' +
      '"Cores busy" is CPU time over wall time: one thread of JavaScript already keeps more than one core busy, for V8 compiles optimized code ' +
      'and collects garbage on threads of its own — and a worker, an isolate of its own, has that done again for itself.',
    '',
    '| corpus | documents | `--jobs 1` wall | `--jobs 2` wall | **speedup** | CPU (1 / 2) | cores busy (1 / 2) | peak RSS (1 / 2) | same report |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...measured,
    '',
    'Projected per core, two ways. Amdahl\'s law, S(n) = 1 / (s + (1 − s) / n), with the serial fraction s that the measured two-thread speedup S₂ implies ' +
      '(s = 2 / S₂ − 1): s counts as serial whatever kept the second core from halving the time — the main thread\'s own work (reading, splitting, ' +
      'the index, writing the report in order), the copies between threads, a worker\'s start, and the machine\'s other load — so it is a floor, ' +
      'and none when S₂ ≤ 1. The work law, which the machine\'s load does not change: `--jobs n` costs the CPU time of `--jobs 1` plus, for each further ' +
      'thread, what the second cost more (its start, its own compilation and garbage collection, the copies), and n cores do that in no less ' +
      'than 1 / n of it: S(n) ≤ n · CPU₁ / (CPU₁ + (n − 1) · ΔCPU).',
    '',
    '| corpus | Amdahl s | Amdahl, 4 cores | 8 cores | 16 cores | ΔCPU per further thread | work law, 4 cores | 8 cores | 16 cores | limit (CPU₁ / ΔCPU) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...projected,
    '',
    `A worker thread, started until it answers its first request (the checker loaded in it): **${ms(median(workerStartMs))}** (median of ${workerStartMs.length}). ` +
      'An input under 4 MiB (`PARALLEL_MIN_CHARS`, src/check/parallel-check.ts) is checked on one thread with no worker started; ' +
      'without `--jobs`, a check uses one thread fewer than the cores.',
    '',
  ];
}

main();

