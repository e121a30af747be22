// The "Verify on PostgreSQL" worker (a module worker started by the page's WebAssembly on first
// use). It imports PGlite — PostgreSQL compiled to WebAssembly, vendored into `pglite/` beside
// this file by `cargo xtask dist` — only when a verification is asked for, runs the statements
// core's `verify::script` lists on a fresh in-memory database, and posts back the catalog rows.
// Planning and comparing stay in the page; nothing here talks to any server but this one.

let PGlite = null;
// A database started ahead for the next verification, since starting one takes seconds.
let next = null;

function fresh() {
    const db = next ?? PGlite.create();
    next = null;
    return db;
}

// PGlite ships contrib extensions as separate archives, loaded when a database is created:
// those the script creates come along (any not shipped fail with PostgreSQL's own message).
const CREATE_EXTENSION = /\bCREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z0-9_-]+)/gi;

async function extensionsFor(script) {
    const statements = [...script.setup, ...script.batches.flatMap((b) => b.statements)];
    const names = new Set();
    for (const s of statements) {
        for (const m of s.sql.matchAll(CREATE_EXTENSION)) names.add(m[1].toLowerCase().replace(/-/g, '_'));
    }
    names.delete('plpgsql'); // built in
    const extensions = {};
    for (const name of names) {
        try {
            const module = await import(`./pglite/contrib/${name}.js`);
            if (module[name]) extensions[name] = module[name];
        } catch {
            // Not shipped with PGlite.
        }
    }
    return extensions;
}

function pgError(err, statement) {
    return {
        message: String(err?.message ?? err),
        code: err?.code ?? null,
        detail: err?.detail ?? null,
        hint: err?.hint ?? null,
        position: err?.position ? Number(err.position) : null,
        sql: statement.sql,
        step: statement.step ?? null,
        line: statement.line ?? null,
    };
}

async function run(script) {
    const t0 = performance.now();
    if (!PGlite) {
        ({ PGlite } = await import('./pglite/index.js'));
    }
    const extensions = await extensionsFor(script);
    const db = await (Object.keys(extensions).length ? PGlite.create({ extensions }) : fresh());
    const timings = { startMs: performance.now() - t0 };
    try {
        const version = (await db.query('SELECT version()', [], { rowMode: 'array' })).rows[0][0];
        let t = performance.now();
        for (const s of script.setup) {
            try {
                await db.exec(s.sql);
            } catch (err) {
                return { version, timings, setupError: pgError(err, s) };
            }
        }
        // What the setup set for its session (a dump's empty search_path) is not the migration's.
        await db.exec('RESET ALL');
        timings.setupMs = performance.now() - t;
        t = performance.now();
        for (const batch of script.batches) {
            if (batch.transactional) await db.exec('BEGIN');
            for (const s of batch.statements) {
                try {
                    await db.exec(s.sql);
                } catch (err) {
                    if (batch.transactional) await db.exec('ROLLBACK');
                    return { version, timings, applyError: pgError(err, s) };
                }
            }
            if (batch.transactional) await db.exec('COMMIT');
        }
        timings.applyMs = performance.now() - t;
        t = performance.now();
        await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const rows = [];
        for (const [i, sql] of script.catalog.entries()) {
            const result = await db.query(sql, [], { rowMode: 'array' });
            if (i > 0) {
                rows.push(result.rows.map((row) => row.map((v) => (v === null ? null : String(v)))));
            }
        }
        await db.exec('COMMIT');
        timings.catalogMs = performance.now() - t;
        return { version, timings, rows };
    } finally {
        await db.close();
        if (!next) {
            next = PGlite.create();
            next.catch(() => { next = null; });
        }
    }
}

self.onmessage = async (event) => {
    const { id, script } = event.data;
    try {
        self.postMessage({ id, ...(await run(script)) });
    } catch (err) {
        self.postMessage({ id, failure: `PGlite failed: ${err?.message ?? err}` });
    }
};
