/**
 * A client of the OCI distribution API (GET manifests and blobs), enough to read an image's
 * config and layers: bearer-token challenges (Docker Hub, registry.k8s.io, quay.io, ghcr.io
 * style) and Basic auth with the user's credentials, mirrors tried before the registry, TLS with
 * the system CAs plus `NODE_EXTRA_CA_CERTS` (plain HTTP only for hosts named), redirects to blob
 * storage, a timeout on every request and a size limit on every body.
 * Hand-written over node:http(s): the npm registry clients either pull whole layers to disk or
 * bring a Docker client; this reads a blob as a stream that the caller verifies and drops.
 */
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { Credentials, CredentialSources } from './credentials';
import { credentialsFor } from './credentials';
import type { ImageName } from './image-name';
import { apiHostOf } from './image-name';

/** How the client reaches registries. */
export interface RegistryClientOptions {
  /**
   * Mirrors to try, in order, before a registry itself: `{ "docker.io": ["mirror.example:5000"] }`.
   * A mirror serves the same repository paths (`library/nginx`).
   * @default no mirror
   */
  readonly mirrors?: Readonly<Record<string, readonly string[]>>;
  /**
   * Registries and mirrors (`host[:port]`) reached over plain HTTP; every other one over HTTPS.
   * @default none
   */
  readonly plainHttp?: readonly string[];
  /**
   * Seconds a request may wait for the next byte before it fails.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Certificate authorities (PEM) to trust besides the system's and `NODE_EXTRA_CA_CERTS`.
   * @default none
   */
  readonly ca?: string;
  /**
   * Where credentials are looked up.
   * @default the process environment's files and helpers
   */
  readonly credentials?: CredentialSources;
}

/** A registry answer that is not the content asked for, naming the registry and the cause. */
export class RegistryError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when there was one. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A manifest as served, with the host that served it. */
export interface FetchedManifest {
  /** Its bytes, exactly as served (their digest is the manifest's digest). */
  readonly bytes: Buffer;
  /** Its media type, from the body or the Content-Type. */
  readonly mediaType: string;
  /** The host (registry or mirror) that served it: the blobs come from there too. */
  readonly host: string;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** Manifests and tokens larger than this are refused: no real one is. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const USER_AGENT = 'k8s-least-privilege';

interface Challenge {
  readonly scheme: string;
  readonly params: Record<string, string>;
}

/** Reads manifests and blobs from registries, keeping one authorization per registry and repository. */
export class RegistryClient {
  private readonly authorizations = new Map<string, string>();
  private readonly timeoutMs: number;

  /** @param options mirrors, plain-HTTP hosts, credentials, timeouts and limits; each with its default when absent */
  constructor(private readonly options: RegistryClientOptions = {}) {
    this.timeoutMs = (options.timeoutSeconds ?? 30) * 1000;
  }

  /**
   * Fetches a manifest or index by tag or digest, from the first mirror that has it, else the
   * registry. @throws RegistryError naming every host tried and why each failed
   */
  async manifest(name: ImageName, reference: string): Promise<FetchedManifest> {
    const failures: string[] = [];
    for (const host of [...(this.options.mirrors?.[name.registry] ?? []), name.registry]) {
      try {
        const response = await this.get(host, name.repository, `manifests/${reference}`, MANIFEST_TYPES);
        const bytes = await readBody(response, MAX_METADATA_BYTES, `the manifest of ${name.text}`);
        return { bytes, mediaType: mediaTypeOf(bytes, response), host };
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        failures.push(host === name.registry ? error.message : `mirror ${error.message}`);
      }
    }
    throw new RegistryError(failures.join('; '));
  }

  /** Streams a blob from `host`; the caller verifies its digest. @throws RegistryError */
  async blob(host: string, name: ImageName, digest: string): Promise<IncomingMessage> {
    return this.get(host, name.repository, `blobs/${digest}`, '*/*');
  }

  /** GET /v2/REPOSITORY/PATH, answering an auth challenge once and following redirects. */
  private async get(host: string, repository: string, path: string, accept: string): Promise<IncomingMessage> {
    const key = `${host}/${repository}`;
    const url = new URL(`${this.schemeOf(host)}://${apiHostOf(host)}/v2/${repository}/${path}`);
    let response = await this.follow(url, accept, this.authorizations.get(key));
    if (response.statusCode === 401) {
      const challenge = parseChallenge(response.headers['www-authenticate']);
      response.resume();
      const credentials = credentialsFor(host, this.options.credentials);
      const authorization = await this.authorize(host, repository, challenge, credentials);
      this.authorizations.set(key, authorization);
      response = await this.follow(url, accept, authorization);
      if (response.statusCode === 401) {
        response.resume();
        throw new RegistryError(`${host}: 401 Unauthorized: ${credentials === undefined ? needsCredentials(host) : `the credentials from ${credentials.source} were refused`}`, 401);
      }
    }
    if (response.statusCode !== 200) {
      const status = response.statusCode ?? 0;
      const detail = await errorDetail(response);
      throw new RegistryError(`${host}: ${status} ${statusText(status)} for ${repository}/${path}${detail}`, status);
    }
    return response;
  }

