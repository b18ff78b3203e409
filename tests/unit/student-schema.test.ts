import { describe, expect, it } from 'vitest';
import { parseLab } from '../../src/config/parse-lab.ts';
import { lab03Text } from '../helpers/lab03.ts';

/** Lab 03's text with lines added to its loadBalancer section. */
const withLoadBalancer = (...lines: string[]) =>
  lab03Text().replace('  mode: http\n', `  mode: http\n${lines.map((l) => `  ${l}\n`).join('')}`);

describe('loadBalancer.config and starter', () => {
  it.each([
    [[], true, undefined],
    [['config: generated'], true, undefined],
    [['config: student', 'starter: starter.cfg'], true, undefined],
    [['config: student'], false, 'loadBalancer.config: config: student needs a starter file (loadBalancer.starter)'],
    [['starter: starter.cfg'], false, 'loadBalancer.starter: starter is used only with config: student'],
    [['config: written'], false, 'loadBalancer.config: must be one of: generated, student'],
  ])('%j', (lines, ok, problem) => {
    const result = parseLab(withLoadBalancer(...lines), 'lab.yaml');
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      const p = result.problems[0]!;
      expect(`${p.key}: ${p.message}`).toBe(problem);
      // At the line of the loadBalancer key the problem is about, like every lab-file error.
      const keyLine =
        withLoadBalancer(...lines)
          .split('\n')
          .findIndex((l) => l.startsWith(`  ${p.key.split('.')[1]}:`)) + 1;
      expect(p.line).toBe(keyLine);
    }
  });
});
