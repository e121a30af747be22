// What both browser tests share: Debian's Chromium through playwright-core (no browser
// download), every request the pages make recorded, and checks that stop at the first failure
// with the results so far as one JSON line on stdout.
import { createRequire } from 'node:module';

const require = createRequire(process.env.WEB_TOOLS + '/node_modules/');
const { chromium } = require('playwright-core');

export async function start(viewport) {
  const results = { checks: [] };
  const fail = (msg) => { console.error('FAILED: ' + msg); console.log(JSON.stringify(results)); process.exit(1); };
  const check = (ok, msg, detail) => {
    if (!ok) fail(msg + (detail === undefined ? '' : ' — got ' + detail));
    results.checks.push(msg);
  };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('pageerror', (e) => fail('page error: ' + e.message));
  return { results, fail, check, browser, context, requests, page };
}
