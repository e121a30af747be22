//! The page: two editors, the options, the output tabs, the lists of hazards, skipped steps and
//! diagnostics, and the share panel — or, as an embedded widget (`?embed`), the compact form
//! that fetches its inputs and reports its height to the parent page. State lives in
//! `state::State`; this file only renders it and turns events into `Action`s.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::file::callbacks::FileReader;
use gloo::timers::callback::Timeout;
use schemafix_core::{Diagnostic, Format, Migration, Severity};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::embed::Params;
use crate::highlight::{tokens, Lang};
use crate::share;
use crate::state::{tab_text, Action, File, Side, State, Tab, EXAMPLES};
use crate::verify::{Status, Verification};

/// How long typing must pause before the output is recomputed.
const DEBOUNCE_MS: u32 = 120;
/// How long typing pauses before the address bar's link follows the inputs.
const ADDRESS_BAR_MS: u32 = 300;
/// Inputs up to this size (both sides together) are recomputed on every keystroke, within a
/// frame (the seed case takes a few milliseconds); larger ones wait for typing to pause.
const IMMEDIATE_CHARS: usize = 20_000;

fn lang_of(f: Format) -> Lang {
    match f {
        Format::SqlAlchemy => Lang::Python,
        _ => Lang::Sql,
    }
}

/// Above this size the editors show plain text: highlighting a whole dump on every keystroke
/// would make typing lag.
const HIGHLIGHT_LIMIT: usize = 100_000;

fn highlighted(text: &str, lang: Lang) -> Html {
    tokens(text, lang)
        .into_iter()
        .map(|(class, piece)| match class {
            Some(c) => html! { <span class={c}>{piece}</span> },
            None => html! { {piece} },
        })
        .collect()
}

fn format_label(f: Format) -> &'static str {
    match f {
        Format::Sql => "SQL / pg_dump",
        Format::Psql => "psql \\d",
        Format::SqlAlchemy => "SQLAlchemy",
        Format::Database => "database",
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    side: Side,
    title: AttrValue,
    placeholder: AttrValue,
    text: AttrValue,
    format: Format,
    overridden: bool,
    readonly: bool,
    diagnostics: Rc<Vec<Diagnostic>>,
    dispatch: Callback<Action>,
    node: NodeRef,
}

#[wasm_bindgen(inline_js = "export function dropped_files(dt) { \
    const entries = [...(dt.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean); \
    const files = [...(dt.files || [])]; \
    return (async () => { \
        const out = []; \
        const walk = async (entry, prefix) => { \
            if (entry.isFile) { \
                const file = await new Promise((ok, no) => entry.file(ok, no)); \
                out.push({ name: prefix + entry.name, text: await file.text() }); \
            } else if (entry.isDirectory) { \
                const reader = entry.createReader(); \
                for (;;) { \
                    const batch = await new Promise((ok, no) => reader.readEntries(ok, no)); \
                    if (!batch.length) break; \
                    for (const e of batch) await walk(e, prefix + entry.name + '/'); \
                } \
            } \
        }; \
        if (entries.length) { for (const e of entries) await walk(e, ''); } \
        else { for (const f of files) out.push({ name: f.name, text: await f.text() }); } \
        return out; \
    })(); }")]
extern "C" {
    /// The files of a drop, by path: a dropped folder's whole tree (read through the entries
    /// API, which must be asked during the drop event), else the dropped files.
    fn dropped_files(dt: &web_sys::DataTransfer) -> js_sys::Promise;
}

