import { HttpException } from '@nestjs/common';

/**
 * An error answer in the API's one body shape (ErrorDto): the status, a machine-readable code
 * and a message that says what to do; `details` adds fields a client acts on (e.g. `problems`).
 */
export function refusal(
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): HttpException {
  return new HttpException({ statusCode: status, code, message, ...details }, status);
}
