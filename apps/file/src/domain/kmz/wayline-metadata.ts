import { XMLParser } from 'fast-xml-parser';
import type { KmzContents } from './inspect-kmz';

/** What the service keeps from a wayline's KML/WPML; absent facts are null, never guessed. */
export interface WaylineMetadata {
  /** Cloud API device model key of the aircraft: "0-{droneEnumValue}-{droneSubEnumValue}". */
  droneModelKey: string | null;
  /** Model keys of the payloads: "1-{payloadEnumValue}-{payloadSubEnumValue}". */
  payloadModelKeys: string[];
  /** waypoint, mapping2d, mapping3d, mappingStrip (template.kml). */
  templateType: string | null;
  /** Waypoints of the executable waylines (waylines.wpml), else of the template. */
  waypointCount: number;
  /** Number of executable waylines (Folders of waylines.wpml). */
  waylineCount: number;
  /** Metres, summed over the waylines, when the WPML states it. */
  distanceMeters: number | null;
  /** Seconds, summed over the waylines, when the WPML states it. */
  durationSeconds: number | null;
  /** wpml:author and createTime/updateTime (ms) from the template, when present. */
  author: string | null;
  createdAtMs: number | null;
  updatedAtMs: number | null;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Entity declarations are never expanded: no entity-expansion bombs.
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Folder', 'Placemark', 'payloadInfo'].includes(name),
});

/** Reads the metadata of a KMZ already accepted by inspectKmz. */
export function extractWaylineMetadata(contents: KmzContents): WaylineMetadata {
  const template = contents.templateKml ? documentOf(contents.templateKml) : undefined;
  const waylines = contents.waylinesWpml ? documentOf(contents.waylinesWpml) : undefined;
  const missionConfig = node(waylines?.missionConfig) ?? node(template?.missionConfig);
  const droneInfo = node(missionConfig?.droneInfo);
  const templateFolders = list(template?.Folder);
  const waylineFolders = list(waylines?.Folder);

  const waypointSource = waylineFolders.length > 0 ? waylineFolders : templateFolders;
  const waypointCount = waypointSource.reduce(
    (sum, folder) => sum + list(folder.Placemark).length,
    0,
  );

  return {
    droneModelKey: droneInfo
      ? modelKey(0, text(droneInfo.droneEnumValue), text(droneInfo.droneSubEnumValue))
      : null,
    payloadModelKeys: list(missionConfig?.payloadInfo)
      .map((payload) =>
        modelKey(1, text(payload.payloadEnumValue), text(payload.payloadSubEnumValue)),
      )
      .filter((key): key is string => key !== null),
    templateType: text(templateFolders[0]?.templateType) ?? null,
    waypointCount,
    waylineCount: waylineFolders.length,
    distanceMeters: sumOf(waylineFolders, 'distance'),
    durationSeconds: sumOf(waylineFolders, 'duration'),
    author: text(template?.author) ?? null,
    createdAtMs: integer(text(template?.createTime)),
    updatedAtMs: integer(text(template?.updateTime)),
  };
}

function documentOf(xml: string): XmlNode | undefined {
  const root = node(parser.parse(xml) as unknown);
  return node(node(root?.kml)?.Document);
}

function node(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as XmlNode)
    : undefined;
}

function list(value: unknown): XmlNode[] {
  if (!Array.isArray(value)) return [];
  // An empty element (<Folder/>) parses as '': it is still an element.
  return value
    .map((item: unknown) => (item === '' ? {} : node(item)))
    .filter((item): item is XmlNode => item !== undefined);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function integer(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : null;
}

function modelKey(
  domain: number,
  type: string | undefined,
  subType: string | undefined,
): string | null {
  if (type === undefined || !/^\d+$/.test(type)) return null;
  const sub = subType !== undefined && /^\d+$/.test(subType) ? subType : '0';
  return `${domain}-${Number(type)}-${Number(sub)}`;
}

function sumOf(folders: XmlNode[], field: 'distance' | 'duration'): number | null {
  const values = folders
    .map((folder) => Number(text(folder[field])))
    .filter((value) => Number.isFinite(value) && value >= 0);
  if (values.length === 0) return null;
  return Math.round(values.reduce((sum, value) => sum + value, 0) * 100) / 100;
}
