// /work?ms=N: a fixed amount of CPU work, about N ms of one unthrottled core. A fixed amount
// (not "spin until N ms passed") so that a `cpus` limit makes each request slower and scale
// up vs scale out shows in throughput. With THREADS > 1 the work runs on that many worker
// threads, so one replica can use several cores (Node runs JavaScript on one thread).
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

let sink = 1;

/** xorshift rounds V8 cannot skip: the result lands in `sink`. */
export function spin(iterations) {
  let x = sink | 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  sink = x;
  return x;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let perMs = 0;

/**
 * Iterations per ms of CPU time, measured once on first use: the fastest of 8 windows of
 * 4 ms, about 35 ms in all. CPU time, not wall time, so a throttled container measures the
 * speed of the core; the fastest window, because a busy machine (a shared core, the process's
 * own GC and compiler threads counted in its CPU time) only ever makes a window slower.
 */
export function iterationsPerMs() {
  if (perMs) return perMs;
  spin(200_000);
  for (let window = 0; window < 8; window++) {
    const start = cpuMs();
    let n = 0;
    while (cpuMs() - start < 4) {
      spin(20_000);
      n += 20_000;
    }
    perMs = Math.max(perMs, n / (cpuMs() - start));
  }
  return perMs;
}

/** Runs `ms` of work on the calling thread, or on the pool when there is one. */
export function workPool(threads) {
  if (threads <= 1) return { threads: 1, run: async (ms) => void spin(Math.round(ms * iterationsPerMs())) };
  const idle = [];
  const queue = [];
  let started = false;
  // On first use, not at start-up: while Node starts, its compiler threads add CPU time to the
  // process. And measured before the workers start, whose start-up would count the same way.
  const start = () => {
    iterationsPerMs();
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL(import.meta.url));
      worker.unref();
      idle.push(worker);
    }
    started = true;
  };
  const next = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop();
      const job = queue.shift();
      worker.once('message', () => {
        idle.push(worker);
        job.done();
        next();
      });
      worker.postMessage(job.iterations);
    }
  };
  return {
    threads,
    run: (ms) => new Promise((done) => {
      if (!started) start();
      queue.push({ iterations: Math.round(ms * iterationsPerMs()), done });
      next();
    }),
  };
}

if (!isMainThread) parentPort.on('message', (iterations) => parentPort.postMessage(spin(iterations)));
