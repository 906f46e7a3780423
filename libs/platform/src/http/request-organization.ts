import { createParamDecorator, ExecutionContext, HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/**
 * The organization a request acts in: every record a scoped route reads or writes belongs to
 * it. Resolved once per request, by the auth guard that let the request in (BearerAuthGuard, or
 * a route's own guard such as telemetry's stream guard), and read by handlers through
 * `@RequestOrganization()`.
 *
 * Today it comes from the optional `X-Organization-Id` header, defaulting to the default
 * organization. Issue 15 gives every API token one organization: then `resolveOrganization`
 * below is the one place that changes (to "the token's organization").
 */
export const ORGANIZATION_HEADER = 'X-Organization-Id';

/** Organization ids are UUIDs today; the check stays wider (a bounded id of safe characters). */
export const ORGANIZATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type OrganizationResolution =
  { ok: true; organizationId: string } | { ok: false; problem: string };

/** The one resolution rule (pure, unit-tested). */
export function resolveOrganization(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): OrganizationResolution {
  const value = headers[ORGANIZATION_HEADER.toLowerCase()];
  if (value === undefined) return { ok: true, organizationId: DEFAULT_ORGANIZATION_ID };
  if (Array.isArray(value)) return { ok: false, problem: 'give the header once' };
  if (!isOrganizationId(value)) {
    return { ok: false, problem: 'must be 1..64 characters of A-Z, a-z, 0-9, _ and -' };
  }
  return { ok: true, organizationId: value };
}

export function isOrganizationId(value: unknown): value is string {
  return typeof value === 'string' && ORGANIZATION_ID_PATTERN.test(value);
}

/** Where the resolved organization travels on the request object. */
const RESOLVED = Symbol('platform:request-organization');

type ScopedRequest = Request & { [RESOLVED]?: string };

/** Sets the request's organization (a guard that knows it from another credential, e.g. a ticket). */
export function setRequestOrganization(request: Request, organizationId: string): void {
  (request as ScopedRequest)[RESOLVED] = organizationId;
}

/**
 * The request's organization: the one a guard set, or else resolved (and remembered) now.
 * A header that is not an organization id answers 400 naming the header.
 */
export function requestOrganization(request: Request): string {
  const scoped = request as ScopedRequest;
  const known = scoped[RESOLVED];
  if (known !== undefined) return known;
  const resolved = resolveOrganization(request.headers);
  if (!resolved.ok) {
    throw new HttpException(
      {
        statusCode: 400,
        code: 'invalid_request',
        message: `${ORGANIZATION_HEADER}: ${resolved.problem}`,
        problems: [{ field: ORGANIZATION_HEADER, problem: resolved.problem }],
      },
      400,
    );
  }
  scoped[RESOLVED] = resolved.organizationId;
  return resolved.organizationId;
}

/** Handler parameter: the organization the request acts in, e.g. `@RequestOrganization() org: string`. */
export const RequestOrganization = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    requestOrganization(context.switchToHttp().getRequest<Request>()),
);
