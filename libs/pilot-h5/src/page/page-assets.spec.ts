import * as pageScriptModule from './page-script';
import { PAGE_FUNCTIONS, pageHtml, pageScript } from './page-assets';

describe('pageScript', () => {
  it('sends every function of page-script.ts (the page calls them by name)', () => {
    const exported = Object.values(pageScriptModule).filter((v) => typeof v === 'function');
    const sent = [...PAGE_FUNCTIONS, pageScriptModule.startPilotPage];
    expect(new Set(sent)).toEqual(new Set(exported));
  });

  it('keeps to ES2019 syntax and DOM for old web views', () => {
    const script = pageScript({ thingCallback: 'cb', thingTimeoutMs: 5000 });
    // Optional chaining, nullish coalescing, logical assignment, numeric separators, private
    // fields, and DOM calls newer than Android 10's web view.
    for (const newer of [/\?\.[^\d]/, /\?\?/, /(\|\||&&)=/, /\d_\d/, /#[a-z]\w*\s*[=;(]/i])
      expect(script).not.toMatch(newer);
    expect(script).not.toMatch(/replaceChildren|replaceAll|structuredClone|\.at\(/);
  });

  it('is JavaScript that parses, with the settings passed in', () => {
    const script = pageScript({ thingCallback: 'cb', thingTimeoutMs: 5000 });
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain('(window, document, {"thingCallback":"cb","thingTimeoutMs":5000})');
  });
});

describe('pageHtml', () => {
  it('has no inline script or style, and points at its own files under the prefix', () => {
    const html = pageHtml('/pilot', 'Dock <fleet>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<script src="/pilot/pilot-h5.js" defer></script>');
    expect(html).toContain('href="/pilot/pilot-h5.css"');
    expect(html).toContain('data-bootstrap-url="/pilot/bootstrap"');
    expect(html).toContain('Dock &#60;fleet&#62;');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
