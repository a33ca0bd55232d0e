/**
 * Where the runtime harness keeps what it builds and runs: test/.work/runtime/
 * (gitignored). setup.sh writes the same layout.
 */
import { join } from 'node:path';

/** test/.work/runtime, the root of every runtime-harness output. */
export function runtimeWorkDir(): string {
  return join(__dirname, '..', '.work', 'runtime');
}
