//! Extensions: installed, removed, moved to another schema, updated to another version.

use super::Change;
use crate::schema::Schema;

pub(super) fn diff_extensions(from: &Schema, to: &Schema, whole: bool, out: &mut Vec<Change>) {
    if from.hidden.extensions || to.hidden.extensions {
        return;
    }
    for (name, t) in &to.extensions {
        match from.extensions.get(name) {
            None => out.push(Change::CreateExtension {
                ext: t.clone(),
                if_missing: false,
            }),
            Some(f) => {
                // A version is compared only when both sides say (pg_dump never does).
                let version_differs =
                    matches!((&f.version, &t.version), (Some(a), Some(b)) if a != b);
                if version_differs && older(t.version.as_deref(), f.version.as_deref()) {
                    // Extensions update forward only: an older version is a reinstall.
                    out.push(Change::DropExtension {
                        ext: f.clone(),
                        replaced: true,
                    });
                    out.push(Change::CreateExtension {
                        ext: t.clone(),
                        if_missing: false,
                    });
                } else if f.schema != t.schema || version_differs {
                    out.push(Change::AlterExtension {
                        from: f.clone(),
                        to: t.clone(),
                    });
                }
            }
        }
    }
    if whole {
        for (name, f) in &from.extensions {
            if !to.extensions.contains_key(name) {
                out.push(Change::DropExtension {
                    ext: f.clone(),
                    replaced: false,
                });
            }
        }
    }
}

/// Where the current side cannot show extensions (a `\d` paste) and the plan changes anything,
/// the desired side's extensions are made sure of first (`CREATE EXTENSION IF NOT EXISTS`):
/// what the plan creates may need one (a PostGIS column, a `btree_gin` index), and creating
/// one that is there does nothing. A plan with nothing else to do stays empty.
pub(super) fn ensure_extensions(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    if !from.hidden.extensions || to.hidden.extensions || out.is_empty() {
        return;
    }
    let ensure = to.extensions.values().map(|e| Change::CreateExtension {
        ext: e.clone(),
        if_missing: true,
    });
    out.splice(0..0, ensure);
}

/// Is version `a` older than `b` (dotted numbers; text compares as text)?
fn older(a: Option<&str>, b: Option<&str>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let key = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-'])
            .map(|p| {
                let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
                (digits.parse().unwrap_or(0), p[digits.len()..].to_string())
            })
            .collect()
    };
    key(a) < key(b)
}
