/** LP018 api-server-rejects: what the API server's pod validation refuses, so the pod is never created. */
import { checkObject } from '../../src/check/check-object';
import { checkOptionsOf } from '../../src/check/enforcement-config';
import { objectsInDocument } from '../../src/model/workload';

function lp018(containers: Record<string, unknown>, extra: Record<string, unknown> = {}): { path: string; message: string }[] {
  const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { ...containers, ...extra } } } };
  const { findings } = checkObject(objectsInDocument(object).objects[0], checkOptionsOf({}));
  return findings.filter((finding) => finding.ruleId === 'LP018').map((finding) => ({ path: finding.path.join('.'), message: finding.message }));
}

describe('LP018 api-server-rejects', () => {
  test('two containers named web in one Deployment (it passed check before)', () => {
    expect(lp018({ containers: [{ name: 'web', image: 'a' }, { name: 'web', image: 'b' }] })).toEqual([
      { path: 'spec.template.spec.containers.1.name', message: 'the API server rejects this pod: containers[1].name "web" is already the name of containers[0] (Duplicate value)' },
    ]);
  });

  test('a name shared by an init container and a container', () => {
    expect(lp018({ initContainers: [{ name: 'setup' }], containers: [{ name: 'setup' }] }).map((f) => f.message)).toEqual([
      'the API server rejects this pod: containers[0].name "setup" is already the name of initContainers[0] (Duplicate value)',
    ]);
  });

  test('a container without a name', () => {
    expect(lp018({ containers: [{ image: 'a' }] }).map((f) => f.message)).toEqual(['the API server rejects this pod: containers[0] has no name (Required value)']);
  });

  test('port names: repeated in a container, or not an IANA service name', () => {
    const ports = [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 8080 }, { name: 'HTTP', containerPort: 81 }, { name: '8080', containerPort: 82 }, { name: 'a-very-long-port-name', containerPort: 83 }, { name: 'dns--tcp', containerPort: 84 }];
    expect(lp018({ containers: [{ name: 'web', ports }] }).map((f) => f.path)).toEqual([
      'spec.template.spec.containers.0.ports.1.name',
      'spec.template.spec.containers.0.ports.2.name',
      'spec.template.spec.containers.0.ports.3.name',
      'spec.template.spec.containers.0.ports.4.name',
      'spec.template.spec.containers.0.ports.5.name',
    ]);
  });

  test('valid names, and the same port name in two containers, pass', () => {
    expect(lp018({ containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 80 }, { name: 'h2c', containerPort: 81 }, { name: 'dns-tcp', containerPort: 53 }, { name: 'x', containerPort: 1 }] }, { name: 'sidecar', ports: [{ name: 'http', containerPort: 9090 }] }] })).toEqual([]);
  });
});
