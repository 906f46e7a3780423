import { mediaTypeOf, parseCaptureTime } from './media-file';

describe('media files', () => {
  it('tells photos from videos by extension', () => {
    expect(mediaTypeOf('DJI_0001_W.JPEG')).toBe('photo');
    expect(mediaTypeOf('DJI_0002_V.mp4')).toBe('video');
    expect(mediaTypeOf('DJI_0003.obs')).toBe('other');
    expect(mediaTypeOf('no-extension')).toBe('other');
  });

  it("reads the capture time in the Demo's and the docs' formats", () => {
    expect(parseCaptureTime('2024-05-10T16:04:20+08:00')?.toISOString()).toBe(
      '2024-05-10T08:04:20.000Z',
    );
    expect(parseCaptureTime('2021-05-10 16:04:20')?.toISOString()).toBe('2021-05-10T16:04:20.000Z');
    expect(parseCaptureTime('yesterday')).toBeNull();
    expect(parseCaptureTime('2021-13-45 99:99:99')).toBeNull();
    expect(parseCaptureTime(undefined)).toBeNull();
  });
});
