import { tenant } from '../api.js';
import { badge, h, link, money, props, table, set } from '../ui.js';

const enc = encodeURIComponent;
const KINDS = {
  Invoice: {
    path: 'invoices',
    files: 'invoiceFiles',
    title: 'Invoice',
    number: 'invoiceNumber',
    date: 'invoiceDate',
  },
  CreditMemo: {
    path: 'credit-memos',
    files: 'creditMemoFiles',
    title: 'Credit memo',
    number: 'number',
    date: 'creditMemoDate',
  },
  DebitMemo: {
    path: 'debit-memos',
    files: 'debitMemoFiles',
    title: 'Debit memo',
    number: 'number',
    date: 'debitMemoDate',
  },
};

export default {
  title: 'Billing document',
  section: 'bill-runs',
  match: /^\/documents\/(Invoice|CreditMemo|DebitMemo)\/([^/]+)$/,
  nav: null,
  audience: 'tenant',
  render: async (ctx) => {
    const [type, key] = ctx.params;
    const kind = KINDS[type];
    const doc = await tenant(`/v1/${kind.path}/${enc(key)}`);
    const files = (await tenant(`/v1/${kind.path}/${enc(key)}/files`))[kind.files] ?? [];
    const number = doc[kind.number] ?? doc.number ?? doc.id;
    const preview = h('div', { id: 'pdf-preview' });
    const latest = files[0];
    if (latest) {
      // The file API needs the bearer token, so the PDF is fetched and shown from a blob: URL.
      const res = await tenant(latest.pdfFileUrl, { raw: true });
      const blob = new Blob([await res.arrayBuffer()], { type: 'application/pdf' });
      const url = URL.createObjectURL(blob);
      ctx.signal.addEventListener('abort', () => URL.revokeObjectURL(url));
      set(
        preview,
        h(
          'div',
          { class: 'actions' },
          h(
            'a',
            { href: url, download: `${number}.pdf`, id: 'pdf-download' },
            `Download ${number}.pdf`,
          ),
        ),
        h('iframe', {
          class: 'pdf',
          src: url,
          title: `PDF of ${kind.title.toLowerCase()} ${number}`,
        }),
      );
    } else {
      set(
        preview,
        h('p', { class: 'note' }, 'No PDF yet: PDFs are generated when the document is posted.'),
      );
    }
    return h(
      'div',
      {},
      h('h1', {}, `${kind.title} ${number}`),
      h(
        'section',
        { class: 'card' },
        props([
          ['Status', badge(doc.status)],
          ['Account', link(`#/accounts/${enc(doc.accountId)}`, doc.accountId)],
          ['Date', doc[kind.date] ?? doc.invoiceDate ?? ''],
          ['Due date', doc.dueDate ?? ''],
          ['Amount', money(doc.amount ?? doc.totalAmount, doc.currency)],
          ['Balance', money(doc.balance, doc.currency)],
          ['Source', doc.source ?? ''],
          ['Id', doc.id],
        ]),
      ),
      h('h2', {}, 'PDF'),
      preview,
      h('h2', {}, 'PDF versions'),
      table(
        'PDF versions',
        [
          { title: 'File id', cell: (f) => f.id },
          { title: 'Version', cell: (f) => f.versionNumber, num: true },
        ],
        files,
        'No PDF.',
      ),
    );
  },
};
