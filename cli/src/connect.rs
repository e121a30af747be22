//! Connection settings as psql takes them: a `postgres://` URL or a `key=value` string, then
//! `DATABASE_URL`, then libpq's `PG*` variables, then libpq's defaults; TLS with libpq's
//! `sslmode` meanings. The password is kept out of everything this module prints.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use native_tls::{Certificate, TlsConnector};
use postgres::config::SslMode;
use postgres::{Client, Config};
use postgres_native_tls::MakeTlsConnector;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// No TLS.
    Disable,
    /// TLS when the server offers it (`allow` and `prefer`), certificate not checked.
    Prefer,
    /// TLS or fail; the certificate is not checked (unless a root certificate is given).
    Require,
    /// TLS, certificate signed by a trusted root; host name not checked.
    VerifyCa,
    /// TLS, trusted certificate for this host name.
    VerifyFull,
}

/// Where and how to connect. Built by [`ConnSpec::resolve`].
#[derive(Clone)]
pub struct ConnSpec {
    hosts: Vec<String>,
    ports: Vec<u16>,
    user: String,
    password: Option<String>,
    dbname: String,
    tls: TlsMode,
    root_cert: Option<String>,
    connect_timeout: Duration,
    application_name: String,
    options: Option<String>,
}

/// A problem with the settings themselves (exit 2), or with reaching the server (exit 2 too:
/// nothing was read or changed). Its text never holds the password.
#[derive(Debug)]
pub struct ConnError(pub String);

impl fmt::Display for ConnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// True for text that names a database rather than a file.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// True for a libpq `key=value` connection string (as psql takes one): its first setting is a
/// connection keyword.
pub fn is_conninfo(text: &str) -> bool {
    let t = text.trim_start();
    let key_end = t
        .find(|c: char| c == '=' || c.is_whitespace())
        .unwrap_or(t.len());
    KNOWN.contains(&&t[..key_end]) && t[key_end..].trim_start().starts_with('=')
}

/// The passwords found in this run's arguments and environment (see [`register_secrets`]).
static SECRETS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Remembers every password `text` may hold, read leniently (a mistyped URL, a `key=value`
/// string with quotes or backslash escapes), so that [`redact`] takes it out of any message,
/// however the text was cut up by then. `main` gives it every argument, `DATABASE_URL` and
/// `PGPASSWORD`.
pub fn register_secrets(text: &str) {
    let mut found: Vec<String> = Vec::new();
    // URL userinfo: in a word with an '@', after the first ':' that follows the last '/'.
    for word in text.split_whitespace() {
        if let Some(at) = word.rfind('@') {
            let start = word[..at].rfind('/').map_or(0, |i| i + 1);
            if let Some(colon) = word[start..at].find(':') {
                let secret = &word[start + colon + 1..at];
                found.push(secret.to_string());
                if let Ok(decoded) = percent_decode(secret) {
                    found.push(decoded);
                }
            }
        }
    }
    // `password = value`: quoted, or up to unescaped whitespace; backslashes escape.
    let mut rest = text;
    while let Some(i) = rest.find("password") {
        let after = rest[i + "password".len()..].trim_start();
        rest = &rest[i + "password".len()..];
        let Some(v) = after.strip_prefix('=') else {
            continue;
        };
        let v = v.trim_start();
        let (quoted, body) = match v.strip_prefix('\'') {
            Some(b) => (true, b),
            None => (false, v),
        };
        let mut value = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.extend(chars.next()),
                '\'' if quoted => break,
                c if c.is_whitespace() && !quoted => break,
                c => value.push(c),
            }
        }
        found.push(value);
    }
    let mut pieces: Vec<String> = Vec::new();
    for f in &found {
        // The pieces too, should a message show only part of it.
        pieces.extend(
            f.split(|c: char| c.is_whitespace() || c == '\\' || c == '\'')
                .filter(|p| p.len() >= 4 && p != f)
                .map(str::to_string),
        );
    }
    found.extend(pieces);
    remember(found);
}

/// Remembers `password` itself (`PGPASSWORD`) for [`redact`].
pub fn register_secret(password: &str) {
    remember(vec![password.to_string()]);
}

