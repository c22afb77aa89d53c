/**
 * `folio billrun create|get|post|cancel|wait`: bill runs over HTTP through the typed client
 * (`POST /v1/bill-runs`, `GET /v1/bill-runs/{id}`, `PUT …/post`, `PUT …/cancel`), waiting with
 * the client's `waitForBillRun`. Prints the bill run as JSON on stdout, progress on stderr.
 */
import type { Config } from '../config.ts';
import type { BillRunRecord, ZuoraClient } from '../../client/client.ts';
import {
  clientFromConfig,
  intOption,
  parseOptions,
  printJson,
  progressLine,
  runClientCommand,
  UsageError,
} from './api.ts';

export const BILLRUN_USAGE = `  billrun create --target-date DATE [--invoice-date DATE] [--batches B1,B2]
                 [--bill-cycle-day N|AllBillCycleDays] [--account ID] [--name NAME]
                 [--auto-post] [--wait]          create a bill run over HTTP (POST /v1/bill-runs)
  billrun get ID                                 print a bill run
  billrun post ID [--invoice-date DATE] [--wait] post a completed bill run
  billrun cancel ID [--wait]                     cancel a pending or completed bill run
  billrun wait ID [--interval-ms N]              wait until it is no longer pending or in progress
    (client commands: --api-url URL, --client-id ID, --client-secret S or FOLIO_API_URL, …)`;

/** Exit status for a bill run's final state: 1 when it ended in Error. */
const exitFor = (run: { Status?: string }): number => (run.Status === 'Error' ? 1 : 0);

const waitFor = async (
  client: ZuoraClient,
  id: string,
  intervalMs: number,
): Promise<BillRunRecord> => {
  const bar = progressLine();
  try {
    return await client.waitForBillRun(id, {
      intervalMs,
      // The counters move as chunks finish (CONTRACT C3.4.6); there is no total to show, so
      // the bar stays empty until the run settles.
      onProgress: (run) =>
        bar.show(
          run.Status === 'Processing' || run.Status === 'Pending' ? 0 : 1,
          1,
          `bill run ${run.BillRunNumber ?? id}: ${run.Status ?? '?'} — ${run.NumberOfAccounts ?? 0} accounts, ` +
            `${run.NumberOfInvoices ?? 0} invoices, ${run.NumberOfCreditMemos ?? 0} credit memos`,
        ),
    });
  } finally {
    bar.end();
  }
};

/** `folio billrun …`; `args` are the command's arguments after `billrun`. */
export const billrunCommand = (config: Config, args: string[]): Promise<number> =>
  runClientCommand('billrun', BILLRUN_USAGE, async () => {
    const { values: o, positionals } = parseOptions(args, {
      'target-date': { type: 'string' },
      'invoice-date': { type: 'string' },
      batches: { type: 'string' },
      'bill-cycle-day': { type: 'string' },
      account: { type: 'string' },
      name: { type: 'string' },
      'auto-post': { type: 'boolean' },
      wait: { type: 'boolean' },
      'interval-ms': { type: 'string' },
    });
    const [verb, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    const intervalMs = intOption('interval-ms', o['interval-ms'], 1000, 10);
    const client = clientFromConfig(config);
    const { api, ok } = client;
    const needId = (): string => {
      if (id === undefined) throw new UsageError(`${verb} needs a bill run ID or number`);
      return id;
    };
    const path = () => ({ params: { path: { billRunId: needId() } } });
    const thenWait = async (runId: string, shown: unknown): Promise<number> => {
      if (o.wait !== true) {
        printJson(shown);
        return 0;
      }
      const run = await waitFor(client, runId, intervalMs);
      printJson(run);
      return exitFor(run);
    };

    switch (verb) {
      case 'create': {
        if (id !== undefined) throw new UsageError(`unexpected argument ${id}`);
        if (o['target-date'] === undefined) throw new UsageError('create needs --target-date');
        const created = await ok(
          'POST /v1/bill-runs',
          api.POST('/v1/bill-runs', {
            body: {
              targetDate: o['target-date'],
              ...(o['invoice-date'] === undefined ? {} : { invoiceDate: o['invoice-date'] }),
              ...(o.batches === undefined ? {} : { batches: o.batches.split(',') }),
              ...(o['bill-cycle-day'] === undefined ? {} : { billCycleDay: o['bill-cycle-day'] }),
              ...(o.account === undefined
                ? {}
                : { billRunFilters: [{ accountId: o.account, filterType: 'Account' as const }] }),
              ...(o.name === undefined ? {} : { name: o.name }),
              ...(o['auto-post'] === true ? { autoPost: true } : {}),
            },
          }),
        );
        return thenWait(created.id, created);
      }
      case 'get':
        printJson(await ok('GET bill run', api.GET('/v1/bill-runs/{billRunId}', path())));
        return 0;
      case 'post': {
        // Zuora's post requires invoiceDate; without the option, the run's own date is kept.
        let invoiceDate = o['invoice-date'];
        if (invoiceDate === undefined) {
          const run = await ok('GET bill run', api.GET('/v1/bill-runs/{billRunId}', path()));
          invoiceDate = run.invoiceDate ?? run.targetDate ?? undefined;
          if (invoiceDate === undefined) throw new UsageError('post needs --invoice-date');
        }
        const posted = await ok(
          'PUT post bill run',
          api.PUT('/v1/bill-runs/{billRunId}/post', { ...path(), body: { invoiceDate } }),
        );
        return thenWait(posted.id, posted);
      }
      case 'cancel': {
        const canceled = await ok(
          'PUT cancel bill run',
          api.PUT('/v1/bill-runs/{billRunId}/cancel', { ...path(), body: {} }),
        );
        return thenWait(canceled.id, canceled);
      }
      case 'wait': {
        const run = await waitFor(client, needId(), intervalMs);
        printJson(run);
        return exitFor(run);
      }
      case undefined:
      default:
        throw new UsageError(verb === undefined ? 'expected a verb' : `unknown verb ${verb}`);
    }
  });
