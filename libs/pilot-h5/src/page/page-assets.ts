import {
  findBridge,
  formatStep,
  maskSecret,
  PageSettings,
  parseBridgeResult,
  planBridgeCalls,
  readBootstrapResponse,
  runBridgeSequence,
  startPilotPage,
  thingConnectedFrom,
} from './page-script';

/** The helpers startPilotPage calls; each is sent as its own source text. */
export const PAGE_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [
  parseBridgeResult,
  thingConnectedFrom,
  maskSecret,
  planBridgeCalls,
  formatStep,
  runBridgeSequence,
  readBootstrapResponse,
  findBridge,
];

/** The file names under the page's path. */
export const PAGE_ASSETS = { script: 'pilot-h5.js', style: 'pilot-h5.css' } as const;

/**
 * The page's one script: the functions of page-script.ts as compiled for this process (so the
 * project's own build turns the TypeScript into JavaScript), wrapped so nothing leaks into
 * the page's globals but the thing connect callback.
 */
export function pageScript(settings: PageSettings): string {
  return [
    '// Dock fleet cloud: the Pilot 2 access page (source: libs/pilot-h5/src/page/page-script.ts).',
    '(function () {',
    '"use strict";',
    ...PAGE_FUNCTIONS.map((fn) => fn.toString()),
    `(${startPilotPage.toString()})(window, document, ${JSON.stringify(settings)});`,
    '})();',
    '',
  ].join('\n');
}

/** The HTML: no inline script or style (the Content-Security-Policy forbids both). */
export function pageHtml(prefix: string, platformName: string): string {
  const base = escapeHtml(prefix);
  const name = escapeHtml(platformName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${name}: Pilot 2 access</title>
<link rel="stylesheet" href="${base}/${PAGE_ASSETS.style}">
<script src="${base}/${PAGE_ASSETS.script}" defer></script>
</head>
<body>
<main>
<h1>${name}: Pilot 2 access</h1>
<p>Sign in with an API token of ${name} to connect this remote controller: the page checks
the DJI licence and loads Pilot's MQTT and API modules with this system's addresses.</p>
<form id="sign-in" data-bootstrap-url="${base}/bootstrap" autocomplete="off">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button id="sign-in-submit" type="submit">Sign in and connect</button>
</form>
<p id="status" class="status info" role="status" aria-live="polite">Not signed in.</p>
<noscript><p class="status error">This page needs JavaScript (Pilot 2's web view has it).</p></noscript>
<section id="progress" hidden aria-labelledby="progress-title">
<h2 id="progress-title">What the page did</h2>
<ol id="steps"></ol>
<p id="thing-state">MQTT connection: not reported by Pilot yet.</p>
</section>
<section id="preview" hidden aria-labelledby="preview-title">
<h2 id="preview-title">What the page would have sent to Pilot 2</h2>
<p><input id="reveal-secrets" type="checkbox"> <label for="reveal-secrets">Show secrets (licence, MQTT password, API token)</label></p>
<ol id="planned-calls"></ol>
</section>
</main>
</body>
</html>
`;
}

/** Plain, high-contrast, large touch targets: the remote controller's screen is small. */
export const PAGE_STYLE = `body {
  margin: 0;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #111;
  background: #fff;
}
main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.15rem; }
label { display: inline-block; font-weight: 600; margin-bottom: 0.25rem; }
#sign-in label { display: block; }
input[type="password"] {
  width: 100%;
  max-width: 30rem;
  box-sizing: border-box;
  padding: 0.6rem;
  font-size: 1rem;
  border: 2px solid #444;
  border-radius: 4px;
}
input[type="checkbox"] { width: 1.2rem; height: 1.2rem; vertical-align: middle; }
button {
  display: block;
  margin-top: 0.75rem;
  padding: 0.6rem 1.2rem;
  font-size: 1rem;
  color: #fff;
  background: #0b4f9c;
  border: 0;
  border-radius: 4px;
  cursor: pointer;
}
button:disabled { background: #555; cursor: wait; }
:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.status { padding: 0.6rem; border-left: 6px solid #0b4f9c; background: #eef3fa; }
.status.ok { border-color: #1a6b2f; background: #eaf6ed; }
.status.error { border-color: #a4161a; background: #fbecec; }
li { margin: 0.3rem 0; overflow-wrap: anywhere; }
li.ok::marker { color: #1a6b2f; }
li.error { color: #a4161a; font-weight: 600; }
li.call { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9rem; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
