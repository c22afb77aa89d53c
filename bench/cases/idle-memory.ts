/**
 * Memory at idle: resident memory (VmRSS, summed over the process tree) of a server that has
 * started and answered one token request, after it settles; its peak (VmHWM) alongside.
 */
import type { BenchCase } from '../lib/case.ts';
import { treeRss } from '../lib/proc.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import { getToken } from '../lib/seed.ts';
import { median } from '../lib/stats.ts';
import { prismVersion, startFolio, startPrism, type BenchServer } from '../lib/servers.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const measure = async (
  runs: number,
  settleMs: number,
  start: () => Promise<BenchServer>,
): Promise<{ rss: Measured; hwm: Measured }> => {
  const rss: number[] = [];
  const hwm: number[] = [];
  for (let i = 0; i < runs; i++) {
    let server: BenchServer;
    try {
      server = await start();
    } catch (e) {
      const reason = `could not start: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`;
      return { rss: missing(reason), hwm: missing(reason) };
    }
    try {
      await getToken(server.url);
      await sleep(settleMs);
      const samples = [];
      for (let k = 0; k < 5; k++) {
        samples.push(treeRss(server.pid));
        await sleep(100);
      }
      rss.push(median(samples.map((s) => s.rssMiB)));
      hwm.push(Math.max(...samples.map((s) => s.hwmMiB)));
    } finally {
      await server.stop();
    }
  }
  return { rss: measured(rss), hwm: measured(hwm) };
};

export const idleMemoryCase: BenchCase = {
  name: 'idle-memory',
  title: 'Memory',
  run: async (ctx) => {
    const runs = ctx.quick ? 1 : 3;
    const settleMs = ctx.quick ? 200 : 3000;
    ctx.log(`idle-memory: ${runs} starts of Folio and of Prism`);
    const folio = await measure(runs, settleMs, () => startFolio());
    const peer = await measure(runs, settleMs, () => startPrism());
    const peerName = `Prism ${prismVersion() ?? '(not installed)'}`;
    const rows: ResultRow[] = [
      {
        id: 'idle-rss',
        label: 'RSS at idle after start',
        unit: 'MiB',
        better: 'lower',
        target: '—',
        folio: folio.rss,
        peer: { name: peerName, result: peer.rss },
      },
      {
        id: 'start-hwm',
        label: 'peak RSS (VmHWM) through start and first request',
        unit: 'MiB',
        better: 'lower',
        target: '—',
        folio: folio.hwm,
        peer: { name: peerName, result: peer.hwm },
      },
    ];
    return {
      method: [
        `${runs} starts each; after start, one POST /oauth/token, then ${settleMs / 1000} s idle; RSS is the median of 5 samples 100 ms apart of /proc/<pid>/status VmRSS summed over the process and its descendants; VmHWM likewise.`,
        'Folio on SQLite in a fresh temp dir with its embedded job runner on; Prism mock serving the Zuora OpenAPI subset trimmed to the benched operations.',
      ],
      rows,
    };
  },
};
