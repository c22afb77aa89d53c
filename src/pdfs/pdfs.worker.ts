/**
 * The renderer module the PDF pool loads in each worker thread (`platform/pdf/pool.ts`).
 */
import { renderPdf, type PdfDocument, type PdfSettings } from './pdfs.template.ts';

/** One render: a document view model and the tenant's settings (structured-cloned). */
export interface PdfRenderInput {
  document: PdfDocument;
  settings: PdfSettings;
}

export default (input: unknown): Promise<Uint8Array> => {
  const { document, settings } = input as PdfRenderInput;
  return renderPdf(document, settings);
};
