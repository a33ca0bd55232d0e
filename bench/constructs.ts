/**
 * Measures `app.synth()` in-process (what `cdk8s synth` runs) of N `PrivilegedPortService`s
 * against two baselines, each in a fresh App: `plain`, N cdk8s-plus-27 Deployment + Service
 * pairs exposing the same port as a newcomer writes them (no securityContext), and `handwritten`,
 * the very manifest the construct emits (securityContexts, JSON patches for what cdk8s-plus-27
 * cannot express, annotations) written by hand with cdk8s-plus-27 — so that `handwritten`
 * against the construct is the cost of the planner and the synth-time check alone.
 * Construction (where the planner runs) and synthesis (where the constructs' validation runs
 * the capability model) are timed separately.
 *
 * Run as a child of bench/run.ts: `node -r ts-node/register/transpile-only bench/constructs.ts <plain|handwritten|privileged-port-service> <count> <outdir>`;
 * prints one JSON line. `<variant> 1 -` prints the manifest of one instead (bench/run.ts compares
 * handwritten's with the construct's).
 */
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PrivilegedPortService } from '../src/constructs';

const [variant, countText, outdir] = process.argv.slice(2);
const total = Number(countText);

const IMAGE = 'nginxinc/nginx-unprivileged:1.27';
const NON_ROOT = 65532;
/** What the construct writes for this intent (the high-port strategy), as a user would copy it. */
const DECISION = {
  'k8s-least-privilege.dev/bind-strategy': 'highPort',
  'k8s-least-privilege.dev/bind-strategy-reason':
    "The application's port is configurable: it listens on an unprivileged port as non-root with no capability and the Service maps 80 to it" +
    ' — no privilege at all, no pod-wide change, the same on every runtime and Kubernetes version.',
};

function addPlain(chart: Chart, i: number): void {
  const deployment = new kplus.Deployment(chart, `web-${i}`, {
    containers: [{ name: 'web', image: IMAGE, ports: [{ name: 'http', number: 8080 }] }],
  });
  new kplus.Service(chart, `web-${i}-service`, { selector: deployment, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
}

function addHandwritten(chart: Chart, i: number): void {
  const scope = new Construct(chart, `web-${i}`);
  const deployment = new kplus.Deployment(scope, 'deployment', {
    metadata: { labels: {}, annotations: DECISION },
    podMetadata: { labels: {} },
    securityContext: { ensureNonRoot: true, user: NON_ROOT, group: NON_ROOT, fsGroup: NON_ROOT },
  });
  for (const [key, value] of Object.entries(DECISION)) deployment.podMetadata.addAnnotation(key, value);
  deployment.addContainer({
    name: 'main',
    image: IMAGE,
    ports: [{ name: 'tcp-80', number: 8080, protocol: kplus.Protocol.TCP }],
    startup: kplus.Probe.fromTcpSocket({ port: 8080 }),
    securityContext: {
      user: NON_ROOT,
      group: NON_ROOT,
      ensureNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    },
  });
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
  );
  new kplus.Service(scope, 'service', {
    metadata: { labels: {}, annotations: DECISION },
    selector: deployment,
    ports: [{ name: 'tcp-80', port: 80, targetPort: 8080, protocol: kplus.Protocol.TCP }],
  });
}

function addPrivilegedPortService(chart: Chart, i: number): void {
  new PrivilegedPortService(chart, `web-${i}`, { image: IMAGE, port: 80, appPortConfigurable: true });
}

const VARIANTS: Record<string, (chart: Chart, i: number) => void> = { 'plain': addPlain, 'handwritten': addHandwritten, 'privileged-port-service': addPrivilegedPortService };
if (!(variant in VARIANTS)) throw new Error(`unknown variant ${variant}`);
const ADD = VARIANTS[variant];

function build(count: number): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < count; i++) ADD(chart, i);
  return app;
}

if (outdir === '-') {
  const app = Testing.app();
  ADD(new Chart(app, 'bench'), 0);
  process.stdout.write(JSON.stringify(Testing.synth(app.charts[0])) + '\n');
  process.exit(0);
}

// Warm up the JIT on a small app (a real `cdk8s synth` is one cold run; both variants get the same treatment).
build(50).synth();
let start = process.hrtime.bigint();
const app = build(total);
const constructMs = Number(process.hrtime.bigint() - start) / 1e6;
start = process.hrtime.bigint();
app.synth();
const synthMs = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ variant, count: total, constructMs, synthMs, totalMs: constructMs + synthMs }) + '\n');