#[function_component(Editor)]
fn editor(p: &EditorProps) -> Html {
    let side = p.side;
    let reader = use_mut_ref(|| None::<FileReader>);
    // The textarea is not re-rendered from the state on every keystroke (setting a large value
    // lays the whole text out again): its text is written only when the state holds another
    // one (an example, a link, a dropped file).
    {
        let node = p.node.clone();
        use_effect_with(p.text.clone(), move |text: &AttrValue| {
            if let Some(t) = node.cast::<HtmlTextAreaElement>() {
                if t.value() != text.as_str() {
                    t.set_value(text);
                }
            }
        });
    }
    let dragging = use_state(|| false);
    let oninput = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let t: HtmlTextAreaElement = e.target_unchecked_into();
            d.emit(Action::SetText(side, t.value()));
        })
    };
    let onformat = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            d.emit(Action::SetFormat(side, Format::from_name(&s.value())));
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        let readonly = p.readonly;
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(!readonly);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let readonly = p.readonly;
    let ondrop = {
        let d = p.dispatch.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if readonly {
                return;
            }
            let Some(dt) = e.data_transfer() else {
                return;
            };
            // On the desired side, several files or a folder are a project for the exact
            // reading; one file is the editor's text.
            if side == Side::To {
                let promise = dropped_files(&dt);
                let d = d.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(v) = JsFuture::from(promise).await else {
                        return;
                    };
                    if let Ok(files) = serde_wasm_bindgen::from_value::<Vec<File>>(v) {
                        d.emit(Action::DropFiles(files));
                    }
                });
                return;
            }
            let Some(file) = dt.files().and_then(|f| f.get(0)) else {
                return;
            };
            let d = d.clone();
            let task = gloo::file::callbacks::read_as_text(&file.into(), move |res| {
                if let Ok(text) = res {
                    d.emit(Action::SetText(side, text));
                }
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    let lines = p.text.lines().count().max(1) + usize::from(p.text.ends_with('\n'));
    let plain = p.text.len() > HIGHLIGHT_LIMIT;
    // Line numbers as one text node, and a marker per line with a diagnostic.
    let numbers: String = (1..=lines).map(|n| format!("{n}\n")).collect();
    let markers: Html = p
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note && d.span.line > 0)
        .map(|d| {
            let class = if d.severity == Severity::Error {
                "mark err"
            } else {
                "mark warn"
            };
            let style = format!("top: calc({}lh + .5rem)", d.span.line - 1);
            html! { <div class={class} style={style}>{d.span.line}</div> }
        })
        .collect();
    let gutter = html! { <>{numbers}{markers}</> };
    let goto = |offset: usize| {
        let node = p.node.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = node.cast::<HtmlTextAreaElement>() {
                let _ = t.focus();
                let o = offset as u32;
                let _ = t.set_selection_range(o, o);
            }
        })
    };
    let diag_list: Html = p
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| {
            let class = if d.severity == Severity::Error {
                "diag err"
            } else {
                "diag warn"
            };
            // Byte offset → UTF-16 offset for the textarea.
            let start = (d.span.start as usize).min(p.text.len());
            let utf16 = p.text.get(..start).map_or(0, |s| s.encode_utf16().count());
            let at = if d.span.line > 0 {
                format!("{}:{}", d.span.line, d.span.column)
            } else {
                String::new()
            };
            html! {
                <li class={class}>
                    <button class="goto" onclick={goto(utf16)} title="show in the editor">{at}</button>
                    {" "}{d.to_string()}
                </li>
            }
        })
        .collect();
    let id = match side {
        Side::From => "from",
        Side::To => "to",
    };
    let choices: Html = [Format::Psql, Format::Sql, Format::SqlAlchemy]
        .into_iter()
        .map(|f| {
            html! {
                <option value={f.name()} selected={p.overridden && p.format == f}>{format_label(f)}</option>
            }
        })
        .collect();
    html! {
        <section class={classes!("pane", (*dragging).then_some("dragging"))}
            ondragover={ondragover} ondragleave={ondragleave} ondrop={ondrop}>
            <div class="pane-head">
                <label for={format!("{id}-text")}>{p.title.clone()}</label>
                <span class="badge" id={format!("{id}-badge")} title="detected format">
                    {format_label(p.format)}{if p.overridden { " (set)" } else { "" }}
                </span>
                <select id={format!("{id}-format")} aria-label="input format" onchange={onformat} disabled={p.readonly}>
                    <option value="auto" selected={!p.overridden}>{"detect"}</option>
                    {choices}
                </select>
            </div>
            <div class="editor">
                <div class="gutter" aria-hidden="true">{gutter}</div>
                if plain {
                    // A large paste: the textarea alone (one layout of the text, not two).
                    <div class="code plain">
                        <textarea id={format!("{id}-text")} ref={p.node.clone()} spellcheck="false"
                            autocomplete="off" autocapitalize="off" wrap="off" readonly={p.readonly}
                            style={format!("height: calc({lines}lh + 1rem)")}
                            placeholder={p.placeholder.clone()} oninput={oninput} />
                    </div>
                } else {
                    <div class="code">
                        <pre class="hl" aria-hidden="true">{highlighted(&p.text, lang_of(p.format))}{"\n"}</pre>
                        <textarea id={format!("{id}-text")} ref={p.node.clone()} spellcheck="false"
                            autocomplete="off" autocapitalize="off" wrap="off" readonly={p.readonly}
                            placeholder={p.placeholder.clone()} oninput={oninput} />
                    </div>
                }
            </div>
            <ul class="diagnostics" id={format!("{id}-diagnostics")} aria-live="polite">{diag_list}</ul>
        </section>
    }
}

