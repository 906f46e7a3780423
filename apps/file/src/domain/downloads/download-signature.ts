/** The file service's download URLs are signed with the shared signer (libs/platform). */
export { UrlSignature as DownloadSignature, type SignatureCheck } from '@dock/platform';
