// Every page of the console, in navigation order. A page is one module exporting
// { title, match (RegExp on the hash path, groups = params), nav (hash path) or null,
//   audience: 'public' | 'admin' (admin token only) | 'tenant' (a tenant's data: a tenant client,
//   or the admin once a tenant is chosen), section?, render(ctx) → Node }.
// A new page (the emulator controls, for instance) is a new module and one line here.
import signin from './signin.js';
import tenants from './tenants.js';
import accounts from './accounts.js';
import account from './account.js';
import subscription from './subscription.js';
import billRuns from './bill-runs.js';
import billRun from './bill-run.js';
import document from './document.js';
import bulkPdf from './bulk-pdf.js';
import bulkPdfJob from './bulk-pdf-job.js';
import clock from './clock.js';
import lifecycle from './lifecycle.js';
import seed from './seed.js';
import faults from './faults.js';
import requests from './requests.js';
import snapshots from './snapshots.js';

export const pages = [
  signin,
  tenants,
  accounts,
  account,
  subscription,
  billRuns,
  billRun,
  document,
  bulkPdf,
  bulkPdfJob,
  clock,
  lifecycle,
  seed,
  faults,
  requests,
  snapshots,
];
