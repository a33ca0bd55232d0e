/**
 * The full form of an image reference, as a container runtime pulls it (the distribution
 * reference's normalization, docker/distribution reference.ParseNormalizedNamed): a name
 * without a registry is on docker.io, one without a path is in `library/`, one without a tag
 * or digest is `:latest`. So `nginx`, `nginx:latest`, `docker.io/library/nginx:latest` are one.
 */
export function normalizeImageReference(reference: string): string {
  const trimmed = reference.trim();
  const at = trimmed.indexOf('@');
  const digest = at < 0 ? '' : trimmed.slice(at);
  const nameAndTag = at < 0 ? trimmed : trimmed.slice(0, at);
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > lastSlash;
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon) : digest === '' ? ':latest' : '';
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  let full: string;
  if (hasDomain) full = first === 'index.docker.io' ? `docker.io${name.slice(slash)}` : name;
  else full = slash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  if (full.startsWith('docker.io/') && !full.slice('docker.io/'.length).includes('/')) full = `docker.io/library/${full.slice('docker.io/'.length)}`;
  return `${full}${tag}${digest}`;
}

/** The reference without its `@digest`, normalized: what a map keyed by tag matches a pinned image with. */
export function withoutDigest(reference: string): string {
  const at = reference.indexOf('@');
  return normalizeImageReference(at < 0 ? reference : reference.slice(0, at));
}
