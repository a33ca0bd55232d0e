/**
 * Measures `app.synth()` in-process (what `cdk8s synth` runs) of N `PrivilegedPortService`s
 * against N plain cdk8s-plus-27 Deployment + Service pairs exposing the same port, each in a
 * fresh App. Construction (where the planner runs) and synthesis (where the constructs'
 * validation runs the capability model) are timed separately.
 *
 * Run as a child of bench/run.ts: `node -r ts-node/register/transpile-only bench/constructs.ts <plain|privileged-port-service> <count> <outdir>`;
 * prints one JSON line.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PrivilegedPortService } from '../src/constructs';

const [variant, countText, outdir] = process.argv.slice(2);
const total = Number(countText);

function build(count: number): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < count; i++) {
    if (variant === 'plain') {
      const deployment = new kplus.Deployment(chart, `web-${i}`, {
        containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ name: 'http', number: 8080 }] }],
      });
      new kplus.Service(chart, `web-${i}-service`, { selector: deployment, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    } else {
      new PrivilegedPortService(chart, `web-${i}`, { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true });
    }
  }
  return app;
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
