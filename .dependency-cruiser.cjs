/**
 * Import rules of src/ (issue #24), checked by `npm run deps` in `npm test`:
 * - no circles (a type-only import counts: it still ties two files together);
 * - the functional core (src/core/: schema, rendering, parsing, verdicts, plans) does no I/O:
 *   it never imports the Docker, HTTP, process or file modules, nor the folders that wrap them;
 * - a command never imports another command (shared work lives outside src/commands/).
 * https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Two files that import each other are one file in two places.', from: {}, to: { circular: true } },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core/ is the functional core: its functions take values and return values.',
      from: { path: '^src/core/' },
      to: {
        path: [
          '^src/(docker|engine|haproxy|http|traffic|commands|cli|checks|exercises|instructor|ui|config)/',
          '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|dns)$',
          '^(dockerode|execa|ssh2)$',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'commands-do-not-import-commands',
      severity: 'error',
      comment: 'A command is one verb; what two commands share belongs to a feature folder.',
      from: { path: '^src/commands/' },
      to: { path: '^src/commands/', pathNot: ['\\.command\\.ts$'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
