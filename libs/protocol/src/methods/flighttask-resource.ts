import { Check, httpUrl, isRecord, nonEmptyString, objectWith } from '../validation/checks';
import { invalid, valid } from '../validation/decoded';
import { readNonEmptyString } from '../validation/lenient';
import { DataValidator } from './data-validator';
import { WaylineFile } from './service-types';
import { resultCode } from './reply-validators';

/**
 * flighttask_resource_get (trap 10: its section has a Chinese heading). During execution
 * (step 13) the dock asks for the KMZ URL; the cloud answers on requests_reply with a fresh,
 * expiring URL and the MD5 of the file. An expired URL fails the task (314013 / 314004).
 */

/** requests (up). */
export interface FlighttaskResourceGetData {
  readonly flight_id: string;
  readonly [key: string]: unknown;
}

/** requests_reply (down). `output` is required when result is 0; optional on a refusal. */
export interface FlighttaskResourceGetReplyData {
  readonly result: number;
  readonly output?: { readonly file: WaylineFile };
}

/** Without a flight id there is nothing to look up, so it must be a non-empty string. */
export const validateFlighttaskResourceGetData: DataValidator<FlighttaskResourceGetData> = (
  data,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const flightId = readNonEmptyString(data.flight_id, 'data.flight_id');
  if (!flightId.ok) return flightId;
  return valid({ ...data, flight_id: flightId.value });
};

const replyOutput: Check = objectWith<{ file: WaylineFile }>({
  file: objectWith<WaylineFile>({ url: httpUrl, fingerprint: nonEmptyString(256) }),
});

export const validateFlighttaskResourceGetReplyData: DataValidator<
  FlighttaskResourceGetReplyData
> = (data) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const result = resultCode(data.result, 'data.result');
  if (result) return result;
  if (data.result === 0 || data.output !== undefined) {
    const output = replyOutput(data.output, 'data.output');
    if (output) return output;
  }
  return valid(data as unknown as FlighttaskResourceGetReplyData);
};
