import { observePorts, parseCriLog, parseProbeOutput, parseSocketTables } from './observe';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

describe('parseCriLog', () => {
  test('keeps the message of each line and marks stderr', () => {
    const log = [
      '2025-01-01T00:00:00.000000000Z stdout F tcp 80 listening',
      '2025-01-01T00:00:00.000000001Z stderr F exec /bindprobe-setcap: operation not permitted',
      'garbage',
    ].join('\n');
    expect(parseCriLog(log)).toEqual(['tcp 80 listening', 'stderr: exec /bindprobe-setcap: operation not permitted']);
  });
});

describe('parseSocketTables', () => {
  test('reads TCP listeners (state 0A) and any bound UDP socket, IPv4 and IPv6', () => {
    const tcp = `${HEADER}\n   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1\n   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 2 1\n`;
    const tcp6 = `${HEADER}\n   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 3 1\n`;
    const udp = `${HEADER}\n  10: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 4 2 0\n`;
    const table = parseSocketTables([tcp, tcp6], [udp, HEADER]);
    expect([...table.tcp].sort()).toEqual([80, 8080]);
    expect([...table.udp]).toEqual([53]);
  });
});

describe('observePorts', () => {
  const report = parseProbeOutput(['bindprobe uid=1000 gid=1000 CapEff=0', 'tcp 80 EACCES', 'udp 8080 listening', 'bindprobe ready']);
  const sockets = { tcp: new Set<number>(), udp: new Set([8080]) };

  test('needs the probe and the kernel to agree', () => {
    const observed = observePorts([{ containerPort: 80 }, { containerPort: 8080, protocol: 'UDP' }], { kind: 'ran', report, sockets });
    expect(observed.map((p) => p.observation)).toEqual(['eacces', 'listening']);
    expect(report.identity).toBe('uid=1000 gid=1000 CapEff=0');
  });

  test('fails loudly when the probe claims a socket the kernel does not show', () => {
    expect(() => observePorts([{ containerPort: 8080, protocol: 'UDP' }], { kind: 'ran', report, sockets: { tcp: new Set(), udp: new Set() } })).toThrow(/inconsistent/);
  });

  test('gives every port the container outcome when the probe never ran', () => {
    const observed = observePorts([{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], { kind: 'exec-failed', reason: 'exec: operation not permitted' });
    expect(observed).toEqual([
      { containerPort: 80, protocol: 'TCP', observation: 'exec-failed', evidence: 'exec: operation not permitted' },
      { containerPort: 53, protocol: 'UDP', observation: 'exec-failed', evidence: 'exec: operation not permitted' },
    ]);
  });
});
