/** The fields every log line about one dock message carries (see messageLogger). */
export interface MessageContext {
  dockSn?: string;
  tid?: string;
  bid?: string;
  method?: string;
}

export function messageContext(
  dockSn: string | undefined,
  tid: string | undefined | null,
  bid: string | undefined | null,
  method: string | undefined | null,
): MessageContext {
  const context: MessageContext = {};
  if (dockSn) context.dockSn = dockSn;
  if (tid) context.tid = tid;
  if (bid) context.bid = bid;
  if (method) context.method = method;
  return context;
}
