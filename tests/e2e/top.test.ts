/**
 * lab top on the real engine, in a real pseudo-terminal (tmux): under traffic, a killed
 * replica's row turns DOWN and comes back UP, and q and Ctrl-C leave the terminal as it was
 * (main screen, cursor shown). --once --json and bad input are checked on the side.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sendLoad } from '../../src/http/load.ts';
import {
  BIN,
  expectExit,
  labEnv,
  parseJson,
  poll,
  requireDocker,
  runLab,
  skipNote,
  step,
  uniqueProject,
  up03,
} from './helpers.ts';

const engine = requireDocker();
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

interface Snapshot {
  algorithm: string;
  servers: { name: string; state: string; container: string | null }[];
}

describe.skipIf(!engine.ok || !hasTmux)(
  `lab top${skipNote(engine)}${hasTmux ? '' : ' (skipped: no tmux; .ci/provision-engine.sh installs it)'}`,
  () => {
    it('draws each server live in a terminal: a killed replica turns DOWN and back UP; q and Ctrl-C restore the terminal', async () => {
      const project = uniqueProject();
      const urls = await up03(project, ['--replicas', '3']);
      const lab = (...args: string[]) => runLab([...args, '--project', project]);

      const victim = await step(
        '--once --json: one snapshot with every server UP and the algorithm HAProxy runs',
        async () => {
          const s = parseJson<Snapshot>(expectExit(await lab('top', '03', '--once', '--json'), 0));
          expect(s.algorithm).toBe('roundrobin');
          expect(s.servers.map((x) => x.state)).toEqual(['UP', 'UP', 'UP']);
          const server = s.servers.find((x) => x.container === `${project}-app-2`);
          expect(server, JSON.stringify(s.servers)).toBeDefined();
          return server!.name;
        },
      );

      await step('bad input exits 2: a stopped lab, an interval out of range', async () => {
        expect(expectExit(await runLab(['top', '03', '--project', `${project}-none`]), 2).stderr).toMatch(
          /Lab 03 is not running.*\n.*lab up 03/,
        );
        expect(expectExit(await lab('top', '03', '--interval', '0'), 2).stderr).toMatch(
          /--interval must be seconds from 0.2 to 60 \(got "0"\)/,
        );
      });

      // tmux on its own socket, so nothing of the developer's tmux is touched.
      const socket = `lab-top-${project}`;
      const tmux = (...args: string[]) => {
        const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      onTestFinished(() => void spawnSync('tmux', ['-L', socket, 'kill-server']));
      const env = labEnv();
      const vars = ['LAB_HOME', 'LAB_IMAGES', 'NO_COLOR', 'PATH', 'DOCKER_HOST']
        .filter((k) => env[k] !== undefined)
        .map((k) => `${k}='${env[k]}'`);
      // A shell runs lab top and then stays, so the terminal lab leaves behind can be inspected
      // in a live pane (a dead pane's modes are tmux's, not what lab left).
      const command = `env ${vars.join(' ')} ${process.execPath} ${BIN} top 03 --project ${project} --interval 0.5; echo "lab exited $?"; sleep 600`;
      tmux('new-session', '-d', '-s', 'top', '-x', '110', '-y', '30', command);
      const screen = () => tmux('capture-pane', '-p', '-t', 'top');
      const pane = (format: string) => tmux('display-message', '-p', '-t', 'top', format).trim();
      const row = (text: string) => text.split('\n').find((l) => l.startsWith(`${victim} `)) ?? '';
      const untilScreen = async (ok: (text: string) => boolean, what: string) => {
        const text = await poll(async () => screen(), ok, 20_000, 250);
        expect(ok(text), `${what}; the screen:\n${text}`).toBe(true);
        return text;
      };

      const traffic = new AbortController();
      const load = sendLoad({
        url: urls.app,
        requests: 1_000_000,
        concurrency: 2,
        keepAlive: true,
        pauseMs: 20,
        signal: traffic.signal,
        timeoutMs: 2000,
      });
      onTestFinished(() => traffic.abort());

      await step('on a terminal: the alternate screen, no cursor, every server UP with traffic', async () => {
        await untilScreen((t) => /3\/3 UP/.test(t) && /total [1-9]\d* req\/s/.test(t), 'all UP and traffic counted');
        expect(pane('#{alternate_on} #{cursor_flag}')).toBe('1 0');
        expect(row(screen())).toMatch(new RegExp(`^${victim} +UP +\\d+`));
      });

      await step('kill app/2: its row turns DOWN; clear: every row is UP again', async () => {
        expectExit(await lab('fault', '03', 'app/2', 'kill'), 0);
        const down = await untilScreen((t) => /^\S+ +DOWN/m.test(row(t)), `${victim} DOWN`);
        expect(down).toMatch(/app\/2: killed|2\/3 UP/);
        expectExit(await lab('fault', '03', 'app/2', 'clear'), 0);
        await untilScreen((t) => /3\/3 UP/.test(t) && !/ DOWN /.test(t), 'every row UP again');
      });

      await step('q quits with exit 0 and restores the terminal', async () => {
        tmux('send-keys', '-t', 'top', 'q');
        await untilScreen((t) => /lab exited \d+/.test(t), 'lab exited');
        expect(screen()).toMatch(/lab exited 0/);
        expect(pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
      });

      await step('Ctrl-C quits too, and restores the terminal', async () => {
        tmux('respawn-pane', '-k', '-t', 'top', command);
        await untilScreen((t) => /3\/3 UP/.test(t), 'redrawn');
        tmux('send-keys', '-t', 'top', 'C-c');
        await untilScreen((t) => /lab exited \d+/.test(t), 'lab exited');
        expect(screen()).toMatch(/lab exited 0/);
        expect(pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
      });

      traffic.abort();
      await load;
    }, 150_000);
  },
);
