import { NodeLocator } from '../../src/input/locate-node';

const TEXT = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: a
        - name: web
          securityContext:
            runAsUser: 0
          ports:
            - containerPort: 80
`;

describe('NodeLocator', () => {
  const locator = new NodeLocator(TEXT, 10);

  test('finds the line of a field, offset by where the document starts', () => {
    expect(locator.lineOf(['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'runAsUser'])).toBe(19);
    expect(locator.lineOf(['spec', 'template', 'spec', 'containers', 1, 'ports', 0])).toBe(21);
  });

  test('a missing field points at its nearest ancestor', () => {
    expect(locator.lineOf(['spec', 'template', 'spec', 'containers', 0, 'securityContext'])).toBe(16);
  });
});
