/**
 * Real OCI registries for the tests, on 127.0.0.1: CNCF distribution's `docker-registry`
 * (optionally over TLS with a CA made here, behind htpasswd Basic auth or behind bearer tokens
 * from a token issuer that runs in this process), images pushed into it by skopeo, and a fault
 * proxy that forwards to a registry while logging every request and injecting the failures a
 * registry client must survive (error statuses, cut or corrupted bodies, slow answers, hostile
 * bytes). The binaries come from test/registry/setup.sh (`npm run test:prepare`).
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { X509Certificate, createPrivateKey, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { STATUS_CODES, createServer, get as httpGet, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Platform } from '../image/image-builder';
import { buildLayer, writeBlob, writeOciLayout } from '../image/image-builder';

/** test/.work/registry: the storage, certificates and config of every registry the tests start. */
const REGISTRY_WORK_DIR = join(__dirname, '..', '.work', 'registry');

/** The media type of an OCI image index. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** How to start a registry. */
export interface RegistryOptions {
  /** Serve HTTPS with a server certificate (127.0.0.1, localhost) from a CA made for this registry. */
  readonly tls?: boolean;
  /** `htpasswd`: Basic auth with the harness's user; `token`: bearer tokens from the harness's issuer. @default 'none' */
  readonly auth?: 'none' | 'htpasswd' | 'token';
  /** With `auth: 'token'`: anonymous token requests get pull-only tokens (else 401). @default true */
  readonly anonymousPull?: boolean;
}

/** How to push an image. */
export interface PushOptions {
  /** Copy a whole image index with every image it lists (`skopeo copy --all`). */
  readonly all?: boolean;
}

/** A running registry. */
export interface Registry {
  /** `127.0.0.1:PORT`, as image references name it. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** With `tls`: the CA certificate's file, alone in its directory (which suits skopeo's `--cert-dir`). */
  readonly caFile?: string;
  /** With `tls`: the CA certificate (PEM), e.g. for Node's `ca` option. */
  readonly ca?: string;
  /** With `auth` htpasswd or token: the user the registry (or its token issuer) accepts. */
  readonly username?: string;
  /** With `auth` htpasswd or token: that user's password (random per registry). */
  readonly password?: string;
  /** With `auth: 'token'`: every request the token issuer received, in order. */
  readonly tokenRequests?: TokenRequest[];
  /** Pushes an image with skopeo: `source` is a skopeo reference (`oci-archive:FILE[:tag]`, `oci:DIR:tag`), or an OCI archive's path. */
  push(source: string, repoAndTag: string, options?: PushOptions): Promise<void>;
  /** The registry's recent output (its log), to explain a refusal. */
  log(): string;
  /** Kills the registry, stops its token issuer and removes its storage. */
  stop(): Promise<void>;
}

