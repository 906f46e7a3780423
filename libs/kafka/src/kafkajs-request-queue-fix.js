// kafkajs 2.2.4 (pinned; in maintenance) schedules its throttle check with
// `setTimeout(fn, throttledUntil - Date.now())` even when nothing is throttled, a delay of minus
// the epoch. Node 20 clamped it to 1 ms silently; Node 24 still clamps it but prints a
// TimeoutNegativeWarning on stderr once per process (noise in every service's and Job's log).
// This is the same method with the delay clamped at 0: behaviour is unchanged. Plain CommonJS so
// that scripts/provision-topics.js (run by node without a build) applies the same fix.
'use strict';

const RequestQueue = require('kafkajs/src/network/requestQueue');

const PATCHED = Symbol.for('dock.kafkajs.requestQueueTimeoutFix');
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

if (!RequestQueue.prototype[PATCHED]) {
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests() {
    let scheduleAt = this.throttledUntil - Date.now();
    if (!this.throttleCheckTimeoutId) {
      if (this.pending.length > 0) {
        scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
      }
      this.throttleCheckTimeoutId = setTimeout(
        () => {
          this.throttleCheckTimeoutId = null;
          this.checkPendingRequests();
        },
        Math.max(0, scheduleAt),
      );
    }
  };
  RequestQueue.prototype[PATCHED] = true;
}
