//! The playground's state and its reducer: everything the page shows follows from `State`
//! (the output is computed from it), and every change to it is an `Action`. No DOM here, so
//! the reducer is tested natively.

use std::rc::Rc;

use schemafix_core::{detect, migrate, Format, Migration, PlanOptions, Revision};
use serde::{Deserialize, Serialize};
use yew::Reducible;

/// The output tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Tab {
    /// The migration SQL.
    #[default]
    Sql,
    /// The down migration SQL.
    Down,
    /// An Alembic revision.
    Alembic,
    /// The whole plan as JSON.
    Json,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 4] = [Tab::Sql, Tab::Down, Tab::Alembic, Tab::Json];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Sql => "SQL",
            Tab::Down => "Down SQL",
            Tab::Alembic => "Alembic",
            Tab::Json => "JSON",
        }
    }

    /// The tab's name in page parameters (`tab=alembic`), as serde spells it.
    pub fn param(self) -> &'static str {
        match self {
            Tab::Sql => "sql",
            Tab::Down => "down",
            Tab::Alembic => "alembic",
            Tab::Json => "json",
        }
    }

    /// The file name a download of this tab gets.
    pub fn file_name(self) -> &'static str {
        match self {
            Tab::Sql => "migration.sql",
            Tab::Down => "migration_down.sql",
            Tab::Alembic => "schemafix_revision.py",
            Tab::Json => "plan.json",
        }
    }
}

/// The file a model text is imported as when it has no name of its own.
pub(crate) const MODEL_FILE: &str = "models.py";

/// One file of the models, by its path in the project (`app/db.py`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// A project's files for the exact reading: `others`, and the model `text` under `name`
/// (`models.py` when it has none), which replaces an other of that name.
pub fn project_files(mut others: Vec<File>, name: Option<String>, text: String) -> Vec<File> {
    let name = name.unwrap_or_else(|| MODEL_FILE.into());
    others.retain(|f| f.name != name);
    others.push(File { name, text });
    others
}

/// The migration from `from` to a project of several model files, read statically as the
/// command line reads a package; a diagnostic in a file other than `main` (the editor's) names
/// its file and line.
pub fn migrate_project(
    from: &str,
    from_format: Option<Format>,
    files: &[File],
    main: &str,
    options: &PlanOptions,
) -> Migration {
    let models: Vec<schemafix_core::ModelFile> = files
        .iter()
        .filter(|f| f.name.ends_with(".py"))
        .map(|f| schemafix_core::ModelFile {
            name: f.name.clone(),
            module: schemafix_core::module_name(&f.name),
            text: f.text.clone(),
        })
        .collect();
    let (mut to, _) = schemafix_core::parse_sqlalchemy_files(&models);
    for d in &mut to.diagnostics {
        if let Some(file) = schemafix_core::file_of(&to.files, d.span).filter(|f| *f != main) {
            d.message = format!("{file}:{}: {}", d.span.line, d.message);
        }
    }
    schemafix_core::migrate_parsed(
        schemafix_core::parse(from, from_format),
        (Format::SqlAlchemy, to),
        options,
    )
}

/// Which editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// What the database has.
    From,
    /// What it should have.
    To,
}

/// Everything the page shows, and what a share link carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct State {
    /// The current schema's text.
    #[serde(rename = "f")]
    pub from: String,
    /// The desired schema's text.
    #[serde(rename = "t")]
    pub to: String,
    /// The current side's format, when the user overrides detection.
    #[serde(rename = "ff", default, skip_serializing_if = "Option::is_none")]
    pub from_format: Option<Format>,
    /// The desired side's format, when overridden.
    #[serde(rename = "tf", default, skip_serializing_if = "Option::is_none")]
    pub to_format: Option<Format>,
    /// Emit destructive steps.
    #[serde(rename = "d", default)]
    pub allow_destructive: bool,
    /// Online mode (`--online`).
    #[serde(rename = "o", default, skip_serializing_if = "std::ops::Not::not")]
    pub online: bool,
    /// Column and table renames the user confirmed (`--rename`).
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    pub renames: Vec<schemafix_core::Rename>,
    /// Read the desired side's models exactly: run them with SQLAlchemy (Pyodide).
    #[serde(rename = "x", default, skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
    /// The desired side's path in its project, when several files were dropped (the editor
    /// holds it; the exact reading imports it by that path).
    #[serde(rename = "tn", default, skip_serializing_if = "Option::is_none")]
    pub to_name: Option<String>,
    /// The project's other files dropped with it, by path: the exact reading imports them too.
    #[serde(rename = "tx", default, skip_serializing_if = "Vec::is_empty")]
    pub to_files: Vec<File>,
    /// The output tab.
    #[serde(rename = "tab", default)]
    pub tab: Tab,
}

