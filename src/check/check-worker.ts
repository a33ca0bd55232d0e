/**
 * The program of a worker thread of a check spread over threads (`check --jobs N`): it answers the
 * main thread's requests with a {@link ChunkChecker}, in the order they come. A defect that stops
 * it is answered as `failed`, with its message; the main thread reports it as an internal error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkRequest, ChunkResponse, PortableCheckSettings } from './chunk-checker';
import { ChunkChecker } from './chunk-checker';

if (parentPort === null) throw new Error('check-worker runs in a worker thread of a check (--jobs)');
const port = parentPort;
const checker = new ChunkChecker(workerData as PortableCheckSettings);
port.on('message', (request: ChunkRequest) => {
  let response: ChunkResponse | undefined;
  try {
    response = checker.handle(request);
  } catch (error) {
    response = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  if (response !== undefined) port.postMessage(response);
});
