//! The settings screen: every setting of the configuration, for this computer,
//! each group and each repository, in tabs. A repository's value says whether it
//! is its own or inherited (and from where), with "Reset to inherited". Every
//! change is checked as `config check` would, at once; saving keeps the file's
//! comments and layout and the previous version (`ConfigEdit`). With a manager
//! password set, the screen opens only with it.

use std::{collections::BTreeMap, path::PathBuf};

use iced::{
    Alignment, Element, Length,
    widget::{
        Space, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
    },
};

use super::theme::{self, Colours, bold};
use crate::config::{
    Config, Layer, Secret,
    edit::ConfigEdit,
    fields::{self, FieldDef, Kind, Tab},
    permissions,
};
use crate::t;

/// Whose settings are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Machine,
    Group(String),
    Repo(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Machine => f.write_str(&t!("settings-scope-machine")),
            Scope::Group(g) => f.write_str(&t!("settings-scope-group", name = g.as_str())),
            Scope::Repo(r) => f.write_str(&t!("settings-scope-repo", name = r.as_str())),
        }
    }
}

impl Scope {
    /// A name that does not depend on the language (changes are kept by it).
    fn id(&self) -> String {
        match self {
            Scope::Machine => "machine".into(),
            Scope::Group(g) => format!("group:{g}"),
            Scope::Repo(r) => format!("repo:{r}"),
        }
    }

    fn base(&self) -> Vec<&str> {
        match self {
            Scope::Machine => Vec::new(),
            Scope::Group(g) => vec!["groups", g.as_str()],
            Scope::Repo(r) => vec!["repos", r.as_str()],
        }
    }

    fn fields(&self) -> &'static [FieldDef] {
        match self {
            Scope::Machine => fields::MACHINE,
            _ => fields::SECTION,
        }
    }

    /// The dotted key of `field` in the file.
    fn full_key(&self, field: &FieldDef) -> String {
        let mut parts = self.base();
        parts.push(field.key);
        parts.join(".")
    }
}

/// The layers a repository or group inherits from, read once for a view.
struct Inheritance {
    /// The repository's effective settings and their origins (repository scope).
    repo: Option<crate::config::RepoConfig>,
    /// The built-in defaults.
    defaults: toml::Table,
}

