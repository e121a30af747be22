// schemafix for docs pages: one module include gives
//   - <schemafix-diff> elements, each a live, editable schemafix widget in an <iframe> of this
//     directory's index.html?embed, inside a shadow root (the host page's CSS cannot reach it);
//   - height fitting for every schemafix <iframe> on the page (the widget posts its height);
//   - load(): the JS API (diff, parse, verify) from the same WebAssembly module, in the host page.
// Everything is fetched from the directory this file is served from; nothing else is contacted.
// Usage and snippets: docs/embed.md.

const base = new URL('./', import.meta.url);
const widgetPage = new URL('index.html', base);

/** Frames this script made (inside shadow roots, where querySelectorAll cannot see them). */
const frames = new Set();

addEventListener('message', (event) => {
  const data = event.data;
  if (event.origin !== base.origin || !data || data.type !== 'schemafix:height') return;
  const height = Math.ceil(Number(data.height));
  if (!(height > 0)) return;
  for (const frame of [...frames, ...document.querySelectorAll('iframe')]) {
    if (frame.contentWindow === event.source) {
      // The widget's height is its content's; a border-box frame adds its borders and padding.
      const cs = getComputedStyle(frame);
      const extra = cs.boxSizing !== 'border-box' ? 0
        : ['borderTopWidth', 'borderBottomWidth', 'paddingTop', 'paddingBottom']
          .reduce((sum, p) => sum + (parseFloat(cs[p]) || 0), 0);
      frame.style.height = height + extra + 'px';
      frame.dispatchEvent(new CustomEvent('schemafix:height', { detail: height, bubbles: true, composed: true }));
    }
  }
});

// Frames that reported their height before this script was listening report it again.
for (const frame of document.querySelectorAll('iframe')) {
  frame.contentWindow?.postMessage({ type: 'schemafix:measure' }, '*');
}

/** Inline text as written in an indented HTML page: common indentation and blank edges removed. */
function dedent(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indents = lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.length ? lines.map((l) => l.slice(cut)).join('\n') + '\n' : '';
}

/** The attributes a <schemafix-diff> passes on, as page parameters. */
const PASSED = ['from-format', 'to-format', 'tab', 'allow-destructive', 'online', 'readonly'];

class SchemafixDiff extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ':host { display: block; margin: 1rem 0; }'
      + ' iframe { display: block; box-sizing: border-box; width: 100%; height: 32rem;'
      + ' border: 1px solid #d5d9df; border-radius: 6px; background: transparent; }';
    const frame = document.createElement('iframe');
    frame.title = this.getAttribute('title') || 'schemafix: the migration from the current schema to the desired one';
    frame.src = this.widgetUrl();
    root.append(style, frame);
    frames.add(frame);
    this.frame = frame;
  }

  disconnectedCallback() {
    if (this.frame) frames.delete(this.frame);
  }

  /** The widget's URL: `?embed`, everything else in the fragment (never sent to a server). */
  widgetUrl() {
    const params = new URLSearchParams();
    for (const side of ['from', 'to']) {
      const src = this.getAttribute(side + '-src');
      const inline = this.querySelector(`:scope > [slot="${side}"]`);
      if (src) params.set(side + '-src', new URL(src, document.baseURI).href);
      else if (inline) params.set(side, dedent(inline.textContent));
    }
    for (const name of PASSED) {
      if (this.hasAttribute(name)) params.set(name, this.getAttribute(name) || '1');
    }
    return `${widgetPage.href}?embed#${params}`;
  }
}

if (!customElements.get('schemafix-diff')) customElements.define('schemafix-diff', SchemafixDiff);

let api;

/**
 * The JS API in this page: resolves to `{ diff, parse, verify }` (see schemafix-web.d.ts). The module and
 * its WebAssembly are loaded once, on the first call.
 */
export function load() {
  api ??= (async () => {
    const module = await import(new URL('schemafix-web.js', base).href);
    await module.default({ module_or_path: new URL('schemafix-web_bg.wasm', base) });
    return { diff: module.diff, parse: module.parse, verify: module.verify };
  })();
  return api;
}
