//! The settings as a person edits them, in the window's Settings screen and on
//! the web interface's settings page: every setting of this computer, of each
//! group and of each repository, with where a repository's value comes from
//! (its own, a group's, the defaults). Changes are kept as typed, checked as
//! `config check` would at each change, and saved through `ConfigEdit`, which
//! keeps the file's comments and layout and the previous version beside it.

use std::{collections::BTreeMap, path::PathBuf};

use super::{
    Config, Layer,
    edit::ConfigEdit,
    fields::{self, FieldDef, Kind},
};

/// Whose settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Machine,
    Group(String),
    Repo(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Machine => f.write_str(&crate::t!("settings-scope-machine")),
            Scope::Group(g) => f.write_str(&crate::t!("settings-scope-group", name = g.as_str())),
            Scope::Repo(r) => f.write_str(&crate::t!("settings-scope-repo", name = r.as_str())),
        }
    }
}

impl Scope {
    /// A name that does not depend on the language ("machine", "group:NAME",
    /// "repo:NAME"): changes are kept by it, and URLs carry it.
    pub fn id(&self) -> String {
        match self {
            Scope::Machine => "machine".into(),
            Scope::Group(g) => format!("group:{g}"),
            Scope::Repo(r) => format!("repo:{r}"),
        }
    }

    /// The table of the file it lives in.
    pub fn base(&self) -> Vec<&str> {
        match self {
            Scope::Machine => Vec::new(),
            Scope::Group(g) => vec!["groups", g.as_str()],
            Scope::Repo(r) => vec!["repos", r.as_str()],
        }
    }

    /// The settings it has.
    pub fn fields(&self) -> &'static [FieldDef] {
        match self {
            Scope::Machine => fields::MACHINE,
            _ => fields::SECTION,
        }
    }

    /// Its setting `key` (as the field list spells it).
    pub fn field(&self, key: &str) -> Option<&'static FieldDef> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// The dotted key of `field` in the file.
    pub fn full_key(&self, field: &FieldDef) -> String {
        let mut parts = self.base();
        parts.push(field.key);
        parts.join(".")
    }
}

/// A change not saved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The value as typed.
    Set(String),
    /// Back to what is inherited (or, for this computer, to the default).
    Reset,
}

/// What a field shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Its own value, or what it inherits.
    pub value: String,
    /// Set in this scope (or changed here and not saved).
    pub own: bool,
    /// Where the value comes from, in words.
    pub from: String,
}

/// What a scope's fields inherit, read once for a view.
pub struct Inheritance {
    /// The repository's effective settings and their origins (repository scope).
    repo: Option<super::RepoConfig>,
    /// The built-in defaults.
    defaults: toml::Table,
}

