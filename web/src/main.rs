//! The schemafix playground: a Yew app over `schemafix-core`, compiled to WebAssembly and
//! served as static files. See `app.rs` for the page, `state.rs` for its state, `embed.rs` for
//! the parameters a link or an embedding page passes, and `api.rs` for the JS API.

mod api;
mod app;
mod embed;
mod exact;
mod highlight;
mod share;
mod state;
mod verify;
mod worker;

use std::rc::Rc;

/// Renders the page into `#schemafix-app`. A page without that element (a docs page that loads
/// the module for the JS API through `schemafix-embed.js`, or a worker) gets the API only.
fn main() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(root) = window
        .document()
        .and_then(|d| d.get_element_by_id("schemafix-app"))
    else {
        return;
    };
    let loc = window.location();
    let (initial, params) = embed::read(
        &loc.search().unwrap_or_default(),
        &loc.hash().unwrap_or_default(),
    );
    yew::Renderer::<app::App>::with_root_and_props(
        root,
        app::AppProps {
            initial,
            params: Rc::new(params),
        },
    )
    .render();
}
