//! JSON texts as `jsonb` stores and prints them, for comparing `jsonb` literals as PostgreSQL
//! would: a default or check written one way and printed by the server another is no change.
/// A JSON text as `jsonb` prints it: object keys unique (the last one kept) and ordered as
/// jsonb orders them (shorter first, then bytewise), `", "` and `": "` between the parts,
/// strings with jsonb's escapes, numbers as `numeric` prints them. `None` when it is not JSON.
pub(super) fn jsonb_text(json: &str) -> Option<String> {
    let mut p = Json {
        b: json.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.b.len() {
        return None;
    }
    let mut out = String::new();
    v.print(&mut out);
    Some(out)
}

enum JsonValue {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, JsonValue)>),
}

struct Json<'a> {
    b: &'a [u8],
    i: usize,
}

impl Json<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| b" \t\r\n".contains(c)) {
            self.i += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<JsonValue> {
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members: Vec<(String, JsonValue)> = Vec::new();
                self.ws();
                if !self.eat("}") {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        self.ws();
                        if !self.eat(":") {
                            return None;
                        }
                        let v = self.value()?;
                        members.retain(|(k, _)| *k != key);
                        members.push((key, v));
                        self.ws();
                        if self.eat("}") {
                            break;
                        }
                        if !self.eat(",") {
                            return None;
                        }
                    }
                }
                members.sort_by(|(a, _), (b, _)| {
                    a.len()
                        .cmp(&b.len())
                        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
                });
                Some(JsonValue::Object(members))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if !self.eat("]") {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        if self.eat("]") {
                            break;
                        }
                        if !self.eat(",") {
                            return None;
                        }
                    }
                }
                Some(JsonValue::Array(items))
            }
            b'"' => self.string().map(JsonValue::Str),
            b't' if self.eat("true") => Some(JsonValue::Bool(true)),
            b'f' if self.eat("false") => Some(JsonValue::Bool(false)),
            b'n' if self.eat("null") => Some(JsonValue::Null),
            _ => self.number().map(JsonValue::Number),
        }
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat("\"") {
            return None;
        }
        let mut out = String::new();
        loop {
            let rest = std::str::from_utf8(&self.b[self.i..]).ok()?;
            let c = rest.chars().next()?;
            self.i += c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.eat("\\u") {
                                    return None;
                                }
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            // jsonb refuses \u0000.
                            char::from_u32(code).filter(|&c| c != '\0')?
                        }
                        _ => return None,
                    });
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    /// A JSON number as `numeric` prints it.
    fn number(&mut self) -> Option<String> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > s
        };
        let negative = self.eat("-");
        let int_start = self.i;
        if !digits(self) {
            return None;
        }
        let int = std::str::from_utf8(&self.b[int_start..self.i])
            .ok()?
            .to_string();
        if int.len() > 1 && int.starts_with('0') {
            return None;
        }
        let mut frac = String::new();
        if self.eat(".") {
            let s = self.i;
            if !digits(self) {
                return None;
            }
            frac = std::str::from_utf8(&self.b[s..self.i]).ok()?.to_string();
        }
        let mut exp: i64 = 0;
        if self.b.get(self.i).is_some_and(|c| *c == b'e' || *c == b'E') {
            self.i += 1;
            let neg = self.eat("-");
            if !neg {
                self.eat("+");
            }
            let s = self.i;
            if !digits(self) {
                return None;
            }
            exp = std::str::from_utf8(&self.b[s..self.i]).ok()?.parse().ok()?;
            if neg {
                exp = -exp;
            }
        }
        if exp.abs() > 1000 {
            return None;
        }
        let _ = start;
        // The digits and the scale numeric keeps: the fraction's digits less the exponent.
        let all = format!("{int}{frac}");
        let scale = (frac.len() as i64 - exp).max(0) as usize;
        let point = int.len() as i64 + exp; // where the decimal point falls in `all`
        let mut digits_s = all.clone();
        let mut point = point;
        if point < 0 {
            digits_s = format!("{}{digits_s}", "0".repeat((-point) as usize));
            point = 0;
        }
        let point = point as usize;
        while digits_s.len() < point + scale {
            digits_s.push('0');
        }
        let (i, f) = digits_s.split_at(point);
        let f = &f[..scale.min(f.len())];
        let i = i.trim_start_matches('0');
        let i = if i.is_empty() { "0" } else { i };
        let zero = i == "0" && f.chars().all(|c| c == '0');
        let mut s = String::new();
        if negative && !zero {
            s.push('-');
        }
        s.push_str(i);
        if !f.is_empty() {
            s.push('.');
            s.push_str(f);
        }
        Some(s)
    }
}

impl JsonValue {
    fn print(&self, out: &mut String) {
        match self {
            JsonValue::Null => out.push_str("null"),
            JsonValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            JsonValue::Number(n) => out.push_str(n),
            JsonValue::Str(s) => print_json_string(s, out),
            JsonValue::Array(items) => {
                out.push('[');
                for (k, v) in items.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    v.print(out);
                }
                out.push(']');
            }
            JsonValue::Object(members) => {
                out.push('{');
                for (k, (key, v)) in members.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    print_json_string(key, out);
                    out.push_str(": ");
                    v.print(out);
                }
                out.push('}');
            }
        }
    }
}

/// A string as PostgreSQL's `escape_json` writes it.
fn print_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::jsonb_text;

    /// Each as `SELECT '…'::jsonb` prints it on PostgreSQL 15.
    #[test]
    fn json_texts_print_as_jsonb_does() {
        for (written, printed) in [
            (r#"{"b":1,"a":2}"#, r#"{"a": 2, "b": 1}"#),
            (r#"{"aa": 1, "b": 2}"#, r#"{"b": 2, "aa": 1}"#),
            (r#"{"a":1,"a":2}"#, r#"{"a": 2}"#),
            ("[ ]", "[]"),
            ("{ }", "{}"),
            ("1.50e1", "15.0"),
            ("1E-2", "0.01"),
            ("-0", "0"),
            ("-0.0", "0.0"),
            ("1e2", "100"),
            ("-12.5E+1", "-125"),
            (r#""\u0041\n\/""#, r#""A\n/""#),
            (r#""\ud83d\ude00""#, "\"\u{1F600}\""),
            (" [1,\"x\" ,null,true ] ", r#"[1, "x", null, true]"#),
        ] {
            assert_eq!(jsonb_text(written).as_deref(), Some(printed), "{written}");
        }
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "\"\\u0000\"",
            "tru",
            "1 2",
            "{\"a\" 1}",
        ] {
            assert_eq!(jsonb_text(bad), None, "{bad}");
        }
    }
}
