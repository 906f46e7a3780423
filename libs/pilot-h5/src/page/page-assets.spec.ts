import * as pageScriptModule from './page-script';
import { PAGE_FUNCTIONS, pageHtml, pageScript } from './page-assets';

describe('pageScript', () => {
  it('sends every function of page-script.ts (the page calls them by name)', () => {
    const exported = Object.values(pageScriptModule).filter((v) => typeof v === 'function');
    const sent = [...PAGE_FUNCTIONS, pageScriptModule.startPilotPage];
    expect(new Set(sent)).toEqual(new Set(exported));
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
