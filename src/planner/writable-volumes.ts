/**
 * The `emptyDir` volume of each writable path: the faces (cdk8s, Pulumi) keep the root filesystem
 * read-only and mount one volume per path the process writes to, named the same way in both.
 */

/** A DNS-label volume name for a writable path of a container, unique within the pod. */
export function writableVolumeName(container: string, path: string, index: number): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  const name = `${container}-${slug}`.slice(0, 56).replace(/-+$/, '');
  return `${name}-w${index}`;
}
