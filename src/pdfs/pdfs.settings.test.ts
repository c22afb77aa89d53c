/* eslint-disable @typescript-eslint/no-unsafe-member-access -- response bodies are read as untyped JSON and checked by the assertions */
/** Per-tenant PDF settings through the admin API, used by the generated PDFs (C6.2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { forEachDb, seedTenant, tokenFor } from '../../test/harness.ts';
import { noPdftotext, pdfText, seedAccount, seedPlan } from '../../test/documents.ts';
import { listDocumentFiles } from '../files/files.service.ts';

const ADMIN = { authorization: 'Bearer test-admin' };

forEachDb(
  'PDF settings (admin API)',
  (ctx) => {
    const settings = {
      companyName: 'Globex Billing GmbH',
      companyAddress: ['Hauptstrasse 1', '10115 Berlin'],
      accentColor: '#AA3300',
      footerText: 'Globex: pay within 30 days.',
    };
    let tenantId = '';

    test('GET gives the defaults; PUT stores the settings and GET returns them', async () => {
      const t = await seedTenant(ctx.deps, 'Globex');
      tenantId = t.tenantId;
      const url = `/folio/v1/tenants/${tenantId}/pdf-settings`;
      const before = await ctx.app.inject({ method: 'GET', url, headers: ADMIN });
      assert.equal(before.statusCode, 200, before.body);
      assert.equal(before.json().companyName, 'Folio');
      const put = await ctx.app.inject({ method: 'PUT', url, headers: ADMIN, payload: settings });
      assert.equal(put.statusCode, 200, put.body);
      const after = await ctx.app.inject({ method: 'GET', url, headers: ADMIN });
      assert.deepEqual(after.json(), settings);
    });

    test('bad colour, a logo that is no image, too many address lines and an unknown tenant are refused', async () => {
      const url = `/folio/v1/tenants/${tenantId}/pdf-settings`;
      for (const payload of [
        { ...settings, accentColor: 'red' },
        { ...settings, logo: Buffer.from('not an image').toString('base64') },
        { ...settings, companyAddress: Array.from({ length: 9 }, () => 'x') },
      ]) {
        const res = await ctx.app.inject({ method: 'PUT', url, headers: ADMIN, payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 80));
      }
      const unknown = await ctx.app.inject({
        method: 'PUT',
        url: `/folio/v1/tenants/${'0'.repeat(31)}9/pdf-settings`,
        headers: ADMIN,
        payload: settings,
      });
      assert.equal(unknown.statusCode, 404);
      const get = await ctx.app.inject({ method: 'GET', url, headers: ADMIN });
      assert.deepEqual(get.json(), settings, 'refused settings change nothing');
    });

    test('a tenant OAuth token cannot read or set the settings', async () => {
      const t = await seedTenant(ctx.deps, 'Intruder');
      const token = await tokenFor(ctx.app, t);
      const res = await ctx.app.inject({
        method: 'PUT',
        url: `/folio/v1/tenants/${tenantId}/pdf-settings`,
        headers: { authorization: `Bearer ${token}` },
        payload: { ...settings, companyName: 'Hacked' },
      });
      assert.equal(res.statusCode, 401);
    });

    test(
      'PDFs generated afterwards carry the company, address and footer',
      { skip: noPdftotext },
      async () => {
        const t = await seedTenant(ctx.deps, 'Printer');
        await ctx.app.inject({
          method: 'PUT',
          url: `/folio/v1/tenants/${t.tenantId}/pdf-settings`,
          headers: ADMIN,
          payload: settings,
        });
        const token = await tokenFor(ctx.app, t);
        const a = await seedAccount(ctx.app, token, await seedPlan(ctx.app, token));
        await ctx.deps.queue.runUntilIdle();
        const [f] = await listDocumentFiles(
          ctx.deps,
          { tenantId: t.tenantId, entityId: t.entityId },
          a.invoiceId!,
        );
        assert.equal(f!.generationStatus, 'Generated');
        const text = pdfText(await buffer(await ctx.deps.files.get(f!.storageKey!)));
        assert.match(text, /Globex Billing GmbH/);
        assert.match(text, /10115 Berlin/);
        assert.match(text, /Globex: pay within 30 days\./);
        assert.doesNotMatch(text, /Thank you for your business/);
      },
    );
  },
  { config: { adminToken: 'test-admin' } },
);
