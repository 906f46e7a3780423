import { ZipFile } from 'yazl';

/**
 * Sample DJI wayline files (WPML documents in a KMZ zip, as DJI Pilot 2 and FlightHub write
 * them): what the demo flies, what a newcomer uploads to try the system, and the base that
 * tests patch into hostile variants. Deterministic: the same shape gives the same bytes.
 */
export interface WaylineShape {
  droneEnumValue?: number;
  droneSubEnumValue?: number;
  payloads?: { enumValue: number; subEnumValue: number }[];
  templateType?: string;
  waypoints?: number;
  distance?: number;
  duration?: number;
  /** Varies the bytes (and so the fingerprint) of otherwise equal files. */
  author?: string;
}

const NS = 'xmlns="http://www.opengis.net/kml/2.2" xmlns:wpml="http://www.dji.com/wpmz/1.0.2"';

function missionConfig(shape: WaylineShape): string {
  const payloads = (shape.payloads ?? [{ enumValue: 52, subEnumValue: 0 }])
    .map(
      (p, index) => `
    <wpml:payloadInfo>
      <wpml:payloadEnumValue>${p.enumValue}</wpml:payloadEnumValue>
      <wpml:payloadSubEnumValue>${p.subEnumValue}</wpml:payloadSubEnumValue>
      <wpml:payloadPositionIndex>${index}</wpml:payloadPositionIndex>
    </wpml:payloadInfo>`,
    )
    .join('');
  return `
  <wpml:missionConfig>
    <wpml:flyToWaylineMode>safely</wpml:flyToWaylineMode>
    <wpml:finishAction>goHome</wpml:finishAction>
    <wpml:exitOnRCLost>executeLostAction</wpml:exitOnRCLost>
    <wpml:executeRCLostAction>goBack</wpml:executeRCLostAction>
    <wpml:takeOffSecurityHeight>20</wpml:takeOffSecurityHeight>
    <wpml:globalTransitionalSpeed>10</wpml:globalTransitionalSpeed>
    <wpml:droneInfo>
      <wpml:droneEnumValue>${shape.droneEnumValue ?? 67}</wpml:droneEnumValue>
      <wpml:droneSubEnumValue>${shape.droneSubEnumValue ?? 0}</wpml:droneSubEnumValue>
    </wpml:droneInfo>${payloads}
  </wpml:missionConfig>`;
}

function placemarks(count: number): string {
  return Array.from(
    { length: count },
    (_, index) => `
    <Placemark>
      <Point><coordinates>${113.94 + index / 1000},${22.57 + index / 1000}</coordinates></Point>
      <wpml:index>${index}</wpml:index>
      <wpml:executeHeight>100</wpml:executeHeight>
      <wpml:waypointSpeed>10</wpml:waypointSpeed>
    </Placemark>`,
  ).join('');
}

export function templateKml(shape: WaylineShape = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml ${NS}>
<Document>
  <wpml:author>${shape.author ?? 'dock-fleet-cloud'}</wpml:author>
  <wpml:createTime>1637600807044</wpml:createTime>
  <wpml:updateTime>1637600875837</wpml:updateTime>${missionConfig(shape)}
  <Folder>
    <wpml:templateType>${shape.templateType ?? 'waypoint'}</wpml:templateType>
    <wpml:templateId>0</wpml:templateId>
    <wpml:autoFlightSpeed>10</wpml:autoFlightSpeed>${placemarks(shape.waypoints ?? 3)}
  </Folder>
</Document>
</kml>
`;
}

export function waylinesWpml(shape: WaylineShape = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml ${NS}>
<Document>${missionConfig(shape)}
  <Folder>
    <wpml:templateId>0</wpml:templateId>
    <wpml:executeHeightMode>WGS84</wpml:executeHeightMode>
    <wpml:waylineId>0</wpml:waylineId>
    <wpml:distance>${shape.distance ?? 1534.25}</wpml:distance>
    <wpml:duration>${shape.duration ?? 412.5}</wpml:duration>
    <wpml:autoFlightSpeed>10</wpml:autoFlightSpeed>${placemarks(shape.waypoints ?? 3)}
  </Folder>
</Document>
</kml>
`;
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer | string;
  compress?: boolean;
  /** Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
}

export function zip(entries: ZipEntrySpec[]): Promise<Buffer> {
  const file = new ZipFile();
  for (const entry of entries) {
    file.addBuffer(Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data), entry.name, {
      compress: entry.compress ?? true,
      mode: entry.mode,
      mtime: new Date('2024-01-01T00:00:00Z'),
    });
  }
  file.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    file.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    file.outputStream.on('error', reject);
  });
}

/** A KMZ as DJI Pilot 2 / FlightHub write it: template.kml and waylines.wpml. */
export function sampleKmz(shape: WaylineShape = {}): Promise<Buffer> {
  return zip([
    { name: 'wpmz/template.kml', data: templateKml(shape) },
    { name: 'wpmz/waylines.wpml', data: waylinesWpml(shape) },
  ]);
}
