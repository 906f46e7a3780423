/**
 * @dock/url-signing: expiring, HMAC-signed download URLs and HTTP Range parsing, shared by the
 * services that hand out file links (the file service's KMZ downloads, the media service's
 * photos and videos). Plain TypeScript (node:crypto only), so domain code may use it.
 */
export * from './url-signature';
export * from './byte-range';
