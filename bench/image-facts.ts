/**
 * Measures what reading image facts from a registry costs `check`: a 20,000-document input
 * (10,000 Deployments, each non-root with NET_BIND_SERVICE on port 80, so every verdict depends
 * on its image, and 10,000 Services) running 50 distinct images, all served by a real registry
 * on 127.0.0.1 (Debian's docker-registry, images pushed with skopeo; half of them setcap'd).
 * Three ways, each a fresh CLI process: `--image-facts offline` (reads nothing: the baseline),
 * `registry` with an empty facts cache (pulls), and `registry` again with the cache the cold run
 * left (no layer download).
 *
 * Run as a child of bench/run.ts: `node -r ts-node/register/transpile-only bench/image-facts.ts <runs>`;
 * prints one JSON line. Needs test:prepare's registry packages (test/registry/setup.sh).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { CORPUS_DIRECTORY } from './corpus';
import { baseFiles, buildLayer, elfBinary, writeOciLayout } from '../test/image/image-builder';
import { startRegistry } from '../test/registry/registry';

const IMAGES = 50;
const WORKLOADS = 10_000;
const CLI = join(__dirname, '..', 'bin', 'k8s-least-privilege');
const runs = Math.max(1, Number(process.argv[2] ?? 5));
const execFileAsync = promisify(execFile);

function corpus(host: string): string {
  const documents: string[] = [];
  for (let i = 0; i < WORKLOADS; i++) {
    const name = `app-${i}`;
    documents.push(
      dump({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels: { app: name } },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                {
                  name: 'web',
                  image: `${host}/image-${i % IMAGES}:1`,
                  ports: [{ containerPort: 80 }],
                  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
                },
              ],
            },
          },
        },
      }),
      dump({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 80 }] } }),
    );
  }
  const file = join(CORPUS_DIRECTORY, 'corpus-image-facts.yaml');
  writeFileSync(file, documents.join('---\n'));
  return file;
}

/**
 * One CLI run, asynchronous: the registry's log is a pipe this process reads, and a blocked
 * event loop (spawnSync) would leave it full until the registry stops answering.
 */
async function check(
  file: string,
  config: string,
  mode: string,
  cache: string,
): Promise<{ wallMs: number; images: { status: string; layersRead: number | null }[] }> {
  const start = process.hrtime.bigint();
  const args = [CLI, 'check', '--format', 'json', '--config', config, '--image-facts', mode, file];
  const options = { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' as const, maxBuffer: 1 << 30, timeout: 600_000 };
  const result = await execFileAsync(process.execPath, args, options).catch((error: { code?: number; stdout: string; stderr: string }) => {
    if (error.code !== 1) throw new Error(`check --image-facts ${mode} exited with ${error.code}: ${error.stderr}`);
    return error;
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { wallMs, images: (JSON.parse(result.stdout) as { images?: { status: string; layersRead: number | null }[] }).images ?? [] };
}

function directoryBytes(directory: string): number {
  return readdirSync(directory, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(directory, entry.name);
    return sum + (entry.isDirectory() ? directoryBytes(path) : statSync(path).size);
  }, 0);
}

async function main(): Promise<void> {
  mkdirSync(CORPUS_DIRECTORY, { recursive: true });
  const registry = await startRegistry();
  try {
    const base = buildLayer({ files: baseFiles() });
    const layout = writeOciLayout(
      'bench-image-facts',
      Array.from({ length: IMAGES }, (_, i) => ({
        tag: `image-${i}`,
        config: { User: String(1000 + i), Entrypoint: ['/usr/local/bin/server'] },
        layers: [base, buildLayer({ files: [{ path: 'usr/local/bin/server', copyOf: elfBinary(), mode: 0o755, ...(i % 2 === 0 ? { capability: 'cap_net_bind_service=+ep' } : {}) }, { path: 'etc/image', content: `${i}\n` }] })],
      })),
    );
    for (let i = 0; i < IMAGES; i++) await registry.push(`oci:${layout}:image-${i}`, `image-${i}:1`);
    const file = corpus(registry.host);
    const config = join(CORPUS_DIRECTORY, 'image-facts-config.json');
    writeFileSync(config, JSON.stringify({ registry: { plainHttp: [registry.host] } }));
    const offline: number[] = [];
    const cold: number[] = [];
    const cached: number[] = [];
    let cacheBytes = 0;
    let layersRead = 0;
    for (let run = 0; run < runs; run++) {
      const cache = mkdtempSync(join(CORPUS_DIRECTORY, 'facts-cache-'));
      offline.push((await check(file, config, 'offline', cache)).wallMs);
      const pulled = await check(file, config, 'registry', cache);
      cold.push(pulled.wallMs);
      layersRead = pulled.images.reduce((sum, image) => sum + (image.layersRead ?? 0), 0);
      const again = await check(file, config, 'registry', cache);
      if (again.images.some((image) => image.status !== 'cached')) throw new Error('the second registry run pulled again: the cache did not answer');
      cached.push(again.wallMs);
      cacheBytes = directoryBytes(join(cache, 'k8s-least-privilege'));
      rmSync(cache, { recursive: true, force: true });
    }
    process.stdout.write(`${JSON.stringify({ documents: WORKLOADS * 2, images: IMAGES, offline, cold, cached, cacheBytes, layersRead })}\n`);
  } finally {
    await registry.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
