import { Command } from '@commander-js/extra-typings';
import { imageOption } from '../cli/options.ts';

/** lab prepare: its arguments, options and help. cli/program.ts registers it and loads prepare.ts only when it runs. */
export const prepareCommand = () =>
  new Command('prepare')
    .description('make sure every image the labs need is present; carry them to offline machines as a bundle')
    .argument('[labs...]', 'lab ids (default: every lab)')
    .option('--save <bundle.tar>', 'write the images and a manifest with checksums to a bundle')
    .option('--load <bundle.tar>', 'load a bundle, checking its manifest and checksums')
    .addOption(imageOption());