/// A change to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// An editor's text changed.
    SetText(Side, String),
    /// A format override was chosen (`None`: detect).
    SetFormat(Side, Option<Format>),
    /// The destructive toggle.
    SetAllowDestructive(bool),
    /// The online-mode toggle.
    SetOnline(bool),
    /// The exact-reading switch.
    SetExact(bool),
    /// Files dropped on the desired side (a folder's, by path): one is the editor's text; of
    /// several, the model file goes in the editor and the others are kept for the exact reading.
    DropFiles(Vec<File>),
    /// A likely rename confirmed (`true`) or taken back.
    Rename(schemafix_core::Rename, bool),
    /// Another output tab.
    SetTab(Tab),
    /// An entry of the examples menu.
    LoadExample(usize),
    /// A whole state (from a share link).
    Restore(State),
}

/// An entry of the examples menu.
pub struct Example {
    /// Its label.
    pub name: &'static str,
    /// The current schema.
    pub from: &'static str,
    /// The desired schema.
    pub to: &'static str,
}

/// The examples menu; the first is the seed (loaded when the page opens without a link).
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "users table drifted from its model (\\d users vs models.py)",
        from: include_str!("../../examples/seed/users.d.txt"),
        to: include_str!("../../examples/seed/models.py"),
    },
    Example {
        name: "DDL to DDL: a new table, a foreign key, an enum label",
        from: "CREATE TYPE status AS ENUM ('open', 'closed');\n\nCREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    email text NOT NULL UNIQUE\n);\n",
        to: "CREATE TYPE status AS ENUM ('open', 'pending', 'closed');\n\nCREATE TABLE users (\n    id bigserial PRIMARY KEY,\n    email text NOT NULL UNIQUE,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n\nCREATE TABLE orders (\n    id bigserial PRIMARY KEY,\n    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n    status status NOT NULL DEFAULT 'open'\n);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n",
    },
    Example {
        name: "destructive: a dropped column and a narrowed type",
        from: "CREATE TABLE accounts (\n    id serial PRIMARY KEY,\n    login varchar(100) NOT NULL,\n    legacy_flag boolean\n);\n",
        to: "CREATE TABLE accounts (\n    id serial PRIMARY KEY,\n    login varchar(40) NOT NULL\n);\n",
    },
];

impl State {
    /// The state of a fresh page: the first example.
    pub fn initial() -> State {
        let mut s = State::default();
        s.load_example(0);
        s
    }

    fn load_example(&mut self, i: usize) {
        if let Some(e) = EXAMPLES.get(i) {
            self.from = e.from.to_string();
            self.to = e.to.to_string();
            self.from_format = None;
            self.to_format = None;
            self.to_name = None;
            self.to_files.clear();
        }
    }

    /// The desired side from files dropped together: the Python files kept by path, the one
    /// that declares tables (the first by path) in the editor.
    fn drop_files(&mut self, mut files: Vec<File>) {
        if files.len() == 1 {
            // One file is the editor's text, whatever it holds.
            self.to = files.remove(0).text;
            self.to_format = None;
            self.to_name = None;
            self.to_files.clear();
            return;
        }
        let mut py: Vec<File> = files
            .into_iter()
            .filter(|f| f.name.ends_with(".py"))
            .collect();
        py.sort_by(|a, b| a.name.cmp(&b.name));
        let declares = |f: &File| {
            ["__tablename__", "Table(", "table=True"]
                .iter()
                .any(|k| f.text.contains(k))
        };
        let Some(main) = py
            .iter()
            .position(declares)
            .or((!py.is_empty()).then_some(0))
        else {
            return;
        };
        let main = py.remove(main);
        self.to = main.text;
        self.to_format = None;
        self.to_name = (!py.is_empty()).then_some(main.name);
        self.to_files = py;
    }

    /// The desired side's files for the exact reading: the editor's text under its path, and
    /// the files dropped with it.
    pub fn model_files(&self) -> Vec<File> {
        project_files(self.to_files.clone(), self.to_name.clone(), self.to.clone())
    }

