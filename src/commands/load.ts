import { checkTarget } from '../checks/target.ts';
import type { Context } from '../cli/context.ts';
import { htmlTarget, recordRun, reportHeader, writeHtmlReport } from '../cli/html-report.ts';
import type { OptionsOf } from '../cli/options.ts';
import { loadLab } from '../config/labs.ts';
import { UsageError } from '../core/errors.ts';
import { shortId } from '../core/lab-id.ts';
import { parseLoadSettings, renderLoadSummary } from '../core/load-report.ts';
import { answeredBy } from '../core/load-summary.ts';
import { projectFor } from '../core/options.ts';
import { plainPalette } from '../core/palette.ts';
import { openEngine } from '../engine/engine.ts';
import { type LoadRequest, merged, type SenderSummary, type TrafficSource } from '../traffic/source.ts';
import type { loadCommand } from './load.command.ts';

/** Send traffic through a running lab until the duration ends or Ctrl-C, then summarize it. */
export async function load(ctx: Context, opts: OptionsOf<typeof loadCommand> & { lab: string }): Promise<void> {
  const o = parseLoadSettings(opts);
  const { lab } = loadLab(opts.lab);
  const ref = shortId(lab.id);
  const project = projectFor(opts.project, () => lab.id);
  const html = opts.html === undefined ? undefined : await htmlTarget(ctx, opts.html);
  const engine = await openEngine(ctx);
  const target = await checkTarget(ctx, engine, project, ref);
  const { traffic } = target;
  if (o.clients !== undefined && traffic.kind !== 'clients') {
    throw new UsageError(`--clients ${o.clients}: lab ${lab.id} has no clients, so the load comes from this machine`, {
      hint: `Drop --clients, or add clients: 3 to the lab file and run lab up ${ref} again`,
    });
  }
  if (o.clients !== undefined && o.clients > traffic.senders) {
    throw new UsageError(`--clients ${o.clients}: ${project} has ${traffic.senders} client(s) running`, {
      hint: `Use --clients 1 to ${traffic.senders}`,
    });
  }
  const senders = o.clients ?? (traffic.kind === 'clients' ? traffic.senders : 1);
  const what = `${o.rate} req/s to ${o.path} from ${traffic.kind === 'clients' ? `${senders} client(s) in the lab network` : traffic.where}`;
  const step = ctx.out.step(`Sending ${what} ${o.untilStopped ? 'until Ctrl-C' : `for ${o.durationS} s`}`);
  const recording = html ? recordRun(target) : undefined;
  const req = {
    path: o.path,
    rate: o.rate,
    durationS: o.durationS,
    concurrency: o.concurrency,
    keepAlive: true,
    cookies: false,
  };
  const list = o.untilStopped
    ? await untilStopped(ctx, traffic, req, senders, (text) => step.update(`Sending ${what}: ${text}`))
    : await traffic.run(req, senders, ctx.signal);
  const s = merged(list);
  step.succeed(`Sent ${s.sent} request(s), ${s.failed} failed (${what})`);
  ctx.out.data({
    outcome: 'success',
    project,
    from: traffic.kind,
    ...s,
    perServer: answeredBy(s),
    senders: list.map((x) => ({
      sender: x.sender,
      sent: x.summary.sent,
      failed: x.summary.failed,
      rps: x.summary.rps,
      latencyMs: x.summary.latencyMs,
    })),
  });
  for (const line of renderLoadSummary(s, list, ctx.out.c)) ctx.out.result(line);
  if (html && recording) {
    const command = `lab load ${opts.lab}${opts.rate ? ` --rate ${o.rate}` : ''}${o.untilStopped ? '' : ` --duration ${o.durationS}`}`;
    const summary = renderLoadSummary(s, list, plainPalette).filter((l) => !l.includes('\n'));
    await writeHtmlReport(ctx, html, {
      ...reportHeader(lab, project, command, ctx.env),
      ...(await recording.finish()),
      results: [],
      summary,
    });
  }
}

/** A run without an end: live numbers on the terminal until Ctrl-C (a client's snapshot is an exec, so every 2 s). */
async function untilStopped(
  ctx: Context,
  traffic: TrafficSource,
  req: LoadRequest,
  senders: number,
  show: (text: string) => void,
): Promise<SenderSummary[]> {
  const running = await traffic.start(req, senders);
  const onAbort = () => void running.stop();
  ctx.signal.addEventListener('abort', onAbort);
  const timer = setInterval(
    () => {
      void running.snapshot().then(
        (list) => {
          const s = merged(list);
          show(`${s.sent} sent, ${s.failed} failed, p95 ${s.latencyMs.p95} ms`);
        },
        () => undefined,
      );
    },
    traffic.kind === 'clients' ? 2000 : 1000,
  );
  try {
    return await running.done;
  } finally {
    clearInterval(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
