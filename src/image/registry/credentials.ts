/**
 * Registry credentials where docker, podman and skopeo keep them: `REGISTRY_AUTH_FILE`, then
 * `$XDG_RUNTIME_DIR/containers/auth.json`, then `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`); in each, `credHelpers` for the registry, then `auths`, then
 * `credsStore`. A helper is the `docker-credential-NAME` program, asked with `get`.
 * Hand-written: the format is a few keys, and no maintained npm package reads all three files
 * and the helpers without also bringing a Docker client.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { credentialKeysOf } from './image-name';

/** A user name and password (or token) for a registry, with where they came from. */
export interface Credentials {
  /** The user name. */
  readonly username: string;
  /** The password, token or identity token. */
  readonly password: string;
  /** Where they came from, for messages: `~/.docker/config.json auths`, `docker-credential-pass`. */
  readonly source: string;
}

/** Where to look for credentials; the process environment when not given. */
export interface CredentialSources {
  /**
   * The environment (`REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `DOCKER_CONFIG`, `HOME`).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

interface AuthFile {
  readonly path: string;
  readonly auths: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>;
  readonly credHelpers: Record<string, unknown>;
  readonly credsStore: string | undefined;
}

const HELPER_TIMEOUT_MS = 10_000;

/** The credentials for `registry`, or `undefined` when none is configured (anonymous access). */
export function credentialsFor(registry: string, sources: CredentialSources = {}): Credentials | undefined {
  const env = sources.env ?? process.env;
  const keys = credentialKeysOf(registry);
  for (const file of authFiles(env)) {
    const helper = keys.map((key) => file.credHelpers[key]).find((name): name is string => typeof name === 'string' && name !== '');
    if (helper !== undefined) return fromHelper(helper, keys[0], env);
    for (const key of keys) {
      const entry = file.auths[key];
      if (entry !== undefined) {
        const found = fromAuthEntry(entry, `${file.path} auths["${key}"]`);
        if (found !== undefined) return found;
      }
    }
    if (file.credsStore !== undefined) {
      const found = fromHelper(file.credsStore, keys[0], env);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function authFiles(env: NodeJS.ProcessEnv): AuthFile[] {
  const home = env.HOME ?? homedir();
  const paths = [
    env.REGISTRY_AUTH_FILE,
    env.XDG_RUNTIME_DIR === undefined ? undefined : join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'),
    join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json'),
  ];
  return paths.filter((path): path is string => path !== undefined && path !== '').flatMap((path) => readAuthFile(path) ?? []);
}

function readAuthFile(path: string): AuthFile | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // A missing or unreadable file holds no credentials; the pull then says it needed some.
    return undefined;
  }
  const object = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const record = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, never>) : {});
  return {
    path,
    auths: record(object.auths),
    credHelpers: record(object.credHelpers),
    credsStore: typeof object.credsStore === 'string' && object.credsStore !== '' ? object.credsStore : undefined,
  };
}

function fromAuthEntry(
  entry: { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown },
  source: string,
): Credentials | undefined {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password, source };
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { username: '<token>', password: entry.identitytoken, source };
  return undefined;
}

/** Asks `docker-credential-NAME get` (the docker credential helper protocol: the server URL on stdin, JSON out). */
function fromHelper(name: string, serverUrl: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const program = `docker-credential-${name}`;
  let output: string;
  try {
    output = execFileSync(program, ['get'], { input: serverUrl, env, timeout: HELPER_TIMEOUT_MS, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch {
    // "credentials not found" exits non-zero: anonymous, as docker does.
    return undefined;
  }
  try {
    const parsed = JSON.parse(output) as { Username?: unknown; Secret?: unknown };
    if (typeof parsed.Username === 'string' && typeof parsed.Secret === 'string') return { username: parsed.Username, password: parsed.Secret, source: program };
  } catch {
    // A helper that prints something else gives no credentials.
  }
  return undefined;
}
