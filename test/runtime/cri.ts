/**
 * A small CRI client: the RuntimeService and ImageService calls a kubelet makes to
 * start a pod, spoken over containerd's gRPC socket with the CRI's own definition
 * (`runtime.v1`, api.proto of the Go module k8s.io/cri-api, fetched by setup.sh).
 *
 * Why our own client and not crictl: building crictl v1.34.0 from the Go module proxy
 * costs CI about 2 minutes cold (measured: 2m07s on this 2-core kind of machine), and
 * each call would be a process start. This client needs only api.proto (one
 * `go mod download`, under a second) and the gRPC runtime that the project's
 * lockfile already installs with @pulumi/pulumi (@grpc/grpc-js, @grpc/proto-loader).
 *
 * Field names are the proto's own (`run_as_user`, `add_capabilities`, …): the
 * translation in cri-config.ts reads like the CRI it produces.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runtimeWorkDir } from './paths';

/** runtime.v1.Int64Value: distinguishes "unset" from 0. */
export interface Int64Value {
  value: number;
}

/** runtime.v1.NamespaceMode. */
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

/** runtime.v1.IDMapping: `length` ids from `container_id` inside map to `host_id` on the host. */
export interface IdMapping {
  host_id: number;
  container_id: number;
  length: number;
}

/** runtime.v1.UserNamespace: POD (its own, with these mappings) or NODE (the host's). */
export interface UserNamespace {
  mode: 'POD' | 'NODE';
  uids: IdMapping[];
  gids: IdMapping[];
}

/** runtime.v1.NamespaceOption. */
export interface NamespaceOption {
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  /** Sent by a kubelet with user-namespace support (containerd 1.6 ignores it). */
  userns_options?: UserNamespace;
}

/** runtime.v1.SecurityProfile. */
export interface SecurityProfile {
  profile_type: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
  localhost_ref?: string;
}

/** runtime.v1.LinuxSandboxSecurityContext. */
export interface LinuxSandboxSecurityContext {
  namespace_options: NamespaceOption;
  run_as_user?: Int64Value;
  run_as_group?: Int64Value;
  supplemental_groups: number[];
  privileged: boolean;
  seccomp: SecurityProfile;
}

/** runtime.v1.PodSandboxConfig. */
export interface PodSandboxConfig {
  metadata: { name: string; uid: string; namespace: string; attempt: number };
  hostname: string;
  log_directory: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: {
    cgroup_parent: string;
    security_context: LinuxSandboxSecurityContext;
    sysctls: Record<string, string>;
  };
}

/** runtime.v1.Capability. */
export interface Capability {
  add_capabilities: string[];
  drop_capabilities: string[];
}

/** runtime.v1.LinuxContainerSecurityContext. */
export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged: boolean;
  namespace_options: NamespaceOption;
  run_as_user?: Int64Value;
  run_as_group?: Int64Value;
  run_as_username: string;
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  no_new_privs: boolean;
  seccomp: SecurityProfile;
}

/** runtime.v1.ContainerConfig. */
export interface ContainerConfig {
  metadata: { name: string; attempt: number };
  image: { image: string };
  command: string[];
  args: string[];
  log_path: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  linux: { security_context: LinuxContainerSecurityContext };
}

/** runtime.v1.ContainerStatus, the fields the harness reads. */
export interface ContainerStatus {
  id: string;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  exit_code: number;
  reason: string;
  message: string;
  log_path: string;
}

/** runtime.v1.Image, the fields kubelet's runAsNonRoot check reads. */
export interface ImageUser {
  uid?: Int64Value;
  username: string;
}

/** runtime.v1.PodSandbox as listed. */
export interface PodSandboxSummary {
  id: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
}

