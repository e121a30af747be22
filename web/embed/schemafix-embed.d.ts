// Types of schemafix-embed.js; the API's own types are generated into schemafix-web.d.ts.
import type { diff, parse, verify } from './schemafix-web.js';

/** The JS API, loaded into this page on the first call (the module and its WebAssembly). */
export function load(): Promise<{ diff: typeof diff; parse: typeof parse; verify: typeof verify }>;
