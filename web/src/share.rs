//! Share links: the state, as JSON, deflated and base64url-encoded into the URL fragment
//! (`#s=…`). The fragment never reaches a server.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::state::State;

/// The fragment prefix.
const PREFIX: &str = "s=";

/// The largest state a link may inflate to (a guard against hostile links).
const MAX_INFLATED: usize = 64 << 20;

/// The URL fragment (without `#`) for a state.
pub fn encode(state: &State) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The state a fragment (with or without `#`) holds, or why it holds none.
pub fn decode(fragment: &str) -> Result<State, String> {
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix(PREFIX)
        .ok_or("not a schemafix link")?;
    let packed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| format!("the link is damaged: {e}"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|e| format!("the link is damaged: {e:?}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("the link is damaged: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Tab, EXAMPLES};

    #[test]
    fn a_link_reproduces_the_state() {
        let mut s = State::initial();
        s.allow_destructive = true;
        s.tab = Tab::Alembic;
        s.to_format = Some(schemafix_core::Format::SqlAlchemy);
        s.from
            .push_str("\n-- ünïcødé, 'quotes', \"more\" #hash &amp;\n");
        let frag = encode(&s);
        assert!(frag.len() < s.from.len() + s.to.len(), "compressed");
        assert!(frag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "=-_".contains(c)));
        assert_eq!(decode(&format!("#{frag}")), Ok(s));
    }

    #[test]
    fn damaged_links_are_errors() {
        assert!(decode("").is_err());
        assert!(decode("#s=!!!").is_err());
        assert!(decode("#s=AAAA").is_err());
        let ok = encode(&State::initial());
        assert!(decode(&ok[..ok.len() / 2]).is_err());
        assert!(EXAMPLES.len() >= 3);
    }
}
