/**
 * PDF render (DESIGN.md target: ≥ 500 PDFs/s and ≥ 20× Chromium in the same run): Folio's pdfkit
 * template on one thread and on its worker pool, against Chromium (Debian's `chromium` driven by
 * playwright-core) printing an equivalent HTML invoice with `page.pdf()`, on one page and on as
 * many pages in parallel as the pool has threads.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Playwright from 'playwright-core';
import type { BenchCase } from '../lib/case.ts';
import { invoiceHtml } from '../lib/invoice-html.ts';
import { measured, missing, type Measured, type ResultRow } from '../lib/results.ts';
import {
  createPdfPool,
  defaultPdfSettings,
  renderPdf,
  type PdfDocument,
} from '../../src/pdfs/pdfs.service.ts';
import { SAMPLE_INVOICE } from './bulk-pdf.ts';

const CHROMIUM = '/usr/bin/chromium';
/** The flags the issue gives for a quiet, headless, throw-away Chromium. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A page.pdf() slower than this is taken as hung (seen once here with parallel headless pages). */
const PDF_TIMEOUT_MS = 30_000;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`page.pdf() did not answer within ${ms / 1000} s`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
};

/** A bench invoice: the sample with a few more lines, as a real one-page invoice has. */
const DOC: PdfDocument = {
  ...SAMPLE_INVOICE,
  billTo: {
    name: 'Ada Lovelace',
    address1: '12 St James Square',
    city: 'London',
    country: 'United Kingdom',
  },
  items: Array.from({ length: 5 }, (_, i) => ({
    serviceStartDate: '2026-03-01',
    serviceEndDate: '2026-03-31',
    chargeName: `Fee ${i + 1}`,
    productName: 'Gold',
    quantity: '1',
    unitPrice: '6',
    amount: '6',
  })),
};

/** PDFs/s of `n` renders with `parallel` in flight. */
const rate = async (
  n: number,
  parallel: number,
  render: () => Promise<unknown>,
): Promise<number> => {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < n) await render();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
};

interface Browser {
  pages: { pdf(): Promise<Buffer> }[];
  close(): Promise<void>;
}

/** Starts Chromium with `pages` pages holding the invoice, or says why it cannot. */
const startChromium = async (pages: number): Promise<Browser | string> => {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  let pw: typeof Playwright;
  try {
    pw = await import('playwright-core');
  } catch (e) {
    return `playwright-core cannot be loaded: ${(e as Error).message}`;
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'folio-bench-chromium-'));
  try {
    const context = await pw.chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const html = invoiceHtml(DOC, defaultPdfSettings);
    const opened = [];
    for (let i = 0; i < pages; i++) {
      const page = await context.newPage();
      await page.setContent(html);
      opened.push({ pdf: () => page.pdf({ format: 'Letter', printBackground: true }) });
    }
    return {
      pages: opened.map((p) => ({ pdf: () => withTimeout(p.pdf(), PDF_TIMEOUT_MS) })),
      close: async () => {
        await context.close();
        rmSync(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    return `Chromium did not start: ${(e as Error).message.split('\n')[0]}`;
  }
};

export const pdfRenderCase: BenchCase = {
  name: 'pdf-render',
  title: 'PDF render',
  run: async (ctx) => {
    const pool = createPdfPool(0);
    const threads = pool.size;
    const nPdfkit = ctx.quick ? 20 : 600;
    const nChromium = ctx.quick ? 3 : 40;
    const one: number[] = [];
    const many: number[] = [];
    const cOne: number[] = [];
    const cMany: number[] = [];
    let browser: Browser | string | undefined;
    let chromiumFailure: string | undefined;
    try {
      browser = await startChromium(threads);
      const input = { document: DOC, settings: defaultPdfSettings };
      // Warm-up: JIT, worker start, Chromium's first layout.
      await rate(20, 1, () => renderPdf(DOC, defaultPdfSettings));
      await rate(20, threads * 2, () => pool.run(input));
      if (typeof browser !== 'string')
        try {
          for (const p of browser.pages) await p.pdf();
        } catch (e) {
          chromiumFailure = (e as Error).message;
        }
      for (let r = 0; r < ctx.runs; r++) {
        ctx.log(`pdf-render: run ${r + 1}`);
        one.push(await rate(nPdfkit, 1, () => renderPdf(DOC, defaultPdfSettings)));
        many.push(await rate(nPdfkit, threads * 2, () => pool.run(input)));
        if (typeof browser !== 'string' && chromiumFailure === undefined) {
          const b = browser;
          try {
            cOne.push(await rate(nChromium, 1, () => b.pages[0]!.pdf()));
            let k = 0;
            cMany.push(await rate(nChromium, threads, () => b.pages[k++ % threads]!.pdf()));
          } catch (e) {
            chromiumFailure = (e as Error).message;
          }
        }
      }
    } finally {
      await pool.close();
      if (browser !== undefined && typeof browser !== 'string') await browser.close();
    }
    const peer = (samples: number[]): Measured =>
      typeof browser === 'string' || browser === undefined
        ? missing(typeof browser === 'string' ? browser : 'Chromium not started')
        : chromiumFailure !== undefined
          ? missing(`Chromium failed during the run: ${chromiumFailure}`)
          : measured(samples);
    const chromiumName = 'Chromium page.pdf() (playwright-core)';
    const rows: ResultRow[] = [
      {
        id: 'render-1-thread',
        label: 'invoice PDF render, 1 thread (peer: Chromium, 1 page)',
        unit: 'PDFs/s',
        better: 'higher',
        target: '—',
        folio: measured(one),
        peer: { name: chromiumName, result: peer(cOne) },
      },
      {
        id: 'render-pool',
        label: `invoice PDF render, pool of ${threads} threads (peer: Chromium, ${threads} pages in parallel)`,
        unit: 'PDFs/s',
        better: 'higher',
        target: '≥ 500 PDFs/s, ≥ 20× Chromium',
        folio: measured(many),
        peer: { name: chromiumName, result: peer(cMany) },
      },
    ];
    return {
      method: [
        `Folio: the default pdfkit template (src/pdfs/pdfs.template.ts) rendering a one-page invoice of 5 lines, ${nPdfkit} renders per run, in the bench process (1 thread) and on createPdfPool(0) (${threads} worker threads, ${threads * 2} renders in flight).`,
        `Peer: ${CHROMIUM} launched by playwright-core (launchPersistentContext on an empty temp user-data-dir, flags ${CHROMIUM_ARGS.join(' ')}), an equivalent HTML invoice (bench/lib/invoice-html.ts) set once per page, then ${nChromium} page.pdf({format: 'Letter'}) per run on 1 page and on ${threads} pages in parallel. Runs interleave Folio and Chromium; one warm-up each.`,
      ],
      rows,
    };
  },
};