/** One `repository:NAME:ACTIONS` grant of a token. */
export interface Access {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** A request the token issuer received, and how it answered. */
export interface TokenRequest {
  readonly method: string;
  /** The path and query, e.g. `/token?service=…&scope=repository:app:pull`. */
  readonly url: string;
  readonly service: string | null;
  readonly scopes: readonly string[];
  /** The Basic user, when the request carried credentials (valid or not). */
  readonly username?: string;
  readonly status: number;
  /** What the token grants; empty when the request was refused. */
  readonly access: readonly Access[];
}

/** The `service` (token audience) and `issuer` the registries trust. */
export const TOKEN_SERVICE = 'test-registry';
const TOKEN_ISSUER = 'test-token-issuer';
const USERNAME = 'tester';
const START_TIMEOUT_MS = 15_000;
const POLL_MS = 25;
const LOG_LIMIT = 64 * 1024;

const execFileAsync = promisify(execFile);
const running = new Set<ChildProcess>();
/** A test process that ends without stopping its registries kills them (setpriv --pdeathsig covers a killed one). */
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
let counter = 0;

/** Starts `docker-registry serve` on a free port of 127.0.0.1 and waits until it answers `GET /v2/`. */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  requireCommand('docker-registry');
  requireCommand('setpriv');
  const auth = options.auth ?? 'none';
  const work = join(REGISTRY_WORK_DIR, `${process.pid}-${counter++}-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(work, 'storage'), { recursive: true });
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(work, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const tls = options.tls ? await makeTls(work) : undefined;
    const password = auth === 'none' ? undefined : randomBytes(12).toString('hex');
    const credentials = password === undefined ? undefined : { username: USERNAME, password };
    const issuer = auth === 'token' ? await startTokenIssuer(work, tls, credentials!, options.anonymousPull ?? true) : undefined;
    if (issuer) cleanups.push(() => closeServer(issuer.server));
    const authConfig = auth === 'htpasswd' ? await htpasswdConfig(work, credentials!) : issuer?.config;
    const registry = await spawnRegistry(work, { tls, auth: authConfig });
    cleanups.push(registry.kill);
    return {
      host: registry.host,
      url: `${tls ? 'https' : 'http'}://${registry.host}`,
      caFile: tls?.caFile,
      ca: tls?.ca,
      ...credentials,
      tokenRequests: issuer?.requests,
      push: (source, repoAndTag, pushOptions = {}) =>
        explainedBy(registry.log, push(registry.host, source, repoAndTag, { ...pushOptions, certDir: tls?.certDir, credentials })),
      log: registry.log,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The registry's TLS material: a CA and a server certificate for 127.0.0.1 and localhost it signed. */
interface Tls {
  readonly caFile: string;
  readonly ca: string;
  readonly certDir: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** openssl's arguments for a new P-256 key, unencrypted. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeTls(work: string): Promise<Tls> {
  const certDir = join(work, 'ca');
  const secret = join(work, 'tls');
  mkdirSync(certDir);
  mkdirSync(secret);
  const caFile = join(certDir, 'ca.crt');
  const caKey = join(secret, 'ca.key');
  await selfSignedCertificate(caKey, caFile, '/CN=k8s-least-privilege test registry CA');
  const certFile = join(secret, 'server.pem');
  const keyFile = join(secret, 'server.key');
  await run('openssl', [
    'req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-CA', caFile, '-CAkey', caKey,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  return { caFile, ca: readFileSync(caFile, 'utf8'), certDir, certFile, keyFile };
}

async function selfSignedCertificate(keyFile: string, certFile: string, subject: string): Promise<void> {
  await run('openssl', ['req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', subject]);
}

/** A user and password. */
interface Credentials {
  readonly username: string;
  readonly password: string;
}

async function htpasswdConfig(work: string, credentials: Credentials): Promise<object> {
  const path = join(work, 'htpasswd');
  await run('htpasswd', ['-B', '-b', '-c', path, credentials.username, credentials.password]);
  return { htpasswd: { realm: 'test-registry', path } };
}

/** A running `docker-registry` process. */
interface RegistryProcess {
  readonly host: string;
  log(): string;
  /** SIGKILL, resolved once the process has exited. */
  kill(): Promise<void>;
}

/** Writes the registry's config and starts it; retries on another port if the chosen one was taken meanwhile. */
async function spawnRegistry(work: string, settings: { tls?: Tls; auth?: object }): Promise<RegistryProcess> {
  for (let attempt = 1; ; attempt++) {
    const host = `127.0.0.1:${await freePort()}`;
    const configFile = join(work, 'config.yml');
    writeFileSync(configFile, JSON.stringify(registryConfig(work, host, settings), undefined, 2));
    // setpriv --pdeathsig: the kernel kills the registry if this process dies without stopping it.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'docker-registry', 'serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    running.add(child);
    void exited.then(() => running.delete(child));
    const log = captureOutput(child);
    const kill = async (): Promise<void> => {
      child.kill('SIGKILL');
      await exited;
    };
    try {
      await waitUntilReady(child, `${settings.tls ? 'https' : 'http'}://${host}/v2/`, settings.tls?.ca, log);
      return { host, log, kill };
    } catch (error) {
      await kill();
      if (attempt < 3 && log().includes('address already in use')) continue;
      throw error;
    }
  }
}

/** The registry's configuration (YAML, written as JSON, which YAML includes). */
function registryConfig(work: string, host: string, settings: { tls?: Tls; auth?: object }): object {
  return {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(work, 'storage') },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: host,
      secret: randomBytes(16).toString('hex'),
      ...(settings.tls ? { tls: { certificate: settings.tls.certFile, key: settings.tls.keyFile } } : {}),
    },
    ...(settings.auth ? { auth: settings.auth } : {}),
  };
}

/** Keeps the last LOG_LIMIT characters a child wrote to stdout and stderr. */
function captureOutput(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return () => output;
}

async function waitUntilReady(child: ChildProcess, url: string, ca: string | undefined, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before it answered GET ${url}:\n${log()}`);
    }
    const status = await probe(url, ca);
    if (status === 200 || status === 401) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer GET ${url} within ${START_TIMEOUT_MS} ms:\n${log()}`);
    await sleep(POLL_MS);
  }
}

