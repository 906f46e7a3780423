/** Every method of dock-wayline-mqtt.md, grouped by the topic family that carries it. */

/** Commands on `services` (down); their answers come back on `services_reply` (up). */
export const SERVICE_METHODS = [
  'flighttask_create',
  'flighttask_prepare',
  'flighttask_execute',
  'flighttask_undo',
  'flighttask_pause',
  'flighttask_recovery',
  'return_home',
  'return_home_cancel',
  /** dock-media-upload.md: move one flight's media to the front of the upload queue. */
  'upload_flighttask_media_prioritize',
] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

/** `flighttask_create` is deprecated in favour of flighttask_prepare + flighttask_execute. */
export const DEPRECATED_SERVICE_METHODS: ReadonlySet<ServiceMethod> = new Set([
  'flighttask_create',
]);

/** On `events` (up); answered on `events_reply` when need_reply is set. */
export const EVENT_METHODS = [
  'flighttask_progress',
  'flighttask_ready',
  'return_home_info',
  'device_exit_homing_notify',
  /** dock-media-upload.md: one per uploaded file, and the flight uploaded first. */
  'file_upload_callback',
  'highest_priority_upload_flighttask_media',
] as const;
export type EventMethod = (typeof EVENT_METHODS)[number];

/**
 * On `requests` (up); always answered on `requests_reply`. Beside the wayline's resource
 * request: `config` (dock-config-and-time.md) and the three binding requests
 * (dock-organization-binding.md), and `storage_config_get` (dock-media-upload.md). Who answers each: request-routes.ts.
 */
export const REQUEST_METHODS = [
  'flighttask_resource_get',
  'config',
  'airport_bind_status',
  'airport_organization_get',
  'airport_organization_bind',
  /** dock-media-upload.md: object-storage credentials for the media upload. */
  'storage_config_get',
] as const;
export type RequestMethod = (typeof REQUEST_METHODS)[number];

/** On `sys/product/{gw}/status` (up); answered on `status_reply`. */
export const STATUS_METHODS = ['update_topo'] as const;
export type StatusMethod = (typeof STATUS_METHODS)[number];