/// The text of a file fetched from `url` (relative to the page), or why there is none.
async fn fetch_text(url: String) -> Result<String, String> {
    let why = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
    };
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(why)?
        .dyn_into()
        .map_err(why)?;
    if !resp.ok() {
        return Err(format!("{} {}", resp.status(), resp.status_text()));
    }
    let text = JsFuture::from(resp.text().map_err(why)?)
        .await
        .map_err(why)?;
    text.as_string()
        .ok_or_else(|| "the response is not text".into())
}

/// A `from-src` / `to-src` file: not asked for, on its way, or failed.
#[derive(Clone, PartialEq)]
enum Load {
    None,
    Pending(String),
    Failed(String),
}

/// Starts fetching `src` into `side`'s editor.
fn start_load(
    src: &Option<String>,
    side: Side,
    load: UseStateHandle<Load>,
    dispatch: Callback<Action>,
) {
    let Some(url) = src.clone() else {
        return;
    };
    load.set(Load::Pending(url.clone()));
    wasm_bindgen_futures::spawn_local(async move {
        match fetch_text(url.clone()).await {
            Ok(text) => {
                dispatch.emit(Action::SetText(side, text));
                load.set(Load::None);
            }
            Err(e) => load.set(Load::Failed(format!("could not load {url}: {e}"))),
        }
    });
}

/// What keeps the height reports going (dropped: they stop).
type HeightReporter = (web_sys::ResizeObserver, Closure<dyn Fn()>, EventListener);

/// Reports the height of the page's `.app` element to the parent page whenever it changes, and
/// whenever the parent asks (`{type: "schemafix:measure"}`: a docs page's script that loaded after
/// this frame's first report), as `{type: "schemafix:height", height}` (what
/// `schemafix-embed.js` listens for). Nothing when the page is not in a frame. Dropping what it
/// returns stops it.
fn report_height() -> Option<HeightReporter> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    if js_sys::Object::is(&parent, &window) {
        return None;
    }
    let app = window.document()?.query_selector(".app").ok()??;
    let measured = app.clone();
    let asker = parent.clone();
    let post = Closure::<dyn Fn()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil();
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &"schemafix:height".into());
        let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
        let _ = parent.post_message(&msg, "*");
    });
    let observer = web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()).ok()?;
    observer.observe(&app);
    let again: js_sys::Function = post.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let listener = EventListener::new(&window, "message", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let from_parent = e.source().is_some_and(|s| js_sys::Object::is(&s, &asker));
        let kind = js_sys::Reflect::get(&e.data(), &"type".into()).ok();
        if from_parent && kind.and_then(|k| k.as_string()).as_deref() == Some("schemafix:measure") {
            let _ = again.call0(&JsValue::NULL);
        }
    });
    Some((observer, post, listener))
}

fn performance_now() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

fn copy_to_clipboard(text: String) {
    let clip = gloo::utils::window().navigator().clipboard();
    let _ = clip.write_text(&text);
}

fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/plain;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = gloo::utils::document();
    if let Ok(a) = doc.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The last "Verify on PostgreSQL", for the inputs it ran on (shown only while they are current).
#[derive(Clone, PartialEq)]
enum Verify {
    Idle,
    Running(State),
    Done(State, Rc<Result<Verification, String>>),
}

/// The last exact reading of the desired side's models, with the inputs it was asked for (a
/// reading of other inputs shows as running).
type Exact = Option<(
    State,
    Rc<Result<(Migration, crate::exact::Timings), String>>,
)>;

/// "PostgreSQL 18.7 (PGlite 0.5.17)" out of `SELECT version()`.
fn short_version(v: &str) -> &str {
    v.split(" on ").next().unwrap_or(v)
}

