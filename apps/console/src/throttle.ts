/**
 * Runs `draw` at most once per `ms`, after the calls stop coming in faster: a busy fleet sends
 * progress several times a second per dock, and the views redraw once per batch of them.
 */
export function throttled(draw: () => void, ms = 250): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      draw();
    }, ms);
  };
  schedule.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return schedule;
}
