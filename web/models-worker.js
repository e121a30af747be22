// The exact model reading's worker (a module worker started by the page's WebAssembly when the
// "Exact" switch or the JS API's `exact` asks for it). It loads Pyodide — CPython compiled to
// WebAssembly, staged into `pyodide/` beside this file by `cargo xtask` — and SQLAlchemy's
// pure-Python wheels listed in `pyodide/wheels.json`, all from this site, then runs core's
// capture helper on the model files it is sent: SQLAlchemy itself says what the models create.
// Reading the capture and planning stay in the page; nothing here talks to any other server.

const PROJECT = '/home/pyodide/project';
let ready = null;

async function start() {
    const t0 = performance.now();
    const { loadPyodide } = await import('./pyodide/pyodide.mjs');
    const py = await loadPyodide({ indexURL: new URL('./pyodide/', import.meta.url).href, packages: [] });
    const site = py.runPython('import site; site.getsitepackages()[0]');
    const wheels = await (await fetch('./pyodide/wheels.json')).json();
    for (const name of wheels) {
        const response = await fetch(`./pyodide/wheels/${name}`);
        if (!response.ok) throw new Error(`${name}: ${response.status}`);
        py.unpackArchive(new Uint8Array(await response.arrayBuffer()), 'wheel', { extractDir: site });
    }
    return { py, helpers: new Map(), startMs: performance.now() - t0 };
}

// The helper's `run`, defined once per helper text (the page sends the one its core holds).
function helperRun(state, helper) {
    let run = state.helpers.get(helper);
    if (!run) {
        const ns = state.py.toPy({ __name__: 'schemafix_capture' });
        state.py.runPython(helper, { globals: ns });
        run = ns.get('run');
        state.helpers.set(helper, run);
    }
    return run;
}

// A fresh project directory holding `files`, and no module of an earlier run left imported.
function project(py, files) {
    py.runPython(`
import importlib, os, shutil, sys
for name, module in list(sys.modules.items()):
    if (getattr(module, "__file__", None) or "").startswith(${JSON.stringify(PROJECT + '/')}):
        del sys.modules[name]
os.chdir("/")
shutil.rmtree(${JSON.stringify(PROJECT)}, ignore_errors=True)
os.makedirs(${JSON.stringify(PROJECT)}, exist_ok=True)
importlib.invalidate_caches()
`);
    for (const { name, text } of files) {
        const path = `${PROJECT}/${name}`;
        py.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
        py.FS.writeFile(path, text);
    }
    py.FS.chdir(PROJECT);
}

self.onmessage = async (event) => {
    const { id, helper, files, models, pgVersion } = event.data;
    try {
        const fresh = !ready;
        ready ??= start();
        const state = await ready;
        const t = performance.now();
        project(state.py, files);
        const json = helperRun(state, helper)(JSON.stringify({ models, paths: [], pg_version: pgVersion ?? null }));
        self.postMessage({
            id,
            json,
            timings: { startMs: fresh ? state.startMs : 0, runMs: performance.now() - t },
        });
    } catch (err) {
        ready = null;
        self.postMessage({ id, failure: `Python (Pyodide) failed: ${err?.message ?? err}` });
    }
};
