import type { ContainerCase } from './pod-builder';
import { podOf } from './pod-builder';
import { analyzeBinding } from '../../src/model/bind-analysis';
import { CRIO_DEFAULT_CAPABILITIES, RUNTIME_DEFAULT_CAPABILITIES } from '../../src/model/capabilities';
import type { RuntimeProfileName } from '../../src/model/runtime-profile';
import { defaultCapabilitiesOf, findRuntimeProfile, RUNTIME_PROFILES } from '../../src/model/runtime-profile';

function verdict(c: ContainerCase, profile: RuntimeProfileName = 'strict', portIndex = 0) {
  const analysis = analyzeBinding(podOf(c), findRuntimeProfile(profile)!);
  return analysis.containers[0].ports[portIndex];
}

const NON_ROOT_NBS = { runAsUser: 1000, drop: ['ALL'], add: ['NET_BIND_SERVICE'], allowPrivilegeEscalation: false };

describe('DESIGN fact: a port below ip_unprivileged_port_start needs CAP_NET_BIND_SERVICE in the effective set', () => {
  test('seed: uid 0 + drop ALL + add NET_BIND_SERVICE binds 80', () => {
    const port = verdict({ runAsUser: 0, drop: ['ALL'], add: ['NET_BIND_SERVICE'], allowPrivilegeEscalation: false });
    expect(port.bind).toBe('allowed');
    expect(port.reason).toMatch(/uid 0 keeps its bounding set/);
  });

  test('TCP, UDP and SCTP alike', () => {
    const ports = [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }, { containerPort: 38, protocol: 'SCTP' }];
    const analysis = analyzeBinding(podOf({ ...NON_ROOT_NBS, ports }), findRuntimeProfile('strict')!);
    expect(analysis.containers[0].ports.map((p) => [p.protocol, p.bind])).toEqual([
      ['UDP', 'denied'],
      ['TCP', 'denied'],
      ['SCTP', 'denied'],
    ]);
  });

  test('ports at or above 1024 bind without any capability', () => {
    expect(verdict({ runAsUser: 1000, drop: ['ALL'], ports: [{ containerPort: 1024 }] }).bind).toBe('allowed');
    expect(verdict({ runAsUser: 1000, drop: ['ALL'], ports: [{ containerPort: 1023 }] }).bind).toBe('denied');
  });
});

describe('DESIGN fact: non-root processes lose every capability on exec (no ambient capabilities)', () => {
  test('seed: uid 1000 + add NET_BIND_SERVICE without a file capability cannot bind 80', () => {
    const port = verdict(NON_ROOT_NBS);
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/no ambient capabilities/);
    expect(port.reason).toMatch(/setcap cap_net_bind_service=\+ep/);
  });

  test('the runtime default set does not help a non-root process either', () => {
    expect(verdict({ runAsUser: 1000 }).bind).toBe('denied');
  });

  test('privileged does not help a non-root process', () => {
    expect(verdict({ runAsUser: 1000, privileged: true }).bind).toBe('denied');
    expect(verdict({ runAsUser: 0, privileged: true, drop: ['ALL'] }).bind).toBe('allowed');
  });
});

describe('DESIGN fact: a file capability lets a non-root process gain NET_BIND_SERVICE on exec', () => {
  test('setcap binary + drop ALL + add NET_BIND_SERVICE + no_new_privs binds 80', () => {
    const port = verdict({ ...NON_ROOT_NBS, fileCapabilities: 'cap_net_bind_service=+ep' });
    expect(port.bind).toBe('allowed');
    expect(port.reason).toMatch(/no_new_privs .* does not stop it/);
  });

  test('seed: setcap binary + drop ALL without add cannot even exec (EPERM), on any port', () => {
    const ports = [{ containerPort: 80 }, { containerPort: 8080 }];
    const analysis = analyzeBinding(
      podOf({ runAsUser: 1000, drop: ['ALL'], fileCapabilities: 'cap_net_bind_service=+ep', ports }),
      findRuntimeProfile('containerd-2')!,
    );
    for (const port of analysis.containers[0].ports) {
      expect(port.bind).toBe('denied');
      expect(port.reason).toMatch(/EPERM/);
    }
  });

  test('a file capability without the effective flag leaves the verdict to the program', () => {
    expect(verdict({ ...NON_ROOT_NBS, fileCapabilities: 'cap_net_bind_service+p' }).bind).toBe('unknown');
  });

  test('a file capability also decides for an unknown image user', () => {
    expect(verdict({ drop: ['ALL'], add: ['NET_BIND_SERVICE'], fileCapabilities: 'cap_net_bind_service=ep' }).bind).toBe('allowed');
  });

  test('an unreadable annotation makes a non-root verdict unknown, with the reason', () => {
    const port = verdict({ ...NON_ROOT_NBS, fileCapabilities: 'cap_net_bind_servce=+ep' });
    expect(port.bind).toBe('unknown');
    expect(port.reason).toMatch(/names no Linux capability/);
  });
});

