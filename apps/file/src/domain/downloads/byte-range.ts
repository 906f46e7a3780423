/** Range parsing is shared with the media service (libs/platform). */
export { parseRange, type ByteRange, type RangeRequest } from '@dock/platform';
