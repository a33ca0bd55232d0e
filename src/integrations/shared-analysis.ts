import type { ResourceValidationArgs } from '@pulumi/policy';
import { policyConfigOf } from './policy-config';
import type { ResourceAnalysis } from './resource-analysis';
import { analyzeResource } from './resource-analysis';

/** An analysis under way, and once it is done, its result, which the policies after the first of a request use at once. */
export interface SharedAnalysis {
  /** The analysis; `undefined` for a resource that is not a workload. */
  readonly analysis: Promise<ResourceAnalysis | undefined>;
  /** Set when `analysis` has resolved, with its value. */
  readonly done?: { readonly analysis: ResourceAnalysis | undefined };
}

/** An analysis of a request, of the resource `urn` under the policy config whose key is `configKey`. */
interface KeyedAnalysis {
  readonly urn: string;
  readonly configKey: string;
  readonly shared: SharedAnalysis;
}

/** A request being analyzed: its analyses by URN and policy config (policies may be configured apart). */
interface RequestAnalyses {
  readonly request: object;
  // A list, not a map keyed by the two joined: a request has one URN and most often one config,
  // and the strings its policies are called with are the same ones (nothing to join and hash).
  readonly analyses: KeyedAnalysis[];
  /** How many of its analyses are under way. */
  pending: number;
}

/**
 * How many requests keep their analyses once done. The policies of one request run one after
 * another, without waiting for anything once its analysis is done, so one would do; a request
 * whose analysis waits for a registry keeps it until it is done, whatever the requests started
 * meanwhile. Kept no longer than that, an analysis dies young: kept by a WeakMap keyed by the
 * request, it cost about 20 µs of garbage collection per resource (measured, bench/policy-pack.ts).
 */
const REQUESTS_KEPT = 4;
const recentRequests: RequestAnalyses[] = [];

function requestAnalyses(request: object): RequestAnalyses {
  for (let index = recentRequests.length - 1; index >= 0; index--) {
    if (recentRequests[index].request === request) return recentRequests[index];
  }
  const entry: RequestAnalyses = { request, analyses: [], pending: 0 };
  if (recentRequests.push(entry) > REQUESTS_KEPT) {
    // The oldest request whose analyses are all done makes room.
    const done = recentRequests.findIndex((candidate) => candidate.pending === 0);
    if (done !== -1 && done < recentRequests.length - 1) recentRequests.splice(done, 1);
  }
  return entry;
}

/**
 * The analysis of the resource a policy is called for, run once for all the policies of the
 * pack that @pulumi/policy calls on one `Analyze` request (with the same config), and never
 * shared between requests: the engine may analyze a URN again with other properties (preview,
 * then update). The analysis is a pure function of the properties and the config, and every
 * policy of one request is handed the same properties.
 */
export function sharedAnalysis(args: ResourceValidationArgs): SharedAnalysis {
  const config = policyConfigOf(args);
  const request = analyzeRequestOf(args);
  if (request === undefined) return { analysis: analyzeResource(args.type, args.props, config) };
  const entry = requestAnalyses(request);
  const { urn } = args;
  let shared = entry.analyses.find((keyed) => keyed.urn === urn && keyed.configKey === config.key)?.shared;
  if (shared === undefined) {
    const analysis = analyzeResource(args.type, args.props, config);
    const started: { analysis: typeof analysis; done?: SharedAnalysis['done'] } = { analysis };
    entry.pending++;
    analysis.then(
      (value) => {
        started.done = { analysis: value };
        entry.pending--;
      },
      // A rejection (a config that is not valid) is each policy's to report, through `analysis`.
      () => entry.pending--,
    );
    entry.analyses.push({ urn, configKey: config.key, shared: (shared = started) });
  }
  return shared;
}

/**
 * What tells one `Analyze` request from another, seen from a policy. @pulumi/policy (server.js,
 * `makeAnalyzeRpcFun`) calls each policy with arguments of its own: `props` deserialized anew
 * from the request (about 80 µs for a Deployment, per policy) behind a new proxy, a new `args`
 * and a new `opts`, so that no policy sees what another changed. What `opts.aliases` holds is
 * the request's own list (`req.getOptions().getAliasesList()`, which google-protobuf answers
 * with the array the decoded message keeps): the same array for every policy of one request,
 * another for every request. A caller that builds the arguments itself gets an analysis per call
 * without such a list, and one per URN and config for the calls it hands the same list.
 */
function analyzeRequestOf(args: ResourceValidationArgs): object | undefined {
  const aliases: unknown = args.opts?.aliases;
  return Array.isArray(aliases) ? aliases : undefined;
}
