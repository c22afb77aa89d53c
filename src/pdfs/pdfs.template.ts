/**
 * The built-in invoice / credit memo / debit memo template (CONTRACT C6.2), drawn with pdfkit and
 * its base-14 Helvetica. No font is embedded: embedding measured 14× slower and 7× larger
 * (research/stack-bench.md §1). Byte-stable: the PDF's dates come from the document
 * (`createdOn`) and pdfkit derives its file id from them, so the same document and settings give
 * the same bytes (C6.3, DESIGN.md "Deterministic mode").
 *
 * Pure: no deps, no I/O. It runs inside the PDF worker threads (`pdfs.worker.ts`).
 */
import PDFDocument from 'pdfkit';
import { invalid } from '../platform/errors.ts';

export type PdfDocumentKind = 'Invoice' | 'CreditMemo' | 'DebitMemo';

/** A bill-to or sold-to contact as printed. */
export interface PdfContact {
  name: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  email?: string;
}

/** One line of the item table. Dates `yyyy-MM-dd`; quantity and money are decimal strings. */
export interface PdfItem {
  serviceStartDate: string;
  serviceEndDate?: string;
  chargeName: string;
  productName?: string;
  ratePlanName?: string;
  subscriptionNumber?: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

/**
 * The view model of one billing document: everything the template prints, already resolved from
 * the billing model (names, contacts, totals). Money is decimal strings (STYLE.md), never floats.
 */
export interface PdfDocument {
  kind: PdfDocumentKind;
  /** `INV00000001`, `CM00000001`, `DM00000001`. */
  number: string;
  /** Drafts are stamped "DRAFT" (C6.1). */
  draft: boolean;
  /** Invoice or memo date, `yyyy-MM-dd`. */
  documentDate: string;
  dueDate?: string;
  paymentTerm?: string;
  accountNumber: string;
  accountName: string;
  /** ISO 4217 code; amounts are printed with its symbol and minor units. */
  currency: string;
  billTo: PdfContact;
  soldTo: PdfContact;
  items: PdfItem[];
  subtotal: string;
  tax: string;
  total: string;
  /** Payments (invoice) or applied credits/refunds (memo) so far. */
  applied: string;
  balance: string;
  /** Credit memo: the invoice it credits. */
  referredInvoiceNumber?: string;
  /** Credit or debit memo reason code. */
  reasonCode?: string;
  /**
   * ISO-8601 date-time written as the PDF's CreationDate and ModDate (e.g. when the document was
   * posted): a fixed date is what makes the bytes reproducible.
   */
  createdOn: string;
}

/** Per-tenant look of the template. */
export interface PdfSettings {
  companyName: string;
  /** Printed under the company name, one line each. */
  companyAddress: string[];
  /** PNG or JPEG bytes, drawn top-left within 160×56 pt. */
  logo?: Uint8Array;
  /** `#RRGGBB`: title and table header. */
  accentColor: string;
  /** Printed centred at the bottom of every page. */
  footerText: string;
}

export const defaultPdfSettings: PdfSettings = {
  companyName: 'Folio',
  companyAddress: [],
  accentColor: '#1F4E79',
  footerText: 'Thank you for your business.',
};

/** Bounds on what one PDF may hold: every size limited (brief rules). */
export const PDF_LIMITS = {
  items: 10_000,
  text: 500,
  addressLines: 8,
  logoBytes: 2 * 1024 * 1024,
} as const;

const TITLES: Record<PdfDocumentKind, string> = {
  Invoice: 'INVOICE',
  CreditMemo: 'CREDIT MEMO',
  DebitMemo: 'DEBIT MEMO',
};
const NUMBER_LABEL: Record<PdfDocumentKind, string> = {
  Invoice: 'Invoice Number',
  CreditMemo: 'Credit Memo Number',
  DebitMemo: 'Debit Memo Number',
};
const DATE_LABEL: Record<PdfDocumentKind, string> = {
  Invoice: 'Invoice Date',
  CreditMemo: 'Memo Date',
  DebitMemo: 'Memo Date',
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^-?\d{1,20}(\.\d{1,12})?$/;
const COLOR = /^#[0-9A-Fa-f]{6}$/;

/** `yyyy-MM-dd` → `MM/dd/yyyy` (C6.2). */
export const formatPdfDate = (isoDate: string): string => {
  const m = DATE.exec(isoDate);
  if (m === null) throw invalid(`Invalid date ${JSON.stringify(isoDate)}: expected yyyy-MM-dd.`);
  return `${m[2]}/${m[3]}/${m[1]}`;
};

// Characters Helvetica's WinAnsi encoding has beyond Latin-1 (PDF 32000-1 Annex D.2).
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text as the base-14 fonts can show it: they only encode WinAnsi, so anything else becomes
 * `?` rather than wrong glyphs; control characters become spaces. Without embedded fonts
 * (14× slower) non-Latin scripts cannot be drawn.
 */
export const toWinAnsi = (s: string): string => {
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code < 0x100 || WIN_ANSI_EXTRA.has(c)) out += c;
    else out += '?';
  }
  return out;
};

