/** Wire schemas of snapshots and reset (issue 12, part 4). Folio's own API: camelCase JSON. */
import { Type } from '@sinclair/typebox';

export const TenantParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64, description: 'Tenant id (32 hex)' }),
});
export const SnapshotParams = Type.Object({
  tenantId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ minLength: 1, maxLength: 64 }),
});

export const CreateSnapshotBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'Unique per tenant',
      examples: ['before-bill-run'],
    }),
  },
  { additionalProperties: false },
);

export const FolioSnapshot = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  schemaVersion: Type.String({ description: 'Last database migration when it was saved' }),
  rowCount: Type.Integer(),
  fileCount: Type.Integer(),
  fileBytes: Type.Integer(),
  tables: Type.Optional(
    Type.Record(Type.String(), Type.Integer(), { description: 'Rows saved per table' }),
  ),
});
export const FolioSnapshotList = Type.Object({ snapshots: Type.Array(FolioSnapshot) });

export const FolioRestoreResult = Type.Object({
  name: Type.Union([Type.String(), Type.Null()], { description: 'null for a reset' }),
  deletedRows: Type.Integer(),
  restoredRows: Type.Integer(),
  restoredFiles: Type.Integer(),
  removedFiles: Type.Integer(),
  tables: Type.Record(Type.String(), Type.Integer(), { description: 'Rows per table now' }),
});
