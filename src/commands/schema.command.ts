import { Command } from '@commander-js/extra-typings';

/** lab schema: its arguments, options and help. cli/program.ts registers it and loads schema.ts only when it runs. */
export const schemaCommand = () =>
  new Command('schema')
    .description('print the JSON Schema of lab files')
    .option('--write', 'write it to labs/lab.schema.json')
    .option('--check', 'fail if labs/lab.schema.json is stale');
