/** Injection tokens of the file service. */
export const FILE_CONFIG = Symbol('FILE_CONFIG');
export const FILE_METRICS = Symbol('FILE_METRICS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const BLOB_STORAGE = Symbol('BLOB_STORAGE');
export const WAYLINE_LIBRARY = Symbol('WAYLINE_LIBRARY');
export const FLIGHT_RESOURCES = Symbol('FLIGHT_RESOURCES');
export const DOWNLOAD_LINKS = Symbol('DOWNLOAD_LINKS');
export const DOWNLOAD_SIGNATURE = Symbol('DOWNLOAD_SIGNATURE');
export const FILE_KAFKA_BRIDGE = Symbol('FILE_KAFKA_BRIDGE');
export const WAYLINE_REPOSITORY = Symbol('WAYLINE_REPOSITORY');
export const UPLOAD_STAGING = Symbol('UPLOAD_STAGING');
export const FILE_RUNTIME = Symbol('FILE_RUNTIME');
