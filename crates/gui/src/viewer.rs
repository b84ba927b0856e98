//! Viewer mode: open any repository by its location and password, with no
//! configuration, read-only (list, browse, restore). `npbackup-gui --viewer`, or
//! "Open a repository…" on the welcome screen.

use iced::{
    Alignment, Element, Length,
    widget::{Space, button, center, column, container, row, text, text_input},
};

use super::{
    theme::{self, Colours, bold},
    wizard::destination_form,
};
use crate::t;
use crate::{
    config::{
        Secret,
        setup::{Destination, DestinationKind},
    },
    engine::{Probe, RepoTarget},
};

#[derive(Debug, Clone)]
pub enum Message {
    Kind(DestinationKind),
    Field(&'static str, String),
    Password(String),
    Choose,
    Chosen(Option<std::path::PathBuf>),
    Open,
    Cancel,
}

/// What the viewer needs the app to do.
#[derive(Debug, Clone)]
pub enum Event {
    PickFolder(std::path::PathBuf),
    /// Try the location and password (`on_probe` answers).
    Probe(Box<RepoTarget>),
    /// The repository opens with the password: show it.
    Opened(Box<crate::config::Config>),
    Cancel,
}

pub struct Viewer {
    destination: Destination,
    password: String,
    folder_dialog: bool,
    busy: bool,
    error: Option<String>,
}

impl Viewer {
    pub fn new(folder_dialog: bool) -> Viewer {
        Viewer {
            destination: Destination::new(DestinationKind::Local),
            password: String::new(),
            folder_dialog,
            busy: false,
            error: None,
        }
    }

    fn ready(&self) -> bool {
        self.destination.location().is_ok() && !self.password.is_empty() && !self.busy
    }

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::Kind(k) => {
                if k != self.destination.kind {
                    self.destination = Destination::new(k);
                }
            }
            Message::Field(key, value) => {
                self.destination.values.insert(key, value);
                self.error = None;
            }
            Message::Password(p) => {
                self.password = p;
                self.error = None;
            }
            Message::Choose => {
                let start = directories::UserDirs::new()
                    .map(|d| d.home_dir().to_path_buf())
                    .unwrap_or_else(|| "/".into());
                return vec![Event::PickFolder(start)];
            }
            Message::Chosen(folder) => {
                if let Some(f) = folder {
                    self.destination
                        .values
                        .insert("path", f.display().to_string());
                }
            }
            Message::Open if self.ready() => {
                match self
                    .destination
                    .target("repository", &Secret::new(self.password.clone()))
                {
                    Ok(target) => {
                        self.busy = true;
                        self.error = None;
                        return vec![Event::Probe(Box::new(target))];
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Open => {}
            Message::Cancel => return vec![Event::Cancel],
        }
        Vec::new()
    }

    /// The probe's answer: open the repository, or say why not.
    pub fn on_probe(&mut self, result: Result<Probe, String>) -> Vec<Event> {
        self.busy = false;
        let problem = match result {
            Err(e) => e,
            Ok(p) if !p.exists => t!("viewer-no-repository", location = p.location),
            Ok(p) if p.password_opens != Some(true) => {
                t!("viewer-wrong-password", location = p.location)
            }
            Ok(_) => {
                return match self
                    .destination
                    .viewer_config(&Secret::new(self.password.clone()))
                {
                    Ok(c) => vec![Event::Opened(Box::new(c))],
                    Err(e) => {
                        self.error = Some(e.to_string());
                        Vec::new()
                    }
                };
            }
        };
        self.error = Some(problem);
        Vec::new()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let body = column![
            text(t!("viewer-title")).size(22).font(bold()),
            text(t!("viewer-intro")).size(14),
            destination_form(
                &self.destination,
                Message::Kind,
                Message::Field,
                self.folder_dialog.then_some(Message::Choose),
            ),
            row![
                text(t!("wizard-password"))
                    .size(14)
                    .width(Length::Fixed(230.0)),
                text_input(&t!("viewer-password-placeholder"), &self.password)
                    .id("viewer-password")
                    .on_input(Message::Password)
                    .on_submit(Message::Open)
                    .secure(true)
                    .size(14)
                    .padding(6),
            ]
            .spacing(10)
            .align_y(Alignment::Center),
            match &self.error {
                Some(e) => Element::from(
                    text(e.clone())
                        .size(14)
                        .style(theme::coloured(Colours::error())),
                ),
                None if self.busy => text(t!("viewer-opening")).size(14).into(),
                None => Space::new().height(0).into(),
            },
            row![
                button(text(t!("cancel")).size(14))
                    .on_press(Message::Cancel)
                    .style(theme::secondary),
                Space::new().width(Length::Fill),
                button(text(t!("viewer-open")).size(15).font(bold()))
                    .on_press_maybe(self.ready().then_some(Message::Open))
                    .padding([8, 18])
                    .style(button::primary),
            ]
            .spacing(10),
        ]
        .spacing(14);
        center(
            container(body)
                .padding(24)
                .max_width(820)
                .style(theme::card),
        )
        .padding(20)
        .into()
    }
}