/// A change not saved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Set(String),
    Reset,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scope(Scope),
    Tab(Tab),
    Edit(&'static str, String),
    Reset(&'static str),
    Save,
    Discard,
    Close,
    ManagerPassword(String),
    Unlock,
}

/// What the screen needs the app to do.
#[derive(Debug, Clone)]
pub enum Event {
    /// The file was saved: read it again.
    Saved,
    Close,
}

pub struct Settings {
    path: PathBuf,
    /// The file as last read or saved.
    original: String,
    config: Config,
    /// The file with the changes applied, as last checked (what the fields show).
    working: Option<ConfigEdit>,
    scopes: Vec<Scope>,
    pub scope: Scope,
    pub tab: Tab,
    changes: BTreeMap<(String, &'static str), Change>,
    /// Full dotted key → what is wrong with it.
    problems: BTreeMap<String, String>,
    /// Problems not tied to a field shown here.
    general: Vec<String>,
    note: Option<String>,
    /// With a manager password: what was typed, and whether it was wrong.
    locked: Option<(String, bool)>,
}

impl Settings {
    /// The settings of `config` (read from its file), on repository `current` if any.
    pub fn open(config: &Config, current: Option<String>) -> Result<Settings, String> {
        let original = std::fs::read_to_string(&config.path)
            .map_err(|e| format!("cannot read {}: {e}", config.path.display()))?;
        let mut scopes = vec![Scope::Machine];
        scopes.extend(config.group_names().into_iter().map(Scope::Group));
        scopes.extend(config.repo_names().into_iter().map(Scope::Repo));
        let scope = current
            .map(Scope::Repo)
            .filter(|s| scopes.contains(s))
            .unwrap_or_else(|| scopes.last().cloned().unwrap_or(Scope::Machine));
        Ok(Settings {
            path: config.path.clone(),
            working: ConfigEdit::from_text(&config.path, &original).ok(),
            original,
            config: config.clone(),
            scopes,
            scope,
            tab: Tab::Sources,
            changes: BTreeMap::new(),
            problems: BTreeMap::new(),
            general: Vec::new(),
            note: None,
            locked: config
                .manager_password_hash()
                .map(|_| (String::new(), false)),
        })
    }

    /// Unsaved changes exist.
    pub fn dirty(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The file changed on disk: take it (when nothing is being edited) or say so.
    pub fn file_changed(&mut self, config: Option<&Config>) {
        match config {
            Some(c) if !self.dirty() => {
                if let Ok(s) = Settings::open(c, self.scope_repo()) {
                    let (scope, tab, locked) = (self.scope.clone(), self.tab, self.locked.clone());
                    *self = s;
                    if self.scopes.contains(&scope) {
                        self.scope = scope;
                    }
                    self.tab = tab;
                    self.locked = locked;
                    self.note = Some(t!("settings-file-changed"));
                }
            }
            _ => self.note = Some(t!("settings-file-changed-dirty")),
        }
    }

    fn scope_repo(&self) -> Option<String> {
        match &self.scope {
            Scope::Repo(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// The file with the changes applied; problems of typed values by full key.
    fn apply_changes(&self) -> (Option<ConfigEdit>, BTreeMap<String, String>) {
        let mut problems = BTreeMap::new();
        let Ok(mut edit) = ConfigEdit::from_text(&self.path, &self.original) else {
            return (None, problems);
        };
        for ((scope_key, key), change) in &self.changes {
            let Some(scope) = self.scopes.iter().find(|s| s.id() == *scope_key) else {
                continue;
            };
            let Some(field) = scope.fields().iter().find(|f| f.key == *key) else {
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
            let owner_only = crate::config::secrets::owner_only_path(&self.path);
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

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::ManagerPassword(p) => {
                if let Some(l) = self.locked.as_mut() {
                    *l = (p, false);
                }
            }
            Message::Unlock => {
                if let (Some((typed, _)), Some(hash)) =
                    (self.locked.clone(), self.config.manager_password_hash())
                {
                    match permissions::verify_manager_password(&hash, &Secret::new(typed)) {
                        Ok(true) => self.locked = None,
                        _ => self.locked = Some((String::new(), true)),
                    }
                }
            }
            Message::Close => return vec![Event::Close],
            _ if self.locked.is_some() => {}
            Message::Scope(s) => self.scope = s,
            Message::Tab(t) => self.tab = t,
            Message::Edit(key, value) => {
                self.changes
                    .insert((self.scope.id(), key), Change::Set(value));
                self.note = None;
                self.validate();
            }
            Message::Reset(key) => {
                self.changes.insert((self.scope.id(), key), Change::Reset);
                self.note = None;
                self.validate();
            }
            Message::Discard => {
                self.changes.clear();
                self.note = None;
                // back to the file as it is: its own values, problems and inheritance
                self.validate();
            }
            Message::Save => {
                self.validate();
                if !self.problems.is_empty() || !self.general.is_empty() {
                    return Vec::new();
                }
                let Some(edit) = self.working.clone() else {
                    return Vec::new();
                };
                match edit.save() {
                    Ok(c) => {
                        self.original = edit.text();
                        self.config = c;
                        self.changes.clear();
                        self.note = Some(t!(
                            "settings-saved",
                            path = crate::config::edit::backup_path(&self.path)
                                .display()
                                .to_string()
                        ));
                        return vec![Event::Saved];
                    }
                    Err(e) => self.general = vec![e.to_string()],
                }
            }
        }
        Vec::new()
    }

    /// What the field list reads from inherited layers, read once per view.
    fn inheritance(&self) -> Inheritance {
        Inheritance {
            repo: match &self.scope {
                Scope::Repo(r) => self.config.repo(r).ok(),
                _ => None,
            },
            defaults: crate::config::defaults_table(),
        }
    }

    /// The value `field` has in the current scope: (shown text, own, where it comes from).
    fn value_of(&self, field: &FieldDef, inh: &Inheritance) -> (String, bool, String) {
        let typed = self.changes.get(&(self.scope.id(), field.key));
        let base = self.scope.base();
        let (table, last) = field.split(&base);
        let own = self
            .working
            .as_ref()
            .and_then(|e| e.get_item(&table, last))
            .map(|i| fields::display(field.kind, i));
        let inherited = self.inherited(field, inh);
        match (typed, own) {
            (Some(Change::Set(t)), _) => (t.clone(), true, t!("settings-changed")),
            (_, Some(v)) => {
                let from = match inherited {
                    Some((_, from)) if field.kind == Kind::List => {
                        t!("settings-added-to", from = from)
                    }
                    _ => t!("settings-set-here"),
                };
                (v, true, from)
            }
            (_, None) => match inherited {
                Some((v, from)) => (v, false, t!("settings-inherited", from = from)),
                None => (String::new(), false, t!("settings-not-set")),
            },
        }
    }

    /// The value a group or the defaults give `field` here, and which.
    fn inherited(&self, field: &FieldDef, inh: &Inheritance) -> Option<(String, String)> {
        let (table, from): (&toml::Table, String) = match &self.scope {
            Scope::Machine => return None,
            Scope::Group(_) => (&inh.defaults, t!("settings-from-defaults")),
            Scope::Repo(_) => {
                let rc = inh.repo.as_ref()?;
                let layers = rc.origins.get(field.key)?;
                let from = layers.iter().rev().find(|l| **l != Layer::Own)?;
                let name = match from {
                    Layer::Group(g) => t!("settings-from-group", name = g.as_str()),
                    _ => t!("settings-from-defaults"),
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

    pub fn view(&self) -> Element<'_, Message> {
        let header = row![
            text(t!("settings-title")).size(22).font(bold()),
            Space::new().width(Length::Fill),
            text(self.path.display().to_string()).size(12),
        ]
        .spacing(12)
        .align_y(Alignment::Center);
        if let Some((typed, wrong)) = &self.locked {
            let body = column![
                header,
                text(t!("settings-locked")).size(15),
                row![
                    text_input(&t!("settings-manager-password"), typed)
                        .id("manager-password")
                        .on_input(Message::ManagerPassword)
                        .on_submit(Message::Unlock)
                        .secure(true)
                        .size(14)
                        .padding(6),
                    button(text(t!("settings-unlock")).size(14)).on_press(Message::Unlock),
                    button(text(t!("close")).size(14))
                        .on_press(Message::Close)
                        .style(theme::secondary),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
                if *wrong {
                    Element::from(
                        text(t!("settings-wrong-manager"))
                            .size(14)
                            .style(theme::coloured(Colours::error())),
                    )
                } else {
                    Space::new().height(0).into()
                },
            ]
            .spacing(14);
            return container(body).padding(20).into();
        }
        let scopes = row![
            text(t!("settings-of")).size(14),
            pick_list(
                self.scopes.clone(),
                Some(self.scope.clone()),
                Message::Scope
            )
            .text_size(14),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let tabs = row(Tab::ALL.iter().map(|t| {
            let b = button(text(t.label()).size(13)).on_press(Message::Tab(*t));
            if *t == self.tab {
                b.style(button::primary).into()
            } else {
                b.style(theme::secondary).into()
            }
        }))
        .spacing(6);
        // room on the right for the scroll bar
        let mut list = column![].spacing(10).padding(iced::Padding {
            right: 18.0,
            ..iced::Padding::ZERO
        });
        let shown: Vec<&FieldDef> = self
            .scope
            .fields()
            .iter()
            .filter(|f| f.tab == self.tab)
            .collect();
        if shown.is_empty() {
            list = list.push(text(t!("settings-choose-scope")).size(14));
        }
        let inh = self.inheritance();
        for field in shown {
            list = list.push(self.field_row(field, &inh));
        }
        let mut notes = column![].spacing(4);
        for g in &self.general {
            notes = notes.push(
                text(g.clone())
                    .size(13)
                    .style(theme::coloured(Colours::error())),
            );
        }
        if let Some(n) = &self.note {
            notes = notes.push(text(n.clone()).size(13));
        }
        let can_save = self.dirty() && self.problems.is_empty() && self.general.is_empty();
        let footer = row![
            button(text(t!("close")).size(14))
                .on_press(Message::Close)
                .style(theme::secondary),
            Space::new().width(Length::Fill),
            button(text(t!("settings-discard")).size(14))
                .on_press_maybe(self.dirty().then_some(Message::Discard))
                .style(theme::secondary),
            button(text(t!("settings-save")).size(15).font(bold()))
                .on_press_maybe(can_save.then_some(Message::Save))
                .padding([8, 18])
                .style(button::primary),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        container(
            column![
                header,
                scopes,
                tabs,
                scrollable(list).height(Length::Fill),
                notes,
                footer
            ]
            .spacing(12),
        )
        .padding(20)
        .into()
    }

    fn field_row<'a>(
        &'a self,
        field: &'static FieldDef,
        inh: &Inheritance,
    ) -> Element<'a, Message> {
        let (value, own, from) = self.value_of(field, inh);
        let key = field.key;
        let input: Element<'_, Message> = match field.kind {
            Kind::Bool => checkbox(value == "true")
                .on_toggle(move |on| Message::Edit(key, on.to_string()))
                .into(),
            Kind::Choice(words) => pick_list(
                words.to_vec(),
                words.iter().find(|w| **w == value).copied(),
                move |w: &str| Message::Edit(key, w.to_string()),
            )
            .placeholder(t!("settings-not-set-choice"))
            .text_size(14)
            .into(),
            Kind::Secret => text(if own {
                value.clone()
            } else {
                t!("settings-none")
            })
            .size(14)
            .into(),
            _ => text_input(
                if own { "" } else { value.as_str() },
                if own { &value } else { "" },
            )
            .id(key)
            .on_input(move |v| Message::Edit(key, v))
            .size(14)
            .padding(5)
            .into(),
        };
        let mut status = row![text(from).size(12)]
            .spacing(8)
            .align_y(Alignment::Center);
        if own && field.kind != Kind::Secret {
            status = status.push(
                button(
                    text(match self.scope {
                        Scope::Repo(_) | Scope::Group(_) => t!("settings-reset"),
                        Scope::Machine => t!("settings-remove"),
                    })
                    .size(12),
                )
                .on_press(Message::Reset(key))
                .padding([2, 8])
                .style(theme::secondary),
            );
        }
        let mut col = column![
            row![
                text(field.text()).size(14).width(Length::Fixed(280.0)),
                container(input).width(Length::Fill),
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            row![Space::new().width(Length::Fixed(290.0)), status],
        ]
        .spacing(2);
        if let Some(p) = self.problems.get(&self.scope.full_key(field)) {
            col = col.push(row![
                Space::new().width(Length::Fixed(290.0)),
                text(p.clone())
                    .size(13)
                    .style(theme::coloured(Colours::error()))
            ]);
        }
        col.into()
    }
}
