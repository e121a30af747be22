//! The bodies of the fuzz targets (`fuzz/`, run by `cargo xtask fuzz`), here so that the
//! regression tests under `tests/fuzz/` feed saved inputs through exactly the same code. Each
//! takes raw bytes, as libFuzzer gives them; text is read lossily (the CLI refuses invalid
//! UTF-8 before any source sees it). A panic is the failure; nothing is returned.

use crate::{detect, migrate, parse, render_sqlalchemy, Format, PlanOptions, Revision};

/// Format detection, and the check for two formats in one text.
pub fn detect_format(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = detect(&text);
    let _ = crate::source::detect::mixed(&text);
}

/// One source, its diagnostics rendered against the text as the CLI does.
pub fn source(data: &[u8], format: Format) {
    let text = String::from_utf8_lossy(data);
    let (_, parsed) = parse(&text, Some(format));
    for d in &parsed.diagnostics {
        let _ = d.render("fuzz", &text);
    }
}

/// Two inputs (split at the first NUL byte; formats detected) through the whole pipeline: plan
/// (default or online), SQL, down migration, Alembic revision, and the desired schema as SQLAlchemy code.
pub fn pipeline(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (from, to) = text.split_once('\0').unwrap_or((&text, ""));
    // The input's length picks the options: destructive steps, online mode, a version.
    let options = PlanOptions {
        allow_destructive: data.len().is_multiple_of(2),
        online: data.len().is_multiple_of(3),
        pg_version: data.len().is_multiple_of(5).then_some(11),
        ..Default::default()
    };
    let m = migrate(from, None, to, None, &options);
    let _ = m.alembic(&Revision {
        id: "fuzz".into(),
        down_revision: None,
        message: "fuzz".into(),
        create_date: String::new(),
    });
    let _ = render_sqlalchemy(&m.to_schema);
}
