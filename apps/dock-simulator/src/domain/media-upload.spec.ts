import { generatedJpeg, planMediaFiles } from './media-upload';

describe('simulated media', () => {
  it('generates a baseline JPEG (SOI, COM, DQT, SOF0, DHT x2, SOS, data, EOI) unique per label', () => {
    const a = generatedJpeg('photo 1');
    const b = generatedJpeg('photo 2');
    expect(a.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(a.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const markers: number[] = [];
    for (let at = 2; at < a.length - 3;) {
      expect(a[at]).toBe(0xff);
      markers.push(a[at + 1]);
      const length = a.readUInt16BE(at + 2);
      at += 2 + length;
      if (a[at - 2 - length + 1] === 0xda) {
        expect(a.subarray(at)).toEqual(Buffer.from([0x3f, 0xff, 0xd9]));
        break;
      }
    }
    expect(markers).toEqual([0xfe, 0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
    expect(a.equals(b)).toBe(false);
  });

  it('plans one file per photo under the prefix and flight, short by the scenario', () => {
    const files = planMediaFiles({ object_key_prefix: 'org/DOCK1' }, 'DOCK1', 'F-1', 4, {
      shortBy: 1,
    });
    expect(files.map((f) => f.objectKey)).toEqual([
      'org/DOCK1/F-1/DJI_0001_W.jpeg',
      'org/DOCK1/F-1/DJI_0002_W.jpeg',
      'org/DOCK1/F-1/DJI_0003_W.jpeg',
    ]);
    expect(planMediaFiles({ object_key_prefix: 'p/' }, 'D', 'F', 2, { shortBy: 5 })).toEqual([]);
  });
});
