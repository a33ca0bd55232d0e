import { objectsInDocument, WORKLOAD_KINDS } from '../../src/model/workload';

const podSpec = { containers: [{ name: 'c' }] };

describe('objectsInDocument', () => {
  test.each([
    ['Pod', { spec: podSpec }, ['spec']],
    ['Deployment', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['StatefulSet', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['DaemonSet', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['ReplicaSet', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['ReplicationController', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['Job', { spec: { template: { spec: podSpec } } }, ['spec', 'template', 'spec']],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }, ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
    ['PodTemplate', { template: { spec: podSpec } }, ['template', 'spec']],
  ])('%s: finds the pod template', (kind, body, specPath) => {
    const { objects, problems } = objectsInDocument({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns' }, ...body });
    expect(problems).toEqual([]);
    expect(objects[0]).toMatchObject({ kind, name: 'x', namespace: 'ns', pod: { spec: podSpec, specPath } });
  });

  test('every workload kind is covered above', () => {
    expect(WORKLOAD_KINDS).toHaveLength(9);
  });

  test('List items (and nested Lists) are objects of their own, with their path', () => {
    const { objects } = objectsInDocument({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Pod', spec: podSpec }, { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service' }] }],
    });
    expect(objects.map((o) => [o.kind, o.path])).toEqual([
      ['Pod', ['items', 0]],
      ['Service', ['items', 1, 'items', 0]],
    ]);
  });

  test('non-objects and objects without kind are problems; empty documents are nothing', () => {
    expect(objectsInDocument(null)).toEqual({ objects: [], problems: [] });
    expect(objectsInDocument('text').problems[0].message).toMatch(/scalar "text"/);
    expect(objectsInDocument({ kind: 'Pod' }).problems[0].message).toMatch(/apiVersion and kind/);
  });

  test('other kinds are objects without a pod', () => {
    expect(objectsInDocument({ apiVersion: 'v1', kind: 'ConfigMap' }).objects[0].pod).toBeUndefined();
  });
});
