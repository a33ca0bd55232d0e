import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_WORK_DIR } from './image-builder';
import type { TarEntry } from '../../src/image';
import { decodeVfsCapability, encodeVfsCapability, TarFormatError, TarParser } from '../../src/image';
import { parseFileCapabilities } from '../../src/model';

function readAll(archive: Buffer, chunkSize: number): { entries: TarEntry[]; data: Map<string, Buffer> } {
  const entries: TarEntry[] = [];
  const data = new Map<string, Buffer>();
  const parser = new TarParser((entry) => {
    entries.push(entry);
    return { keep: 1 << 20, receive: (bytes) => data.set(entry.path, bytes) };
  });
  for (let at = 0; at < archive.length; at += chunkSize) parser.push(archive.subarray(at, at + chunkSize));
  parser.end();
  return { entries, data };
}

function tarOf(format: 'posix' | 'gnu', files: Record<string, string>, capabilityOn?: string): Buffer {
  const dir = join(IMAGE_WORK_DIR, `tar-${format}`);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content, { mode: 0o755 });
  }
  if (capabilityOn !== undefined) execFileSync('setcap', ['cap_net_bind_service,cap_sys_time=+eip', join(dir, capabilityOn)]);
  return execFileSync('tar', ['--create', `--format=${format}`, '--xattrs', '--xattrs-include=security.capability', '--sort=name', '--directory', dir, '.'], {
    maxBuffer: 1 << 28,
  });
}

describe('TarParser', () => {
  const longName = `${'a'.repeat(120)}/${'b'.repeat(120)}/file`;
  const files = { 'small.txt': 'hello', [longName]: 'long', 'big.bin': 'x'.repeat(70_000) };

  test.each([['posix' as const], ['gnu' as const]])('%s format, long names, any chunk size', (format) => {
    const archive = tarOf(format, files, format === 'posix' ? 'small.txt' : undefined);
    for (const chunk of [1, 511, 512, 4096, archive.length]) {
      const { entries, data } = readAll(archive, chunk);
      expect(entries.filter((e) => e.type === 'file').map((e) => e.path).sort()).toEqual(Object.keys(files).sort());
      expect(data.get(longName)?.toString()).toBe('long');
      expect(data.get('big.bin')?.length).toBe(70_000);
      if (format === 'posix') {
        const capability = decodeVfsCapability(entries.find((e) => e.path === 'small.txt')?.xattrs.get('security.capability') as Buffer);
        expect(capability).toMatchObject({ revision: 2, permitted: ['NET_BIND_SERVICE', 'SYS_TIME'], inheritable: ['NET_BIND_SERVICE', 'SYS_TIME'], effective: true });
      }
    }
  });

  test('a stream that ends inside an entry is truncated, naming the entry', () => {
    const archive = tarOf('posix', files);
    const parser = new TarParser(() => undefined);
    const cut = archive.indexOf(Buffer.from('xxxxxxxx')) + 1000;
    parser.push(archive.subarray(0, cut));
    expect(() => parser.end()).toThrow(/truncated: the archive ends inside "big\.bin" \(1000 of 70000 bytes\)/);
  });

  test('bytes that are not a tar header are refused', () => {
    expect(() => new TarParser(() => undefined).push(Buffer.alloc(512, 0x41))).toThrow(TarFormatError);
  });
});

describe('security.capability (vfs_cap_data)', () => {
  test('v2 and v3 round-trip, and the text reads back with parseFileCapabilities', () => {
    const v2 = decodeVfsCapability(encodeVfsCapability(['NET_BIND_SERVICE', 'CHECKPOINT_RESTORE'], [], true));
    expect(v2).toMatchObject({ revision: 2, permitted: ['NET_BIND_SERVICE', 'CHECKPOINT_RESTORE'], effective: true, rootId: undefined });
    const parsed = parseFileCapabilities((v2 as { text: string }).text);
    expect(parsed.ok && [...parsed.capabilities.permitted]).toEqual(['NET_BIND_SERVICE', 'CHECKPOINT_RESTORE']);
    const v3 = decodeVfsCapability(encodeVfsCapability(['NET_BIND_SERVICE'], ['NET_BIND_SERVICE'], false, 100000));
    expect(v3).toMatchObject({ revision: 3, rootId: 100000, effective: false, text: 'cap_net_bind_service=ip' });
  });

  test('a value of the wrong size or revision is named', () => {
    expect(decodeVfsCapability(Buffer.alloc(2))).toMatch(/too short/);
    expect(decodeVfsCapability(encodeVfsCapability(['NET_BIND_SERVICE'], [], true).subarray(0, 16))).toMatch(/revision 2 is 16 bytes, not 20/);
    const bad = Buffer.alloc(20);
    bad.writeUInt32LE(0x09000001, 0);
    expect(decodeVfsCapability(bad)).toMatch(/revision 9/);
  });
});
