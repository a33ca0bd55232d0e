/**
 * The image filesystem on its own: what the top layers decide while the lower ones are unread
 * (the registry reads from the top down), path resolution that stays linear, and the account
 * files resolved through symlinks and hard links.
 */
import { dir, filesystem } from './synthetic-filesystem';
import { MAX_ACCOUNT_FILE_BYTES, UndecidedPath } from '../../src/image/image-filesystem';
import { resolveImageUser } from '../../src/image/image-user';

describe('top layers over unread lower ones', () => {
  const top = filesystem(
    [
      [
        dir('usr'),
        dir('usr/bin'),
        { path: 'usr/bin/app', mode: 0o755, data: '\x7fELF' },
        { path: 'deep/implied/file', mode: 0o755 },
        dir('etc'),
        { path: 'etc/.wh.shadow' },
        dir('opt'),
        { path: 'opt/.wh..wh..opq' },
        { path: 'opt/kept' },
      ],
    ],
    { baseKnown: false, first: 3 },
  );

  test('a file the top layer writes, under directories it names, is decided', () => {
    expect(top.lookup('/usr/bin/app')).toMatchObject({ ok: true, path: '/usr/bin/app', file: { layer: 3 } });
  });

  test('a path the top layers neither have nor delete lies below: UndecidedPath', () => {
    expect(() => top.lookup('/usr/bin/other')).toThrow(UndecidedPath);
    expect(() => top.lookup('/etc/passwd')).toThrow(UndecidedPath);
  });

  test('a whiteout and an opaque directory decide absence over the unread layers', () => {
    expect(top.lookup('/etc/shadow')).toEqual({ ok: false, reason: '/etc/shadow does not exist in the image' });
    expect(top.lookup('/opt/gone')).toEqual({ ok: false, reason: '/opt/gone does not exist in the image' });
    expect(top.lookup('/opt/kept')).toMatchObject({ ok: true });
  });

  test('a directory only implied by a deeper entry may be a symlink below: UndecidedPath', () => {
    expect(() => top.lookup('/deep/implied/file')).toThrow(UndecidedPath);
  });

  test('with every layer read, the same entries decide everything', () => {
    const all = filesystem([[dir('usr'), dir('usr/bin'), { path: 'usr/bin/app', mode: 0o755 }]]);
    expect(all.lookup('/usr/bin/other')).toEqual({ ok: false, reason: '/usr/bin/other does not exist in the image' });
  });

  test('a lower layer read later fills in what the top left open, and the top still wins', () => {
    const both = filesystem(
      [
        [dir('usr'), dir('usr/bin'), { path: 'usr/bin/app', mode: 0o644 }, { path: 'usr/bin/other', mode: 0o755 }],
        [dir('usr'), dir('usr/bin'), { path: 'usr/bin/app', mode: 0o755 }],
      ],
      { baseKnown: false, first: 2 },
    );
    expect(both.lookup('/usr/bin/other')).toMatchObject({ ok: true, file: { layer: 2 } });
    expect(both.lookup('/usr/bin/app')).toMatchObject({ ok: true, file: { layer: 3, mode: 0o755 } });
  });
});

describe('path resolution is linear in the path and its symlinks', () => {
  test('200,000 ../ components resolve to the root, at once', () => {
    const fs = filesystem([[{ path: 'app', mode: 0o755 }]]);
    expect(fs.lookup(`${'../'.repeat(200_000)}app`)).toMatchObject({ ok: true, path: '/app' });
  });

  test('a symlink to d/ × 100,000 then ../ × 100,000 (d/d → .) stops at the kernel\'s 40 symlinks, at once', () => {
    const fs = filesystem([[dir('d'), { path: 'd/d', type: 'symlink', linkTarget: '.' }, { path: 'app', mode: 0o755 }, { path: 'link', type: 'symlink', linkTarget: `${'d/'.repeat(100_000)}${'../'.repeat(100_000)}app` }]]);
    expect(fs.lookup('/link')).toMatchObject({ ok: false, reason: expect.stringMatching(/too many levels of symbolic links/) });
  });
});

describe('the image USER resolved through the image\'s own account files', () => {
  const passwd = 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';

  test('/etc/passwd a relative symlink', () => {
    const fs = filesystem([[dir('etc'), dir('usr'), dir('usr/lib'), { path: 'usr/lib/passwd', data: passwd }, { path: 'etc/passwd', type: 'symlink', linkTarget: '../usr/lib/passwd' }]]);
    expect(resolveImageUser('app', fs)).toMatchObject({ uid: 1000, problem: undefined });
  });

  test('/etc a symlink to a directory holding passwd', () => {
    const fs = filesystem([[dir('private'), dir('private/etc'), { path: 'private/etc/passwd', data: passwd }, { path: 'etc', type: 'symlink', linkTarget: '/private/etc' }]]);
    expect(resolveImageUser('app', fs)).toMatchObject({ uid: 1000, problem: undefined });
  });

  test('a hard link to a file whose content was not kept: undetermined, never "no such user"', () => {
    const fs = filesystem([[dir('etc'), dir('data'), { path: 'data/accounts', data: passwd }, { path: 'etc/passwd', type: 'hardlink', linkTarget: 'data/accounts' }]]);
    const user = resolveImageUser('app', fs);
    expect(user).toMatchObject({ uid: undefined, problem: undefined });
    expect(user.undetermined).toMatch(/\/etc\/passwd .*a hard link to \/data\/accounts, whose content was not kept/);
  });

  test('a passwd over the size read: undetermined, never "no such user"', () => {
    const fs = filesystem([[dir('etc'), { path: 'etc/passwd', size: MAX_ACCOUNT_FILE_BYTES + 1 }]]);
    expect(resolveImageUser('app', fs)).toMatchObject({ uid: undefined, problem: undefined, undetermined: expect.stringMatching(/more than the \d+ read/) });
  });

  test('a numeric USER needs no account file, even over unread layers', () => {
    const fs = filesystem([[dir('app')]], { baseKnown: false });
    expect(resolveImageUser('1000', fs)).toMatchObject({ uid: 1000, problem: undefined });
  });
});
