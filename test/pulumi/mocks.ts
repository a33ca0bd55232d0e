/**
 * Pulumi's mocks (`pulumi.runtime.setMocks`) recording every resource the program registers:
 * its type, logical name, URN (which names the parent chain) and inputs — the inputs are what
 * the engine would hand the provider and, during preview, a policy pack.
 */
import * as pulumi from '@pulumi/pulumi';

/** One registered resource. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  /** The inputs, as the mock monitor deserializes them (unknowns are `pulumi.unknown` during preview). */
  readonly inputs: Record<string, any>;
  /** The provider reference (`<provider urn>::<provider id>`), when one was given or inherited. */
  readonly provider: string | undefined;
}

/** Every resource registered since {@link installMocks}, in order. */
export const registered: RegisteredResource[] = [];

/**
 * Installs mocks that return the inputs as the state, auto-naming Kubernetes objects as the
 * provider does (`<logical name>-<suffix>`) when `metadata.name` is not given.
 */
export function installMocks(options: { preview: boolean }): Promise<void> {
  registered.length = 0;
  return pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider || undefined });
        const state = { ...args.inputs };
        if (args.type.startsWith('kubernetes:') && state.metadata !== undefined) {
          state.metadata = { ...state.metadata, name: state.metadata.name ?? `${args.name}-0a1b2c3d` };
        }
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    'project',
    'stack',
    options.preview,
  );
}

/** An Output's value (undefined when unknown during preview). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** An Output's value and whether it is known. */
export function settled<T>(output: pulumi.Output<T>): Promise<{ known: boolean; value: T | undefined }> {
  return new Promise((resolve) => {
    let resolved = false;
    // `isKnown` is internal to @pulumi/pulumi, but it is how an Output tells preview's unknowns apart.
    void (output as unknown as { isKnown: Promise<boolean> }).isKnown.then((known) => {
      if (!known) {
        resolved = true;
        resolve({ known: false, value: undefined });
      }
    });
    output.apply((value) => {
      if (!resolved) resolve({ known: true, value });
      return value;
    });
  });
}

/** The resource's URN. */
export function urnOf(resource: pulumi.Resource): Promise<string> {
  return valueOf(resource.urn);
}

/** Waits for every registration the program has started (the mocks answer asynchronously). */
export async function settle(resources: readonly pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((resource) => urnOf(resource)));
}
