import { childPath, invalid, valid } from '../validation/decoded';
import { Check, decodeWith, integerIn, isRecord, objectWith } from '../validation/checks';
import { readInt, readString } from '../validation/lenient';
import { DataValidator } from './data-validator';
import { ResultOnlyData, ServiceReplyData } from './service-types';

/** Result codes are 0 or six-digit positives; anything past int32 is not a code. */
export const resultCode = integerIn(0, 2_147_483_647);

/**
 * services_reply (up, lenient). `result` is required: without it the pending command cannot be
 * settled. `output` is optional and kept as sent; when it carries `status` (return_home, trap 8)
 * that must be a string.
 */
export const validateServiceReplyData: DataValidator<ServiceReplyData> = (data, flags) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const result = readInt(data.result, 'data.result', flags, { min: 0 });
  if (!result.ok) return result;
  const output = data.output;
  if (output === undefined) return valid({ ...data, result: result.value });
  if (!isRecord(output)) return invalid('data.output', 'object', output);
  if (output.status !== undefined) {
    const status = readString(output.status, childPath('data.output', 'status'));
    if (!status.ok) return status;
  }
  return valid({ ...data, result: result.value, output });
};

const resultOnlyFields: Check = objectWith<ResultOnlyData>({ result: resultCode });

/** events_reply / status_reply / state_reply (down, strict): `{result}`. */
export const validateResultOnlyData: DataValidator<ResultOnlyData> = (data) =>
  decodeWith<ResultOnlyData>(resultOnlyFields, data, 'data');
