import { ApiError, ConnectionLostError } from '../api-client';

/** An error as one sentence for the operator. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.describe()} (HTTP ${error.status})`;
  if (error instanceof ConnectionLostError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
