import { Check, decodeWith, integerIn, isRecord, objectWith, optional } from '../validation/checks';
import { invalid, valid } from '../validation/decoded';
import { DataValidator } from './data-validator';

/**
 * `config` (dock-config-and-time.md): the dock's first request after connecting. The reply
 * carries the Cloud API licence triple the dock checks (a dock whose check fails drops its MQTT
 * connection) and the NTP server it syncs with. Unlike every other requests_reply, the reply
 * `data` is NOT wrapped in `{result, output}`: the fields sit straight in `data`.
 */

/** requests (up). Docs: `config_type: "json"`, `config_scope: "product"`. */
export interface ConfigRequestData {
  readonly config_type?: string;
  readonly config_scope?: string;
  readonly [key: string]: unknown;
}

/** requests_reply (down): no result, no output. */
export interface ConfigReplyData {
  readonly ntp_server_host?: string;
  /** The dock uses 123 when it is missing. */
  readonly ntp_server_port?: number;
  /** Sent as a string: the docs' example shows a number, the Demo a string (spec page). */
  readonly app_id: string;
  readonly app_key: string;
  readonly app_license: string;
}

/**
 * Lenient (up): the cloud answers the product scope whatever the dock asked (spec page,
 * "always answer the product scope"), so both fields are optional; when present they must be
 * strings, and unknown values of them pass (newer firmware).
 */
export const validateConfigRequestData: DataValidator<ConfigRequestData> = (data) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  for (const key of ['config_type', 'config_scope'] as const) {
    const value = data[key];
    if (value !== undefined && typeof value !== 'string') {
      return invalid(`data.${key}`, 'string', value);
    }
  }
  return valid(data as ConfigRequestData);
};

const text: Check = (value, path) =>
  typeof value === 'string' && value.length <= 4096 ? null : invalid(path, 'string', value);

const configReplyFields: Check = objectWith<ConfigReplyData>({
  ntp_server_host: optional(text),
  ntp_server_port: optional(integerIn(1, 65_535)),
  app_id: text,
  app_key: text,
  app_license: text,
});

/**
 * Strict (down). The licence fields must be strings but may be empty: a gateway without a
 * configured licence still answers (docs/gateway.md), and the dock is the one to refuse it.
 * A `result` key is refused: it would mean someone wrapped the reply like the other requests.
 */
export const validateConfigReplyData: DataValidator<ConfigReplyData> = (data) => {
  if (isRecord(data) && data.result !== undefined) {
    return invalid(
      'data.result',
      'absent (the config reply is not wrapped in result)',
      data.result,
    );
  }
  return decodeWith<ConfigReplyData>(configReplyFields, data, 'data');
};

/** True when all three licence fields are non-empty (what a dock requires before going on). */
export function hasLicence(reply: ConfigReplyData): boolean {
  return reply.app_id !== '' && reply.app_key !== '' && reply.app_license !== '';
}