fn remember(mut found: Vec<String>) {
    found.retain(|f| f.len() >= 3);
    if let Ok(mut secrets) = SECRETS.lock() {
        secrets.extend(found);
        // Longest first, so that a piece never leaves the rest of a longer one behind.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
    }
}

/// `text` with anything that looks like a password taken out: the password of a
/// `scheme://user:password@` URL, the value of a `password=` setting, and every password
/// [`register_secrets`] found. Every message that echoes an argument or a setting goes
/// through it (a mistyped URL is still a secret).
pub fn redact(text: &str) -> String {
    let mut text = text.to_string();
    if let Ok(secrets) = SECRETS.lock() {
        for s in secrets.iter() {
            if text.contains(s.as_str()) {
                text = text.replace(s.as_str(), "********");
            }
        }
    }
    redact_patterns(&text)
}

fn redact_patterns(text: &str) -> String {
    // URL userinfo, even in a mistyped URL: in a word with an '@', the part after the last '/'
    // before it, from its first ':'.
    let out: Vec<String> = text
        .split(' ')
        .map(|word| {
            let Some(at) = word.rfind('@') else {
                return word.to_string();
            };
            let start = word[..at].rfind('/').map_or(0, |i| i + 1);
            match word[start..at].find(':') {
                Some(colon) => format!("{}:********{}", &word[..start + colon], &word[at..]),
                None => word.to_string(),
            }
        })
        .collect();
    let out = out.join(" ");
    // key=value: password=... up to whitespace, or a quoted value.
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find("password") {
        let (head, tail) = rest.split_at(i + "password".len());
        result.push_str(head);
        let after = tail.trim_start();
        if let Some(v) = after.strip_prefix('=') {
            let v = v.trim_start();
            let end = if let Some(q) = v.strip_prefix('\'') {
                q.find('\'').map_or(v.len(), |e| e + 2)
            } else {
                v.find(char::is_whitespace).unwrap_or(v.len())
            };
            result.push_str("=********");
            rest = &v[end..];
        } else {
            rest = tail;
        }
    }
    result.push_str(rest);
    result
}

fn percent_decode(s: &str) -> Result<String, ConnError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| ConnError("bad percent-escape in the connection URL".into()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ConnError("the connection URL is not UTF-8".into()))
}

/// The settings a URL or `key=value` string gives.
fn parse_conninfo(text: &str) -> Result<BTreeMap<String, String>, ConnError> {
    let mut m = BTreeMap::new();
    if let Some(rest) = text
        .strip_prefix("postgresql://")
        .or_else(|| text.strip_prefix("postgres://"))
    {
        let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = main.split_once('/').unwrap_or((main, ""));
        let (userinfo, hostlist) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if let Some(u) = userinfo {
            let (user, pass) = match u.split_once(':') {
                Some((user, pass)) => (user, Some(pass)),
                None => (u, None),
            };
            if !user.is_empty() {
                m.insert("user".into(), percent_decode(user)?);
            }
            if let Some(p) = pass {
                m.insert("password".into(), percent_decode(p)?);
            }
        }
        let mut hosts = Vec::new();
        let mut ports = Vec::new();
        for hp in hostlist.split(',').filter(|s| !s.is_empty()) {
            let (host, port) = if let Some(v6) = hp.strip_prefix('[') {
                let (h, after) = v6
                    .split_once(']')
                    .ok_or_else(|| ConnError("unclosed `[` in the connection URL".into()))?;
                (h.to_string(), after.strip_prefix(':').map(str::to_string))
            } else {
                match hp.rsplit_once(':') {
                    Some((h, p)) => (h.to_string(), Some(p.to_string())),
                    None => (hp.to_string(), None),
                }
            };
            hosts.push(percent_decode(&host)?);
            ports.push(port.unwrap_or_default());
        }
        if hosts.iter().any(|h| !h.is_empty()) {
            m.insert("host".into(), hosts.join(","));
        }
        if ports.iter().any(|p| !p.is_empty()) {
            m.insert("port".into(), ports.join(","));
        }
        if !path.is_empty() {
            m.insert("dbname".into(), percent_decode(path)?);
        }
        for kv in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                ConnError(format!(
                    "connection URL parameter {:?} has no value",
                    kv.split('=').next().unwrap_or("")
                ))
            })?;
            m.insert(percent_decode(k)?, percent_decode(v)?);
        }
        return Ok(m);
    }
    // key=value pairs; values may be single-quoted with backslash escapes.
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ConnError(format!(
                "connection setting {key:?} has no `=` (use a postgres:// URL or key=value pairs)"
            )));
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(ConnError(format!(
                            "unterminated quoted value for connection setting {key:?}"
                        )))
                    }
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            // As libpq: a backslash escapes the next character here too (`a\ b` is `a b`).
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        m.insert(key, value);
    }
    Ok(m)
}

