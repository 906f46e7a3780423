/** Range parsing is shared with the media service (libs/url-signing). */
export { parseRange, type ByteRange, type RangeRequest } from '@dock/url-signing';
