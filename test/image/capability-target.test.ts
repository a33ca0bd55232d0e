/**
 * Which binary's file capability the listening process gets: argv[0] itself, the command of an
 * init wrapper, or — when the image starts a script — a guess that can make a verdict
 * `unknown` but never `denied`.
 */
import { dir, filesystem } from './synthetic-filesystem';
import { capabilityTargetOf } from '../../src/image/executable';
import { CAPABILITY_XATTR } from '../../src/image/vfs-capability';

const ELF = '\x7fELF';
// vfs_cap_data revision 2: cap_net_bind_service (bit 10) permitted, effective.
const NET_BIND_SERVICE_EP = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const capped = (path: string) => ({ path, mode: 0o755, data: ELF, xattrs: new Map([[CAPABILITY_XATTR, NET_BIND_SERVICE_EP]]) });

const fs = filesystem([
  [
    dir('bin'),
    dir('usr'),
    dir('usr/bin'),
    dir('usr/sbin'),
    { path: 'bin/sh', mode: 0o755, data: ELF },
    { path: 'usr/bin/tini', mode: 0o755, data: ELF },
    { path: 'usr/bin/su-exec', mode: 0o755, data: ELF },
    capped('usr/sbin/nginx'),
    { path: 'usr/bin/plain', mode: 0o755, data: ELF },
    { path: 'entrypoint.sh', mode: 0o755, data: '#!/bin/sh\nexec "$@"\n' },
    { path: 'java.sh', mode: 0o755, data: '#!/bin/sh\njava $JAVA_OPTS $*\n' },
  ],
]);
const context = { path: ['/usr/sbin', '/usr/bin', '/bin'], workingDir: '/' };

test.each([
  ['an ELF binary is its own target', ['/usr/sbin/nginx'], '/usr/sbin/nginx', 'itself', false],
  ['tini -s -- CMD: the command, not the wrapper', ['tini', '-s', '-p', 'SIGTERM', '--', 'nginx', '-g', 'daemon off;'], '/usr/sbin/nginx', 'wrapper', false],
  ['su-exec USER CMD: the command after the user', ['su-exec', 'app', 'plain'], '/usr/bin/plain', 'wrapper', false],
  ['a shell wrapper with arguments: exec "$@" assumed', ['/entrypoint.sh', 'nginx', '-g', 'daemon off;'], '/usr/sbin/nginx', 'arguments', true],
  ['sh -c with a quoted ; : the last command of the string', ['/entrypoint.sh', 'sh', '-c', "rm -rf /run/*.sock && exec nginx -g 'daemon off;'"], '/usr/sbin/nginx', 'arguments', true],
  ['a script whose arguments name no program: its interpreter, a guess', ['/java.sh', '-jar', 'app.jar'], '/bin/sh', 'interpreter', true],
])('%s', (_name, argv, target, via, assumed) => {
  const found = capabilityTargetOf(fs, argv, context);
  expect({ target: found.target?.path, via: found.via, assumed: found.assumed }).toEqual({ target, via, assumed });
});
