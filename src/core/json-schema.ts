import * as z from 'zod';
import { LabSchema } from './lab-schema.ts';

/** The JSON Schema editors use to complete and check lab.yaml files (labs/lab.schema.json). */
export function labJsonSchema(): string {
  // io: 'input' makes keys with defaults optional, as they are in a lab file.
  const schema = z.toJSONSchema(LabSchema, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ ...schema, title: 'lab definition', $id: 'lab.schema.json' }, null, 2)}\n`;
}
