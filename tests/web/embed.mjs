// End-to-end test of the embeddable widget in Debian's headless Chromium, driven by
// playwright-core: the sample docs page examples/runbook/ (two <schemafix-diff> elements, one
// plain <iframe>, a page script calling the JS API), as `cargo xtask test` built it into
// target/dist. Usage: node embed.mjs BASE_URL
// Prints one JSON line of results on stdout; exits non-zero on the first failed check.
import { start } from './harness.mjs';

const [, , base] = process.argv;
const origin = new URL(base).origin;
const { results, check, browser, context, requests, page } = await start({ width: 1200, height: 900 });

const computed = (frame) => frame.waitForFunction(
  () => Number(document.querySelector('#output')?.dataset.computations) > 0, null, { timeout: 30000 });
const statements = async (frame) => (await frame.textContent('#output'))
  .split('\n').filter((l) => l.trim() && !l.startsWith('--'));
// What the host page could change if its CSS leaked: styles of the widget's own elements.
const styles = (frame) => frame.evaluate(() => {
  const pick = (sel, props) => {
    const cs = getComputedStyle(document.querySelector(sel));
    return Object.fromEntries(props.map((p) => [p, cs[p]]));
  };
  return {
    app: pick('.app', ['display', 'fontFamily', 'color']),
    output: pick('#output', ['display', 'fontFamily', 'color', 'backgroundColor', 'letterSpacing']),
    copy: pick('#copy', ['fontSize', 'textTransform', 'color']),
    text: pick('#to-text', ['fontFamily', 'letterSpacing']),
  };
});

// 1. The docs page: three widgets and the page script.
await page.goto(new URL('examples/runbook/', base).href);
await page.waitForSelector('body[data-api=done]', { timeout: 30000 });
const frames = () => page.frames().filter((f) => f.url().includes('?embed'));
await page.waitForFunction(() => document.querySelectorAll('iframe').length >= 1);
await page.waitForFunction(() => document.querySelectorAll('schemafix-diff').length === 2
  && [...document.querySelectorAll('schemafix-diff')].every((e) => e.shadowRoot?.querySelector('iframe')));
const byUrl = (part) => frames().find((f) => f.url().includes(part));
const seed = byUrl('from-src=');
const enumFrame = byUrl('user_role');
const inline = byUrl('sessions');
check(frames().length === 3 && seed && enumFrame && inline, 'the page holds three widgets (two elements, one iframe)');
for (const f of [seed, enumFrame, inline]) await computed(f);

// 2. Each widget shows its fix.
const seedStatements = [
  'ALTER TABLE users ADD COLUMN full_name character varying(255);',
  'ALTER TABLE users ADD COLUMN username character varying(255);',
  'ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;',
];
await seed.waitForFunction(() => document.querySelector('#output')?.textContent.includes('DROP NOT NULL'));
check(JSON.stringify(await statements(seed)) === JSON.stringify(seedStatements),
  'the element with from-src/to-src shows the seed fix', JSON.stringify(await statements(seed)));
check((await seed.textContent('#from-badge')).includes('psql') && (await seed.textContent('#to-badge')).includes('SQLAlchemy'),
  'the fetched files are detected as psql and SQLAlchemy');
check(await seed.getAttribute('#from-text', 'readonly') !== null && await seed.isDisabled('#allow-destructive'),
  'the readonly element cannot be edited');
const enumSql = await enumFrame.textContent('#output');
check(enumSql.includes('ALTER TABLE users ALTER COLUMN role TYPE user_role USING role::text::user_role;')
  && enumSql.includes('CREATE TYPE user_role AS ENUM'), 'the plain iframe shows its fix, with USING');
check(await enumFrame.isChecked('#allow-destructive'), 'the iframe takes its options from its address');
const inlineSql = await inline.textContent('#output');
check(inlineSql.includes('ALTER TABLE sessions ADD COLUMN expires_at') && inlineSql.includes('FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;'),
  'the element with inline content shows its fix', inlineSql);
check((await inline.inputValue('#from-text')).startsWith('CREATE TABLE sessions (\n    id bigserial'),
  'inline content loses the page\'s indentation, keeps its own');

