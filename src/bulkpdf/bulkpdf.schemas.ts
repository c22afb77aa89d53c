/**
 * v1 wire schemas of the bulk PDF export (Zuora `POSTBulkPdfGenerationJobRequestType`,
 * `POSTBulkPdfGenerationJobResponseType`, `GETBulkpdfGenerationJobResponseType`; CONTRACT C5).
 */
import { Type } from '@sinclair/typebox';

const DocType = Type.Union([
  Type.Literal('Invoice'),
  Type.Literal('CreditMemo'),
  Type.Literal('DebitMemo'),
]);

/** Zuora `DocumentList`. */
export const DocumentList = Type.Object({
  docType: DocType,
  objectIds: Type.Array(Type.String({ maxLength: 255 })),
});

const RequestDocumentList = Type.Object({
  docType: DocType,
  // C5.1: an empty objectIds is cat20; 50,000 bounds the body before the service counts all lists.
  objectIds: Type.Array(Type.String({ maxLength: 255 }), { minItems: 1, maxItems: 50_000 }),
});

export const CreateBulkPdfRequest = Type.Object({
  documents: Type.Array(RequestDocumentList, { maxItems: 50_000 }),
  fileName: Type.String({ maxLength: 32, examples: ['all-invoices-posted-jan-2024'] }),
  name: Type.Optional(Type.String({ maxLength: 32, examples: ['BulkPDFGenerationJobV1'] })),
  indexFileFormat: Type.Union([Type.Literal('JSON'), Type.Literal('CSV')]),
  generateMissingPDF: Type.Optional(Type.Boolean({ default: false })),
  ignoreArchivedFiles: Type.Optional(Type.Boolean({ default: false })),
  persistIndexFile: Type.Optional(Type.Boolean({ default: true })),
});

export const CreateBulkPdfResponse = Type.Object({
  success: Type.Boolean(),
  jobId: Type.String({ examples: ['2c92c8955bd63cc1015bd7c151af02ab'] }),
  // C7 #3: typed `{}` by Zuora; a flat string array here.
  invalidIds: Type.Array(Type.String()),
  skippedDocuments: Type.Optional(Type.Array(DocumentList)),
});

export const BulkPdfJobParams = Type.Object({ jobId: Type.String({ maxLength: 64 }) });

export const GetBulkPdfResponse = Type.Object({
  jobId: Type.String(),
  jobName: Type.String(),
  status: Type.Union(
    ['Submitted', 'Executing', 'Completed', 'Error', 'Aborted', 'Cancelled'].map((s) =>
      Type.Literal(s),
    ),
  ),
  stepStatus: Type.Union(
    ['JobCreated', 'TasksCreated', 'GenerateMissPDF', 'PdfToZip', 'PostProcessing'].map((s) =>
      Type.Literal(s),
    ),
  ),
  fileUrls: Type.Array(Type.String()),
  failedDocuments: Type.Optional(Type.Array(DocumentList)),
  skippedDocuments: Type.Optional(Type.Array(DocumentList)),
  message: Type.Optional(Type.String()),
  createdOn: Type.String({ examples: ['2024-01-08 12:52:05'] }),
  createdBy: Type.String(),
  success: Type.Boolean(),
});
