/**
 * Every task, listed explicitly (STYLE.md "Explicit wiring"). Ids are `capability.verb`;
 * a duplicate or malformed id is fatal when `createDeps` builds the registry.
 */
import type { Deps } from './deps.ts';
import type { Task } from './platform/jobs/queue.ts';
import { billrunsTasks } from './billruns/billruns.tasks.ts';
import { pdfsTasks } from './pdfs/pdfs.tasks.ts';
import { bulkpdfTasks } from './bulkpdf/bulkpdf.tasks.ts';
import { calloutsTasks } from './callouts/callouts.tasks.ts';

export const tasks: readonly Task<Deps>[] = [...billrunsTasks, ...pdfsTasks, ...bulkpdfTasks, ...calloutsTasks];
