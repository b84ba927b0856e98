//! The settings screen: every setting of the configuration, for this computer,
//! each group and each repository, in tabs. A repository's value says whether it
//! is its own or inherited (and from where), with "Reset to inherited". Every
//! change is checked as `config check` would, at once; saving keeps the file's
//! comments and layout and the previous version (`ConfigEdit`). With a manager
//! password set, the screen opens only with it.

use iced::{
    Alignment, Element, Length,
    widget::{
        Space, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
    },
};

use super::theme::{self, Colours, bold};
pub use crate::config::settings::Scope;
use crate::config::{
    Config, Secret,
    fields::{FieldDef, Kind, Tab},
    permissions,
    settings::{Change, Draft, Inheritance},
};
use crate::t;

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
    /// The file with the changes typed so far (shared with the web interface).
    draft: Draft,
    pub scope: Scope,
    pub tab: Tab,
    note: Option<String>,
    /// With a manager password: what was typed, and whether it was wrong.
    locked: Option<(String, bool)>,
}

impl Settings {
    /// The settings of `config` (read from its file), on repository `current` if any.
    pub fn open(config: &Config, current: Option<String>) -> Result<Settings, String> {
        let draft = Draft::open(config)?;
        let scopes = draft.scopes();
        let scope = current
            .map(Scope::Repo)
            .filter(|s| scopes.contains(s))
            .unwrap_or_else(|| scopes.last().cloned().unwrap_or(Scope::Machine));
        Ok(Settings {
            draft,
            scope,
            tab: Tab::Sources,
            note: None,
            locked: config
                .manager_password_hash()
                .map(|_| (String::new(), false)),
        })
    }

    /// Unsaved changes exist.
    pub fn dirty(&self) -> bool {
        self.draft.dirty()
    }

    /// The file changed on disk: take it (when nothing is being edited) or say so.
    pub fn file_changed(&mut self, config: Option<&Config>) {
        match config {
            Some(c) if !self.dirty() => {
                if let Ok(s) = Settings::open(c, self.scope_repo()) {
                    let (scope, tab, locked) = (self.scope.clone(), self.tab, self.locked.clone());
                    *self = s;
                    if self.draft.scopes().contains(&scope) {
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

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::ManagerPassword(p) => {
                if let Some(l) = self.locked.as_mut() {
                    *l = (p, false);
                }
            }
            Message::Unlock => {
                if let (Some((typed, _)), Some(hash)) = (
                    self.locked.clone(),
                    self.draft.config().manager_password_hash(),
                ) {
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
                self.draft.change(&self.scope, key, Change::Set(value));
                self.note = None;
            }
            Message::Reset(key) => {
                self.draft.change(&self.scope, key, Change::Reset);
                self.note = None;
            }
            Message::Discard => {
                // back to the file as it is: its own values, problems and inheritance
                self.draft.discard();
                self.note = None;
            }
            Message::Save => {
                if self.draft.save().is_ok() {
                    self.note = Some(t!(
                        "settings-saved",
                        path = crate::config::edit::backup_path(self.draft.path())
                            .display()
                            .to_string()
                    ));
                    return vec![Event::Saved];
                }
            }
        }
        Vec::new()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let header = row![
            text(t!("settings-title")).size(22).font(bold()),
            Space::new().width(Length::Fill),
            text(self.draft.path().display().to_string()).size(12),
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
                self.draft.scopes().to_vec(),
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
        let inh = self.draft.inheritance(&self.scope);
        for field in shown {
            list = list.push(self.field_row(field, &inh));
        }
        let mut notes = column![].spacing(4);
        for g in self.draft.general() {
            notes = notes.push(
                text(g.clone())
                    .size(13)
                    .style(theme::coloured(Colours::error())),
            );
        }
        if let Some(n) = &self.note {
            notes = notes.push(text(n.clone()).size(13));
        }
        let can_save = self.draft.can_save();
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
        let shown = self.draft.shown(&self.scope, field, inh);
        let (value, own, from) = (shown.value, shown.own, shown.from);
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
        if let Some(p) = self.draft.problem(&self.scope, field) {
            col = col.push(row![
                Space::new().width(Length::Fixed(290.0)),
                text(p.to_string())
                    .size(13)
                    .style(theme::coloured(Colours::error()))
            ]);
        }
        col.into()
    }
}