    /// A side's format: the override, else what detection says.
    pub fn format(&self, side: Side) -> Format {
        let (text, over) = match side {
            Side::From => (&self.from, self.from_format),
            Side::To => (&self.to, self.to_format),
        };
        over.unwrap_or_else(|| detect(text))
    }

    /// The desired side is a model and the exact reading is on.
    pub fn reads_exactly(&self) -> bool {
        self.exact && self.format(Side::To) == Format::SqlAlchemy
    }

    /// Runs the pipeline on the current inputs (a project of several model files read
    /// together).
    pub fn compute(&self) -> Migration {
        if !self.to_files.is_empty() && self.format(Side::To) == Format::SqlAlchemy {
            let main = self.to_name.clone().unwrap_or_else(|| MODEL_FILE.into());
            return migrate_project(
                &self.from,
                self.from_format,
                &self.model_files(),
                &main,
                &self.plan_options(),
            );
        }
        migrate(
            &self.from,
            self.from_format,
            &self.to,
            self.to_format,
            &self.plan_options(),
        )
    }

    /// The plan options the page's switches and confirmed renames give.
    pub fn plan_options(&self) -> PlanOptions {
        PlanOptions {
            allow_destructive: self.allow_destructive,
            online: self.online,
            renames: self.renames.clone(),
            ..Default::default()
        }
    }

    /// What a verification depends on: the state without the output tab.
    pub fn inputs(&self) -> State {
        State {
            tab: Tab::default(),
            ..self.clone()
        }
    }

    /// The `schemafix` command line that prints the same output.
    pub fn command_line(&self) -> String {
        let file = |side: Side, stem: &str| {
            let ext = match self.format(side) {
                Format::Sql | Format::Database => "sql",
                Format::Psql => "txt",
                Format::SqlAlchemy => "py",
            };
            format!("{stem}.{ext}")
        };
        let mut cmd = format!(
            "schemafix diff {} {}",
            file(Side::From, "current"),
            file(Side::To, "desired")
        );
        if let Some(f) = self.from_format {
            cmd.push_str(&format!(" --from-format {}", f.name()));
        }
        if let Some(f) = self.to_format {
            cmd.push_str(&format!(" --to-format {}", f.name()));
        }
        if self.allow_destructive {
            cmd.push_str(" --allow-destructive");
        }
        if self.online {
            cmd.push_str(" --online");
        }
        if self.reads_exactly() {
            cmd.push_str(" --python");
        }
        for r in &self.renames {
            cmd.push_str(&format!(" --rename '{}'", r.argument()));
        }
        match self.tab {
            Tab::Sql => {}
            Tab::Down => cmd.push_str(" --down"),
            Tab::Alembic => cmd.push_str(" --format alembic"),
            Tab::Json => cmd.push_str(" --format json"),
        }
        cmd
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetText(Side::From, t) => s.from = t,
            Action::SetText(Side::To, t) => s.to = t,
            Action::SetFormat(Side::From, f) => s.from_format = f,
            Action::SetFormat(Side::To, f) => s.to_format = f,
            Action::SetAllowDestructive(b) => s.allow_destructive = b,
            Action::SetOnline(b) => s.online = b,
            Action::SetExact(b) => s.exact = b,
            Action::DropFiles(files) => s.drop_files(files),
            Action::Rename(r, true) => {
                if !s.renames.contains(&r) {
                    s.renames.push(r)
                }
            }
            Action::Rename(r, false) => s.renames.retain(|x| *x != r),
            Action::SetTab(t) => s.tab = t,
            Action::LoadExample(i) => s.load_example(i),
            Action::Restore(r) => s = r,
        }
        if s == *self {
            self
        } else {
            Rc::new(s)
        }
    }
}

