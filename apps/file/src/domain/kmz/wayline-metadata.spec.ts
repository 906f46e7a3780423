import { templateKml, waylinesWpml } from '../../../test/kmz-fixtures';
import { extractWaylineMetadata } from './wayline-metadata';

describe('extractWaylineMetadata', () => {
  it('reads model keys, template type, waypoints, distance and duration', () => {
    const metadata = extractWaylineMetadata({
      templateKml: templateKml({ droneEnumValue: 91, droneSubEnumValue: 1, waypoints: 4 }),
      waylinesWpml: waylinesWpml({
        droneEnumValue: 91,
        droneSubEnumValue: 1,
        payloads: [
          { enumValue: 81, subEnumValue: 0 },
          { enumValue: 82, subEnumValue: 2 },
        ],
        waypoints: 5,
        distance: 2001.5,
        duration: 600,
      }),
      entryCount: 2,
      uncompressedBytes: 0,
    });
    expect(metadata).toEqual({
      droneModelKey: '0-91-1',
      payloadModelKeys: ['1-81-0', '1-82-2'],
      templateType: 'waypoint',
      waypointCount: 5,
      waylineCount: 1,
      distanceMeters: 2001.5,
      durationSeconds: 600,
      author: 'fleet-tests',
      createdAtMs: 1637600807044,
      updatedAtMs: 1637600875837,
    });
  });

  it('falls back to the template and leaves unknown facts null', () => {
    const metadata = extractWaylineMetadata({
      templateKml: templateKml({ templateType: 'mapping2d', waypoints: 2 }),
      entryCount: 1,
      uncompressedBytes: 0,
    });
    expect(metadata).toMatchObject({
      droneModelKey: '0-67-0',
      templateType: 'mapping2d',
      waypointCount: 2,
      waylineCount: 0,
      distanceMeters: null,
      durationSeconds: null,
    });
  });

  it('tolerates a document with none of the optional elements', () => {
    const metadata = extractWaylineMetadata({
      waylinesWpml: '<kml><Document><Folder/></Document></kml>',
      entryCount: 1,
      uncompressedBytes: 0,
    });
    expect(metadata).toMatchObject({
      droneModelKey: null,
      payloadModelKeys: [],
      templateType: null,
      waypointCount: 0,
      waylineCount: 1,
    });
  });

  it('never expands entity declarations', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
      <kml><Document><wpml:author xmlns:wpml="x">&b;</wpml:author></Document></kml>`;
    const metadata = extractWaylineMetadata({
      templateKml: bomb,
      entryCount: 1,
      uncompressedBytes: 0,
    });
    expect(metadata.author).toBe('&b;');
  });
});
