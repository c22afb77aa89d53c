/**
 * Every bench case, listed explicitly (STYLE.md "Explicit wiring"); `npm run bench` runs them
 * in this order and the report lists them in it. To add a case, see bench/README.md.
 */
import type { BenchCase } from './lib/case.ts';
import { apiCase, getAccountOperation, getBillRunOperation, tokenOperation } from './cases/api.ts';
import { coldStartCase } from './cases/cold-start.ts';
import { idleMemoryCase } from './cases/idle-memory.ts';
import { bulkPdfCase } from './cases/bulk-pdf.ts';
import { seedCase } from './cases/seed.ts';
import { billRunCase } from './cases/billrun.ts';
import { bulkRssCase } from './cases/bulk-rss.ts';
import { pdfRenderCase } from './cases/pdf-render.ts';
import { emulatorCase } from './cases/emulator.ts';
import { snapshotCase } from './cases/snapshot.ts';
import { scaleCase } from './cases/scale.ts';

export const cases: readonly BenchCase[] = [
  // GET /v1/bill-runs/{billRunId} is DESIGN.md's API target; the account GET is a second
  // seeded object in case bill runs land later than accounts.
  apiCase([tokenOperation, getBillRunOperation, getAccountOperation]),
  coldStartCase,
  idleMemoryCase,
  bulkPdfCase,
  seedCase,
  billRunCase,
  bulkRssCase,
  pdfRenderCase,
  emulatorCase,
  snapshotCase,
  scaleCase,
];
