import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALGORITHMS, CHECK_KINDS, MAX_REPLICAS, MODES } from '../../src/core/lab-schema.ts';
import { labJsonSchema } from '../../src/core/json-schema.ts';
import { LABS_DIR, lab03Text } from '../helpers/lab03.ts';

const SCHEMA_FILE = join(LABS_DIR, 'lab.schema.json');

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  [k: string]: unknown;
}

const schema = JSON.parse(labJsonSchema()) as JsonSchema;
const at = (...path: string[]): JsonSchema =>
  path.reduce<JsonSchema>((s, key) => {
    const next = key === '[]' ? s.items : s.properties?.[key];
    if (!next) throw new Error(`no ${path.join('.')} in the schema (stopped at ${key})`);
    return next;
  }, schema);

/**
 * Key-level checks only (no dependency on a JSON Schema validator): keys an object schema does
 * not declare while it forbids others, and required keys that are missing. Returns dotted paths.
 */
function keyProblems(s: JsonSchema, value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => keyProblems(s.items!, v, `${path}[${i}]`)) : [];
  if (!value || typeof value !== 'object' || !s.properties) return [];
  const problems: string[] = [];
  const obj = value as Record<string, unknown>;
  const name = (k: string) => (path ? `${path}.${k}` : k);
  for (const k of s.required ?? []) if (!(k in obj)) problems.push(`missing ${name(k)}`);
  for (const [k, v] of Object.entries(obj)) {
    const sub = s.properties[k];
    if (sub) problems.push(...keyProblems(sub, v, name(k)));
    else if (s.additionalProperties === false) problems.push(`unknown ${name(k)}`);
  }
  return problems;
}

describe('labs/lab.schema.json', () => {
  it('is up to date with the zod schema', () => {
    const current = (() => {
      try {
        return readFileSync(SCHEMA_FILE, 'utf8');
      } catch {
        return '(missing)';
      }
    })();
    expect(current, `${SCHEMA_FILE} is stale: run npm run schema`).toBe(labJsonSchema());
  });

  it('is what lab 03 points its editor at', () => {
    expect(lab03Text()).toMatch(/^# yaml-language-server: \$schema=\.\.\/lab\.schema\.json$/m);
  });

  it('is a draft-7 schema with an $id and a title', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('lab.schema.json');
    expect(schema.title).toBe('lab definition');
    expect(labJsonSchema().endsWith('}\n')).toBe(true);
  });

  describe('forbids unknown keys on every object', () => {
    it.each(['(root)', 'app', 'app.build', 'loadBalancer', 'defaults', 'checks.[]'])('%s', (name) => {
      const s = at(...(name === '(root)' ? [] : name.split('.')));
      expect(s.type).toBe('object');
      expect(s.additionalProperties).toBe(false);
    });
  });

  it.each([
    ['(root)', ['id', 'title', 'summary', 'goals', 'loadBalancer']],
    ['app', ['image', 'port', 'health']],
    ['app.build', ['context']],
    ['loadBalancer', ['image']],
    ['checks.[]', ['name', 'kind']],
  ] as const)('lists the required keys of %s (keys with defaults stay optional)', (name, required) => {
    const s = at(...(name === '(root)' ? [] : name.split('.')));
    expect(s.required?.slice().sort()).toEqual([...required].sort());
  });

  it('asks for exactly one of app and services', () => {
    expect(schema.oneOf).toEqual([{ required: ['app'] }, { required: ['services'] }]);
  });

  it('defaults are all optional', () => {
    expect(at('defaults').required ?? []).toEqual([]);
  });

  it('carries the enums and ranges of the zod schema', () => {
    expect(at('loadBalancer', 'algorithm').enum).toEqual([...ALGORITHMS]);
    expect(at('loadBalancer', 'mode').enum).toEqual([...MODES]);
    expect(at('checks', '[]', 'kind').enum).toEqual([...CHECK_KINDS]);
    expect(at('defaults', 'replicas')).toMatchObject({ type: 'integer', minimum: 1, maximum: MAX_REPLICAS });
    for (const port of [at('app', 'port'), at('defaults', 'appPort'), at('defaults', 'statsPort')]) {
      expect(port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
    }
    expect(at('loadBalancer', 'image').pattern).toBeDefined();
    expect(new RegExp(at('loadBalancer', 'image').pattern!).test('haproxy:3.0\nevil')).toBe(false);
  });

  it('accepts lab 03 (every key declared, every required key present)', () => {
    expect(keyProblems(schema, parse(lab03Text()))).toEqual([]);
  });

  it.each([
    ['root', (lab: Record<string, any>) => void (lab.extra = 1), 'unknown extra'],
    ['defaults', (lab: Record<string, any>) => void (lab.defaults.replcias = 3), 'unknown defaults.replcias'],
    ['app.build', (lab: Record<string, any>) => void (lab.app.build.dockerfile = 'x'), 'unknown app.build.dockerfile'],
    ['a check', (lab: Record<string, any>) => void (lab.checks[0].timeout = 5), 'unknown checks[0].timeout'],
    ['missing app.port', (lab: Record<string, any>) => void delete lab.app.port, 'missing app.port'],
  ])('rejects lab 03 with a change in %s', (_where, change, problem) => {
    const lab = parse(lab03Text()) as Record<string, any>;
    change(lab);
    expect(keyProblems(schema, lab)).toEqual([problem]);
  });
});
