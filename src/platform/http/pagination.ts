/** C1.10: v1 list pagination (`page` ≥ 1, `pageSize` 1–40, `nextPage` absolute URL). */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

/** C1.10: v1 lists take `page` ≥ 1 and `pageSize` 1–40; anything else is cat20. */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 40, default: 20 })),
});

/** C1.10: the absolute URL of the next page, or nothing on the last page. */
export const nextPageUrl = (
  req: FastifyRequest,
  page: number,
  pageSize: number,
  total: number,
): { nextPage?: string } => {
  if (page * pageSize >= total) return {};
  const url = new URL(req.url, `${req.protocol}://${req.host}`);
  url.searchParams.set('page', String(page + 1));
  url.searchParams.set('pageSize', String(pageSize));
  return { nextPage: url.toString() };
};
