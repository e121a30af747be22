//! The schemafix playground: a Yew app over `schemafix-core`, compiled to WebAssembly and
//! served as static files. See `app.rs` for the page and `state.rs` for its state.

mod api;
mod app;
mod highlight;
mod share;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
