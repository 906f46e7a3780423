/**
 * @dock/protocol: the DJI Cloud API wayline protocol as pure TypeScript (no Nest, no I/O).
 * Topics, envelopes, per-method types and validators, normalisation of what docks send, builders
 * for what the cloud sends, and labelled enum / result-code tables. See ../README.md.
 */
export * from './topics';
export * from './envelope';
export * from './flags';
export * from './json-payload';
export * from './normalise';
export * from './builders';
export * from './enums';
export type { ValidationFailure, Decoded, Valid, Invalid } from './validation/decoded';
export * from './methods/method-names';
export * from './methods/service-types';
export * from './methods/event-types';
export type { DataValidator } from './methods/data-validator';
export type {
  FlighttaskResourceGetData,
  FlighttaskResourceGetReplyData,
} from './methods/flighttask-resource';
export {
  validateFlighttaskResourceGetData,
  validateFlighttaskResourceGetReplyData,
} from './methods/flighttask-resource';
export type { ConfigReplyData, ConfigRequestData } from './methods/config';
export { hasLicence, validateConfigReplyData, validateConfigRequestData } from './methods/config';
export * from './methods/organization-binding';
export * from './methods/request-routes';
export * from './methods/media';
export type { TopoSubDevice, UpdateTopoData } from './methods/update-topo';
export { isAircraftOffline } from './methods/update-topo';
export { SERVICE_DATA_VALIDATORS, validatePrepareData } from './methods/service-validators';
export { EVENT_DATA_VALIDATORS } from './methods/event-validators';
export { validateFlighttaskProgressData } from './methods/flighttask-progress';
export { validateServiceReplyData } from './methods/reply-validators';
export type { UplinkDataMap, DownlinkDataMap } from './methods/registry';
export { findDataValidator, isKnownMethod } from './methods/registry';
export type { HmsArgs, HmsData, HmsEntry } from './methods/hms';
export { HMS_MAX_ENTRIES, validateHmsData } from './methods/hms';
