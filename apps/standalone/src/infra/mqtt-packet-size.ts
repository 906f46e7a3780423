/**
 * Follows the MQTT fixed headers in a client's byte stream (one type byte, then the remaining
 * length as a variable byte integer) and says when a packet announces more than the limit.
 * It decides from the header alone, before the body arrives: aedes' parser buffers a packet
 * whole before parsing it, so without this a client could make the broker hold any amount
 * of memory by announcing a large PUBLISH and sending it slowly.
 */
export class MqttPacketSizeGuard {
  /** Bytes of the current packet's body still to pass. */
  private skip = 0;
  /** Inside a fixed header: the length read so far and how many length bytes it took. */
  private header: { length: number; bytes: number } | undefined;

  constructor(private readonly maxPacketBytes: number) {}

  /**
   * Takes the next chunk of the stream. Returns the size of the first packet over the limit
   * (header included), or undefined while every packet fits.
   */
  feed(chunk: Uint8Array): number | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const passed = Math.min(this.skip, chunk.length - at);
        this.skip -= passed;
        at += passed;
        continue;
      }
      if (this.header === undefined) {
        this.header = { length: 0, bytes: 0 };
        at += 1; // the packet type and flags
        continue;
      }
      const byte = chunk[at++];
      this.header.length += (byte & 0x7f) * 128 ** this.header.bytes;
      this.header.bytes += 1;
      if (byte & 0x80 && this.header.bytes < 4) continue;
      // A fifth length byte is malformed: aedes' parser refuses it and closes the client.
      const size = 1 + this.header.bytes + this.header.length;
      if (size > this.maxPacketBytes) return size;
      this.skip = this.header.length;
      this.header = undefined;
    }
    return undefined;
  }
}
