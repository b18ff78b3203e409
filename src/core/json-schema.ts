import * as z from 'zod';
import { LabSchema } from './lab-schema.ts';

/** The JSON Schema editors use to complete and check lab.yaml files (labs/lab.schema.json). */
export function labJsonSchema(): string {
  return `${JSON.stringify(labSchemaObject(), null, 2)}\n`;
}

let cached: Record<string, unknown> | undefined;
/** The same schema as an object: what lab's own "did you mean" reads, so it offers only keys editors accept. */
export function labSchemaObject(): Readonly<Record<string, unknown>> {
  // io: 'input' makes keys with defaults optional, as they are in a lab file.
  // oneOf: what LabSchema's refinement says, which zod can't export: app or services, not both.
  cached ??= {
    ...z.toJSONSchema(LabSchema, { io: 'input', target: 'draft-7' }),
    oneOf: [{ required: ['app'] }, { required: ['services'] }],
    title: 'lab definition',
    $id: 'lab.schema.json',
  };
  return cached;
}