/** A unary method of a service client made by grpc.loadPackageDefinition. */
type Unary = (request: object, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;
/** A service client made by grpc.loadPackageDefinition: methods are looked up by name. */
type ServiceClient = grpc.Client & Record<string, Unary>;
/** The part of the loaded api.proto this client uses. */
interface CriPackage {
  runtime: { v1: Record<'RuntimeService' | 'ImageService', new (address: string, credentials: grpc.ChannelCredentials) => ServiceClient> };
}
/** Responses carrying a verbose `info` map, whose `info` entry is JSON. */
interface VerboseInfo {
  info?: Record<string, string>;
}

/** The path setup.sh copies api.proto to. */
export function criProtoPath(): string {
  return join(runtimeWorkDir(), 'cri', 'api.proto');
}

/** A connection to one CRI endpoint (containerd's socket). */
export class CriClient {
  private readonly runtime: ServiceClient;
  private readonly images: ServiceClient;

  constructor(socketPath: string) {
    const definition = protoLoader.loadSync(criProtoPath(), {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const api = grpc.loadPackageDefinition(definition) as unknown as CriPackage;
    const address = `unix://${socketPath}`;
    const credentials = grpc.credentials.createInsecure();
    this.runtime = new api.runtime.v1.RuntimeService(address, credentials);
    this.images = new api.runtime.v1.ImageService(address, credentials);
  }

  /** Resolves once the runtime reports RuntimeReady and NetworkReady (CNI configured). */
  async ready(): Promise<boolean> {
    const response = await this.call<{ status?: { conditions?: Array<{ type: string; status: boolean }> } }>(this.runtime, 'Status', {});
    const conditions = response.status?.conditions ?? [];
    return ['RuntimeReady', 'NetworkReady'].every((type) => conditions.some((c) => c.type === type && c.status));
  }

  /** The image's user as the runtime reports it (kubelet's getImageUser reads the same). */
  async imageUser(image: string): Promise<ImageUser | undefined> {
    const response = await this.call<{ image?: { uid?: Int64Value | null; username: string } | null }>(this.images, 'ImageStatus', { image: { image } });
    return response.image ? { uid: response.image.uid ?? undefined, username: response.image.username } : undefined;
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    return (await this.call<{ pod_sandbox_id: string }>(this.runtime, 'RunPodSandbox', { config })).pod_sandbox_id;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const request = { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig };
    return (await this.call<{ container_id: string }>(this.runtime, 'CreateContainer', request)).container_id;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StartContainer', { container_id: containerId });
  }

  /** Stops the container at once (SIGKILL: a timeout of 0); its sandbox's removal removes it. */
  async stopContainer(containerId: string): Promise<void> {
    await this.call(this.runtime, 'StopContainer', { container_id: containerId, timeout: 0 });
  }

  /** The container's status and, from the verbose info, the PID of its process (0 when not running). */
  async containerStatus(containerId: string): Promise<{ status: ContainerStatus; pid: number }> {
    const response = await this.call<{ status: ContainerStatus } & VerboseInfo>(this.runtime, 'ContainerStatus', { container_id: containerId, verbose: true });
    const info = parseInfo<{ pid?: number }>(response);
    return { status: response.status, pid: typeof info.pid === 'number' ? info.pid : 0 };
  }

  /** The network namespace path the runtime gave the sandbox (its OCI spec), '' for host network. */
  async sandboxNetworkNamespace(podSandboxId: string): Promise<string> {
    const response = await this.call<VerboseInfo>(this.runtime, 'PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose: true });
    const info = parseInfo<{ runtimeSpec?: { linux?: { namespaces?: Array<{ type: string; path?: string }> } } }>(response);
    return info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path ?? '';
  }

  async listPodSandboxes(): Promise<PodSandboxSummary[]> {
    return (await this.call<{ items: PodSandboxSummary[] }>(this.runtime, 'ListPodSandbox', {})).items;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'StopPodSandbox', { pod_sandbox_id: podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call(this.runtime, 'RemovePodSandbox', { pod_sandbox_id: podSandboxId });
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }

  /** One unary call; `T` is the shape of the response message as proto-loader decodes it (snake_case, enums as names). */
  private call<T>(service: ServiceClient, method: string, request: object): Promise<T> {
    return new Promise((resolve, reject) => {
      service[method](request, (error, response) => (error ? reject(new CriError(method, error)) : resolve(response as T)));
    });
  }
}

/** containerd's verbose `info.info` JSON (its own format, not part of the CRI). */
function parseInfo<T>(response: VerboseInfo): T {
  return (response.info?.info ? JSON.parse(response.info.info) : {}) as T;
}

/** A CRI call the runtime answered with an error; `details` is the runtime's message. */
export class CriError extends Error {
  constructor(readonly method: string, readonly cause: grpc.ServiceError) {
    super(`CRI ${method}: ${cause.details || cause.message}`);
  }

  get details(): string {
    return this.cause.details || this.cause.message;
  }
}
