/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- response bodies are read as untyped JSON and checked by the assertions */
/** Invoice emails delivered over SMTP (`FOLIO_SMTP_URL`) to a real SMTP server started here. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}
const received: Received[] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, done) {
    let data = '';
    stream.on('data', (c: Buffer) => (data += c.toString()));
    stream.on('end', () => {
      received.push({
        from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data,
      });
      done();
    });
  },
});
await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
const port = (server.server.address() as AddressInfo).port;
after(() => new Promise<void>((res) => server.close(() => res())));

forEachDb(
  'bill-run emails over SMTP',
  (ctx) => {
    test('a posted run’s invoice is mailed to the bill-to work email; an account without one is marked failed', async () => {
      const t = await seedTenant(ctx.deps, 'Mail');
      const token = await tokenFor(ctx.app, t);
      const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
        const r = await ctx.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(payload === undefined ? {} : { payload }),
        });
        assert.equal(r.statusCode, 200, r.body);
        return r.json();
      };
      const p = await call('POST', '/v1/object/product', {
        Name: 'Gold',
        EffectiveStartDate: '2020-01-01',
        EffectiveEndDate: '2099-12-31',
      });
      const rp = await call('POST', '/v1/object/product-rate-plan', { Name: 'M', ProductId: p.Id });
      await call('POST', '/v1/object/product-rate-plan-charge', {
        Name: 'Fee',
        ProductRatePlanId: rp.Id,
        ChargeType: 'Recurring',
        ChargeModel: 'Flat Fee Pricing',
        BillingPeriod: 'Month',
        BillCycleType: 'DefaultFromCustomer',
        TriggerEvent: 'ContractEffective',
        UseDiscountSpecificAccountingCode: false,
        ProductRatePlanChargeTierData: {
          ProductRatePlanChargeTier: [{ Currency: 'USD', Price: 10 }],
        },
      });
      for (const [n, email] of [
        ['M1', 'ada@example.com'],
        ['M2', undefined],
      ] as const)
        await call('POST', '/v1/accounts', {
          name: n,
          accountNumber: n,
          currency: 'USD',
          billCycleDay: 1,
          billToContact: {
            firstName: 'Ada',
            lastName: 'Lovelace',
            ...(email === undefined ? {} : { workEmail: email }),
          },
          subscription: {
            contractEffectiveDate: '2026-03-01',
            termType: 'EVERGREEN',
            subscribeToRatePlans: [{ productRatePlanId: rp.Id }],
          },
          runBilling: false,
        });
      const run = await call('POST', '/v1/bill-runs', {
        batches: ['AllBatches'],
        targetDate: '2026-03-31',
        autoPost: true,
      });
      await ctx.deps.queue.runUntilIdle();
      assert.equal(received.length, 0, 'nothing is mailed before emails are asked for');
      await call('POST', `/v1/bill-runs/${run.id}/emails`, {});
      await ctx.deps.queue.runUntilIdle();
      assert.equal(received.length, 1);
      assert.deepEqual(received[0]!.to, ['ada@example.com']);
      assert.equal(received[0]!.from, 'billing@folio.invalid');
      assert.match(received[0]!.data, /Subject: Invoice INV\d{8}/);
      const outbox = (
        await ctx.app.inject({
          method: 'GET',
          url: `/folio/v1/outbox?billRunId=${run.id}`,
          headers: { authorization: 'Bearer demo-admin' },
        })
      ).json().emails as { status: string; recipient: string | null; error: string | null }[];
      assert.deepEqual(outbox.map((e) => [e.status, e.recipient, e.error]).sort(), [
        ['failed', null, 'The bill-to contact has no work email.'],
        ['sent', 'ada@example.com', null],
      ]);
      received.length = 0;
    });
  },
  { config: { smtpUrl: `smtp://127.0.0.1:${port}` } },
);