const KNOWN: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "options",
];

impl ConnSpec {
    /// Resolves the settings: `given` (a URL or key=value string, from the command line or
    /// `DATABASE_URL`) first, then `env` (libpq's `PG*` variables), then libpq's defaults.
    pub fn resolve(
        given: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ConnSpec, ConnError> {
        let m = match given {
            Some(t) => parse_conninfo(t)?,
            None => BTreeMap::new(),
        };
        if let Some(k) = m.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(ConnError(format!(
                "unsupported connection setting {k:?} (supported: {})",
                KNOWN.join(", ")
            )));
        }
        let get = |key: &str, var: &str| -> Option<String> {
            m.get(key)
                .cloned()
                .or_else(|| env(var))
                .filter(|v| !v.is_empty())
        };
        let user = get("user", "PGUSER")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".into());
        let host = get("host", "PGHOST")
            .or_else(|| get("hostaddr", "PGHOSTADDR"))
            .unwrap_or_else(|| {
                if std::path::Path::new("/var/run/postgresql").is_dir() {
                    "/var/run/postgresql".into()
                } else {
                    "localhost".into()
                }
            });
        let hosts: Vec<String> = host.split(',').map(str::to_string).collect();
        let ports = get("port", "PGPORT")
            .unwrap_or_default()
            .split(',')
            .map(|p| {
                if p.is_empty() {
                    Ok(5432)
                } else {
                    p.parse::<u16>()
                        .map_err(|_| ConnError(format!("invalid port {p:?}")))
                }
            })
            .collect::<Result<Vec<u16>, _>>()?;
        let tls = match get("sslmode", "PGSSLMODE").as_deref() {
            None | Some("prefer") | Some("allow") => TlsMode::Prefer,
            Some("disable") => TlsMode::Disable,
            Some("require") => TlsMode::Require,
            Some("verify-ca") => TlsMode::VerifyCa,
            Some("verify-full") => TlsMode::VerifyFull,
            Some(other) => {
                return Err(ConnError(format!(
                "invalid sslmode {other:?} (disable, allow, prefer, require, verify-ca, verify-full)"
            )))
            }
        };
        let connect_timeout = match get("connect_timeout", "PGCONNECT_TIMEOUT") {
            None => Duration::from_secs(10),
            Some(t) => Duration::from_secs(
                t.parse::<u64>()
                    .map_err(|_| ConnError(format!("invalid connect_timeout {t:?}")))?
                    .max(1),
            ),
        };
        Ok(ConnSpec {
            dbname: get("dbname", "PGDATABASE").unwrap_or_else(|| user.clone()),
            hosts,
            ports,
            user,
            password: get("password", "PGPASSWORD"),
            tls,
            root_cert: get("sslrootcert", "PGSSLROOTCERT"),
            connect_timeout,
            application_name: get("application_name", "PGAPPNAME")
                .unwrap_or_else(|| "schemafix".into()),
            options: get("options", "PGOPTIONS"),
        })
    }