/** The status of a GET, or undefined when the connection failed. */
function probe(url: string, ca: string | undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onResponse = (response: IncomingMessage): void => {
      response.resume();
      resolve(response.statusCode);
    };
    const request = url.startsWith('https:') ? httpsGet(url, { ca, timeout: 1000 }, onResponse) : httpGet(url, { timeout: 1000 }, onResponse);
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** A port of 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Pushes an image into the registry at `host` with `skopeo copy`. */
async function push(
  host: string,
  source: string,
  repoAndTag: string,
  options: PushOptions & { certDir?: string; credentials?: Credentials },
): Promise<void> {
  await run('skopeo', [
    '--insecure-policy', 'copy', '--quiet',
    ...(options.all ? ['--all'] : []),
    ...(options.certDir ? ['--dest-cert-dir', options.certDir] : ['--dest-tls-verify=false']),
    ...(options.credentials ? ['--dest-creds', `${options.credentials.username}:${options.credentials.password}`] : []),
    /^[a-z-]+:/.test(source) ? source : `oci-archive:${source}`,
    `docker://${host}/${repoAndTag}`,
  ]);
}

/** Adds the end of the registry's log (why it refused, e.g. "token intended for another audience") to a failure. */
async function explainedBy(log: () => string, action: Promise<void>): Promise<void> {
  try {
    await action;
  } catch (error) {
    const tail = log().trimEnd().split('\n').slice(-10).join('\n');
    throw new Error(`${(error as Error).message}\ndocker-registry's log ends with:\n${tail}`);
  }
}

/** The token issuer: a Docker token server (distribution's docs/spec/auth/token.md) for one registry. */
interface TokenIssuer {
  readonly server: Server;
  readonly requests: TokenRequest[];
  /** The registry's `auth` config that trusts this issuer. */
  readonly config: object;
}

/** The issuer's signing key and its self-signed certificate (the registry's whole rootcertbundle). */
interface SigningKey {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
}

async function startTokenIssuer(work: string, tls: Tls | undefined, credentials: Credentials, anonymousPull: boolean): Promise<TokenIssuer> {
  const dir = join(work, 'token');
  mkdirSync(dir);
  const keyFile = join(dir, 'signing.key');
  const bundle = join(dir, 'signing.pem');
  await selfSignedCertificate(keyFile, bundle, '/CN=k8s-least-privilege test token issuer');
  const signing = { key: createPrivateKey(readFileSync(keyFile)), certificate: new X509Certificate(readFileSync(bundle)) };
  const requests: TokenRequest[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const token = answerTokenRequest(request, credentials, anonymousPull, signing);
    requests.push(token.record);
    response.writeHead(token.record.status, { 'content-type': 'application/json', ...token.headers }).end(JSON.stringify(token.body));
  };
  const server = tls ? createHttpsServer({ key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) }, handler) : createServer(handler);
  const port = await listen(server);
  const realm = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/token`;
  return { server, requests, config: { token: { realm, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootcertbundle: bundle } } };
}

/** Decides a token request: 401 for wrong credentials (or anonymous ones, unless anonymousPull), else a token for the scopes it may have. */
function answerTokenRequest(
  request: IncomingMessage,
  credentials: Credentials,
  anonymousPull: boolean,
  signing: SigningKey,
): { record: TokenRequest; headers?: Record<string, string>; body: object } {
  const url = new URL(request.url ?? '/', 'http://issuer');
  const service = url.searchParams.get('service');
  const scopes = url.searchParams.getAll('scope').flatMap((scope) => scope.split(' ')).filter((scope) => scope !== '');
  const user = basicCredentials(request.headers.authorization);
  const record = { method: request.method ?? '', url: request.url ?? '', service, scopes, username: user?.username };
  const refuse = (status: number, details: string) => ({
    record: { ...record, status, access: [] },
    headers: status === 401 ? { 'www-authenticate': 'Basic realm="test-token-issuer"' } : undefined,
    body: { details },
  });
  if (request.method !== 'GET') return refuse(405, 'only GET is supported');
  if (service !== TOKEN_SERVICE) return refuse(400, `unknown service ${JSON.stringify(service)}`);
  if (user && !sameCredentials(user, credentials)) return refuse(401, 'wrong user or password');
  if (!user && !anonymousPull) return refuse(401, 'authentication required');
  const access = scopes.map(parseScope).map((scope) => (user ? scope : { ...scope, actions: scope.actions.filter((action) => action === 'pull') }));
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresIn = 300;
  const token = signJwt(signing, {
    iss: TOKEN_ISSUER,
    sub: user?.username ?? '',
    aud: service,
    exp: issuedAt + expiresIn,
    nbf: issuedAt - 1,
    iat: issuedAt,
    jti: randomBytes(16).toString('hex'),
    access,
  });
  return {
    record: { ...record, status: 200, access },
    body: { token, access_token: token, expires_in: expiresIn, issued_at: new Date(issuedAt * 1000).toISOString() },
  };
}

/** `repository:NAME:pull,push` (NAME may hold `/`; the type and the actions are the first and the last part). */
function parseScope(scope: string): Access {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return { type: scope, name: '', actions: [] };
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',').filter((action) => action !== '') };
}

function basicCredentials(authorization: string | undefined): Credentials | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  return colon < 0 ? { username: decoded, password: '' } : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sameCredentials(given: Credentials, expected: Credentials): boolean {
  const a = Buffer.from(`${given.username}:${given.password}`);
  const b = Buffer.from(`${expected.username}:${expected.password}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An ES256 JWT whose header carries the signing certificate in `x5c` (standard base64 DER), as distribution verifies it. */
function signJwt(signing: SigningKey, claims: object): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: [signing.certificate.raw.toString('base64')] };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), { key: signing.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

function base64url(content: string | Buffer): string {
  return Buffer.from(content).toString('base64url');
}

/** A fault the proxy injects into one request. */
export type Fault =
  /** Answer with this status (and a registry-style error body) instead of forwarding. */
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Forward, but send only this many body bytes of the registry's answer (its Content-Length unchanged), then close. */
  | { readonly truncate: number }
  /** Forward, but send only this many body bytes, then hold the connection open and silent (a registry that stalls mid-body). */
  | { readonly stall: number }
  /** Forward, flipping the first byte of the body (same length, another digest). */
  | { readonly corrupt: true }
  /** Wait this long before forwarding (a large value: a registry that hangs before its headers). */
  | { readonly delayMs: number }
  /** Answer with these bytes instead of forwarding, e.g. a hostile manifest. */
  | { readonly body: string | Buffer; readonly contentType: string; readonly status?: number; readonly headers?: Readonly<Record<string, string>> };

/** Chooses the fault of a request, if any. */
export type FaultRule = (request: IncomingMessage) => Fault | undefined;

/** A request the fault proxy received. */
export interface ProxiedRequest {
  readonly method: string;
  /** The path and query. */
  readonly path: string;
  /** The status answered; 0 until the answer's headers are sent. */
  status: number;
  readonly fault?: Fault;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: ProxiedRequest[];
  /** The fault rule; replace it at any time (undefined: forward everything untouched). */
  fault: FaultRule | undefined;
  /** Closes the proxy and every connection, including the ones a delay holds. */
  stop(): Promise<void>;
}

/** Starts a plain-HTTP proxy on 127.0.0.1 that forwards to the `upstream` registry (an http URL) and injects faults. */
export async function startFaultProxy(upstream: string, options: { fault?: FaultRule } = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  if (target.protocol !== 'http:') throw new Error(`the fault proxy forwards to http registries only, not ${upstream}`);
  const stopping = new AbortController();
  const requests: ProxiedRequest[] = [];
  const server = createServer((request, response) => {
    const fault = proxy.fault?.(request);
    const entry: ProxiedRequest = { method: request.method ?? '', path: request.url ?? '', status: 0, ...(fault ? { fault } : {}) };
    requests.push(entry);
    void handle(request, response, target, entry, stopping.signal);
  });
  const port = await listen(server);
  const proxy: FaultProxy = {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: options.fault,
    stop: async () => {
      stopping.abort();
      await closeServer(server);
    },
  };
  return proxy;
}

async function handle(request: IncomingMessage, response: ServerResponse, target: URL, entry: ProxiedRequest, stopping: AbortSignal): Promise<void> {
  const fault = entry.fault;
  if (fault && 'delayMs' in fault) {
    const waited = await sleep(fault.delayMs, true, { signal: stopping }).catch(() => false);
    if (!waited) return;
  }
  if (fault && 'body' in fault) {
    const body = Buffer.from(fault.body);
    answerFault(response, entry, fault.status ?? 200, { ...fault.headers, 'content-type': fault.contentType, 'content-length': String(body.length) }, body);
  } else if (fault && 'status' in fault) {
    const code = (STATUS_CODES[fault.status] ?? 'ERROR').toUpperCase().replace(/\W+/g, '_');
    const body = Buffer.from(JSON.stringify({ errors: [{ code, message: `fault proxy: injected ${fault.status}` }] }));
    answerFault(response, entry, fault.status, { ...fault.headers, 'content-type': 'application/json', 'content-length': String(body.length) }, body);
  } else {
    forward(request, response, target, entry);
  }
}

function answerFault(response: ServerResponse, entry: ProxiedRequest, status: number, headers: Record<string, string>, body: Buffer): void {
  entry.status = status;
  response.writeHead(status, headers).end(body);
}

function forward(request: IncomingMessage, response: ServerResponse, target: URL, entry: ProxiedRequest): void {
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
    (upstreamResponse) => {
      entry.status = upstreamResponse.statusCode ?? 502;
      response.writeHead(entry.status, upstreamResponse.headers);
      relayBody(upstreamResponse, response, entry.fault);
    },
  );
  upstream.on('error', (error) => {
    if (response.headersSent) response.destroy();
    else answerFault(response, entry, 502, { 'content-type': 'text/plain' }, Buffer.from(`fault proxy: ${error.message}`));
  });
  request.pipe(upstream);
}

