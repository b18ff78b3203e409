import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../src/core/haproxy-stats.ts';
import { judgedConfig, type Judged } from '../../src/core/running-config.ts';

const fixture = (name: string) =>
  parseStatsCsv(readFileSync(new URL(`../fixtures/stats/${name}`, import.meta.url), 'utf8'));
/** A stats CSV with just the columns that matter here (HAProxy reads by name, so does lab). */
const rows = (algo: string, mode = 'http', cookie = '') =>
  parseStatsCsv(
    `# pxname,svname,status,mode,algo,cookie,\napp,app1,UP,${mode},,,\napp,BACKEND,UP,${mode},${algo},${cookie},\n`,
  );
const LAB_JSON: Judged = { algorithm: 'roundrobin', mode: 'http', sticky: false };

describe('the configuration a check is judged by: what HAProxy runs', () => {
  it.each([
    ['haproxy-3.0-http.csv', LAB_JSON],
    ['haproxy-2.6-http.csv', LAB_JSON],
    ['haproxy-3.0-tcp.csv', { ...LAB_JSON, mode: 'tcp' }],
  ] as const)('%s agrees with lab.json: judged from HAProxy, no difference', (name, recorded) => {
    expect(judgedConfig(recorded, fixture(name))).toEqual({ ...recorded, source: 'haproxy', differences: [] });
  });

  it('lab.json says static-rr, HAProxy still runs roundrobin (a failed reload): roundrobin, and says so', () => {
    expect(judgedConfig({ ...LAB_JSON, algorithm: 'static-rr' }, fixture('haproxy-3.0-http.csv'))).toEqual({
      ...LAB_JSON,
      source: 'haproxy',
      differences: ['HAProxy runs balance roundrobin, lab.json says static-rr'],
    });
  });

  it('lab.json says http, HAProxy runs tcp', () => {
    const j = judgedConfig(LAB_JSON, fixture('haproxy-3.0-tcp.csv'));
    expect(j.mode).toBe('tcp');
    expect(j.differences).toEqual(['HAProxy runs mode tcp, lab.json says http']);
  });

  it.each([
    ['static-rr', 'static-rr'],
    ['leastconn', 'leastconn'],
    ['source', 'source'],
    ['first', 'first'],
    // HAProxy 2.6 and 3.0 print "unknown" for balance random (checked with both).
    ['unknown', 'random'],
  ])('algo column %s is %s', (algo, algorithm) => {
    expect(judgedConfig({ ...LAB_JSON, algorithm: algorithm as Judged['algorithm'] }, rows(algo))).toMatchObject({
      algorithm,
      differences: [],
    });
  });

  it('a cookie on the backend is stickiness', () => {
    expect(judgedConfig(LAB_JSON, rows('roundrobin', 'http', 'SERVERID'))).toMatchObject({
      sticky: true,
      differences: ['HAProxy sets sticky cookie, lab.json says not sticky'],
    });
    expect(judgedConfig({ ...LAB_JSON, sticky: true }, rows('roundrobin'))).toMatchObject({
      sticky: false,
      differences: ['HAProxy sets no sticky cookie, lab.json says sticky'],
    });
  });

  it('an algorithm lab has no verdict for is unjudgeable', () => {
    expect(judgedConfig(LAB_JSON, rows('uri'))).toMatchObject({
      unjudgeable: 'uri',
      differences: ['HAProxy runs balance uri, lab.json says roundrobin'],
    });
  });

  it('stats without the algo column (no show-legends): lab.json, as the only source', () => {
    const noAlgo = parseStatsCsv('# pxname,svname,status,\napp,BACKEND,UP,\n');
    expect(judgedConfig(LAB_JSON, noAlgo)).toEqual({ ...LAB_JSON, source: 'lab.json', differences: [] });
  });
});