/// The settings file with the changes made so far.
pub struct Draft {
    path: PathBuf,
    /// The file as last read or saved.
    original: String,
    config: Config,
    /// The file with the changes applied, as last checked.
    working: Option<ConfigEdit>,
    scopes: Vec<Scope>,
    changes: BTreeMap<(String, &'static str), Change>,
    /// Full dotted key → what is wrong with it.
    problems: BTreeMap<String, String>,
    /// Problems not tied to a field.
    general: Vec<String>,
}

impl Draft {
    /// The settings of `config`, read from its file.
    pub fn open(config: &Config) -> Result<Draft, String> {
        let original = std::fs::read_to_string(&config.path).map_err(|e| {
            crate::t!(
                "settings-cannot-read",
                path = config.path.display().to_string(),
                cause = e.to_string()
            )
        })?;
        let mut scopes = vec![Scope::Machine];
        scopes.extend(config.group_names().into_iter().map(Scope::Group));
        scopes.extend(config.repo_names().into_iter().map(Scope::Repo));
        Ok(Draft {
            path: config.path.clone(),
            working: ConfigEdit::from_text(&config.path, &original).ok(),
            original,
            config: config.clone(),
            scopes,
            changes: BTreeMap::new(),
            problems: BTreeMap::new(),
            general: Vec::new(),
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The configuration as the changes make it (as last checked).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// This computer, each group, each repository.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The scope whose id is `id`.
    pub fn scope(&self, id: &str) -> Option<&Scope> {
        self.scopes.iter().find(|s| s.id() == id)
    }

    /// Unsaved changes exist.
    pub fn dirty(&self) -> bool {
        !self.changes.is_empty()
    }

    /// What is wrong with `field` of `scope`, if anything.
    pub fn problem(&self, scope: &Scope, field: &FieldDef) -> Option<&str> {
        self.problems
            .get(&scope.full_key(field))
            .map(String::as_str)
    }

    /// Problems of the file as changed that no field shows.
    pub fn general(&self) -> &[String] {
        &self.general
    }

    /// Nothing keeps the changes from being saved.
    pub fn can_save(&self) -> bool {
        self.dirty() && self.problems.is_empty() && self.general.is_empty()
    }

    /// Records a change of `key` in `scope`, and checks the whole file with it.
    pub fn change(&mut self, scope: &Scope, key: &'static str, change: Change) {
        self.changes.insert((scope.id(), key), change);
        self.validate();
    }

    /// Forgets every change: back to the file as it is.
    pub fn discard(&mut self) {
        self.changes.clear();
        self.validate();
    }

    /// Saves the changes (checked once more); the configuration as saved, or
    /// what keeps it from being saved.
    pub fn save(&mut self) -> Result<Config, Vec<String>> {
        self.validate();
        if !self.problems.is_empty() || !self.general.is_empty() {
            let mut all: Vec<String> = self
                .problems
                .iter()
                .map(|(k, m)| format!("{k}: {m}"))
                .collect();
            all.extend(self.general.iter().cloned());
            return Err(all);
        }
        let Some(edit) = self.working.clone() else {
            return Err(vec![crate::t!(
                "settings-cannot-read",
                path = self.path.display().to_string(),
                cause = "TOML"
            )]);
        };
        match edit.save() {
            Ok(c) => {
                self.original = edit.text();
                self.config = c.clone();
                self.changes.clear();
                Ok(c)
            }
            Err(e) => {
                self.general = vec![e.to_string()];
                Err(self.general.clone())
            }
        }
    }

    /// The file with the changes applied; problems of typed values by full key.
    fn apply_changes(&self) -> (Option<ConfigEdit>, BTreeMap<String, String>) {
        let mut problems = BTreeMap::new();
        let Ok(mut edit) = ConfigEdit::from_text(&self.path, &self.original) else {
            return (None, problems);
        };
        for ((scope_key, key), change) in &self.changes {
            let Some(scope) = self.scope(scope_key) else {
                continue;
            };
            let Some(field) = scope.field(key) else {
                continue;
            };
            let base = scope.base();
            let (table, last) = field.split(&base);
            match change {
                Change::Reset => {
                    edit.remove(&table, last);
                }
                Change::Set(typed) if typed.trim().is_empty() && field.kind != Kind::Text => {
                    edit.remove(&table, last);
                }
                Change::Set(typed) => match fields::parse(field.kind, typed) {
                    Ok(v) => edit.set_value(&table, last, v),
                    Err(m) => {
                        problems.insert(scope.full_key(field), m);
                    }
                },
            }
        }
        (Some(edit), problems)
    }

    /// Applies the changes and checks them as `config check` would.
    fn validate(&mut self) {
        self.general.clear();
        let (edit, mut problems) = self.apply_changes();
        if let Some(edit) = &edit {
            let owner_only = super::secrets::owner_only_path(&self.path);
            match Config::from_text(&self.path, edit.text(), owner_only) {
                Ok(c) => self.config = c,
                Err(crate::error::Error::Config(errors)) => {
                    for e in errors {
                        let shown = self
                            .scopes
                            .iter()
                            .any(|s| s.fields().iter().any(|f| s.full_key(f) == e.key));
                        if shown {
                            problems.entry(e.key.clone()).or_insert(e.message);
                        } else {
                            self.general.push(e.to_string());
                        }
                    }
                }
                Err(e) => self.general.push(e.to_string()),
            }
        }
        self.problems = problems;
        self.working = edit;
    }

    /// What `scope`'s fields inherit, read once for a view.
    pub fn inheritance(&self, scope: &Scope) -> Inheritance {
        Inheritance {
            repo: match scope {
                Scope::Repo(r) => self.config.repo(r).ok(),
                _ => None,
            },
            defaults: super::defaults_table(),
        }
    }

    /// What `field` of `scope` shows: its own value (or the change typed), else
    /// what it inherits, and from where.
    pub fn shown(&self, scope: &Scope, field: &FieldDef, inh: &Inheritance) -> Shown {
        let typed = self.changes.get(&(scope.id(), field.key));
        let base = scope.base();
        let (table, last) = field.split(&base);
        let own = self
            .working
            .as_ref()
            .and_then(|e| e.get_item(&table, last))
            .map(|i| fields::display(field.kind, i));
        let inherited = self.inherited(scope, field, inh);
        let (value, own, from) = match (typed, own) {
            (Some(Change::Set(t)), _) => (t.clone(), true, crate::t!("settings-changed")),
            (_, Some(v)) => {
                let from = match inherited {
                    Some((_, from)) if field.kind == Kind::List => {
                        crate::t!("settings-added-to", from = from)
                    }
                    _ => crate::t!("settings-set-here"),
                };
                (v, true, from)
            }
            (_, None) => match inherited {
                Some((v, from)) => (v, false, crate::t!("settings-inherited", from = from)),
                None => (String::new(), false, crate::t!("settings-not-set")),
            },
        };
        Shown { value, own, from }
    }

    /// The value a group or the defaults give `field` in `scope`, and which.
    fn inherited(
        &self,
        scope: &Scope,
        field: &FieldDef,
        inh: &Inheritance,
    ) -> Option<(String, String)> {
        let (table, from): (&toml::Table, String) = match scope {
            Scope::Machine => return None,
            Scope::Group(_) => (&inh.defaults, crate::t!("settings-from-defaults")),
            Scope::Repo(_) => {
                let rc = inh.repo.as_ref()?;
                let layers = rc.origins.get(field.key)?;
                let from = layers.iter().rev().find(|l| **l != Layer::Own)?;
                let name = match from {
                    Layer::Group(g) => crate::t!("settings-from-group", name = g.as_str()),
                    _ => crate::t!("settings-from-defaults"),
                };
                // the inherited part alone: the group's (or default) value
                let source = match from {
                    Layer::Group(g) => {
                        let base = ["groups", g.as_str()];
                        let (t, last) = field.split(&base);
                        return self
                            .working
                            .as_ref()
                            .and_then(|e| e.get_item(&t, last))
                            .map(|i| (fields::display(field.kind, i), name));
                    }
                    _ => &inh.defaults,
                };
                (source, name)
            }
        };
        let mut parts = field.key.split('.');
        let mut value = table.get(parts.next()?)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        let item: toml_edit::Item = value.to_string().parse::<toml_edit::Value>().ok()?.into();
        Some((fields::display(field.kind, &item), from))
    }
}
