/**
 * The bench's Chromium peer prints this HTML: the same invoice as Folio's pdfkit template
 * (seller block, title and meta, bill-to and sold-to, line items with service periods, totals,
 * balance, footer, Letter size), so both renderers produce an equivalent one-page document.
 */
import type { PdfDocument, PdfSettings } from '../../src/pdfs/pdfs.service.ts';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const invoiceHtml = (doc: PdfDocument, settings: PdfSettings): string => {
  const money = (a: string) => `${esc(doc.currency)} ${Number(a).toFixed(2)}`;
  const contact = (c: PdfDocument['billTo']) =>
    [
      c.name,
      c.address1,
      c.address2,
      [c.city, c.state, c.postalCode].filter(Boolean).join(' '),
      c.country,
      c.email,
    ]
      .filter((x) => x !== undefined && x !== '')
      .map((x) => esc(String(x)))
      .join('<br>');
  const rows = doc.items
    .map(
      (it) =>
        `<tr><td>${esc(it.serviceStartDate ?? '')} – ${esc(it.serviceEndDate ?? '')}</td><td>${esc(it.chargeName)}${it.productName === undefined ? '' : `<br><small>${esc(it.productName)}</small>`}</td><td class="n">${esc(it.quantity)}</td><td class="n">${money(it.unitPrice)}</td><td class="n">${money(it.amount)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: Letter; margin: 50px; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 9.5pt; color: #222; }
.top { display: flex; justify-content: space-between; }
h1 { color: ${esc(settings.accentColor)}; font-size: 22pt; margin: 0; text-align: right; }
.meta { text-align: right; color: #666; }
.parties { display: flex; gap: 40px; margin: 24px 0; }
.parties h3 { color: ${esc(settings.accentColor)}; font-size: 8pt; margin: 0 0 4px; }
table { width: 100%; border-collapse: collapse; }
th { background: ${esc(settings.accentColor)}; color: #fff; text-align: left; padding: 4px; font-size: 8pt; }
td { border-bottom: 1px solid #ddd; padding: 4px; vertical-align: top; }
.n { text-align: right; }
.totals { margin-left: auto; width: 40%; margin-top: 12px; }
.totals td { border: none; }
footer { position: fixed; bottom: 0; width: 100%; color: #666; font-size: 8pt; display: flex; justify-content: space-between; }
</style></head><body>
<div class="top"><div><b style="font-size:14pt">${esc(settings.companyName)}</b><br><span style="color:#666">${settings.companyAddress.map(esc).join('<br>')}</span></div>
<div><h1>INVOICE</h1><div class="meta">Invoice ${esc(doc.number)}<br>Date ${esc(doc.documentDate)}${doc.dueDate === undefined ? '' : `<br>Due ${esc(doc.dueDate)}`}<br>Account ${esc(doc.accountNumber)}</div></div></div>
<div class="parties"><div><h3>BILL TO</h3>${contact(doc.billTo)}</div><div><h3>SOLD TO</h3>${contact(doc.soldTo)}</div></div>
<table><thead><tr><th>Service period</th><th>Description</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead><tbody>${rows}</tbody></table>
<table class="totals"><tr><td>Subtotal</td><td class="n">${money(doc.subtotal)}</td></tr><tr><td>Tax</td><td class="n">${money(doc.tax)}</td></tr><tr><td><b>Total</b></td><td class="n"><b>${money(doc.total)}</b></td></tr><tr><td>Payments and credits</td><td class="n">${money(doc.applied)}</td></tr><tr><td><b>Balance due</b></td><td class="n"><b>${money(doc.balance)}</b></td></tr></table>
<footer><span>${esc(settings.footerText)}</span><span>Page 1 of 1</span></footer>
</body></html>`;
};
