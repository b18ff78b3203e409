import { describe, expect, it } from 'vitest';
import { addrIp, serversAt } from '../../src/core/haproxy-servers.ts';
import type { StatsRow } from '../../src/core/haproxy-stats.ts';

describe('addrIp', () => {
  // The addr column as HAProxy writes it (2.6 on the host, `stats show-legends`): an IPv6 server,
  // configured as [::1]:24109 or ::1:24110 alike, shows as [::1]:24109 and [::1]:24110.
  it.each([
    ['10.0.0.5:8000', '10.0.0.5'],
    ['172.18.0.12:8000', '172.18.0.12'],
    ['[::1]:24109', '::1'],
    ['[fd00:dead::5]:8000', 'fd00:dead::5'],
    ['[fd00::5]', 'fd00::5'],
    ['fd00::5', 'fd00::5'],
    ['10.0.0.5', '10.0.0.5'],
    [' 10.0.0.5:80 ', '10.0.0.5'],
    ['', undefined],
    ['[]:80', undefined],
    [':80', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (addr, ip) => {
    expect(addrIp({ addr })).toBe(ip);
  });
});

describe('serversAt', () => {
  const row = (svname: string, addr: string): StatsRow => ({ pxname: 'app', svname, status: 'UP', addr }) as StatsRow;
  it('finds an IPv6 replica by its address, in brackets in the stats', () => {
    const rows = [row('app1', '[fd00::5]:8000'), row('app2', '[fd00::6]:8000'), row('app3', '10.0.0.5:8000')];
    expect(serversAt(rows, 'fd00::5').map((s) => s.svname)).toEqual(['app1']);
    expect(serversAt(rows, '10.0.0.5').map((s) => s.svname)).toEqual(['app3']);
  });
});
