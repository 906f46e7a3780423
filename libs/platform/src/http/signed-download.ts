import { applyDecorators, Controller, HttpException } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SignatureCheck } from '@dock/url-signing';
import { ErrorDto } from './api-error.dto';
import { Public } from './public-route.decorator';
import { refusal } from './refusal';

/**
 * Signed download routes (the file service's KMZ, the media service's photos and videos): the
 * URL carries its own HMAC signature and expiry instead of a bearer token (`@Public()`), and the
 * route answers HEAD and single byte ranges (`sendDownload`).
 */

type Refused = Exclude<SignatureCheck, 'valid'>;

/** The 403 of a signed URL that is expired or not valid: no byte of any file is sent. */
export function signedUrlRefusal(check: Refused, messages: Record<Refused, string>): HttpException {
  return refusal(403, check === 'expired' ? 'url_expired' : 'invalid_signature', messages[check]);
}

/** A controller of signed download routes: public to the bearer guard, listed under `tag`. */
export function SignedDownloadController(options: { path: string; tag: string }): ClassDecorator {
  return applyDecorators(Controller(options.path), Public(), ApiTags(options.tag));
}

/**
 * The OpenAPI of a signed download route: no bearer token, the URL's query, the media type and
 * the answers. Applied in the order of the stack it replaces (`@ApiQuery(expires)` …
 * `@ApiResponse(416)`, bottom up), so the document keeps its order.
 */
export function ApiSignedDownload(doc: {
  summary: string;
  produces: string;
  /** What a 200 holds. */
  ok: string;
  /** When the route answers 404. */
  notFound: string;
}): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 416, description: 'Range past the end of the file' }),
    ApiResponse({ status: 404, description: doc.notFound, type: ErrorDto }),
    ApiResponse({ status: 403, description: 'Signature invalid or URL expired', type: ErrorDto }),
    ApiResponse({ status: 206, description: 'The requested byte range' }),
    ApiResponse({ status: 200, description: doc.ok }),
    ApiProduces(doc.produces),
    ApiQuery({ name: 'signature', description: 'HMAC-SHA256 (base64url)' }),
    ApiQuery({ name: 'expires', description: 'Expiry, Unix seconds' }),
    ApiOperation({ summary: doc.summary, security: [] }),
  );
}