/// What one tab shows for a computed migration.
pub fn tab_text(m: &Migration, tab: Tab) -> String {
    match tab {
        Tab::Sql => m.sql.clone(),
        Tab::Down => m.down_sql.clone(),
        Tab::Alembic => match m.alembic_unavailable() {
            Some(why) => format!("# {why}\n"),
            None => m.alembic(&Revision {
                id: "schemafix0001".into(),
                down_revision: None,
                message: "schemafix: bring the schema to the model".into(),
                create_date: "(written in the schemafix playground)".into(),
            }),
        },
        Tab::Json => serde_json::to_string_pretty(m).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: State, a: Action) -> State {
        (*Rc::new(s).reduce(a)).clone()
    }

    #[test]
    fn the_page_opens_on_the_seed_and_gives_the_three_statements() {
        let s = State::initial();
        assert_eq!(s.format(Side::From), Format::Psql);
        assert_eq!(s.format(Side::To), Format::SqlAlchemy);
        let m = s.compute();
        let statements: Vec<&str> = m.sql.lines().filter(|l| !l.starts_with("--")).collect();
        assert_eq!(
            statements,
            [
                "ALTER TABLE users ADD COLUMN full_name character varying(255);",
                "ALTER TABLE users ADD COLUMN username character varying(255);",
                "ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;",
            ]
        );
        assert_eq!(s.command_line(), "schemafix diff current.txt desired.py");
    }

    #[test]
    fn actions_change_what_they_name_and_nothing_else() {
        let s = State::initial();
        let t = reduce(
            s.clone(),
            Action::SetText(Side::From, "CREATE TABLE a (x int);".into()),
        );
        assert_eq!(t.from, "CREATE TABLE a (x int);");
        assert_eq!(t.to, s.to);
        assert_eq!(t.format(Side::From), Format::Sql);
        let t = reduce(t, Action::SetFormat(Side::To, Some(Format::Sql)));
        assert_eq!(t.format(Side::To), Format::Sql);
        assert!(
            !t.compute().to_diagnostics.is_empty(),
            "a model read as SQL is reported"
        );
        let t = reduce(t, Action::SetAllowDestructive(true));
        let t = reduce(t, Action::SetTab(Tab::Alembic));
        assert_eq!(
            t.command_line(),
            "schemafix diff current.sql desired.sql --to-format sql --allow-destructive --format alembic"
        );
        let t = reduce(t, Action::LoadExample(2));
        assert_eq!((t.from_format, t.to_format), (None, None));
        assert!(
            t.allow_destructive && t.tab == Tab::Alembic,
            "options survive examples"
        );
        let restored = reduce(State::default(), Action::Restore(t.clone()));
        assert_eq!(restored, t);
        // The exact reading applies to models only.
        let t = reduce(State::initial(), Action::SetExact(true));
        assert_eq!(
            t.command_line(),
            "schemafix diff current.txt desired.py --python"
        );
        // Files dropped together: the one declaring tables in the editor, the rest kept by path.
        let file = |name: &str, text: &str| File {
            name: name.into(),
            text: text.into(),
        };
        let d = reduce(
            t.clone(),
            Action::DropFiles(vec![
                file(
                    "app/models/user.py",
                    "class User(Base):\n    __tablename__ = 'users'\n",
                ),
                file("app/db.py", "Base = declarative_base()\n"),
                file("README.md", "not Python"),
            ]),
        );
        assert!(d.to.contains("__tablename__"));
        assert_eq!(d.to_name.as_deref(), Some("app/models/user.py"));
        let names: Vec<String> = d.model_files().into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["app/db.py", "app/models/user.py"]);
        let restored = reduce(State::default(), Action::Restore(d.clone()));
        assert_eq!(restored.model_files(), d.model_files());
        let t = reduce(d, Action::LoadExample(1));
        assert!(t.to_files.is_empty() && t.to_name.is_none());
        assert!(t.exact && !t.reads_exactly());
        assert_eq!(t.command_line(), "schemafix diff current.sql desired.sql");
    }

    #[test]
    fn an_unchanged_state_is_the_same_value() {
        let s = Rc::new(State::initial());
        let same = s.clone().reduce(Action::SetTab(Tab::Sql));
        assert!(Rc::ptr_eq(&s, &same));
    }

    #[test]
    fn destructive_toggle_moves_steps_between_skipped_and_emitted() {
        let mut s = State::initial();
        s.load_example(2);
        let m = s.compute();
        assert!(!m.plan.skipped.is_empty());
        let s = reduce(s, Action::SetAllowDestructive(true));
        let m = s.compute();
        assert!(m.plan.skipped.is_empty());
        assert!(m.sql.contains("DROP COLUMN legacy_flag"));
        assert!(tab_text(&m, Tab::Alembic).contains("def downgrade()"));
        assert!(tab_text(&m, Tab::Down).contains("ADD COLUMN legacy_flag"));
    }
}
