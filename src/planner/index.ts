/**
 * The planner: intent in (a port, a Pod Security level, what the image and cluster allow),
 * a least-privilege plan out (securityContexts, ports, Service mapping, annotations,
 * Dockerfile lines), verified by the capability model. Pure: no cdk8s, no I/O.
 */
export * from './bind-strategy';
export * from './bind-strategy-error';
export * from './dockerfile';
export * from './image-inspection';
export * from './kube-shapes';
export * from './kubernetes-version';
export * from './plan-privileged-port';
export * from './verify-pod';
