/**
 * Tests of the registry harness itself, against the real processes: docker-registry (plain,
 * TLS, htpasswd, bearer tokens from the in-process issuer), skopeo pushes (one image, a
 * two-platform index with --all) and the fault proxy's faults.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { FaultProxy, Registry } from './registry';
import { INDEX_PLATFORMS, makeIndexLayout, OCI_INDEX, startFaultProxy, startRegistry, TOKEN_SERVICE } from './registry';
import { buildLayer, sha256, tarDirectory, writeOciLayout } from '../image/image-builder';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** An answer, read to its end or to where the connection was cut. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** False when the connection closed before the whole body came. */
  readonly complete: boolean;
}

/** A GET (or another method) with Node's own client; `ca` trusts a registry's CA. */
function fetchRaw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; ca?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, timeout: options.timeoutMs ?? 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => undefined);
      response.on('close', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), complete: response.complete }));
    });
    request.on('timeout', () => request.destroy(new Error(`timeout after ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end();
  });
}

function json(answer: Answer): any {
  return JSON.parse(answer.body.toString());
}

function basic(registry: Registry, password = registry.password): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${registry.username}:${password}`).toString('base64')}` };
}

/** The parameters of a `WWW-Authenticate: Bearer k="v",…` challenge. */
function bearerChallenge(header: string | undefined): Record<string, string> {
  expect(header).toMatch(/^Bearer /);
  return Object.fromEntries([...header!.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
}

function jwtPart(token: string, index: 0 | 1): any {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString());
}

/** One image (a config and a small layer), tagged v1, as an OCI archive. */
const image = (() => {
  const layout = writeOciLayout('registry-harness', [{ config: { Entrypoint: ['/bin/sh'] }, layers: [buildLayer({ files: [{ path: 'etc/hello', content: 'hello\n' }] })], tag: 'v1' }]);
  const manifestDigest: string = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests[0].digest;
  const manifest = JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', manifestDigest.slice('sha256:'.length)), 'utf8'));
  return { archive: tarDirectory(layout, `${layout}.tar`), manifestDigest, configDigest: manifest.config.digest as string };
})();

const registries: Registry[] = [];
afterAll(async () => {
  await Promise.all(registries.map((registry) => registry.stop()));
});

async function started(options: Parameters<typeof startRegistry>[0] = {}): Promise<Registry> {
  const registry = await startRegistry(options);
  registries.push(registry);
  return registry;
}

describe('an anonymous registry', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await started();
    await registry.push(image.archive, 'app:v1');
  });

  test('lists the tag skopeo pushed', async () => {
    expect(registry.url).toBe(`http://${registry.host}`);
    const tags = await fetchRaw(`${registry.url}/v2/app/tags/list`);
    expect(tags.status).toBe(200);
    expect(json(tags)).toEqual({ name: 'app', tags: ['v1'] });
  });

  test('serves the OCI manifest, unchanged, to a client that accepts OCI manifests only', async () => {
    const oci = await fetchRaw(`${registry.url}/v2/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(oci.status).toBe(200);
    expect(oci.headers['content-type']).toBe(OCI_MANIFEST);
    expect(oci.headers['docker-content-digest']).toBe(image.manifestDigest);
    expect(sha256(oci.body)).toBe(image.manifestDigest);
    const dockerOnly = await fetchRaw(`${registry.url}/v2/app/manifests/v1`, { headers: { accept: DOCKER_MANIFEST } });
    expect(dockerOnly.status).toBe(404);
  });

  test('a missing binary fails with how to install it, without starting anything', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRegistry()).rejects.toThrow('docker-registry is not installed: run npm run test:prepare');
      await expect(registry.push(image.archive, 'app:v2')).rejects.toThrow('skopeo is not installed: run npm run test:prepare');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('a TLS registry', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await started({ tls: true });
  });

  test('serves HTTPS with a certificate of its CA, which skopeo trusts through --dest-cert-dir', async () => {
    expect(registry.url).toBe(`https://${registry.host}`);
    expect(registry.ca).toContain('BEGIN CERTIFICATE');
    expect(readFileSync(registry.caFile!, 'utf8')).toBe(registry.ca);
    await registry.push(`oci-archive:${image.archive}:v1`, 'secure/app:v1');
    const manifest = await fetchRaw(`${registry.url}/v2/secure/app/manifests/v1`, { ca: registry.ca, headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(image.manifestDigest);
  });

  test('with token auth, the issuer serves HTTPS with the same CA', async () => {
    const secure = await started({ tls: true, auth: 'token' });
    await secure.push(image.archive, 'secure/app:v1');
    const realm = bearerChallenge((await fetchRaw(`${secure.url}/v2/`, { ca: secure.ca })).headers['www-authenticate']).realm;
    expect(realm).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/token$/);
    expect(secure.tokenRequests!.at(-1)).toMatchObject({ username: secure.username, status: 200 });
  });

  test('is not trusted without its CA', async () => {
    await expect(fetchRaw(`${registry.url}/v2/`)).rejects.toThrow(/self[- ]signed certificate|unable to verify/);
  });
});