for (const [name, f] of [['seed', seed], ['iframe', enumFrame], ['inline', inline]]) {
  const widths = await f.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(widths[0] <= widths[1], `the ${name} widget fits its frame's width (long lines scroll inside it)`, JSON.stringify(widths));
}

// 3. An editable widget follows typing.
const before = Number(await inline.getAttribute('#output', 'data-computations'));
await inline.fill('#to-text', await inline.inputValue('#from-text'));
await inline.waitForFunction((n) => Number(document.querySelector('#output')?.dataset.computations) > n, before);
check((await inline.textContent('#status')).includes('nothing to change'), 'the inline widget recomputes as it is edited');

// 4. Heights follow the content (postMessage), for the elements and for the plain iframe.
// A frame on the host page: [selector] or [element with a shadow root, selector inside it].
const fits = async (frame, path) => {
  const shownHeight = (p) => (p.length === 1 ? document.querySelector(p[0])
    : document.querySelector(p[0]).shadowRoot.querySelector(p[1])).clientHeight;
  let content = 0;
  let shown = 0;
  for (let i = 0; i < 100; i++) {
    content = await frame.evaluate(() => Math.ceil(document.querySelector('.app').getBoundingClientRect().height));
    shown = await page.evaluate(shownHeight, path);
    if (Math.abs(shown - content) <= 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { content, shown };
};
const seedFit = await fits(seed, ['#seed-widget', 'iframe']);
const enumFit = await fits(enumFrame, ['#enum-widget']);
results.heights = { seed: seedFit, enum: enumFit };
check(Math.abs(seedFit.shown - seedFit.content) <= 1 && seedFit.content > 200, 'the element\'s frame is as tall as its widget', JSON.stringify(seedFit));
check(Math.abs(enumFit.shown - enumFit.content) <= 1, 'the plain iframe is fitted too', JSON.stringify(enumFit));

// 5. The host page's CSS does not reach the widgets: their styles equal the widget's alone.
const alone = await context.newPage();
await alone.goto(new URL('index.html?embed#from=CREATE%20TABLE%20a%20(x%20int)%3B&to=', base).href);
await computed(alone.mainFrame());
const reference = await styles(alone.mainFrame());
await alone.close();
for (const [name, f] of [['seed', seed], ['iframe', enumFrame], ['inline', inline]]) {
  const got = await styles(f);
  check(JSON.stringify(got) === JSON.stringify(reference),
    `no host CSS in the ${name} widget`, `${JSON.stringify(got)}, alone ${JSON.stringify(reference)}`);
}
check(!reference.output.fontFamily.includes('Georgia') && reference.app.display !== 'none', 'the reference styles are the widget\'s own');
const frameBorder = await page.evaluate(() => getComputedStyle(document.querySelector('#seed-widget').shadowRoot.querySelector('iframe')).borderTopStyle);
check(frameBorder === 'solid', 'the host\'s iframe rule does not reach the element\'s frame', frameBorder);

// 6. The JS API, called by the page script, gives the seed plan.
const plan = await page.$$eval('#api-plan li', (lis) => lis.map((li) => li.textContent));
check(plan.length === 3 && plan[0].startsWith('add-column: users.full_name') && plan[2].startsWith('drop-not-null: users.password_hash'),
  'the page script lists the seed plan', JSON.stringify(plan));
results.api_sql = await page.textContent('#api-sql');
results.api_plan = plan;

// 7. Bad parameters and a missing file are named in the widget, not ignored.
const bad = await context.newPage();
await bad.goto(new URL('index.html?embed&colour=red#from-src=missing.sql&to=CREATE%20TABLE%20a%20(x%20int)%3B', base).href);
await bad.waitForFunction(() => document.querySelector('#problems')?.textContent.includes('missing.sql'), null, { timeout: 30000 });
const problems = await bad.textContent('#problems');
check(problems.includes('"colour": not a schemafix parameter') && problems.includes('404'),
  'an unknown parameter and a missing file are reported', problems);
await bad.close();

// 8. Nothing but the docs site's own files was requested.
const foreign = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('data:') && !r.startsWith('blob:'));
check(foreign.length === 0, 'no request leaves for another origin', foreign.join(', '));
results.requests = requests.map((r) => r.replace(origin, ''));

await browser.close();
console.log(JSON.stringify(results));
