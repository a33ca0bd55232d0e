/**
 * The synth-time check hands the manifest it judged to the synthesis that follows, instead of
 * cdk8s resolving it twice: what is emitted must still be exactly what the workload is at
 * serialization, whatever changed between one synth and the next.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HardenedContainer, PrivilegedPortService } from '../../src/constructs';

const WEB = { image: 'nginxinc/nginx-unprivileged:1.27', port: 80, appPortConfigurable: true } as const;

type DeploymentManifest = { spec: { template: { spec: { containers: { name: string }[] } } } };

function containerNames(manifests: readonly Record<string, unknown>[]): string[][] {
  return manifests
    .filter((manifest) => manifest.kind === 'Deployment')
    .map((manifest) => (manifest as DeploymentManifest).spec.template.spec.containers.map((container) => container.name));
}

describe('the manifest the synth-time check judged', () => {
  test('is the one emitted, identical to resolving it afresh', () => {
    const chart = Testing.chart();
    const web = new PrivilegedPortService(chart, 'web', WEB);
    const emitted = Testing.synth(chart);
    expect(emitted.find((manifest) => manifest.kind === 'Deployment')).toEqual(ApiObject.of(web.deployment).toJson());
  });

  test('is not reused by a later synth: a container added in between is checked and emitted', () => {
    const chart = Testing.chart();
    const web = new PrivilegedPortService(chart, 'web', WEB);
    expect(containerNames(Testing.synth(chart))).toEqual([['main']]);
    new HardenedContainer(web.deployment, 'sidecar', { name: 'sidecar', image: 'envoyproxy/envoy:v1.31.0', portNumber: 9901 });
    expect(containerNames(Testing.synth(chart))).toEqual([['main', 'sidecar']]);
  });

  test('is not reused after the synthesis that judged it: a change made then resolves afresh', async () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'failing');
    const web = new PrivilegedPortService(chart, 'web', WEB);
    // A second workload fails the check, so the synth stops after the validations.
    const trap = new kplus.Deployment(chart, 'trap', { containers: [] });
    new HardenedContainer(trap, 'app', { image: 'nginx', portNumber: 8080 });
    trap.addContainer({ name: 'root', image: 'nginx', portNumber: 80, securityContext: { ensureNonRoot: true, user: 1000 } });
    expect(() => app.synth()).toThrow(/k8s-least-privilege/);
    await Promise.resolve();
    web.deployment.addContainer({ name: 'later', image: 'busybox', securityContext: { ensureNonRoot: true, user: 1000 } });
    expect(containerNames([ApiObject.of(web.deployment).toJson()])).toEqual([['main', 'later']]);
  });

  test('is not handed over when the check fails', () => {
    const chart = Testing.chart();
    const trap = new kplus.Deployment(chart, 'trap', { containers: [] });
    new HardenedContainer(trap, 'app', { image: 'nginx', portNumber: 8080 });
    trap.addContainer({ name: 'root', image: 'nginx', portNumber: 80, securityContext: { ensureNonRoot: true, user: 1000 } });
    expect(() => Testing.synth(chart)).toThrow(/k8s-least-privilege/);
    trap.addContainer({ name: 'later', image: 'busybox', securityContext: { ensureNonRoot: true, user: 1000 } });
    expect(containerNames([ApiObject.of(trap).toJson()])).toEqual([['main', 'root', 'later']]);
  });
});
