/**
 * The image facts of earlier pulls, on disk, so that a second check of the same input downloads
 * no layer: facts by platform-manifest digest and container start (immutable, kept until
 * removed), and tag → digest for a short time (a tag moves). Under
 * `$XDG_CACHE_HOME/k8s-least-privilege` (default `~/.cache/k8s-least-privilege`). Best effort:
 * a cache that cannot be read or written is a cache miss, never a failed check.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileCapabilities } from '../../model/file-capabilities';
import type { ImageFacts } from '../../model/image-facts';

/** Where and for how long facts are kept. */
export interface FactsCacheOptions {
  /**
   * The cache directory.
   * @default `$XDG_CACHE_HOME/k8s-least-privilege`, else `~/.cache/k8s-least-privilege`
   */
  readonly directory?: string;
  /**
   * How long a tag's digest is trusted before the registry is asked again, in seconds.
   * @default 600
   */
  readonly tagTtlSeconds?: number;
}

/** What a tag resolved to. */
export interface CachedDigest {
  /** The platform manifest's digest. */
  readonly manifestDigest: string;
  /** `registry/repository@digest`, as reports name the image. */
  readonly label: string;
}

interface StoredFacts extends Omit<ImageFacts, 'binary'> {
  readonly binary?: {
    path: string;
    note?: string;
    assumed?: boolean;
    fileCapabilities?: { permitted: string[]; inheritable: string[]; effective: boolean; text: string; origin?: string };
  };
}

/** The default cache directory for an environment. */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(env.HOME ?? homedir(), '.cache');
  return join(base, 'k8s-least-privilege');
}

/** Facts and tag digests on disk. */
export class FactsCache {
  private readonly directory: string;
  private readonly tagTtlMs: number;

  /** @param options where the cache lives and how long a tag's answer is trusted */
  constructor(options: FactsCacheOptions = {}) {
    this.directory = options.directory ?? defaultCacheDirectory();
    this.tagTtlMs = (options.tagTtlSeconds ?? 600) * 1000;
  }

  /** The digest a reference resolved to for a platform, when fresh (a pinned digest never goes stale). */
  digest(reference: string, platform: string): CachedDigest | undefined {
    const stored = this.read(['tags', reference, platform]) as (CachedDigest & { savedAt: number }) | undefined;
    if (stored === undefined || typeof stored.manifestDigest !== 'string' || typeof stored.label !== 'string') return undefined;
    const pinned = reference.includes('@');
    return pinned || Date.now() - stored.savedAt < this.tagTtlMs ? { manifestDigest: stored.manifestDigest, label: stored.label } : undefined;
  }

  /** Remembers what a reference resolved to. */
  saveDigest(reference: string, platform: string, digest: CachedDigest): void {
    this.write(['tags', reference, platform], { ...digest, savedAt: Date.now() });
  }

  /**
   * The facts of a start in an image, when an earlier pull found them. Facts stored without
   * `exposedPorts` (by a version that did not read them) are a miss: the image is read again.
   */
  facts(manifestDigest: string, startKey: string): ImageFacts | undefined {
    const stored = this.read(['facts', manifestDigest, startKey]) as StoredFacts | undefined;
    return stored === undefined || typeof stored.image !== 'string' || !Array.isArray(stored.exposedPorts) ? undefined : revive(stored);
  }

  /** Remembers the facts of a start in an image. */
  saveFacts(manifestDigest: string, startKey: string, facts: ImageFacts): void {
    this.write(['facts', manifestDigest, startKey], store(facts));
  }

  private path(key: readonly string[]): string {
    return join(this.directory, key[0], `${createHash('sha256').update(JSON.stringify(key)).digest('hex')}.json`);
  }

  private read(key: readonly string[]): unknown {
    try {
      return JSON.parse(readFileSync(this.path(key), 'utf8'));
    } catch {
      return undefined;
    }
  }

  private write(key: readonly string[], value: unknown): void {
    const path = this.path(key);
    try {
      mkdirSync(join(this.directory, key[0]), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(value));
      renameSync(temporary, path);
    } catch {
      // A cache that cannot be written only costs the next run a download.
    }
  }
}

function store(facts: ImageFacts): StoredFacts {
  const capabilities = facts.binary?.fileCapabilities;
  return {
    ...facts,
    binary:
      facts.binary === undefined
        ? undefined
        : {
          path: facts.binary.path,
          note: facts.binary.note,
          assumed: facts.binary.assumed,
          fileCapabilities:
              capabilities === undefined
                ? undefined
                : { ...capabilities, permitted: [...capabilities.permitted], inheritable: [...capabilities.inheritable] },
        },
  };
}

function revive(stored: StoredFacts): ImageFacts {
  const capabilities = stored.binary?.fileCapabilities;
  const fileCapabilities: FileCapabilities | undefined =
    capabilities === undefined
      ? undefined
      : { ...capabilities, permitted: new Set(capabilities.permitted), inheritable: new Set(capabilities.inheritable) };
  return {
    image: stored.image,
    user: stored.user ?? undefined,
    userFailure: stored.userFailure ?? undefined,
    startFailure: stored.startFailure ?? undefined,
    binary:
      stored.binary === undefined
        ? undefined
        : { path: stored.binary.path, note: stored.binary.note, fileCapabilities, ...(stored.binary.assumed === true ? { assumed: true } : {}) },
    exposedPorts: stored.exposedPorts,
  };
}
