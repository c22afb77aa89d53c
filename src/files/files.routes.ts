/**
 * `GET /files/<key>?X-Amz-…`: serves the objects of the local and memory stores through Folio's
 * presigned URLs, without authorization (CONTRACT C5.7). Failures answer as S3 does for a
 * presigned URL (DESIGN.md "Files and URLs"): 403 with its XML `AccessDenied` document and no
 * bytes. These are S3's bodies, not Zuora's, so they do not go through the Zuora error table.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../deps.ts';
import { FILES_PATH, s3ErrorXml } from '../platform/files/signed-urls.ts';
import { openDownload } from './files.service.ts';

const MESSAGES = {
  expired: 'Request has expired',
  mismatch: 'Request signature does not match',
  // S3 answers AccessDenied, not NoSuchKey, to a caller that may not list the bucket.
  missing: 'Access Denied',
} as const;

/** `attachment; filename="…"`, with RFC 6266 `filename*` when the name is not plain ASCII. */
export const contentDisposition = (key: string): string => {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
};

const sendXml = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply
    .code(status)
    .type('application/xml')
    .serializer((b: unknown) => String(b))
    .send(s3ErrorXml(code, message, reply.request.id));

export const filesRoutes = async (app: FastifyInstance, deps: Deps): Promise<void> => {
  app.get(`${FILES_PATH}/*`, { schema: { hide: true } }, async (request, reply) => {
    const q = request.url.indexOf('?');
    const rawPath = q < 0 ? request.url : request.url.slice(0, q);
    const rawQuery = q < 0 ? '' : request.url.slice(q + 1);
    const range = request.headers.range;
    const d = await openDownload(deps, { rawPath, rawQuery, range });
    if (!d.ok) {
      if (d.reason === 'range')
        return sendXml(
          reply.header('Content-Range', `bytes */${d.size}`),
          416,
          'InvalidRange',
          'The requested range is not satisfiable',
        );
      return sendXml(reply, 403, 'AccessDenied', MESSAGES[d.reason]);
    }
    const { info, body } = d;
    void reply
      .header('Content-Type', info.contentType)
      .header('Content-Disposition', contentDisposition(info.key))
      .header('Accept-Ranges', 'bytes')
      .header('Cache-Control', 'private, no-store');
    if (d.range !== undefined) {
      void reply
        .code(206)
        .header('Content-Range', `bytes ${d.range.start}-${d.range.end}/${info.size}`)
        .header('Content-Length', String(d.range.end - d.range.start + 1));
    } else {
      void reply.header('Content-Length', String(info.size));
    }
    return reply.send(body);
  });
};
