/** LP005 capabilities-beyond-need: never advise what breaks a setcap'd binary, and say what Pod Security thinks. */
import { checkObject } from '../../src/check/check-object';
import { checkOptionsOf } from '../../src/check/enforcement-config';
import { objectsInDocument } from '../../src/model/workload';

function lp005(securityContext: Record<string, unknown>, ports: unknown[] = []): string[] {
  const container = { name: 'web', image: 'example/web', ports, securityContext };
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [container] } };
  const { findings } = checkObject(objectsInDocument(object).objects[0], checkOptionsOf({}));
  return findings.filter((finding) => finding.ruleId === 'LP005').map((finding) => finding.message);
}

const DROP_ALL_ADD_NBS = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };

describe('LP005 capabilities-beyond-need', () => {
  test('seed 001: non-root, drop ALL, add NET_BIND_SERVICE, no port declared: keep it (EPERM), declare the port', () => {
    const [message] = lp005({ runAsUser: 1000, ...DROP_ALL_ADD_NBS });
    expect(message).toMatch(/declare the port the program binds .* keep NET_BIND_SERVICE: if its binary carries the file capability cap_net_bind_service, exec fails with EPERM/);
    expect(message).not.toMatch(/remove it/);
  });

  test('a root container without a privileged port and without a file capability: remove it', () => {
    expect(lp005({ runAsUser: 0, ...DROP_ALL_ADD_NBS })).toEqual([expect.stringMatching(/declares no port below 1024: remove it/)]);
  });

  test('a capability baseline forbids: what Pod Security thinks, not ports', () => {
    expect(lp005({ runAsUser: 1000, capabilities: { add: ['SYS_ADMIN', 'IPC_LOCK'] } })).toEqual([
      expect.stringMatching(/adds SYS_ADMIN, IPC_LOCK: Pod Security baseline forbids adding SYS_ADMIN, IPC_LOCK .*meets privileged only/),
    ]);
  });

  test('a capability baseline allows: restricted does not', () => {
    expect(lp005({ runAsUser: 1000, capabilities: { drop: ['ALL'], add: ['CHOWN'] } }, [{ containerPort: 8080 }])).toEqual([
      expect.stringMatching(/adds CHOWN: Pod Security baseline allows them, restricted allows adding only NET_BIND_SERVICE/),
    ]);
  });
});