    /// The settings from the process environment: `given`, else `DATABASE_URL`, then `PG*`.
    pub fn from_env(given: Option<&str>) -> Result<ConnSpec, ConnError> {
        let url = given
            .map(str::to_string)
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()));
        ConnSpec::resolve(url.as_deref(), &|k| std::env::var(k).ok())
    }

    /// The database's name.
    pub fn dbname(&self) -> &str {
        &self.dbname
    }

    /// The TLS mode in force.
    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// Removes the password from a message (a server or library error may quote settings).
    pub fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(p) if p.len() >= 3 => redact(&text.replace(p.as_str(), "********")),
            _ => redact(text),
        }
    }

    fn connector(&self) -> Result<MakeTlsConnector, ConnError> {
        let mut b = TlsConnector::builder();
        let mut have_root = false;
        if let Some(path) = &self.root_cert {
            if path != "system" {
                let pem = std::fs::read(path)
                    .map_err(|e| ConnError(format!("sslrootcert {path}: {e}")))?;
                for block in pem_blocks(&pem) {
                    let cert = Certificate::from_pem(&block)
                        .map_err(|e| ConnError(format!("sslrootcert {path}: {e}")))?;
                    b.add_root_certificate(cert);
                    have_root = true;
                }
            }
        } else if let Some(home) = std::env::var_os("HOME") {
            let default = std::path::Path::new(&home).join(".postgresql/root.crt");
            if let Ok(pem) = std::fs::read(&default) {
                for block in pem_blocks(&pem) {
                    if let Ok(cert) = Certificate::from_pem(&block) {
                        b.add_root_certificate(cert);
                        have_root = true;
                    }
                }
            }
        }
        match self.tls {
            // libpq: `require` with a root certificate checks the chain like verify-ca.
            TlsMode::Require if have_root => {
                b.danger_accept_invalid_hostnames(true);
            }
            TlsMode::Disable | TlsMode::Prefer | TlsMode::Require => {
                b.danger_accept_invalid_certs(true);
                b.danger_accept_invalid_hostnames(true);
                // Nothing is verified, so the system's trust store is not read (it costs tens
                // of milliseconds per connection).
                b.disable_built_in_roots(true);
            }
            TlsMode::VerifyCa => {
                b.danger_accept_invalid_hostnames(true);
            }
            TlsMode::VerifyFull => {}
        }
        let c = b
            .build()
            .map_err(|e| ConnError(format!("TLS setup: {e}")))?;
        Ok(MakeTlsConnector::new(c))
    }

    fn config(&self) -> Config {
        let mut c = Config::new();
        for h in &self.hosts {
            c.host(h);
        }
        for p in &self.ports {
            c.port(*p);
        }
        c.user(&self.user);
        if let Some(p) = &self.password {
            c.password(p);
        }
        c.dbname(&self.dbname);
        c.ssl_mode(match self.tls {
            TlsMode::Disable => SslMode::Disable,
            TlsMode::Prefer => SslMode::Prefer,
            _ => SslMode::Require,
        });
        c.connect_timeout(self.connect_timeout);
        c.application_name(&self.application_name);
        if let Some(o) = &self.options {
            c.options(o);
        }
        c
    }

    /// Asks the server to cancel what `token`'s connection is running (the running statement
    /// fails; its transaction then rolls back).
    pub fn cancel(&self, token: &postgres::CancelToken) {
        if let Ok(tls) = self.connector() {
            let _ = token.cancel_query(tls);
        }
    }

    /// Connects, or says why not (without the password).
    pub fn connect(&self) -> Result<Client, ConnError> {
        let tls = self.connector()?;
        self.config().connect(tls).map_err(|e| {
            let mut msg = e.to_string();
            if let Some(db) = e.as_db_error() {
                msg = format!("{}: {}", db.severity(), db.message());
            } else if let Some(src) = std::error::Error::source(&e) {
                msg = format!("{msg}: {src}");
            }
            ConnError(self.scrub(&format!("cannot connect to {self}: {msg}")))
        })
    }
}

/// Each `-----BEGIN …-----` block of a PEM file.
fn pem_blocks(pem: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if line.starts_with("-----BEGIN") {
            cur.clear();
        }
        cur.push_str(line);
        cur.push('\n');
        if line.starts_with("-----END") {
            out.push(cur.as_bytes().to_vec());
            cur.clear();
        }
    }
    out
}