describe('DESIGN fact: the bounding set is the runtime default minus drop plus add; privileged gives all', () => {
  test('uid 0 with the runtime default set binds 80', () => {
    expect(verdict({ runAsUser: 0 }).bind).toBe('allowed');
  });

  test('uid 0 with NET_BIND_SERVICE dropped cannot bind 80', () => {
    const port = verdict({ runAsUser: 0, drop: ['NET_BIND_SERVICE'] });
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/not in the container's bounding set/);
  });

  test('drop: ["all"] drops everything at runtime (case-insensitive ALL)', () => {
    expect(verdict({ runAsUser: 0, drop: ['all'] }).bind).toBe('denied');
    expect(verdict({ runAsUser: 0, drop: ['all'], add: ['net_bind_service'] }).bind).toBe('allowed');
  });

  test('add: ["CAP_NET_BIND_SERVICE"] grants nothing on containerd (CAP_CAP_…), so root gets EACCES', () => {
    const port = verdict({ runAsUser: 0, drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] }, 'containerd-1');
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/CAP_CAP_NET_BIND_SERVICE/);
    expect(verdict({ runAsUser: 0, drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] }, 'strict').bind).toBe('denied');
    // CRI-O accepts the prefix.
    expect(verdict({ runAsUser: 0, drop: ['ALL'], add: ['CAP_NET_BIND_SERVICE'] }, 'cri-o').bind).toBe('allowed');
  });

  test('strict counts a CAP_-prefixed drop as dropping, since CRI-O drops it', () => {
    expect(verdict({ runAsUser: 0, drop: ['CAP_NET_BIND_SERVICE'] }, 'strict').bind).toBe('denied');
    expect(verdict({ runAsUser: 0, drop: ['CAP_NET_BIND_SERVICE'] }, 'containerd-1').bind).toBe('allowed');
  });
});

describe('DESIGN fact: the sysctl net.ipv4.ip_unprivileged_port_start ≤ port lets any uid bind', () => {
  test('seed: uid 1000, drop ALL, sysctl 80 binds 80', () => {
    const port = verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '80' });
    expect(port.bind).toBe('allowed');
    expect(port.reason).toMatch(/set by the pod's sysctl/);
  });

  test('a sysctl above the port does not help', () => {
    expect(verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '81' }).bind).toBe('denied');
  });

  test('the sysctl overrides a lowering runtime too (it can raise the start)', () => {
    expect(verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '1024' }, 'containerd-2').bind).toBe('denied');
  });

  test('not possible with hostNetwork: the kubelet rejects the pod', () => {
    const port = verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '80', hostNetwork: true });
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/SysctlForbidden/);
  });

  test('a value that is not a number gives unknown', () => {
    expect(verdict({ runAsUser: 1000, sysctl: 'eighty' }).bind).toBe('unknown');
    expect(verdict({ runAsUser: 1000, sysctl: 80 }).bind).toBe('unknown');
  });

  test('a value above ip_local_port_range start makes the sandbox fail', () => {
    expect(verdict({ runAsUser: 1000, sysctl: '40000', ports: [{ containerPort: 8080 }] }).bind).toBe('denied');
  });
});