describe('an htpasswd registry', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await started({ auth: 'htpasswd' });
  });

  test('asks for Basic credentials and accepts only the right ones', async () => {
    const anonymous = await fetchRaw(`${registry.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="test-registry"/);
    expect((await fetchRaw(`${registry.url}/v2/`, { headers: basic(registry, 'wrong') })).status).toBe(401);
    expect((await fetchRaw(`${registry.url}/v2/`, { headers: basic(registry) })).status).toBe(200);
  });

  test('skopeo pushes with the credentials', async () => {
    await registry.push(image.archive, 'private/app:v1');
    const tags = await fetchRaw(`${registry.url}/v2/private/app/tags/list`, { headers: basic(registry) });
    expect(json(tags)).toEqual({ name: 'private/app', tags: ['v1'] });
  });
});

describe('a token registry', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await started({ auth: 'token' });
    await registry.push(image.archive, 'team/app:v1');
  });

  test('skopeo got a push token from the issuer with the credentials', () => {
    const pushes = registry.tokenRequests!.filter((request) => request.scopes.includes('repository:team/app:pull,push'));
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes[0]).toMatchObject({ method: 'GET', service: TOKEN_SERVICE, username: registry.username, status: 200 });
    expect(pushes[0].access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }]);
  });

  test('challenges, issues a signed token for the challenge, and accepts it', async () => {
    const manifestUrl = `${registry.url}/v2/team/app/manifests/v1`;
    const challenged = await fetchRaw(manifestUrl, { headers: { accept: OCI_MANIFEST } });
    expect(challenged.status).toBe(401);
    const challenge = bearerChallenge(challenged.headers['www-authenticate']);
    expect(challenge).toEqual({ realm: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/token$/), service: TOKEN_SERVICE, scope: 'repository:team/app:pull' });

    const before = registry.tokenRequests!.length;
    const issued = await fetchRaw(`${challenge.realm}?service=${challenge.service}&scope=${challenge.scope}`, { headers: basic(registry) });
    expect(issued.status).toBe(200);
    const { token, access_token: accessToken, expires_in: expiresIn, issued_at: issuedAt } = json(issued);
    expect(accessToken).toBe(token);
    expect(expiresIn).toBeGreaterThan(0);
    expect(Date.parse(issuedAt)).toBeLessThanOrEqual(Date.now());
    expect(jwtPart(token, 0)).toMatchObject({ alg: 'ES256', x5c: [expect.any(String)] });
    expect(jwtPart(token, 1)).toMatchObject({
      aud: TOKEN_SERVICE,
      sub: registry.username,
      access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }],
    });
    expect(registry.tokenRequests!.slice(before)).toEqual([
      expect.objectContaining({ scopes: ['repository:team/app:pull'], username: registry.username, status: 200 }),
    ]);

    const manifest = await fetchRaw(manifestUrl, { headers: { accept: OCI_MANIFEST, authorization: `Bearer ${token}` } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(image.manifestDigest);
  });

  test('gives anonymous clients pull-only tokens, which the registry refuses for a push', async () => {
    const realm = bearerChallenge((await fetchRaw(`${registry.url}/v2/`)).headers['www-authenticate']).realm;
    const issued = await fetchRaw(`${realm}?service=${TOKEN_SERVICE}&scope=repository:team/app:pull,push`);
    expect(issued.status).toBe(200);
    const { token } = json(issued);
    expect(jwtPart(token, 1).access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fetchRaw(`${registry.url}/v2/team/app/manifests/v1`, { headers: { ...bearer, accept: OCI_MANIFEST } })).status).toBe(200);
    const upload = await fetchRaw(`${registry.url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: bearer });
    expect(upload.status).toBe(401);
    expect(upload.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  test('refuses a wrong password, and anonymous clients when anonymous pulls are off', async () => {
    const realm = bearerChallenge((await fetchRaw(`${registry.url}/v2/`)).headers['www-authenticate']).realm;
    const wrong = await fetchRaw(`${realm}?service=${TOKEN_SERVICE}&scope=repository:team/app:pull`, { headers: basic(registry, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(registry.tokenRequests!.at(-1)).toMatchObject({ username: registry.username, status: 401, access: [] });

    const closed = await started({ auth: 'token', anonymousPull: false });
    const closedRealm = bearerChallenge((await fetchRaw(`${closed.url}/v2/`)).headers['www-authenticate']).realm;
    expect((await fetchRaw(`${closedRealm}?service=${TOKEN_SERVICE}&scope=repository:team/app:pull`)).status).toBe(401);
    expect((await fetchRaw(`${closedRealm}?service=${TOKEN_SERVICE}&scope=repository:team/app:pull`, { headers: basic(closed) })).status).toBe(200);
  });
});

describe('the fault proxy', () => {
  let registry: Registry;
  let proxy: FaultProxy;
  const blobPath = `/v2/app/blobs/${image.configDigest}`;
  beforeAll(async () => {
    registry = await started();
    await registry.push(image.archive, 'app:v1');
    proxy = await startFaultProxy(registry.url);
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  beforeEach(() => {
    proxy.fault = undefined;
    proxy.requests.length = 0;
  });

  test('forwards untouched and logs method, path and status', async () => {
    const manifest = await fetchRaw(`${proxy.url}/v2/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(200);
    expect(sha256(manifest.body)).toBe(image.manifestDigest);
    const blob = await fetchRaw(`${proxy.url}${blobPath}`);
    expect(sha256(blob.body)).toBe(image.configDigest);
    expect((await fetchRaw(`${proxy.url}/v2/app/manifests/missing`, { headers: { accept: OCI_MANIFEST } })).status).toBe(404);
    expect(proxy.requests).toEqual([
      { method: 'GET', path: '/v2/app/manifests/v1', status: 200 },
      { method: 'GET', path: blobPath, status: 200 },
      { method: 'GET', path: '/v2/app/manifests/missing', status: 404 },
    ]);
  });

  test.each([401, 404, 500])('answers %i for the requests the rule picks, forwards the others', async (status) => {
    proxy.fault = (request) => (request.url!.includes('/blobs/') ? { status } : undefined);
    const blob = await fetchRaw(`${proxy.url}${blobPath}`);
    expect(blob.status).toBe(status);
    expect(json(blob).errors[0].message).toBe(`fault proxy: injected ${status}`);
    expect((await fetchRaw(`${proxy.url}/v2/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } })).status).toBe(200);
    expect(proxy.requests.map((request) => [request.path, request.status])).toEqual([[blobPath, status], ['/v2/app/manifests/v1', 200]]);
  });

  test('truncates a body below its Content-Length and closes', async () => {
    proxy.fault = () => ({ truncate: 10 });
    const blob = await fetchRaw(`${proxy.url}${blobPath}`);
    expect(blob.status).toBe(200);
    expect(Number(blob.headers['content-length'])).toBeGreaterThan(10);
    expect(blob.complete).toBe(false);
    expect(blob.body.length).toBe(10);
  });

  test('corrupts a body: same length, another digest', async () => {
    proxy.fault = () => ({ corrupt: true });
    const blob = await fetchRaw(`${proxy.url}${blobPath}`);
    expect(blob.complete).toBe(true);
    expect(blob.body.length).toBe(Number(blob.headers['content-length']));
    expect(sha256(blob.body)).not.toBe(image.configDigest);
    blob.body[0] ^= 0xff;
    expect(sha256(blob.body)).toBe(image.configDigest);
  });

  test('delays an answer, or hangs before its headers', async () => {
    proxy.fault = () => ({ delayMs: 300 });
    const start = Date.now();
    expect((await fetchRaw(`${proxy.url}${blobPath}`)).status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    proxy.fault = () => ({ delayMs: 60_000 });
    await expect(fetchRaw(`${proxy.url}${blobPath}`, { timeoutMs: 200 })).rejects.toThrow('timeout after 200 ms');
    expect(proxy.requests.at(-1)).toMatchObject({ path: blobPath, status: 0 });
  });

  test('serves arbitrary bytes, e.g. a hostile manifest', async () => {
    const hostile = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: 'sha256:../../etc/passwd', size: -1 } });
    proxy.fault = (request) => (request.url!.includes('/manifests/') ? { body: hostile, contentType: OCI_MANIFEST } : undefined);
    const manifest = await fetchRaw(`${proxy.url}/v2/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['content-type']).toBe(OCI_MANIFEST);
    expect(manifest.body.toString()).toBe(hostile);
  });
});

describe('a multi-platform index', () => {
  test('skopeo --all pushes the index and both platform images unchanged', async () => {
    const registry = await started();
    const layout = makeIndexLayout('registry-index', 'v1');
    await registry.push(layout.reference, 'multi:v1', { all: true });
    const index = await fetchRaw(`${registry.url}/v2/multi/manifests/v1`, { headers: { accept: OCI_INDEX } });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe(OCI_INDEX);
    expect(index.headers['docker-content-digest']).toBe(layout.digest);
    const manifests: Array<{ digest: string; platform: object }> = json(index).manifests;
    expect(manifests.map((manifest) => manifest.platform)).toEqual(INDEX_PLATFORMS);
    expect(manifests.map((manifest) => manifest.digest)).toEqual(layout.manifests.map((manifest) => manifest.digest));
    for (const [i, descriptor] of manifests.entries()) {
      const manifest = await fetchRaw(`${registry.url}/v2/multi/manifests/${descriptor.digest}`, { headers: { accept: OCI_MANIFEST } });
      expect(manifest.status).toBe(200);
      const config = await fetchRaw(`${registry.url}/v2/multi/blobs/${json(manifest).config.digest}`);
      expect(json(config)).toMatchObject(INDEX_PLATFORMS[i]);
    }
  });
});