  /** The Authorization header a challenge asks for. @throws RegistryError */
  private async authorize(host: string, repository: string, challenge: Challenge | undefined, credentials: Credentials | undefined): Promise<string> {
    const basic = credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    if (challenge?.scheme === 'basic') {
      if (basic === undefined) throw new RegistryError(`${host}: 401 Unauthorized: ${needsCredentials(host)}`, 401);
      return basic;
    }
    if (challenge?.scheme !== 'bearer' || challenge.params.realm === undefined) {
      throw new RegistryError(`${host}: 401 Unauthorized without a Bearer or Basic challenge it can answer`, 401);
    }
    const realm = new URL(challenge.params.realm);
    if (challenge.params.service !== undefined) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope ?? `repository:${repository}:pull`);
    const response = await this.follow(realm, 'application/json', basic);
    if (response.statusCode !== 200) {
      response.resume();
      const why = credentials === undefined ? needsCredentials(host) : `the credentials from ${credentials.source} were refused`;
      throw new RegistryError(`${host}: the token service ${realm.host} answered ${response.statusCode}: ${why}`, response.statusCode);
    }
    const body = await readBody(response, MAX_METADATA_BYTES, `the token from ${realm.host}`);
    let token: unknown;
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') throw new RegistryError(`${host}: the token service ${realm.host} gave no token`);
    return `Bearer ${token}`;
  }

  /** One GET, following redirects; the Authorization header goes only to the host it was made for. */
  private async follow(url: URL, accept: string, authorization: string | undefined): Promise<IncomingMessage> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const sameHost = current.host === url.host;
      const response = await this.send(current, { 'Accept': accept, 'User-Agent': USER_AGENT, ...(authorization !== undefined && sameHost ? { Authorization: authorization } : {}) });
      const location = response.headers.location;
      if (response.statusCode === undefined || response.statusCode < 300 || response.statusCode >= 400 || location === undefined) return response;
      response.resume();
      if (hop >= MAX_REDIRECTS) throw new RegistryError(`${url.host}: more than ${MAX_REDIRECTS} redirects for ${url.pathname}`);
      current = new URL(location, current);
    }
  }

  private send(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const options = { method: 'GET', headers, ...(this.options.ca === undefined ? {} : { ca: this.options.ca }) };
      let response: IncomingMessage | undefined;
      const received = (message: IncomingMessage) => resolve((response = message));
      const request = url.protocol === 'http:' ? httpRequest(url, options, received) : httpsRequest(url, options, received);
      // The socket's idle time, before the headers and while the body streams: the body fails with the same cause.
      request.setTimeout(this.timeoutMs, () => {
        const timedOut = new RegistryError(`${url.host}: no answer within ${this.timeoutMs / 1000} s`);
        response?.destroy(timedOut);
        request.destroy(timedOut);
      });
      request.on('error', (error) => reject(error instanceof RegistryError ? error : new RegistryError(`${url.host}: ${networkProblem(error)}`)));
      request.end();
    });
  }

  private schemeOf(host: string): 'http' | 'https' {
    return this.options.plainHttp?.includes(host) ? 'http' : 'https';
  }
}

/** Reads a whole body, refusing more than `max` bytes. @throws RegistryError */
export async function readBody(response: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response) {
      length += (chunk as Buffer).length;
      if (length > max) {
        response.destroy();
        throw new RegistryError(`${what} is larger than ${max} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(`${what} was cut off: ${networkProblem(error as Error)}`);
  }
  return Buffer.concat(chunks);
}

function mediaTypeOf(bytes: Buffer, response: IncomingMessage): string {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    // Not JSON: the caller reports it when it parses the manifest.
  }
  return (response.headers['content-type'] ?? '').split(';')[0].trim();
}

/** `Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params, quoted or not). */
function parseChallenge(header: string | undefined): Challenge | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  for (const param of match[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[param[1].toLowerCase()] = param[2] === undefined ? param[3] : param[2].replace(/\\(.)/g, '$1');
  }
  return { scheme: match[1].toLowerCase(), params };
}

function needsCredentials(host: string): string {
  return `the registry needs credentials: log in (docker login ${host} or podman login ${host}), or add them to ~/.docker/config.json or REGISTRY_AUTH_FILE`;
}

async function errorDetail(response: IncomingMessage): Promise<string> {
  try {
    const body = await readBody(response, 64 * 1024, 'the error');
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    return first === undefined ? '' : ` (${String(first.code ?? '')}: ${String(first.message ?? '').slice(0, 200)})`;
  } catch {
    return '';
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return texts[status] ?? '';
}

function networkProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no DNS answer for the host (offline? use --image-facts offline, or a mirror)';
    case 'ECONNREFUSED':
      return 'connection refused (is the registry up?)';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `its TLS certificate is not trusted (${code}): add its CA with NODE_EXTRA_CA_CERTS`;
    default:
      return error.message;
  }
}
