/** A promise settled from outside, to hold work in flight in a test. */
export function deferred(): {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
} {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves after the current microtasks and I/O callbacks have run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
