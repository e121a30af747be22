//! Module workers the page starts on first use (`verify-worker.js` runs PGlite,
//! `models-worker.js` runs Pyodide), and their requests: each message carries an `id`, and the
//! reply with that `id` settles its request. A worker that fails to load fails what it has
//! pending and is started again next time.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

type Pending = (String, js_sys::Function, js_sys::Function);

thread_local! {
    static WORKERS: RefCell<BTreeMap<String, web_sys::Worker>> = const { RefCell::new(BTreeMap::new()) };
    static PENDING: RefCell<BTreeMap<u32, Pending>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Settles request `id`, or (`None`) every request pending on the worker at `url`.
fn settle(url: &str, id: Option<u32>, value: &JsValue, ok: bool) {
    let settled: Vec<Pending> = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        match id {
            Some(id) => p.remove(&id).into_iter().collect(),
            None => {
                let ids: Vec<u32> = p
                    .iter()
                    .filter(|(_, (u, ..))| u == url)
                    .map(|(id, _)| *id)
                    .collect();
                ids.iter().filter_map(|id| p.remove(id)).collect()
            }
        }
    });
    for (_, resolve, reject) in settled {
        let _ = if ok { resolve } else { reject }.call1(&JsValue::NULL, value);
    }
}

/// The worker at `url`, started on first use; `what` names it in messages.
fn worker(url: &str, what: &str) -> Result<web_sys::Worker, String> {
    if let Some(w) = WORKERS.with(|w| w.borrow().get(url).cloned()) {
        return Ok(w);
    }
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let w = web_sys::Worker::new_with_options(url, &options)
        .map_err(|e| format!("the {what} worker could not start: {e:?}"))?;
    let u = url.to_string();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            let id = js_sys::Reflect::get(&data, &"id".into())
                .ok()
                .and_then(|v| v.as_f64())
                .map(|v| v as u32);
            settle(&u, id, &data, true);
        });
    let (u, what) = (url.to_string(), what.to_string());
    let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
        e.prevent_default();
        WORKERS.with(|w| w.borrow_mut().remove(&u));
        let message = format!("the {what} worker failed: {}", e.message());
        settle(&u, None, &JsValue::from_str(&message), false);
    });
    w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker lives as long as the page.
    on_message.forget();
    on_error.forget();
    WORKERS.with(|slot| slot.borrow_mut().insert(url.to_string(), w.clone()));
    Ok(w)
}

/// Posts `message` (a plain object; its `id` is set here) to the worker at `url` and waits for
/// its reply.
pub async fn request(url: &str, what: &str, message: JsValue) -> Result<JsValue, String> {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    js_sys::Reflect::set(&message, &"id".into(), &JsValue::from(id))
        .map_err(|e| format!("{e:?}"))?;
    let w = worker(url, what)?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        PENDING.with(|p| {
            p.borrow_mut()
                .insert(id, (url.to_string(), resolve, reject))
        });
    });
    if let Err(e) = w.post_message(&message) {
        PENDING.with(|p| p.borrow_mut().remove(&id));
        return Err(format!("the {what} worker refused the request: {e:?}"));
    }
    JsFuture::from(promise)
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
}
