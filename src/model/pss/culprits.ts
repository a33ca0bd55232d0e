import type { CheckFailure } from './check';
import type { ContainerView } from './pod-view';

/** `"a", "b"` — upstream's `joinQuote`. */
export function joinQuoted(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** `singular` for one, `plural` otherwise. */
export function pluralize(count: number, singular: string, plural: string): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` or `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize(names.length, 'container', 'containers')} ${joinQuoted(names)}`;
}

/** The distinct values of a set, sorted as Go's `sets.List` sorts them. */
export function sortedValues(values: ReadonlySet<string>): string[] {
  return [...values].sort();
}

/**
 * Who sets a forbidden value in one check: the pod-level field, containers, with their field
 * paths. A container is blamed once per check however many of its fields are at fault.
 */
export class Culprits {
  /** The field paths at fault, relative to the pod. */
  readonly fieldPaths: string[] = [];
  private podAtFault = false;
  private readonly blamed: ContainerView[] = [];

  /** Blames the pod-level field at `fieldPath`. */
  blamePod(fieldPath: string): void {
    this.podAtFault = true;
    this.fieldPaths.push(fieldPath);
  }

  /** Blames `container` for the field at `fieldPath`. */
  blameContainer(container: ContainerView, fieldPath: string): void {
    if (this.blamed[this.blamed.length - 1] !== container) this.blamed.push(container);
    this.fieldPaths.push(fieldPath);
  }

  /** Whether anything is at fault. */
  get found(): boolean {
    return this.podAtFault || this.blamed.length > 0;
  }

  /** The names of the blamed containers, in visiting order. */
  get containerNames(): string[] {
    return this.blamed.map((c) => c.name);
  }

  /** Upstream's setter list: `pod`, `containers "a", "b"`, or both joined with ` and `. */
  setters(): string {
    const parts: string[] = this.podAtFault ? ['pod'] : [];
    if (this.blamed.length > 0) parts.push(containersPhrase(this.containerNames));
    return parts.join(' and ');
  }

  /** A failure blamed on these culprits (and on `others`, for checks that find two kinds of fault). */
  failure(reason: string, detail: string, ...others: Culprits[]): CheckFailure {
    const all = [this, ...others];
    const containers = new Set<ContainerView>();
    for (const culprits of all) culprits.blamed.forEach((c) => containers.add(c));
    const sole = all.every((c) => !c.podAtFault) && containers.size === 1 ? [...containers][0] : undefined;
    return {
      reason,
      detail,
      fieldPaths: all.flatMap((c) => c.fieldPaths),
      ...(sole ? { container: sole.name } : {}),
    };
  }
}