const moneyFormats = new Map<string, Intl.NumberFormat>();
/**
 * A decimal string in the currency's symbol and minor units, e.g. `$1,234.50`, `¥1,235`. A symbol
 * Helvetica cannot show (₹, ₩, …) gives way to the ISO code (`INR 1,234.50`).
 */
export const formatMoney = (amount: string, currency: string): string => {
  if (!DECIMAL.test(amount)) throw invalid(`Invalid amount ${JSON.stringify(amount)}.`);
  let f = moneyFormats.get(currency);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    });
    if (toWinAnsi(f.format(0)) !== f.format(0))
      f = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' });
    moneyFormats.set(currency, f);
  }
  // A string is formatted exactly (Intl.NumberFormat v3): no float rounding of money.
  return f.format(amount as Intl.StringNumericLiteral);
};

const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 12 });
const formatQuantity = (q: string): string => {
  if (!DECIMAL.test(q)) throw invalid(`Invalid quantity ${JSON.stringify(q)}.`);
  return quantityFormat.format(q as Intl.StringNumericLiteral);
};

const checkText = (field: string, v: string | undefined): void => {
  if (v !== undefined && v.length > PDF_LIMITS.text)
    throw invalid(`${field} is longer than ${PDF_LIMITS.text} characters.`, field);
};

/** Refuses a document or settings the template cannot print faithfully. */
export const checkPdfInput = (doc: PdfDocument, settings: PdfSettings): void => {
  if (!(doc.kind in TITLES)) throw invalid(`Invalid document kind ${String(doc.kind)}.`, 'kind');
  if (!/^[A-Z]{3}$/.test(doc.currency)) throw invalid('Invalid currency code.', 'currency');
  if (doc.items.length > PDF_LIMITS.items)
    throw invalid(`A PDF holds at most ${PDF_LIMITS.items} items.`, 'items');
  if (Number.isNaN(Date.parse(doc.createdOn))) throw invalid('Invalid createdOn.', 'createdOn');
  for (const d of [doc.documentDate, doc.dueDate]) if (d !== undefined) formatPdfDate(d);
  for (const [k, v] of Object.entries(doc)) if (typeof v === 'string') checkText(k, v);
  for (const c of [doc.billTo, doc.soldTo])
    for (const [k, v] of Object.entries(c)) checkText(k, v as string | undefined);
  for (const it of doc.items) {
    for (const [k, v] of Object.entries(it)) checkText(k, v as string | undefined);
    formatPdfDate(it.serviceStartDate);
    if (it.serviceEndDate !== undefined) formatPdfDate(it.serviceEndDate);
  }
  if (!COLOR.test(settings.accentColor))
    throw invalid('accentColor must be #RRGGBB.', 'accentColor');
  checkText('companyName', settings.companyName);
  checkText('footerText', settings.footerText);
  if (settings.companyAddress.length > PDF_LIMITS.addressLines)
    throw invalid(`At most ${PDF_LIMITS.addressLines} address lines.`, 'companyAddress');
  settings.companyAddress.forEach((l) => checkText('companyAddress', l));
  const logo = settings.logo;
  if (logo !== undefined) {
    if (logo.length > PDF_LIMITS.logoBytes) throw invalid('The logo is larger than 2 MiB.', 'logo');
    const png = logo[0] === 0x89 && logo[1] === 0x50 && logo[2] === 0x4e && logo[3] === 0x47;
    const jpeg = logo[0] === 0xff && logo[1] === 0xd8;
    if (!png && !jpeg) throw invalid('The logo must be a PNG or JPEG image.', 'logo');
  }
};