/** Copies the registry's body to the client, corrupting its first byte or cutting it after `truncate` bytes as the fault says. */
function relayBody(from: IncomingMessage, to: ServerResponse, fault: Fault | undefined): void {
  const limit = fault && 'truncate' in fault ? fault.truncate : fault && 'stall' in fault ? fault.stall : Infinity;
  const stall = fault !== undefined && 'stall' in fault;
  let sent = 0;
  from.on('data', (chunk: Buffer) => {
    const part = Buffer.from(chunk.subarray(0, Math.max(0, limit - sent)));
    if (fault && 'corrupt' in fault && sent === 0 && part.length > 0) part[0] ^= 0xff;
    sent += part.length;
    if (sent < limit) {
      to.write(part);
    } else {
      from.destroy();
      // A stall keeps the connection: the client must give up by itself (the proxy's stop closes it).
      to.write(part, () => (stall ? undefined : to.destroy()));
    }
  });
  from.on('end', () => (stall ? undefined : to.end()));
}

/** An OCI layout holding a two-platform image index, and what it holds. */
export interface IndexLayout {
  /** The skopeo reference of the index: `oci:DIR:TAG`. */
  readonly reference: string;
  /** The index's digest (skopeo --all pushes it unchanged). */
  readonly digest: string;
  /** The index's platform manifests. */
  readonly manifests: ReadonlyArray<{ readonly digest: string; readonly platform: Platform }>;
}

