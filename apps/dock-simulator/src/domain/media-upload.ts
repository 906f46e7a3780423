import type { StorageConfig } from '@dock/protocol';

/**
 * The simulated dock's media: after a flight it asks storage_config_get, uploads one small,
 * real JPEG per photo with the credentials it got, and reports each (file_upload_callback).
 * Scenario knobs: `shortBy` files are never uploaded (a flight that stops short of its count),
 * and the first file's callback is sent twice (a dock's retry) when `duplicate` is set.
 */
export interface MediaUploadBehaviour {
  readonly shortBy?: number;
  readonly duplicate?: boolean;
}

/** One file to upload: where it goes and what the callback says about it. */
export interface PlannedMediaFile {
  readonly objectKey: string;
  readonly name: string;
  readonly body: Buffer;
  readonly index: number;
}

/**
 * A valid baseline JPEG of an 8x8 grey square (SOI, COM with `label`, DQT, SOF0, one-symbol
 * DC and AC Huffman tables, one block: DC difference 0 and end of block, EOI). Any decoder
 * shows it; the comment makes each file's bytes (and MD5) distinct.
 */
export function generatedJpeg(label: string): Buffer {
  const comment = Buffer.from(label.slice(0, 200), 'utf8');
  const segment = (marker: number, body: number[] | Buffer) => {
    const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const length = data.length + 2;
    return Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), data]);
  };
  const oneSymbolTable = (tableClass: number) => [
    tableClass,
    1,
    ...new Array<number>(15).fill(0),
    0x00,
  ];
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xfe, comment),
    segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    segment(0xc4, oneSymbolTable(0x00)),
    segment(0xc4, oneSymbolTable(0x10)),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    // DC category 0 ("0"), AC end of block ("0"), padded with ones.
    Buffer.from([0x3f]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** The files a flight of `count` photos uploads (count - shortBy of them). */
export function planMediaFiles(
  config: Pick<StorageConfig, 'object_key_prefix'>,
  sn: string,
  flightId: string,
  count: number,
  behaviour: MediaUploadBehaviour,
): PlannedMediaFile[] {
  const uploaded = Math.max(0, count - (behaviour.shortBy ?? 0));
  const files: PlannedMediaFile[] = [];
  for (let i = 1; i <= uploaded; i++) {
    const name = `DJI_${String(i).padStart(4, '0')}_W.jpeg`;
    files.push({
      objectKey: `${config.object_key_prefix.replace(/\/+$/, '')}/${flightId}/${name}`,
      name,
      body: generatedJpeg(`${sn} ${flightId} photo ${i}`),
      index: i,
    });
  }
  return files;
}
