import { dirname, isAbsolute, resolve } from 'node:path';
import { containerStartOf, imageFactsOf } from './container-facts';
import { ImageError } from './image-location';
import { normalizeImageReference, withoutDigest } from './image-reference';
import type { Image, ReadImageOptions } from './read-image';
import { readImage, REGISTRY_TRANSPORT } from './read-image';
import type { ImagePullReport } from './registry/registry-facts';
import { loadYamlFile, YamlFileError } from '../input/load-yaml-file';
import { escapeControlCharacters } from '../input/untrusted-text';
import type { ContainerEntry } from '../model/containers';
import type { ImageFacts, ImageFactsLookup, UnreadImage } from '../model/image-facts';
import { executedBinaryOf } from '../model/image-facts';
import { describeRaw } from '../model/json-value';

/** One entry of an image map: the reference a manifest uses, and where that image is on disk. */
export interface ImageMapEntry {
  /** The reference as written in the map (`nginx:1.27`). */
  readonly reference: string;
  /** The image's location, relative paths made absolute (`oci-archive:/work/images/nginx.tar`). */
  readonly location: string;
}

/** A map that cannot be read, with what to fix; control characters escaped, as it goes to a terminal. */
export class ImageMapError extends Error {
  constructor(message: string) {
    super(escapeControlCharacters(message));
  }
}

const TRANSPORT = /^(oci|oci-archive|docker-archive):/;

/**
 * Reads an image map: `{ "<image reference>": "<local image>" }`, the local image as
 * `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:ref]` or a bare path;
 * relative paths are relative to `baseDirectory` (the map file's directory).
 * @throws ImageMapError naming the entry
 */
export function imageMapOf(raw: unknown, name: string, baseDirectory: string): ImageMapEntry[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ImageMapError(`${name} must be a map from image reference to local image (oci:DIR, oci-archive:FILE, docker-archive:FILE)`);
  }
  return Object.entries(raw as Record<string, unknown>).map(([reference, location]) => {
    if (typeof location !== 'string' || location.trim() === '') {
      throw new ImageMapError(`${name}: ${describeRaw(reference)} must map to a local image such as oci-archive:nginx.tar, not ${describeRaw(location)}`);
    }
    return { reference, location: absoluteLocation(location.trim(), baseDirectory) };
  });
}

/** Reads an image map file (YAML or JSON). @throws ImageMapError */
export function readImageMapFile(file: string): ImageMapEntry[] {
  let parsed: unknown;
  try {
    parsed = loadYamlFile(file);
  } catch (error) {
    if (!(error instanceof YamlFileError)) throw error;
    throw new ImageMapError(`${file}: ${error.message}`);
  }
  return imageMapOf(parsed, file, dirname(resolve(file)));
}

/** An image of the map that could not be read. */
export interface ImageLoadError {
  /** The reference as written in the map. */
  readonly reference: string;
  /** The location. */
  readonly location: string;
  /** What is wrong, naming both. */
  readonly message: string;
}

/** The images of a map, read: the model's lookup, and the images that could not be read. */
export interface LoadedImages {
  /**
   * Gives each container the facts of its image, when its image is in the map and readable; an
   * {@link UnreadImage} saying why when its image is in the map and could not be read (so a
   * verdict that depends on it is `unknown` with that reason: LP002), as a failed pull does.
   */
  readonly lookup: ImageFactsLookup;
  /** The images read, by normalized reference. */
  readonly images: ReadonlyMap<string, { readonly entry: ImageMapEntry; readonly image: Image }>;
  /** The images that could not be read; the verdicts that depend on them are `unknown`. */
  readonly errors: readonly ImageLoadError[];
}

/**
 * Reads every image of a map, one after the other (a layer is streamed, never held whole).
 * An image that cannot be read is an error entry, and the lookup's answer for its containers;
 * the others are still read.
 */
export async function loadImages(entries: readonly ImageMapEntry[], options: ReadImageOptions = {}): Promise<LoadedImages> {
  const images = new Map<string, { entry: ImageMapEntry; image: Image }>();
  const errors: ImageLoadError[] = [];
  const unreadable = new Map<string, ImageLoadError>();
  for (const entry of entries) {
    try {
      images.set(normalizeImageReference(entry.reference), { entry, image: await readImage(entry.location, options) });
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      const loadError = { reference: entry.reference, location: entry.location, message: `image ${entry.reference}: ${error.message}` };
      errors.push(loadError);
      unreadable.set(normalizeImageReference(entry.reference), loadError);
    }
  }
  const cache = new Map<string, ImageFacts>();
  const lookup: ImageFactsLookup = (container: ContainerEntry) => {
    const reference = container.spec.image;
    if (typeof reference !== 'string' || reference === '') return undefined;
    const found = images.get(normalizeImageReference(reference)) ?? images.get(withoutDigest(reference));
    if (found === undefined) {
      const failed = unreadable.get(normalizeImageReference(reference)) ?? unreadable.get(withoutDigest(reference));
      return failed === undefined ? undefined : unreadImage(reference, container, failed);
    }
    const start = containerStartOf(container.spec);
    const key = JSON.stringify([normalizeImageReference(reference), start.command, start.args, start.env?.get('PATH')]);
    let facts = cache.get(key);
    if (facts === undefined) {
      facts = imageFactsOf(found.image, `${found.entry.reference} (${found.image.location.text})`, start);
      cache.set(key, facts);
    }
    return facts;
  };
  return { lookup, images, errors };
}

/** A map image that could not be read, as the model's lookup answers for a container of it. */
function unreadImage(reference: string, container: ContainerEntry, error: ImageLoadError): UnreadImage {
  return { unread: true, image: reference, binary: executedBinaryOf(container), why: `${error.message} (fix the image, or its entry in the image map)` };
}

/** A map image that could not be read, as a report lists the images it read: a failed read, like a failed pull. */
export function failedImageReport(error: ImageLoadError, platform: string): ImagePullReport {
  return { image: error.reference, platform, status: 'failed', source: error.location, layersRead: null, message: error.message };
}

function absoluteLocation(location: string, baseDirectory: string): string {
  if (location.startsWith(REGISTRY_TRANSPORT)) return location;
  const match = TRANSPORT.exec(location);
  const prefix = match === null ? '' : match[0];
  const rest = location.slice(prefix.length);
  const colon = match === null ? -1 : rest.indexOf(':');
  const path = colon < 0 ? rest : rest.slice(0, colon);
  const suffix = colon < 0 ? '' : rest.slice(colon);
  return `${prefix}${isAbsolute(path) ? path : resolve(baseDirectory, path)}${suffix}`;
}