describe('DESIGN fact: runtimes differ — containerd ≥ 2.0 and Docker set ip_unprivileged_port_start=0', () => {
  test('non-root + NET_BIND_SERVICE: denied under strict, allowed on containerd-2 and docker, flagged as runtime-dependent', () => {
    const strict = verdict(NON_ROOT_NBS, 'strict');
    expect(strict.bind).toBe('denied');
    expect(strict.reason).toMatch(/containerd ≥ 2.0, Docker ≥ 20.10, kind, k3s/);
    for (const profile of ['containerd-2', 'docker'] as const) {
      const lenient = verdict(NON_ROOT_NBS, profile);
      expect(lenient.bind).toBe('allowed');
      expect(lenient.bindsOnlyOnLoweringRuntimes).toBe(true);
      expect(lenient.reason).toMatch(/containerd 1.x and CRI-O do not/);
    }
  });

  test('aliases kind, k3s, minikube name the containerd-2 profile', () => {
    expect(findRuntimeProfile('kind')?.name).toBe('containerd-2');
    expect(findRuntimeProfile('k3s')?.name).toBe('containerd-2');
    expect(findRuntimeProfile('nope')).toBeUndefined();
  });

  test('hostNetwork pods keep the node default, whatever the runtime', () => {
    expect(verdict({ ...NON_ROOT_NBS, hostNetwork: true }, 'containerd-2').bind).toBe('denied');
  });

  test('a verdict that holds under strict is not flagged', () => {
    expect(verdict({ runAsUser: 0, drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, 'containerd-2').bindsOnlyOnLoweringRuntimes).toBe(false);
  });
});

describe('DESIGN fact: runAsNonRoot', () => {
  test('runAsNonRoot: true with uid 0 → the kubelet refuses to start the container', () => {
    const port = verdict({ runAsNonRoot: true, runAsUser: 0, ports: [{ containerPort: 8080 }] });
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/kubelet refuses/);
  });

  test('runAsNonRoot: true with no runAsUser → non-root from the image, which cannot bind 80', () => {
    const analysis = analyzeBinding(podOf({ runAsNonRoot: true }), findRuntimeProfile('strict')!);
    expect(analysis.containers[0].securityContext.user).toEqual({ kind: 'non-root-from-image' });
    expect(analysis.containers[0].ports[0].bind).toBe('denied');
  });

  test('no runAsUser and no runAsNonRoot → the image decides: unknown', () => {
    const port = verdict({});
    expect(port.bind).toBe('unknown');
    expect(port.reason).toMatch(/image's USER/);
  });
});

describe('DESIGN fact: container-level securityContext fields override pod-level ones', () => {
  test('pod runAsUser 0, container runAsUser 1000 → non-root', () => {
    expect(verdict({ runAsUser: 1000, podSecurityContext: { runAsUser: 0 } }).bind).toBe('denied');
  });
  test('pod runAsUser 1000, container runAsUser 0 → root', () => {
    expect(verdict({ runAsUser: 0, podSecurityContext: { runAsUser: 1000 } }).bind).toBe('allowed');
  });
  test('pod-level runAsUser applies when the container sets none', () => {
    expect(verdict({ podSecurityContext: { runAsUser: 0 } }).bind).toBe('allowed');
  });
});

describe('malformed input gives unknown with the field named, never an exception', () => {
  test.each([
    [{ runAsUser: '0' }, /runAsUser is "0", not a uid from 0 to 2147483647/],
    [{ runAsUser: -5 }, /runAsUser is -5, not a uid from 0 to 2147483647/],
    [{ runAsUser: 2147483648 }, /runAsUser is 2147483648, not a uid/],
    [{ runAsUser: 0, privileged: 'true' }, /privileged is "true"/],
    [{ runAsUser: 0, add: 'NET_BIND_SERVICE' }, /capabilities.add is "NET_BIND_SERVICE", not a list/],
    [{ runAsUser: 0, add: [42] }, /capabilities.add\[0\] is 42/],
    [{ runAsUser: 0, ports: [{ containerPort: '80' }] }, /containerPort is "80", not an integer/],
    [{ runAsUser: 0, ports: [{ containerPort: 70000 }] }, /outside 1–65535/],
    [{ runAsUser: 0, ports: [{ containerPort: -1 }] }, /outside 1–65535/],
    [{ runAsUser: 0, ports: [{ name: 'http' }] }, /containerPort is missing/],
    [{ runAsUser: 0, ports: ['http'] }, /not a map/],
    [{ runAsUser: 0, ports: [{ containerPort: 80, protocol: 'tcp' }] }, /protocol tcp is not TCP, UDP or SCTP/],
    [{ runAsUser: 0, hostNetwork: 'yes' }, /hostNetwork is "yes"/],
  ])('%j', (c, reason) => {
    const port = verdict(c as ContainerCase);
    expect(port.bind).toBe('unknown');
    expect(port.reason).toMatch(reason);
  });

  test.each([null, undefined, 42, 'pod', [], { containers: null }, { containers: [null, 'x', { ports: null }] }])(
    'spec %j yields no crash',
    (spec) => {
      expect(() => analyzeBinding({ metadata: null, spec })).not.toThrow();
    },
  );

  test('a container without a name is reported by its path', () => {
    const analysis = analyzeBinding({ metadata: {}, spec: { containers: [{ ports: [{ containerPort: 80 }] }] } });
    expect(analysis.containers[0].name).toBe('containers[0]');
  });
});

describe('pods the API server rejects never run', () => {
  test('allowPrivilegeEscalation: false with privileged: true', () => {
    const port = verdict({ runAsUser: 0, privileged: true, allowPrivilegeEscalation: false });
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/API server rejects the pod/);
  });

  test('allowPrivilegeEscalation: false with add CAP_SYS_ADMIN (exact spelling), not SYS_ADMIN', () => {
    expect(verdict({ runAsUser: 0, allowPrivilegeEscalation: false, add: ['CAP_SYS_ADMIN'] }).bind).toBe('denied');
    expect(verdict({ runAsUser: 0, allowPrivilegeEscalation: false, add: ['SYS_ADMIN'] }).bind).toBe('allowed');
  });
});