const contactLines = (c: PdfContact): string[] => {
  const cityLine = [c.city, [c.state, c.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return [c.name, c.company, c.address1, c.address2, cityLine, c.country, c.email].filter(
    (l): l is string => l !== undefined && l !== '',
  );
};

// Letter, 50 pt margins; the footer band holds the footer text and "Page X of Y".
const PAGE = { width: 612, height: 792, margin: 50, footer: 46 };
const CONTENT_W = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - PAGE.footer;
const GREY = '#555555';
const RULE = '#D0D0D0';
const TEXT = '#111111';
// Item table columns: x offsets from the left margin and widths (sum = CONTENT_W = 512).
const COLS = {
  desc: { x: 0, w: 212 },
  period: { x: 216, w: 110 },
  qty: { x: 330, w: 46 },
  unit: { x: 380, w: 62 },
  amount: { x: 446, w: 66 },
};

/** Renders one document to PDF bytes. Throws `invalid` for input it cannot print. */
export const renderPdf = async (doc: PdfDocument, settings: PdfSettings): Promise<Buffer> => {
  checkPdfInput(doc, settings);
  const when = new Date(doc.createdOn);
  const title = TITLES[doc.kind];
  const pdf = new PDFDocument({
    size: 'LETTER',
    margin: PAGE.margin,
    bufferPages: true,
    autoFirstPage: true,
    info: {
      Title: toWinAnsi(`${title === 'INVOICE' ? 'Invoice' : title.toLowerCase()} ${doc.number}`),
      Author: toWinAnsi(settings.companyName),
      Producer: 'Folio',
      Creator: 'Folio',
      CreationDate: when,
      ModDate: when,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });

  const t = (s: string) => toWinAnsi(s);
  const money = (a: string) => formatMoney(a, doc.currency);
  const L = PAGE.margin;
  const accent = settings.accentColor;

  // Seller block: logo, company name and address (left); title and meta block (right).
  let y = L;
  if (settings.logo !== undefined) {
    const logo = settings.logo;
    try {
      pdf.image(Buffer.from(logo.buffer, logo.byteOffset, logo.byteLength), L, y, {
        fit: [160, 56],
      });
    } catch (e) {
      throw invalid(`The logo cannot be read: ${(e as Error).message}`, 'logo');
    }
    y += 62;
  }
  pdf.font('Helvetica-Bold').fontSize(14).fillColor(TEXT);
  pdf.text(t(settings.companyName), L, y, { width: 260 });
  pdf.font('Helvetica').fontSize(9).fillColor(GREY);
  for (const line of settings.companyAddress) pdf.text(t(line), { width: 260 });
  const sellerBottom = pdf.y;

  pdf.font('Helvetica-Bold').fontSize(22).fillColor(accent);
  pdf.text(title, L + 262, L, { width: CONTENT_W - 262, align: 'right' });
  const meta: [string, string][] = [
    [NUMBER_LABEL[doc.kind], doc.number],
    [DATE_LABEL[doc.kind], formatPdfDate(doc.documentDate)],
  ];
  if (doc.dueDate !== undefined) meta.push(['Due Date', formatPdfDate(doc.dueDate)]);
  if (doc.paymentTerm !== undefined) meta.push(['Payment Term', doc.paymentTerm]);
  meta.push(['Account Number', doc.accountNumber], ['Currency', doc.currency]);
  if (doc.referredInvoiceNumber !== undefined)
    meta.push(['Referred Invoice', doc.referredInvoiceNumber]);
  if (doc.reasonCode !== undefined) meta.push(['Reason Code', doc.reasonCode]);
  let my = L + 32;
  if (doc.draft) {
    // Horizontal as well as the rotated stamp, so text extraction reads "DRAFT" as one word.
    pdf.font('Helvetica-Bold').fontSize(10).fillColor('#C00000');
    pdf.text('DRAFT', L + 262, my - 4, { width: CONTENT_W - 262, align: 'right' });
    my += 12;
  }
  for (const [label, value] of meta) {
    pdf.font('Helvetica').fontSize(9).fillColor(GREY);
    pdf.text(label, L + 262, my, { width: 110, lineBreak: false });
    pdf.font('Helvetica-Bold').fillColor(TEXT);
    pdf.text(t(value), L + 372, my, { width: CONTENT_W - 372, align: 'right', lineBreak: false });
    my += 14;
  }

  // Bill-to and sold-to, side by side; the account name heads the block.
  y = Math.max(sellerBottom, my) + 22;
  const contactBlock = (label: string, c: PdfContact, x: number): number => {
    pdf.font('Helvetica-Bold').fontSize(8).fillColor(accent);
    pdf.text(label.toUpperCase(), x, y, { width: 240, characterSpacing: 0.5 });
    pdf.font('Helvetica').fontSize(9.5).fillColor(TEXT);
    pdf.moveDown(0.3);
    for (const line of contactLines(c)) pdf.text(t(line), x, pdf.y, { width: 240 });
    return pdf.y;
  };
  pdf.font('Helvetica-Bold').fontSize(10).fillColor(TEXT);
  pdf.text(t(doc.accountName), L, y, { width: CONTENT_W });
  y = pdf.y + 6;
  y = Math.max(
    contactBlock('Bill To', doc.billTo, L),
    contactBlock('Sold To', doc.soldTo, L + 262),
  );
  y += 20;

  // Item table with its header repeated on every page.
  const header = (): void => {
    pdf.rect(L, y, CONTENT_W, 18).fill(accent);
    pdf.font('Helvetica-Bold').fontSize(8.5).fillColor('#FFFFFF');
    const h = (text: string, c: { x: number; w: number }, align: 'left' | 'right') =>
      pdf.text(text, L + c.x + 4, y + 5, { width: c.w - 4, align, lineBreak: false });
    h('Description', COLS.desc, 'left');
    h('Service Period', COLS.period, 'left');
    h('Qty', COLS.qty, 'right');
    h('Unit Price', COLS.unit, 'right');
    h('Amount', COLS.amount, 'right');
    y += 22;
  };
  header();
  for (const item of doc.items) {
    const sub = [item.productName, item.ratePlanName].filter(Boolean).join(' / ');
    const subscription =
      item.subscriptionNumber === undefined ? '' : `Subscription ${item.subscriptionNumber}`;
    const period =
      formatPdfDate(item.serviceStartDate) +
      (item.serviceEndDate === undefined ? '' : ` - ${formatPdfDate(item.serviceEndDate)}`);
    const descW = COLS.desc.w - 4;
    pdf.font('Helvetica-Bold').fontSize(9);
    let rowH = pdf.heightOfString(t(item.chargeName), { width: descW });
    pdf.font('Helvetica').fontSize(8);
    if (sub !== '') rowH += pdf.heightOfString(t(sub), { width: descW });
    if (subscription !== '') rowH += pdf.heightOfString(t(subscription), { width: descW });
    pdf.fontSize(9);
    rowH = Math.max(rowH, pdf.heightOfString(period, { width: COLS.period.w - 4 })) + 8;
    if (y + rowH > BOTTOM) {
      pdf.addPage();
      y = L;
      header();
    }
    const top = y;
    pdf.font('Helvetica-Bold').fontSize(9).fillColor(TEXT);
    pdf.text(t(item.chargeName), L + 4, top, { width: descW });
    pdf.font('Helvetica').fontSize(8).fillColor(GREY);
    if (sub !== '') pdf.text(t(sub), L + 4, pdf.y, { width: descW });
    if (subscription !== '') pdf.text(t(subscription), L + 4, pdf.y, { width: descW });
    pdf.font('Helvetica').fontSize(9).fillColor(TEXT);
    pdf.text(period, L + COLS.period.x + 4, top, { width: COLS.period.w - 4 });
    const right = (s: string, c: { x: number; w: number }) =>
      pdf.text(s, L + c.x, top, { width: c.w - 4, align: 'right', lineBreak: false });
    right(formatQuantity(item.quantity), COLS.qty);
    right(money(item.unitPrice), COLS.unit);
    right(money(item.amount), COLS.amount);
    y = top + rowH;
    pdf
      .moveTo(L, y - 4)
      .lineTo(L + CONTENT_W, y - 4)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
  }

  // Totals, kept together on one page.
  const appliedLabel = doc.kind === 'Invoice' ? 'Payments Applied' : 'Credits Applied';
  const totals: [string, string, boolean][] = [
    ['Subtotal', doc.subtotal, false],
    ['Tax', doc.tax, false],
    ['Total', doc.total, true],
    [appliedLabel, doc.applied, false],
    ['Balance Due', doc.balance, true],
  ];
  if (y + 8 + totals.length * 16 + 6 > BOTTOM) {
    pdf.addPage();
    y = L;
  }
  y += 8;
  const tx = L + 262;
  for (const [label, value, strong] of totals) {
    if (label === 'Balance Due') {
      pdf.rect(tx, y - 4, CONTENT_W - 262, 18).fill('#F2F2F2');
    }
    pdf.font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 10 : 9.5);
    pdf.fillColor(strong ? TEXT : GREY);
    pdf.text(label, tx + 6, y, { width: 130, lineBreak: false });
    pdf.fillColor(TEXT);
    pdf.text(money(value), tx + 136, y, {
      width: CONTENT_W - 262 - 142,
      align: 'right',
      lineBreak: false,
    });
    y += 16;
  }

  // Footer, page numbers and the DRAFT stamp on every page, once the page count is known.
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // Drawing below the bottom margin would make pdfkit open a new page.
    pdf.page.margins.bottom = 0;
    const fy = PAGE.height - PAGE.margin - 20;
    pdf
      .moveTo(L, fy - 8)
      .lineTo(L + CONTENT_W, fy - 8)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    pdf.font('Helvetica').fontSize(8).fillColor(GREY);
    pdf.text(t(settings.footerText), L, fy, { width: CONTENT_W - 90, lineBreak: false });
    pdf.text(`Page ${i - start + 1} of ${count}`, L + CONTENT_W - 90, fy, {
      width: 90,
      align: 'right',
      lineBreak: false,
    });
    if (doc.draft) {
      pdf.save();
      pdf.rotate(-35, { origin: [PAGE.width / 2, PAGE.height / 2] });
      pdf.font('Helvetica-Bold').fontSize(120).fillColor('#C00000').fillOpacity(0.15);
      pdf.text('DRAFT', 0, PAGE.height / 2 - 60, {
        width: PAGE.width,
        align: 'center',
        lineBreak: false,
      });
      pdf.restore();
    }
  }
  pdf.end();
  await ended;
  return Buffer.concat(chunks);
};
