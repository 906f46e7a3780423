import {
  StorageConfigGetData,
  StorageConfigGetReplyData,
  validateStorageConfigGetData,
  validateStorageConfigGetReplyData,
} from './media';
import { TopicFamily } from '../topics';
import { DataValidator } from './data-validator';
import { EventDataMap } from './event-types';
import { EVENT_DATA_VALIDATORS, EVENT_REPLY_DATA_VALIDATORS } from './event-validators';
import {
  FlighttaskResourceGetData,
  FlighttaskResourceGetReplyData,
  validateFlighttaskResourceGetData,
  validateFlighttaskResourceGetReplyData,
} from './flighttask-resource';
import { EventMethod, ServiceMethod } from './method-names';
import {
  ConfigReplyData,
  ConfigRequestData,
  validateConfigReplyData,
  validateConfigRequestData,
} from './config';
import {
  BindingReplyDataMap,
  BindingRequestDataMap,
  validateAirportBindStatusData,
  validateAirportBindStatusReplyData,
  validateAirportOrganizationBindData,
  validateAirportOrganizationBindReplyData,
  validateAirportOrganizationGetData,
  validateAirportOrganizationGetReplyData,
} from './organization-binding';
import { validateResultOnlyData, validateServiceReplyData } from './reply-validators';
import { ResultOnlyData, ServiceDataMap, ServiceReplyData } from './service-types';
import { SERVICE_DATA_VALIDATORS } from './service-validators';
import { UpdateTopoData, validateUpdateTopoData } from './update-topo';

/** Canonical `data` type of each known (family, method) travelling up. */
export interface UplinkDataMap {
  events: EventDataMap;
  services_reply: { [M in ServiceMethod]: ServiceReplyData };
  requests: {
    flighttask_resource_get: FlighttaskResourceGetData;
    config: ConfigRequestData;
    storage_config_get: StorageConfigGetData;
  } & BindingRequestDataMap;
  status: { update_topo: UpdateTopoData };
}

/** Canonical `data` type of each known (family, method) travelling down. */
export interface DownlinkDataMap {
  services: ServiceDataMap;
  events_reply: { [M in EventMethod]: ResultOnlyData };
  requests_reply: {
    flighttask_resource_get: FlighttaskResourceGetReplyData;
    config: ConfigReplyData;
    storage_config_get: StorageConfigGetReplyData;
  } & BindingReplyDataMap;
  status_reply: { update_topo: ResultOnlyData };
}

type ValidatorTable<DataMap> = {
  readonly [F in keyof DataMap]: { readonly [M in keyof DataMap[F]]: DataValidator<DataMap[F][M]> };
};

const UPLINK_VALIDATORS: ValidatorTable<UplinkDataMap> = {
  events: EVENT_DATA_VALIDATORS,
  services_reply: {
    flighttask_create: validateServiceReplyData,
    flighttask_prepare: validateServiceReplyData,
    flighttask_execute: validateServiceReplyData,
    flighttask_undo: validateServiceReplyData,
    flighttask_pause: validateServiceReplyData,
    flighttask_recovery: validateServiceReplyData,
    return_home: validateServiceReplyData,
    return_home_cancel: validateServiceReplyData,
    upload_flighttask_media_prioritize: validateServiceReplyData,
  },
  requests: {
    flighttask_resource_get: validateFlighttaskResourceGetData,
    config: validateConfigRequestData,
    airport_bind_status: validateAirportBindStatusData,
    airport_organization_get: validateAirportOrganizationGetData,
    airport_organization_bind: validateAirportOrganizationBindData,
    storage_config_get: validateStorageConfigGetData,
  },
  status: { update_topo: validateUpdateTopoData },
};

const DOWNLINK_VALIDATORS: ValidatorTable<DownlinkDataMap> = {
  services: SERVICE_DATA_VALIDATORS,
  events_reply: EVENT_REPLY_DATA_VALIDATORS,
  requests_reply: {
    flighttask_resource_get: validateFlighttaskResourceGetReplyData,
    config: validateConfigReplyData,
    airport_bind_status: validateAirportBindStatusReplyData,
    airport_organization_get: validateAirportOrganizationGetReplyData,
    airport_organization_bind: validateAirportOrganizationBindReplyData,
    storage_config_get: validateStorageConfigGetReplyData,
  },
  status_reply: { update_topo: validateResultOnlyData },
};

/** Both directions share no family, so one lookup table serves both. */
const BY_FAMILY: Partial<Record<TopicFamily, Readonly<Record<string, DataValidator<unknown>>>>> = {
  ...UPLINK_VALIDATORS,
  ...DOWNLINK_VALIDATORS,
};

/**
 * The validator for a method, or undefined when we do not know it. `Object.hasOwn` keeps
 * methods named `constructor` or `toString` from resolving to Object.prototype members.
 */
export function findDataValidator(
  family: TopicFamily,
  method: string,
): DataValidator<unknown> | undefined {
  const table = BY_FAMILY[family];
  return table !== undefined && Object.hasOwn(table, method) ? table[method] : undefined;
}

/** True when this library validates `method` on `family` (e.g. events / flighttask_progress). */
export function isKnownMethod(family: TopicFamily, method: string): boolean {
  return findDataValidator(family, method) !== undefined;
}