describe('Windows pods', () => {
  test('have no privileged port range', () => {
    expect(verdict({ os: 'windows', runAsUser: 1000 }).bind).toBe('allowed');
  });
});

describe('user namespaces (hostUsers: false), as containerd 2.x ran them (test/runtime/user-namespace.test.ts)', () => {
  const root = { runAsUser: 0, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } };
  const judge = (spec: Record<string, unknown>) =>
    analyzeBinding(
      { metadata: {}, spec: { ...spec, containers: [{ name: 'web', image: 'x', ports: [{ containerPort: 80 }], securityContext: root }] } },
      findRuntimeProfile('strict')!,
    ).containers[0].ports[0];

  test('root inside the pod\'s user namespace with NET_BIND_SERVICE binds 80, and the reason says where uid 0 is and where its capability counts', () => {
    const port = judge({ hostUsers: false });
    expect(port.bind).toBe('allowed');
    expect(port.reason).toBe(
      "Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 0 inside the pod's own user namespace (hostUsers: false), an unprivileged uid on the node, " +
        "keeps its bounding set on exec, and the set includes it; its capabilities count in the pod's own network namespace, which that user namespace owns, and nowhere on the node.",
    );
    expect(analyzeBinding({ metadata: {}, spec: { hostUsers: false, containers: [] } }, findRuntimeProfile('strict')!).network.ownUserNamespace).toBe(true);
  });

  test('without hostUsers: false, or with hostUsers: true, it is root on the node: the reason says nothing of a user namespace', () => {
    for (const spec of [{}, { hostUsers: true }]) {
      const port = judge(spec);
      expect(port.bind).toBe('allowed');
      expect(port.reason).toBe('Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 0 keeps its bounding set on exec, and the set includes it.');
    }
  });

  test('a non-root uid inside the pod\'s user namespace still has no capability after exec: denied, and the reason names the namespace', () => {
    const port = analyzeBinding(
      { metadata: {}, spec: { hostUsers: false, containers: [{ name: 'web', image: 'x', ports: [{ containerPort: 80 }], securityContext: { ...root, runAsUser: 1000 } }] } },
      findRuntimeProfile('strict')!,
    ).containers[0].ports[0];
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(
      /^Port 80 < 1024 needs CAP_NET_BIND_SERVICE: uid 1000 inside the pod's own user namespace \(hostUsers: false\) has none after exec, because Kubernetes sets no ambient capabilities/,
    );
  });

  test('the verdicts do not depend on hostUsers without hostNetwork: the same for every uid, capability list and sysctl, with it false, true or unset', () => {
    const users = [0, 1000, undefined];
    const capabilityLists = [undefined, { drop: ['ALL'] }, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, { add: ['CAP_NET_BIND_SERVICE'] }];
    const sysctls = [undefined, '80', '1024'];
    for (const runAsUser of users) {
      for (const capabilities of capabilityLists) {
        for (const sysctl of sysctls) {
          const verdicts = [false, true, undefined].map((hostUsers) =>
            analyzeBinding(
              {
                metadata: {},
                spec: {
                  ...(hostUsers === undefined ? {} : { hostUsers }),
                  ...(sysctl === undefined ? {} : { securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: sysctl }] } }),
                  containers: [{ name: 'web', image: 'x', ports: [{ containerPort: 80 }, { containerPort: 8080 }], securityContext: { runAsUser, capabilities } }],
                },
              },
              findRuntimeProfile('strict')!,
            ).containers[0].ports.map((p) => p.bind),
          );
          expect([runAsUser, capabilities, sysctl, verdicts[0]]).toEqual([runAsUser, capabilities, sysctl, verdicts[1]]);
          expect(verdicts[1]).toEqual(verdicts[2]);
        }
      }
    }
  });

  test('with hostNetwork the API server rejects the pod, and root in the user namespace holds no capability in the node\'s namespace', () => {
    const port = judge({ hostUsers: false, hostNetwork: true });
    expect(port.bind).toBe('denied');
    expect(port.reason).toMatch(/API server rejects hostUsers: false with hostNetwork: true/);
  });
});

