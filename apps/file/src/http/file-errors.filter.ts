import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { refusal } from '@dock/platform';
import type { Response } from 'express';
import { FlightAlreadyBoundError, FlightNotFoundError } from '../domain/flights/flight-resources';
import { KmzRejectedError } from '../domain/kmz/kmz-rejection';
import { WaylineInUseError, WaylineNotFoundError } from '../domain/waylines/wayline-errors';
import { UploadError } from '../adapters/http/multipart-upload';

type DomainError =
  | KmzRejectedError
  | UploadError
  | WaylineNotFoundError
  | WaylineInUseError
  | FlightAlreadyBoundError
  | FlightNotFoundError;

/** Domain refusals as HTTP answers: status, a machine-readable code and an actionable message. */
@Catch(
  KmzRejectedError,
  UploadError,
  WaylineNotFoundError,
  WaylineInUseError,
  FlightAlreadyBoundError,
  FlightNotFoundError,
)
export class FileErrorsFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const [status, code, extra] = describe(error);
    // An oversized upload may still be streaming in: close rather than read the rest.
    if (status === 413) response.setHeader('Connection', 'close');
    response.status(status).json({ statusCode: status, code, message: error.message, ...extra });
  }
}

function describe(error: DomainError): [number, string, Record<string, unknown>] {
  if (error instanceof KmzRejectedError) return [422, error.code, {}];
  if (error instanceof UploadError) return [error.status, error.code, {}];
  if (error instanceof WaylineNotFoundError) return [404, 'wayline_not_found', {}];
  if (error instanceof FlightNotFoundError) return [404, 'flight_not_found', {}];
  if (error instanceof WaylineInUseError) {
    return [409, 'wayline_in_use', { flightIds: error.flightIds }];
  }
  return [409, 'flight_already_bound', { boundWaylineId: error.boundWaylineId }];
}

/** A 400 with the same body shape, for request parameters that fail validation. */
export function badRequest(message: string): HttpException {
  return refusal(400, 'invalid_request', message);
}
