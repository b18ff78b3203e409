import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/labs.ts';
import type { Context } from '../cli/context.ts';
import { labJsonSchema } from '../core/json-schema.ts';
import { UsageError } from '../core/errors.ts';
import type { OptionsOf } from '../cli/options.ts';
import type { schemaCommand } from './schema.command.ts';

export const SCHEMA_FILE = join(PACKAGE_ROOT, 'labs', 'lab.schema.json');

export async function schema(ctx: Context, opts: OptionsOf<typeof schemaCommand>): Promise<void> {
  const text = labJsonSchema();
  if (opts.check) {
    const current = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    if (current !== text) throw new UsageError(`${SCHEMA_FILE} is stale`, { hint: 'Run: npm run schema' });
    return ctx.out.result(`${SCHEMA_FILE} is up to date`);
  }
  if (opts.write) {
    await writeFile(SCHEMA_FILE, text);
    return ctx.out.result(`Wrote ${SCHEMA_FILE}`);
  }
  ctx.out.stdout.write(text);
}
