import type { SandboxPlacement } from './cri-config';
import { FILE_CAPABILITIES_ANNOTATION_PREFIX, planPod } from './cri-config';
import { PROBE_IMAGE_ROOT, PROBE_IMAGE_USER_1000, PROBE_PATH, SETCAP_PROBE_PATH } from './image';
import type { KubePod } from './kube-types';

const placement: SandboxPlacement = { uid: 'uid-1', name: 'web-1', namespace: 'default', logDirectory: '/logs/uid-1' };
const images = (image: string) => (image === PROBE_IMAGE_USER_1000 ? { uid: { value: 1000 }, username: '' } : { username: '' });
const plan = (pod: KubePod) => planPod(pod, placement, images);

describe('planPod (kubelet translation)', () => {
  test('passes capability names through exactly as written and maps the security context', () => {
    const { sandbox, containers } = plan({
      spec: {
        securityContext: { runAsUser: 1000, fsGroup: 2000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] },
        containers: [{
          name: 'web',
          ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
          securityContext: { capabilities: { drop: ['all'], add: ['CAP_NET_BIND_SERVICE'] }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
        }],
      },
    });
    expect(sandbox.linux.sysctls).toEqual({ 'net.ipv4.ip_unprivileged_port_start': '80' });
    expect(sandbox.linux.security_context.run_as_user).toEqual({ value: 1000 });
    const config = containers[0].config!;
    expect(config.command).toEqual([PROBE_PATH]);
    expect(config.args).toEqual(['tcp:80', 'udp:53']);
    expect(config.linux.security_context).toMatchObject({
      capabilities: { add_capabilities: ['CAP_NET_BIND_SERVICE'], drop_capabilities: ['all'] },
      run_as_user: { value: 1000 },
      no_new_privs: true,
      readonly_rootfs: true,
      privileged: false,
      supplemental_groups: [2000],
      namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
    });
  });

  test('hostUsers: false with user-namespace support: mode POD with the block of host ids, on the sandbox and every container; others NODE; none without support', () => {
    const pod: KubePod = { spec: { hostUsers: false, initContainers: [{ name: 'init' }], containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } };
    const supported = planPod(pod, { ...placement, userNamespaceBlock: 3 }, images);
    const userns = { mode: 'POD', uids: [{ host_id: 196608, container_id: 0, length: 65536 }], gids: [{ host_id: 196608, container_id: 0, length: 65536 }] };
    expect(supported.sandbox.linux.security_context.namespace_options.userns_options).toEqual(userns);
    expect(supported.containers.map((c) => c.config!.linux.security_context.namespace_options.userns_options)).toEqual([userns, userns]);
    const onNode = planPod({ spec: { containers: [{ name: 'web' }] } }, { ...placement, userNamespaceBlock: 3 }, images);
    expect(onNode.sandbox.linux.security_context.namespace_options.userns_options).toEqual({ mode: 'NODE', uids: [], gids: [] });
    // A kubelet without the support sends nothing, and the harness never runs a hostUsers: false pod as root on the host.
    expect(plan({ spec: { containers: [{ name: 'web' }] } }).sandbox.linux.security_context.namespace_options).toEqual({ network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
    expect(() => plan(pod)).toThrow(/a pod with hostUsers: false needs a kubelet with user-namespace support/);
  });

  test('hostUsers: false with hostNetwork, hostPID or hostIPC: the API server refuses the pod, hostNetwork unless the alpha gate of KEP-5607 is on', () => {
    const supported = { ...placement, userNamespaceBlock: 1 };
    const refusal = (spec: Partial<KubePod['spec']>, where = supported) => planPod({ spec: { hostUsers: false, ...spec, containers: [{ name: 'web' }] } }, where, images).podRefusal;
    expect(refusal({ hostNetwork: true })).toBe('API server: spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false');
    expect(refusal({ hostPID: true })).toMatch(/spec.HostPID: Forbidden/);
    expect(refusal({ hostIPC: true })).toMatch(/spec.HostIPC: Forbidden/);
    expect(refusal({ hostNetwork: true }, { ...supported, userNamespacesHostNetworkSupport: true })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
    expect(planPod({ spec: { hostNetwork: true, containers: [{ name: 'web' }] } }, supported, images).podRefusal).toBeUndefined();
  });

  test('lets container fields win over pod fields, and no_new_privs only for an explicit false', () => {
    const { containers } = plan({
      spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }] },
    });
    expect(containers[0].config!.linux.security_context.run_as_user).toEqual({ value: 0 });
    expect(containers[0].config!.linux.security_context.no_new_privs).toBe(false);
    expect(containers[0].config!.linux.security_context.capabilities).toBeUndefined();
  });

  test('runs the setcap probe only for the container the annotation names', () => {
    const { containers } = plan({
      metadata: { annotations: { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}b`]: 'cap_net_bind_service=+ep' } },
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    });
    expect(containers.map((c) => c.config!.command[0])).toEqual([PROBE_PATH, SETCAP_PROBE_PATH]);
  });

  test('an explicit command naming a probe copy runs that copy, over the annotation; any other command is still replaced', () => {
    const { containers } = plan({
      metadata: { annotations: { [`${FILE_CAPABILITIES_ANNOTATION_PREFIX}b`]: 'cap_net_bind_service=+ep' } },
      spec: {
        containers: [
          { name: 'a', command: [SETCAP_PROBE_PATH] },
          { name: 'b', command: [PROBE_PATH] },
          { name: 'c', command: ['nginx', '-g', 'daemon off;'] },
        ],
      },
    });
    expect(containers.map((c) => c.config!.command)).toEqual([[SETCAP_PROBE_PATH], [PROBE_PATH], [PROBE_PATH]]);
  });

  test('refuses runAsNonRoot with uid 0, explicit or from the image, as kubelet does', () => {
    const runAsNonRoot = (securityContext: object, image = PROBE_IMAGE_ROOT) =>
      plan({ spec: { containers: [{ name: 'a', image, securityContext: { runAsNonRoot: true, ...securityContext } }] } }).containers[0];
    expect(runAsNonRoot({ runAsUser: 0 }).refusal).toMatch(/runAsUser breaks non-root policy/);
    expect(runAsNonRoot({}).refusal).toMatch(/image will run as root/);
    expect(runAsNonRoot({}, PROBE_IMAGE_USER_1000).config!.linux.security_context.run_as_user).toEqual({ value: 1000 });
  });

  test('refuses what the API server and kubelet admission reject', () => {
    const apiInvalid = plan({ spec: { containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: false, privileged: true } }] } });
    expect(apiInvalid.podRefusal).toMatch(/allowPrivilegeEscalation.*privileged/);
    const hostNetSysctl = plan({
      spec: { hostNetwork: true, securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] }, containers: [{ name: 'a' }] },
    });
    expect(hostNetSysctl.podRefusal).toMatch(/not allowed with host net enabled/);
    expect(hostNetSysctl.sandbox.linux.security_context.namespace_options.network).toBe('NODE');
  });

  test('plans init containers first, in order, translated like the others', () => {
    const { sandbox, containers } = plan({
      spec: {
        initContainers: [{ name: 'warmup', ports: [{ containerPort: 53, protocol: 'UDP' }], securityContext: { runAsUser: 0, privileged: true } }],
        containers: [{ name: 'web', ports: [{ containerPort: 80 }] }],
      },
    });
    expect(containers.map((c) => [c.name, c.type])).toEqual([['warmup', 'initContainer'], ['web', 'container']]);
    expect(containers[0].config!.args).toEqual(['udp:53']);
    expect(containers[0].config!.linux.security_context.privileged).toBe(true);
    // kubelet's HasPrivilegedContainer looks at init containers too.
    expect(sandbox.linux.security_context.privileged).toBe(true);
  });

  test('refuses an init container the API server rejects, naming its field', () => {
    const { podRefusal } = plan({
      spec: { initContainers: [{ name: 'i', securityContext: { allowPrivilegeEscalation: false, privileged: true } }], containers: [{ name: 'a' }] },
    });
    expect(podRefusal).toMatch(/spec\.initContainers\[0\]\.securityContext/);
  });
});
