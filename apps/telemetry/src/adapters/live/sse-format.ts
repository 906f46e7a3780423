/**
 * The Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * for what the live stream writes: named events with JSON data, comments and the reconnection
 * hint. JSON.stringify never writes a line break, so one `data:` line carries a whole value.
 */

/** `event: <name>` + `data: <JSON>`: one message an EventSource dispatches as `name`. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${singleLine(event)}\ndata: ${JSON.stringify(data) ?? 'null'}\n\n`;
}

/** A comment line: clients ignore it; it keeps intermediaries from thinking the stream idle. */
export function sseComment(text: string): string {
  return `: ${singleLine(text)}\n\n`;
}

/** `retry: <ms>`: how long an EventSource waits before it reconnects after losing the stream. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

function singleLine(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}