describe('runtime profiles: what each runtime does differently (docs/verification.md, "Runtime profiles")', () => {
  test('CRI-O starts a container with nine capabilities, not fourteen: a file capability on NET_RAW fails exec there, and so under strict', () => {
    const pinger = { runAsUser: 1000, fileCapabilities: 'cap_net_raw,cap_net_bind_service=+ep' };
    expect(verdict(pinger, 'containerd-1').bind).toBe('allowed');
    expect(verdict(pinger, 'containerd-2').bind).toBe('allowed');
    for (const profile of ['cri-o', 'strict'] as const) {
      const port = verdict(pinger, profile);
      expect(port.bind).toBe('denied');
      expect(port.reason).toMatch(/exec of its binary fails with EPERM: .*needs CAP_NET_RAW in the bounding set/);
    }
    // Adding it back is enough everywhere.
    expect(verdict({ ...pinger, add: ['NET_RAW'] }, 'cri-o').bind).toBe('allowed');
    // A file capability within CRI-O's set is unaffected.
    expect(verdict({ runAsUser: 1000, fileCapabilities: 'cap_net_bind_service=+ep' }, 'cri-o').bind).toBe('allowed');
  });

  test('the default sets: CRI-O\'s is a subset of containerd\'s, and strict takes the smaller', () => {
    const cri = findRuntimeProfile('cri-o')!;
    expect(defaultCapabilitiesOf(cri)).toEqual(CRIO_DEFAULT_CAPABILITIES);
    expect(CRIO_DEFAULT_CAPABILITIES.every((name) => RUNTIME_DEFAULT_CAPABILITIES.includes(name))).toBe(true);
    expect(defaultCapabilitiesOf(findRuntimeProfile('strict')!)).toEqual(CRIO_DEFAULT_CAPABILITIES);
    for (const name of ['containerd-1', 'containerd-2', 'docker', 'gvisor'] as const) expect(defaultCapabilitiesOf(findRuntimeProfile(name)!)).toEqual(RUNTIME_DEFAULT_CAPABILITIES);
  });

  describe('gVisor (runsc), as observed (test/runtime/gvisor.test.ts)', () => {
    test('netstack checks no privileged port: uid 1000 with no capability binds 80 and 53, and the reason says why', () => {
      const port = verdict({ runAsUser: 1000, drop: ['ALL'], allowPrivilegeEscalation: false }, 'gvisor');
      expect(port.bind).toBe('allowed');
      expect(port.reason).toMatch(/^Any uid binds port 80 on gvisor \(gVisor \(runsc\).*netstack.*\): no capability is needed/);
      const analysis = analyzeBinding(podOf({ runAsUser: 1000, drop: ['ALL'] }), findRuntimeProfile('gvisor')!);
      expect(analysis.containers[0].ports[0].bindsOnlyOnLoweringRuntimes).toBe(true);
    });

    test('the pod\'s sysctl is not read: a start of 1025 does not make 1024 privileged there', () => {
      expect(verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '1025', ports: [{ containerPort: 1024 }] }, 'gvisor').bind).toBe('allowed');
      expect(verdict({ runAsUser: 1000, drop: ['ALL'], sysctl: '1025', ports: [{ containerPort: 1024 }] }, 'strict').bind).toBe('denied');
    });

    test('file capability + no_new_privs: runsc ignores the file capability, the bind needs none, and the reason says both', () => {
      const port = verdict({ ...NON_ROOT_NBS, fileCapabilities: 'cap_net_bind_service=+ep' }, 'gvisor');
      expect(port.bind).toBe('allowed');
      expect(port.reason).toMatch(/Under no_new_privs \(allowPrivilegeEscalation: false\) gvisor ignores the binary's file capability \(cap_net_bind_service=\+ep\), so the process holds no capability after exec \(gvisor#14878\)/);
    });

    test('a file capability outside the bounding set: exec fails with EPERM without no_new_privs, as on Linux; with it the capability is ignored and the container runs', () => {
      const capped = { runAsUser: 1000, drop: ['ALL'], fileCapabilities: 'cap_net_bind_service=+ep' };
      const without = verdict(capped, 'gvisor');
      expect(without.bind).toBe('denied');
      expect(without.reason).toMatch(/exec of its binary fails with EPERM/);
      expect(verdict({ ...capped, allowPrivilegeEscalation: false }, 'gvisor').bind).toBe('allowed');
      expect(verdict({ ...capped, allowPrivilegeEscalation: false }, 'strict').bind).toBe('denied');
    });

    test('runsc withholds NET_RAW (--net-raw=false by default): a file capability on it fails exec without no_new_privs, even with add: [NET_RAW]', () => {
      const pinger = { runAsUser: 1000, add: ['NET_RAW'], fileCapabilities: 'cap_net_raw,cap_net_bind_service=+ep' };
      expect(verdict(pinger, 'containerd-1').bind).toBe('allowed');
      expect(verdict(pinger, 'gvisor').reason).toMatch(/exec of its binary fails with EPERM: .*needs CAP_NET_RAW/);
      expect(verdict({ ...pinger, privileged: true }, 'gvisor').bind).toBe('denied');
      expect(verdict({ ...pinger, allowPrivilegeEscalation: false }, 'gvisor').bind).toBe('allowed');
    });

    test('what refuses the pod before the runtime still refuses it: runAsNonRoot with uid 0, the sysctl with hostNetwork', () => {
      expect(verdict({ runAsUser: 0, runAsNonRoot: true }, 'gvisor').bind).toBe('denied');
      expect(verdict({ runAsUser: 1000, sysctl: '80', hostNetwork: true }, 'gvisor').bind).toBe('denied');
    });

    test('strict stays the worst case: no port is allowed under strict that gVisor, CRI-O or containerd deny', () => {
      const TWO_PORTS = [{ containerPort: 80 }, { containerPort: 8080 }];
      const cases: ContainerCase[] = [];
      for (const runAsUser of [0, 1000]) {
        for (const drop of [undefined, ['ALL']]) {
          for (const add of [undefined, ['NET_BIND_SERVICE'], ['CAP_NET_BIND_SERVICE'], ['NET_RAW']]) {
            for (const fileCapabilities of [undefined, 'cap_net_bind_service=+ep', 'cap_net_raw,cap_net_bind_service=+ep']) {
              for (const allowPrivilegeEscalation of [undefined, false]) {
                cases.push({ runAsUser, drop, add, fileCapabilities, allowPrivilegeEscalation, ports: TWO_PORTS });
              }
            }
          }
        }
      }
      for (const c of cases) {
        const strict = analyzeBinding(podOf(c), findRuntimeProfile('strict')!).containers[0].ports.map((p) => p.bind);
        for (const profile of RUNTIME_PROFILES) {
          const other = analyzeBinding(podOf(c), profile).containers[0].ports.map((p) => p.bind);
          strict.forEach((bind, index) => {
            if (bind === 'allowed') expect([profile.name, c, other[index]]).toEqual([profile.name, c, 'allowed']);
          });
        }
      }
    });
  });
});
