/**
 * PUBACK packets for a run of packet ids, in one buffer for one socket write. Written by hand
 * because the window acknowledges every uplink message: mqtt-packet's generator costs an
 * EventEmitter, arrays and a buffer per packet. The bytes are the ones it produces: fixed header
 * 0x40, remaining length 2, the packet id; MQTT 5 omits reason code 0 (Success) with no
 * properties (MQTT 5 §3.4.2.1), so both protocol versions share the 4-byte form.
 */
export function pubackFrames(packetIds: readonly number[]): Buffer {
  const frames = Buffer.allocUnsafe(packetIds.length * 4);
  let offset = 0;
  for (const id of packetIds) {
    frames[offset] = 0x40;
    frames[offset + 1] = 0x02;
    frames[offset + 2] = id >>> 8;
    frames[offset + 3] = id & 0xff;
    offset += 4;
  }
  return frames;
}
