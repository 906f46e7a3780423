/** Injection tokens of the media service. */
export const MEDIA_CONFIG = Symbol('MEDIA_CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const MEDIA_STORE = Symbol('MEDIA_STORE');
export const MEDIA_SERVICE = Symbol('MEDIA_SERVICE');
export const OBJECT_STORE = Symbol('OBJECT_STORE');
export const UPLOAD_CREDENTIALS = Symbol('UPLOAD_CREDENTIALS');
export const DOWNLOAD_LINKS = Symbol('DOWNLOAD_LINKS');
export const KAFKA_BRIDGE = Symbol('KAFKA_BRIDGE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const WAKEUPS = Symbol('WAKEUPS');
export const MEDIA_METRICS = Symbol('MEDIA_METRICS');
export const MEDIA_RUNTIME = Symbol('MEDIA_RUNTIME');