fn verification_html(v: &Verification) -> Html {
    let version = short_version(&v.version).to_string();
    let setup = if v.setup_generated && !v.borrowed.is_empty() {
        format!(
            "the current schema was created from what schemafix read (no rows), with {} definition(s) the paste only names taken from the desired side",
            v.borrowed.len()
        )
    } else if v.setup_generated {
        "the current schema was created from what schemafix read (no rows)".to_string()
    } else if v.left_out.is_empty() {
        "the current schema was created by running its DDL as written".to_string()
    } else {
        format!(
            "the current schema was created by running its DDL as written, without {} statement(s) PGlite cannot run",
            v.left_out.len()
        )
    };
    let left_out: Html = v
        .left_out
        .iter()
        .chain(&v.borrowed)
        .map(|l| html! { <li>{l.clone()}</li> })
        .collect();
    // The parts that ran: a failed setup stops before the migration, a failed migration before
    // the catalog.
    let t = &v.timings;
    let ran = match v.status {
        Status::SetupFailed => 1,
        Status::MigrationFailed => 2,
        _ => 4,
    };
    let timing = [
        ("start", t.start_ms),
        ("setup", t.setup_ms),
        ("migration", t.apply_ms),
        ("catalog", t.catalog_ms),
    ]
    .iter()
    .take(ran)
    .map(|(what, ms)| format!("{what} {ms:.0} ms"))
    .collect::<Vec<_>>()
    .join(", ");
    let (class, headline, body) = match v.status {
        Status::Converged => (
            "ok",
            format!(
                "✓ Converged on {version}: {} statement(s) ran, nothing left to change{}{}",
                v.statements,
                if v.held_back > 0 {
                    format!(" except {} destructive step(s) held back", v.held_back)
                } else {
                    String::new()
                },
                v.not_compared
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
            html! {},
        ),
        Status::NotConverged => (
            "bad",
            if v.left.is_empty() {
                format!("✗ The migration ran on {version}, but its catalog could not be read back")
            } else {
                format!(
                    "✗ Not converged on {version}: the migration ran, but {} step(s) are left",
                    v.left.len()
                )
            },
            html! { <>
                <pre id="verify-left" class="out">{v.left_sql.clone()}</pre>
                <ul>{ for v.notes.iter().map(|n| html! { <li>{n.clone()}</li> }) }</ul>
            </> },
        ),
        Status::MigrationFailed | Status::SetupFailed => {
            let e = v.error.clone().unwrap_or_else(|| crate::verify::PgError {
                message: "unknown error".into(),
                code: None,
                detail: None,
                hint: None,
                position: None,
                sql: String::new(),
                step: None,
                line: None,
            });
            let at = match (v.status, e.step, e.line) {
                (Status::MigrationFailed, Some(step), _) => format!("PostgreSQL refused step {step}"),
                (_, _, Some(line)) => format!(
                    "The current schema could not be created: PostgreSQL refused the statement on line {line}"
                ),
                _ => "The current schema could not be created: PostgreSQL refused a statement".into(),
            };
            let code = e
                .code
                .clone()
                .map(|c| format!(" (SQLSTATE {c})"))
                .unwrap_or_default();
            (
                "bad",
                format!("✗ {at} on {version}: ERROR: {}{code}", e.message),
                html! { <>
                    <pre id="verify-statement" class="out">{crate::verify::with_caret(&e.sql, e.position)}</pre>
                    { for e.detail.iter().map(|d| html! { <p>{format!("DETAIL: {d}")}</p> }) }
                    if !v.error_hazards.is_empty() {
                        <p id="verify-hazards">{format!("The plan listed this step's hazards: {}", v.error_hazards.join(", "))}</p>
                    }
                    { for e.hint.iter().map(|h| html! { <p>{format!("HINT: {h}")}</p> }) }
                </> },
            )
        }
    };
    html! {
        <div id="verify-result" class={classes!("verify-result", class)} data-status={format!("{:?}", v.status)}>
            <p class="headline">{headline}</p>
            {body}
            <p class="muted">{setup}{"; "}{timing}</p>
            if !v.left_out.is_empty() || !v.borrowed.is_empty() { <ul class="muted">{left_out}</ul> }
        </div>
    }
}

/// The output of one computation, and how long it took.
struct Output {
    migration: Migration,
    millis: f64,
    count: u32,
    /// The share link for the inputs this output is for.
    link: String,
}

/// What the page starts from.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The state a link or the page parameters ask for (`None`: the seed example).
    pub initial: Option<State>,
    /// The page parameters besides the state.
    pub params: Rc<Params>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let params = props.params.clone();
    let embed = params.embed;
    let state = {
        let initial = props.initial.clone();
        use_reducer(move || initial.unwrap_or_else(State::initial))
    };
    let output = use_state(|| None::<Rc<Output>>);
    let verification = use_state(|| Verify::Idle);
    let exact = use_state(|| Exact::None);
    let from_load = use_state(|| Load::None);
    let to_load = use_state(|| Load::None);
    let counter = use_mut_ref(|| 0u32);
    let address_bar = use_mut_ref(|| None::<Timeout>);
    let from_node = use_node_ref();
    let to_node = use_node_ref();
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| state.dispatch(a))
    };

    // Fetch `from-src` / `to-src`.
    {
        let (from_load, to_load, dispatch) = (from_load.clone(), to_load.clone(), dispatch.clone());
        let params = params.clone();
        use_effect_with((), move |_| {
            start_load(&params.from_src, Side::From, from_load, dispatch.clone());
            start_load(&params.to_src, Side::To, to_load, dispatch);
        });
    }
    let loading = matches!(*from_load, Load::Pending(_)) || matches!(*to_load, Load::Pending(_));

    // An embedded widget tells its parent page how tall it is.
    use_effect_with(embed, move |&embed| {
        let reporter = if embed { report_height() } else { None };
        move || drop(reporter)
    });

    // Recompute on every keystroke for small inputs, after typing pauses for large ones (not while
    // an input is being fetched); the link in the address bar follows once typing pauses (an
    // embedded widget leaves its own address alone).
    {
        let output = output.clone();
        let counter = counter.clone();
        let address_bar = address_bar.clone();
        use_effect_with(
            ((*state).clone(), loading),
            move |(s, loading): &(State, bool)| {
                let s = s.clone();
                let first = output.is_none();
                let small = s.from.len() + s.to.len() <= IMMEDIATE_CHARS;
                let loading = *loading;
                let run = move || {
                    let t0 = performance_now();
                    let migration = s.compute();
                    let millis = performance_now() - t0;
                    let count = {
                        let mut c = counter.borrow_mut();
                        *c += 1;
                        *c
                    };
                    let fragment = format!("#{}", share::encode(&s));
                    if !embed {
                        // Once typing pauses (a new timer drops the last one): Chromium's
                        // `replaceState` of the long fragment cost about 3 ms a keystroke.
                        let fragment = fragment.clone();
                        *address_bar.borrow_mut() = Some(Timeout::new(ADDRESS_BAR_MS, move || {
                            if let Ok(h) = gloo::utils::window().history() {
                                let _ =
                                    h.replace_state_with_url(&JsValue::NULL, "", Some(&fragment));
                            }
                        }));
                    }
                    let loc = gloo::utils::window().location();
                    let link = format!(
                        "{}{}{fragment}",
                        loc.origin().unwrap_or_default(),
                        loc.pathname().unwrap_or_default()
                    );
                    output.set(Some(Rc::new(Output {
                        migration,
                        millis,
                        count,
                        link,
                    })));
                };
                let timer: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
                if loading {
                    // The fetched text arrives as a new state.
                } else if first || small {
                    run();
                } else {
                    *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, run));
                }
                move || {
                    if let Some(t) = timer.borrow_mut().take() {
                        t.cancel();
                    }
                }
            },
        );
    }

    // The exact reading: the models run by SQLAlchemy in Pyodide once typing pauses (the static
    // reading shows meanwhile); a reply for inputs that changed since is dropped.
    {
        let exact = exact.clone();
        use_effect_with(
            ((*state).clone(), loading),
            move |(s, loading): &(State, bool)| {
                let timer: Rc<RefCell<Option<Timeout>>> = Rc::new(RefCell::new(None));
                if s.reads_exactly() && !*loading {
                    let inputs = s.inputs();
                    let run = move || {
                        let files = inputs.model_files();
                        wasm_bindgen_futures::spawn_local(async move {
                            let r = crate::exact::migrate_exact(
                                &inputs.from,
                                inputs.from_format,
                                &files,
                                &inputs.plan_options(),
                            )
                            .await;
                            exact.set(Some((inputs, Rc::new(r))));
                        });
                    };
                    *timer.borrow_mut() = Some(Timeout::new(DEBOUNCE_MS, run));
                }
                move || {
                    if let Some(t) = timer.borrow_mut().take() {
                        t.cancel();
                    }
                }
            },
        );
    }

    // A link pasted into this tab's address bar.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                let hash = gloo::utils::window().location().hash().unwrap_or_default();
                if let Ok(s) = share::decode(&hash) {
                    dispatch.emit(Action::Restore(s));
                }
            });
            move || drop(listener)
        });
    }

    let s = &*state;
    let current = s.inputs();
    let static_m = output.as_ref().map(|o| &o.migration);
    // The exact reading, once it has answered for these inputs, replaces the static one.
    let (exact_m, reading_html) = match &*exact {
        _ if !s.reads_exactly() => (None, html! {}),
        Some((i, r)) if *i == current => match &**r {
            Ok((em, t)) => {
                let note = crate::exact::reading_note(em).unwrap_or_default();
                // The statements compared, not their comments (the readings cite lines alike
                // but name them differently).
                let statements = |sql: &str| -> Vec<String> {
                    sql.lines()
                        .filter(|l| !l.starts_with("--"))
                        .map(String::from)
                        .collect()
                };
                let differs = static_m.filter(|sm| statements(&sm.sql) != statements(&em.sql) || sm.has_errors() != em.has_errors()).map(|sm| {
                    if sm.has_errors() {
                        "The static reading could not read these models; the exact reading is shown.".to_string()
                    } else {
                        "The static reading of these models plans differently; the exact reading is shown.".to_string()
                    }
                });
                (
                    Some(em),
                    html! {
                        <div class="reading">
                            <p id="reading" data-reading="exact" class="muted">{format!("Exact: {note} ({:.0} ms{})", t.run_ms, if t.start_ms > 0.0 { format!(", Python started in {:.0} ms", t.start_ms) } else { String::new() })}</p>
                            if let Some(d) = differs { <p id="readings-differ" class="warn">{d}</p> }
                        </div>
                    },
                )
            }
            Err(e) => (
                None,
                html! { <p id="reading" data-reading="failed" class="warn">{format!("Exact reading failed: {e}; the static reading is shown.")}</p> },
            ),
        },
        _ => (
            None,
            html! { <p id="reading" data-reading="running" class="muted">{"Exact: running the models with SQLAlchemy in Python (Pyodide, loaded from this site on first use, about 9 MB compressed); the static reading is shown meanwhile."}</p> },
        ),
    };
    let m = exact_m.or(static_m);
    // Files dropped with the model: named, and forgotten on request.
    let files_html = if s.to_files.is_empty() {
        html! {}
    } else {
        let names: Vec<&str> = s.to_files.iter().map(|f| f.name.as_str()).collect();
        let only = File {
            name: s.to_name.clone().unwrap_or_default(),
            text: s.to.clone(),
        };
        let d = dispatch.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| d.emit(Action::DropFiles(vec![only.clone()])));
        html! {
            <p id="to-files" class="muted">
                {format!(
                    "{} with {} more file(s) of its project: {} — {}. ",
                    s.to_name.as_deref().unwrap_or("The model"),
                    names.len(),
                    names.join(", "),
                    if s.exact { "the exact reading imports them" } else { "the exact reading imports them (the static one reads the editor only)" }
                )}
                <button id="forget-files" {onclick} disabled={params.readonly}>{"forget them"}</button>
            </p>
        }
    };
    let from_diags = Rc::new(m.map_or_else(Vec::new, |m| m.from_diagnostics.clone()));
    let to_diags = Rc::new(m.map_or_else(Vec::new, |m| m.to_diagnostics.clone()));
    let text = m.map(|m| tab_text(m, s.tab)).unwrap_or_default();
    let out_lang = match s.tab {
        Tab::Alembic => Lang::Python,
        Tab::Json => Lang::Json,
        _ => Lang::Sql,
    };
    let out_html = if text.len() > HIGHLIGHT_LIMIT {
        html! { {text.clone()} }
    } else {
        highlighted(&text, out_lang)
    };
    let has_errors = m.is_some_and(|m| m.has_errors());

    let on_example = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                d.emit(Action::LoadExample(i));
            }
        })
    };
    let on_destructive = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            d.emit(Action::SetAllowDestructive(i.checked()));
        })
    };
    let on_online = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            d.emit(Action::SetOnline(i.checked()));
        })
    };
    let on_exact = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            d.emit(Action::SetExact(i.checked()));
        })
    };
    let tabs: Html = Tab::ALL
        .iter()
        .map(|&t| {
            let d = dispatch.clone();
            let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::SetTab(t)));
            html! {
                <button role="tab" id={format!("tab-{}", t.label().to_ascii_lowercase().replace(' ', "-"))}
                    aria-selected={(s.tab == t).to_string()} class={classes!("tab", (s.tab == t).then_some("active"))}
                    onclick={onclick}>{t.label()}</button>
            }
        })
        .collect();
    let on_copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| copy_to_clipboard(text.clone()))
    };
    let on_download = {
        let text = text.clone();
        let name = s.tab.file_name();
        Callback::from(move |_: MouseEvent| download(name, &text))
    };
    let hazards: Html = m
        .map(|m| {
            m.plan
                .steps
                .iter()
                .filter(|st| !st.hazards.is_empty())
                .map(|st| {
                    let ids: Vec<&str> = st.hazards.iter().map(|h| h.id()).collect();
                    html! { <li><span class="hz">{ids.join(", ")}</span>{": "}{st.reason.clone()}</li> }
                })
                .collect()
        })
        .unwrap_or_default();
    let skipped: Html = m
        .map(|m| {
            m.plan
                .skipped
                .iter()
                .map(|st| {
                    html! { <li>{st.reason.clone()}{" — would lose "}{st.loses.clone().unwrap_or_else(|| "data".into())}</li> }
                })
                .collect()
        })
        .unwrap_or_default();
    // Likely renames, each with a button that confirms it; confirmed ones, with one that takes
    // it back.
    let renames: Html = {
        let suggested = m.map(|m| m.plan.renames.clone()).unwrap_or_default();
        let confirmed = s.renames.clone();
        let readonly = params.readonly;
        let item = |r: schemafix_core::Rename, label: String, confirm: bool| {
            let d = dispatch.clone();
            let onclick =
                Callback::from(move |_: MouseEvent| d.emit(Action::Rename(r.clone(), confirm)));
            html! { <li>{label}{" "}<button class="rename" {onclick} disabled={readonly}>{if confirm { "rename" } else { "undo" }}</button></li> }
        };
        suggested
            .into_iter()
            .map(|x| {
                let r = x.rename();
                let label = format!("{r} ({}%)", x.confidence);
                item(r, label, true)
            })
            .chain(confirmed.into_iter().map(|r| {
                let label = format!("{r} (confirmed)");
                item(r, label, false)
            }))
            .collect()
    };
    let not_compared: Html = m
        .map(|m| {
            m.plan
                .not_compared
                .iter()
                .map(|t| html! { <li>{t.to_string()}</li> })
                .collect()
        })
        .unwrap_or_default();
    let n_steps = m.map_or(0, |m| m.plan.steps.len());
    let n_skipped = m.map_or(0, |m| m.plan.skipped.len());
    let link = output.as_ref().map(|o| o.link.clone()).unwrap_or_default();
    let on_copy_link = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| copy_to_clipboard(link.clone()))
    };
    let status = if loading {
        "loading…".to_string()
    } else if has_errors {
        "no migration: fix the errors in the inputs".to_string()
    } else if n_steps == 0 && n_skipped == 0 {
        "nothing to change".to_string()
    } else {
        format!(
            "{n_steps} step(s){}",
            if n_skipped > 0 {
                format!(", {n_skipped} destructive held back")
            } else {
                String::new()
            }
        )
    };

    // What the page could not do with its parameters or files, shown above everything.
    let problems: Html = params
        .problems
        .iter()
        .cloned()
        .chain(
            [&*from_load, &*to_load]
                .into_iter()
                .filter_map(|l| match l {
                    Load::Failed(e) => Some(e.clone()),
                    _ => None,
                }),
        )
        .map(|p| html! { <li>{p}</li> })
        .collect();
    let on_verify = {
        let verification = verification.clone();
        let s = s.clone();
        // The migration shown is the one verified: the exact reading's when it is shown.
        let exact_shown = exact_m.cloned();
        Callback::from(move |_: MouseEvent| {
            let inputs = s.inputs();
            verification.set(Verify::Running(inputs.clone()));
            let verification = verification.clone();
            let req = crate::verify::Request {
                from: inputs.from.clone(),
                from_format: inputs.from_format,
                to: inputs.to.clone(),
                to_format: inputs.to_format,
                options: inputs.plan_options(),
                exact: exact_shown.clone(),
            };
            wasm_bindgen_futures::spawn_local(async move {
                let result = crate::verify::verify(&req).await;
                verification.set(Verify::Done(inputs, Rc::new(result)));
            });
        })
    };
    let (verifying, verify_html) = match &*verification {
        Verify::Running(i) if *i == current => (
            true,
            html! { <p id="verify-status" class="muted">{"Starting PostgreSQL (PGlite) and running the migration…"}</p> },
        ),
        Verify::Done(i, r) if *i == current => match &**r {
            Ok(v) => (false, verification_html(v)),
            Err(e) => (
                false,
                html! { <div id="verify-result" class="verify-result bad" data-status="Error"><p class="headline">{format!("✗ {e}")}</p></div> },
            ),
        },
        _ => (false, html! {}),
    };
    let verify_panel = html! {
        <section class="verify">
            <div class="row">
                <button id="verify" onclick={on_verify} disabled={verifying || has_errors || loading || m.is_none()}>{"Verify on PostgreSQL"}</button>
                <span class="muted">{"Creates the current schema on PGlite (PostgreSQL compiled to WebAssembly, loaded from this site on first use, about 5 MB), runs the migration, reads the catalog back and compares it with the desired schema — in this page."}</span>
            </div>
            {verify_html}
        </section>
    };
    let ro = params.readonly;
    let editors = html! {
        <div class="inputs">
            <Editor side={Side::From} title="Current schema" placeholder="paste `\\d users` output, DDL or pg_dump --schema-only"
                text={AttrValue::from(s.from.clone())} format={s.format(Side::From)} overridden={s.from_format.is_some()}
                readonly={ro} diagnostics={from_diags} dispatch={dispatch.clone()} node={from_node} />
            <Editor side={Side::To} title="Desired schema" placeholder="paste your model (SQLAlchemy) or DDL"
                text={AttrValue::from(s.to.clone())} format={s.format(Side::To)} overridden={s.to_format.is_some()}
                readonly={ro} diagnostics={to_diags} dispatch={dispatch.clone()} node={to_node} />
        </div>
    };
    let options = html! {
        <>
        <div class="options">
            <label><input type="checkbox" id="allow-destructive" checked={s.allow_destructive} onchange={on_destructive} disabled={ro} />
                {" allow destructive steps (drops, narrowing types)"}</label>
            <label title="indexes built CONCURRENTLY, constraints NOT VALID then VALIDATE, SET NOT NULL through a check, a per-row default or an identity backfilled after its column is added, lock and statement timeouts; in labelled phases">
                <input type="checkbox" id="online" checked={s.online} onchange={on_online} disabled={ro} />
                {" online (no long locks)"}</label>
            <label title="run the desired side's models with real SQLAlchemy (Python in WebAssembly, in this page) instead of reading them statically">
                <input type="checkbox" id="exact" checked={s.exact} onchange={on_exact} disabled={ro} />
                {" exact (run with SQLAlchemy)"}</label>
            <span id="status" class={classes!("status", has_errors.then_some("err"))}>{status}</span>
        </div>
        {reading_html}
        {files_html}
        </>
    };
    let output_panel = html! {
        <section class="output">
            <div class="tabs" role="tablist">{tabs}
                <span class="spacer"></span>
                <button id="copy" onclick={on_copy}>{"Copy"}</button>
                <button id="download" onclick={on_download}>{"Download"}</button>
            </div>
            <pre id="output" class="out" tabindex="0"
                data-computations={output.as_ref().map_or(0, |o| o.count).to_string()}
                data-compute-ms={output.as_ref().map_or(0.0, |o| o.millis).to_string()}>
                {out_html}
            </pre>
            <div class="lists">
                <div><h2>{"Hazards"}</h2><ul id="hazards">{hazards}</ul></div>
                <div><h2>{"Held back (destructive)"}</h2><ul id="skipped">{skipped}</ul></div>
                <div><h2>{"Not compared"}</h2><ul id="not-compared">{not_compared}</ul></div>
                <div><h2>{"Likely renames"}</h2><ul id="renames">{renames}</ul></div>
            </div>
        </section>
    };
    if embed {
        return html! {
            <div class="app embed">
                <ul class="problems" id="problems">{problems}</ul>
                {editors}
                {options}
                {output_panel}
                {verify_panel}
                <footer>
                    <span>{"schemafix — computed in this page; what you type is not sent anywhere"}</span>
                    <a id="open-playground" href={link} target="_blank" rel="noopener">{"Open in the playground ↗"}</a>
                </footer>
            </div>
        };
    }

    html! {
        <div class="app">
            <header>
                <h1>{"schemafix"}</h1>
                <p class="tag">{"Paste what the database has and what it should have; get safe, ordered migration SQL. Nothing leaves this page."}</p>
                <label class="examples">{"Examples "}
                    <select id="examples" onchange={on_example}>
                        <option value="" selected=true disabled=true>{"load an example…"}</option>
                        { for EXAMPLES.iter().enumerate().map(|(i, e)| html! { <option value={i.to_string()}>{e.name}</option> }) }
                    </select>
                </label>
            </header>
            <main>
                <ul class="problems" id="problems">{problems}</ul>
                {editors}
                {options}
                {output_panel}
                {verify_panel}
                <section class="share">
                    <h2>{"Share"}</h2>
                    <p>{"The link holds both inputs and the options, compressed in the part after #, which browsers never send to a server."}</p>
                    <div class="row"><input id="share-link" readonly=true value={link} aria-label="share link" />
                        <button id="copy-link" onclick={on_copy_link}>{"Copy link"}</button></div>
                    <p>{"The same output from the command line:"}</p>
                    <code id="command-line">{s.command_line()}</code>
                </section>
            </main>
        </div>
    }
}