/** The platforms of makeIndexLayout's index. */
export const INDEX_PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
];

/**
 * Builds an OCI layout (under test/.work/image/NAME) whose tag points at an image index of a
 * linux/amd64 and a linux/arm64 image, each with its own config and a layer naming its platform.
 */
export function makeIndexLayout(name: string, tag = 'latest'): IndexLayout {
  const layout = writeOciLayout(name, INDEX_PLATFORMS.map((platform) => ({
    platform,
    config: { Env: [`PLATFORM=${platform.os}/${platform.architecture}`], Entrypoint: ['/bin/sh'] },
    layers: [buildLayer({ files: [{ path: 'etc/platform', content: `${platform.os}/${platform.architecture}\n` }] })],
  })));
  const manifests: Array<{ digest: string; platform: Platform }> = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests;
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  const digest = writeBlob(layout, index);
  writeFileSync(join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: OCI_INDEX, digest, size: index.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { reference: `oci:${layout}:${tag}`, digest, manifests: manifests.map(({ digest: manifest, platform }) => ({ digest: manifest, platform })) };
}

/** Listens on a free port of 127.0.0.1; returns it. */
async function listen(server: NetServer): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}

/** Fails with how to install `command` when it is not on PATH. */
function requireCommand(command: string): void {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error(`${command} is not installed: run npm run test:prepare (test/registry/setup.sh)`);
}

/** Runs a command; fails with its stderr. */
async function run(command: string, args: readonly string[]): Promise<void> {
  requireCommand(command);
  try {
    await execFileAsync(command, args, { timeout: 60_000, maxBuffer: 16 << 20 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr?.trim() || message}`);
  }
}
