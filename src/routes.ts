/** Every route plugin, listed explicitly (STYLE.md "Explicit wiring"). */
import type { RoutePlugin } from './platform/http/app.ts';
import type { Deps } from './deps.ts';
import { authAdminRoutes, authRoutes } from './auth/auth.routes.ts';
import { filesRoutes } from './files/files.routes.ts';
import { tenantsRoutes } from './tenants/tenants.routes.ts';
import { catalogRoutes } from './catalog/catalog.routes.ts';
import { accountsRoutes } from './accounts/accounts.routes.ts';
import { subscriptionsRoutes } from './subscriptions/subscriptions.routes.ts';
import { invoicesRoutes } from './invoices/invoices.routes.ts';
import { bulkpdfRoutes } from './bulkpdf/bulkpdf.routes.ts';
import { billrunsRoutes } from './billruns/billruns.routes.ts';
import { memosRoutes } from './memos/memos.routes.ts';
import { documentsRoutes } from './documents/documents.routes.ts';
import { pdfsRoutes } from './pdfs/pdfs.routes.ts';
import { consoleRoutes } from './console/console.routes.ts';
import { clocksRoutes } from './clocks/clocks.routes.ts';
import { lifecycleRoutes } from './lifecycle/lifecycle.routes.ts';
import { seedsRoutes } from './seeds/seeds.routes.ts';
import { trafficRoutes } from './traffic/traffic.routes.ts';
import { snapshotsRoutes } from './snapshots/snapshots.routes.ts';
import { calloutsRoutes } from './callouts/callouts.routes.ts';

export const routes: readonly RoutePlugin<Deps>[] = [
  authRoutes,
  authAdminRoutes,
  filesRoutes,
  tenantsRoutes,
  catalogRoutes,
  accountsRoutes,
  subscriptionsRoutes,
  invoicesRoutes,
  bulkpdfRoutes,
  billrunsRoutes,
  memosRoutes,
  documentsRoutes,
  pdfsRoutes,
  consoleRoutes,
  clocksRoutes,
  lifecycleRoutes,
  seedsRoutes,
  trafficRoutes,
  snapshotsRoutes,
  calloutsRoutes,
];