/// The connection as a URL without its password: what messages show.
impl fmt::Display for ConnSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = |i: usize| {
            self.ports
                .get(i)
                .or(self.ports.first())
                .copied()
                .filter(|p| *p != 5432)
        };
        if self.hosts.first().is_some_and(|h| h.starts_with('/')) {
            write!(
                f,
                "postgresql://{}@/{}?host={}",
                self.user,
                self.dbname,
                self.hosts.join(",")
            )?;
            if let Some(p) = port(0) {
                write!(f, "&port={p}")?;
            }
            return Ok(());
        }
        let hosts: Vec<String> = self
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if h.contains(':') {
                    format!("[{h}]")
                } else {
                    h.clone()
                };
                match port(i) {
                    Some(p) => format!("{h}:{p}"),
                    None => h,
                }
            })
            .collect();
        write!(
            f,
            "postgresql://{}@{}/{}",
            self.user,
            hosts.join(","),
            self.dbname
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(given: Option<&str>, env: &[(&str, &str)]) -> Result<ConnSpec, ConnError> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ConnSpec::resolve(given, &move |k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn a_url_gives_every_part_and_the_display_has_no_password() {
        let c = resolve(
            Some("postgresql://app:s%40cret@db.example.com:6543/shop?sslmode=verify-full&application_name=x"),
            &[("PGUSER", "other"), ("PGPASSWORD", "nope")],
        )
        .unwrap();
        assert_eq!(c.user, "app");
        assert_eq!(c.password.as_deref(), Some("s@cret"));
        assert_eq!(c.hosts, ["db.example.com"]);
        assert_eq!(c.ports, [6543]);
        assert_eq!(c.dbname, "shop");
        assert_eq!(c.tls, TlsMode::VerifyFull);
        assert_eq!(c.to_string(), "postgresql://app@db.example.com:6543/shop");
        assert_eq!(
            c.scrub("FATAL: password s@cret is wrong"),
            "FATAL: password ******** is wrong"
        );
    }

    #[test]
    fn libpq_variables_fill_what_the_url_leaves_out() {
        let c = resolve(
            Some("postgres:///app"),
            &[
                ("PGHOST", "/tmp/sock"),
                ("PGPORT", "5433"),
                ("PGUSER", "u"),
                ("PGPASSWORD", "pw"),
                ("PGSSLMODE", "require"),
            ],
        )
        .unwrap();
        assert_eq!(c.hosts, ["/tmp/sock"]);
        assert_eq!(c.ports, [5433]);
        assert_eq!(c.user, "u");
        assert_eq!(c.dbname, "app");
        assert_eq!(c.tls, TlsMode::Require);
        assert_eq!(
            c.to_string(),
            "postgresql://u@/app?host=/tmp/sock&port=5433"
        );
        let d = resolve(None, &[("PGDATABASE", "d"), ("USER", "me")]).unwrap();
        assert_eq!((d.user.as_str(), d.dbname.as_str()), ("me", "d"));
    }

    #[test]
    fn key_value_strings_and_ipv6_and_errors() {
        let c = resolve(
            Some("host=localhost port=5434 dbname='my db' password='a\\'b' sslmode=disable"),
            &[],
        )
        .unwrap();
        assert_eq!(c.dbname, "my db");
        assert_eq!(c.password.as_deref(), Some("a'b"));
        assert_eq!(c.tls, TlsMode::Disable);
        let v6 = resolve(Some("postgresql://u@[::1]:5999/x"), &[]).unwrap();
        assert_eq!(v6.hosts, ["::1"]);
        assert_eq!(v6.to_string(), "postgresql://u@[::1]:5999/x");
        for bad in [
            "postgresql://u@h:notaport/x",
            "postgresql://h/x?sslmode=sometimes",
            "postgresql://h/x?frobnicate=1",
            "host=h dbname",
            "password='open",
        ] {
            let e = resolve(Some(bad), &[]).err().expect(bad);
            assert!(!e.0.is_empty());
        }
    }

    #[test]
    fn conninfo_strings_are_recognised_and_passwords_redacted() {
        assert!(is_conninfo("host=db port=5432 password=x"));
        assert!(is_conninfo("  dbname = shop"));
        assert!(!is_conninfo("schema.sql"));
        assert!(!is_conninfo("weird=name.sql"));
        assert_eq!(
            redact("postgresql:/u:S3cret@h/db and postgres://a:b@c/d?x=1 me@example.com"),
            "postgresql:/u:********@h/db and postgres://a:********@c/d?x=1 me@example.com"
        );
        assert_eq!(
            redact("postgresql://u:p%40ss@h/db"),
            "postgresql://u:********@h/db"
        );
        assert_eq!(
            redact("host=x password=S3cret port=1 password = 'a b' user=u"),
            "host=x password=******** port=1 password=******** user=u"
        );
        assert_eq!(redact("no secrets here"), "no secrets here");
    }
}
