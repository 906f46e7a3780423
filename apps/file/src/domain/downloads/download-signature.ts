/** The file service's download URLs are signed with the shared signer (libs/url-signing). */
export { UrlSignature as DownloadSignature, type SignatureCheck } from '@dock/url-signing';
