import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hint } from '../../src/commands/hint.ts';
import { tasks } from '../../src/commands/tasks.ts';
import { colorsEnabled, makeColors } from '../../src/ui/colors.ts';
import { Output } from '../../src/ui/output.ts';
import { fakeContext } from '../helpers/fake-context.ts';
import { tmpDir } from '../helpers/tmp.ts';

/**
 * Task texts are Markdown; the terminal gets them rendered (src/core/markdown.ts). The palette
 * comes from the same decision the CLI makes, so NO_COLOR on a terminal means plain text.
 */
async function student(env: NodeJS.ProcessEnv, isTTY: boolean) {
  const home = await tmpDir();
  const { ctx, stdout } = fakeContext(false, { env: { ...env, LAB_HOME: join(home, 'home') } });
  const palette = makeColors(colorsEnabled(ctx.env, [], isTTY));
  return { ctx: { ...ctx, out: new Output(ctx.out.stdout, ctx.out.stderr, palette, false) }, stdout };
}

describe('task texts rendered from Markdown, no engine', () => {
  it('tasks 02 --lang ja under NO_COLOR: no ** or backticks, the words and line breaks kept', async () => {
    const { ctx, stdout } = await student({ NO_COLOR: '1' }, true);
    await tasks(ctx, { lab: '02', lang: 'ja' });
    expect(stdout.text).not.toContain('**');
    expect(stdout.text).not.toContain('`');
    expect(stdout.text).not.toContain('\x1b[');
    expect(stdout.text).toContain('haproxy.cfg（パスは lab status 02 に表示されます）を開き');
    expect(stdout.text).toContain(
      'すべてのリクエストを app という名前の backend に送る frontend を書きます。\nbackend には',
    );
  });

  it('tasks 02 with FORCE_COLOR: bold and code are styled, still without markers', async () => {
    const { ctx, stdout } = await student({ FORCE_COLOR: '1' }, false);
    await tasks(ctx, { lab: '02', lang: 'en' });
    expect(stdout.text).toContain('\x1b[1mfrontend\x1b[22m');
    expect(stdout.text).toContain('\x1b[36mhaproxy.cfg\x1b[39m');
    expect(stdout.text).not.toContain('**');
  });

  it('hint 02 when piped: the hint without backticks', async () => {
    const { ctx, stdout } = await student({}, false);
    await hint(ctx, { lab: '02', lang: 'ja' });
    expect(stdout.text).toMatch(
      /^ヒント 1\/2（frontend）：frontend には bind :8080 と default_backend app、backend には server 行が必要です。\n/,
    );
  });
});
