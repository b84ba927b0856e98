//! "Managed by my organisation": enrol this machine with the organisation's
//! fleet server (its address and the enrolment token an administrator gave),
//! which provides the configuration, its repository password sealed to this
//! machine, and watches its backups. The same as `npbackup-cli fleet enrol`; the
//! enrolment runs off the window's thread.

use iced::{
    Alignment, Element, Length,
    widget::{Space, button, center, column, container, row, text, text_input},
};

use super::theme::{self, Colours, bold};
use crate::t;

#[derive(Debug, Clone)]
pub enum Message {
    Server(String),
    Token(String),
    Fallback(String),
    Enrol,
    /// The enrolment's outcome: what to say, and whether a configuration came.
    Enrolled(Result<Enrolled, String>),
    Cancel,
}

/// A successful enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub machine: String,
    pub group: String,
    /// The configuration the server provided was applied (else it comes later).
    pub configured: bool,
    /// Why the provided configuration was refused, if it was.
    pub refused: Option<String>,
}

/// What the screen needs the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Enrol at these servers (the first, then the fallback) with the token.
    Enrol {
        servers: Vec<String>,
        token: String,
    },
    /// Enrolled with a configuration: show it.
    Configured,
    Cancel,
}

#[derive(Default)]
pub struct Managed {
    server: String,
    token: String,
    fallback: String,
    busy: bool,
    error: Option<String>,
    /// Enrolled, waiting for the organisation's configuration.
    waiting: Option<Enrolled>,
}

impl Managed {
    pub fn new() -> Managed {
        Managed::default()
    }

    fn ready(&self) -> bool {
        !self.server.trim().is_empty()
            && !self.token.trim().is_empty()
            && !self.busy
            && self.waiting.is_none()
    }

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::Server(s) => {
                self.server = s;
                self.error = None;
            }
            Message::Token(s) => {
                self.token = s;
                self.error = None;
            }
            Message::Fallback(s) => {
                self.fallback = s;
                self.error = None;
            }
            Message::Enrol if self.ready() => {
                self.busy = true;
                self.error = None;
                let mut servers = vec![self.server.trim().to_string()];
                if !self.fallback.trim().is_empty() {
                    servers.push(self.fallback.trim().to_string());
                }
                return vec![Event::Enrol {
                    servers,
                    token: self.token.trim().to_string(),
                }];
            }
            Message::Enrol => {}
            Message::Enrolled(outcome) => {
                self.busy = false;
                match outcome {
                    Ok(e) if e.configured => {
                        // the token is spent: forget it
                        self.token.clear();
                        return vec![Event::Configured];
                    }
                    Ok(e) => {
                        self.token.clear();
                        self.waiting = Some(e);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            Message::Cancel => return vec![Event::Cancel],
        }
        Vec::new()
    }

    pub fn view(&self) -> Element<'_, Message> {
        let field = |label: String, value: &str, id: &'static str, on: fn(String) -> Message| {
            row![
                text(label).size(14).width(Length::Fixed(230.0)),
                text_input("", value)
                    .id(id)
                    .on_input_maybe((!self.busy && self.waiting.is_none()).then_some(on))
                    .on_submit(Message::Enrol)
                    .secure(id == "managed-token")
                    .size(14)
                    .padding(6),
            ]
            .spacing(10)
            .align_y(Alignment::Center)
        };
        let status: Element<'_, Message> = match (&self.waiting, &self.error) {
            (Some(w), _) => column![
                text(t!(
                    "managed-enrolled",
                    machine = w.machine.as_str(),
                    group = w.group.as_str()
                ))
                .size(14)
                .style(theme::coloured(Colours::ok())),
                text(match &w.refused {
                    Some(why) => t!("managed-config-refused", error = why.as_str()),
                    None => t!("managed-config-later"),
                })
                .size(14),
            ]
            .spacing(6)
            .into(),
            (None, Some(e)) => text(e.clone())
                .size(14)
                .style(theme::coloured(Colours::error()))
                .into(),
            (None, None) if self.busy => text(t!("managed-enrolling")).size(14).into(),
            (None, None) => Space::new().height(0).into(),
        };
        let body = column![
            text(t!("managed-title")).size(22).font(bold()),
            text(t!("managed-intro")).size(14),
            field(
                t!("managed-server"),
                &self.server,
                "managed-server",
                Message::Server
            ),
            field(
                t!("managed-token"),
                &self.token,
                "managed-token",
                Message::Token
            ),
            field(
                t!("managed-fallback"),
                &self.fallback,
                "managed-fallback",
                Message::Fallback
            ),
            status,
            row![
                button(text(t!("cancel")).size(14))
                    .on_press(Message::Cancel)
                    .style(theme::secondary),
                Space::new().width(Length::Fill),
                button(text(t!("managed-enrol")).size(15).font(bold()))
                    .on_press_maybe(self.ready().then_some(Message::Enrol))
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

/// Enrols (blocking: network and keyring) and reports what happened.
pub fn enrol(
    servers: &[String],
    token: &str,
    config_path: Option<std::path::PathBuf>,
) -> Result<Enrolled, String> {
    use npbackup_fleet::client::{Fleet, Synced};
    let dir = npbackup_core::fleet::dir().ok_or_else(|| t!("managed-no-state-folder"))?;
    let config = config_path
        .or_else(npbackup_core::config::user_config_path)
        .ok_or_else(|| t!("managed-no-state-folder"))?;
    let (fleet, synced) =
        Fleet::enrol(&dir, servers, token, &config, None).map_err(|e| e.to_string())?;
    let (configured, refused) = match synced {
        Synced::Applied { .. } => (true, None),
        Synced::UpToDate { version } => (version > 0 && config.exists(), None),
        Synced::Refused { error, .. } => (false, Some(error)),
    };
    Ok(Enrolled {
        machine: fleet.state.machine_id.clone(),
        group: fleet.state.group.clone(),
        configured,
        refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_needs_a_server_and_a_token_and_forgets_the_token_after() {
        let mut m = Managed::new();
        assert!(m.update(Message::Enrol).is_empty(), "nothing to enrol with");
        m.update(Message::Server(" https://fleet.example.org ".into()));
        assert!(m.update(Message::Enrol).is_empty(), "no token yet");
        m.update(Message::Token("abcd.efgh".into()));
        m.update(Message::Fallback("https://backup-fleet.example.org".into()));
        assert_eq!(
            m.update(Message::Enrol),
            [Event::Enrol {
                servers: vec![
                    "https://fleet.example.org".into(),
                    "https://backup-fleet.example.org".into()
                ],
                token: "abcd.efgh".into()
            }]
        );
        assert!(m.update(Message::Enrol).is_empty(), "once at a time");
        m.update(Message::Enrolled(Err("no fleet server answered".into())));
        assert_eq!(m.error.as_deref(), Some("no fleet server answered"));
        assert_eq!(m.update(Message::Enrol).len(), 1, "tried again");
        let e = Enrolled {
            machine: "m-1".into(),
            group: "office".into(),
            configured: false,
            refused: None,
        };
        assert!(m.update(Message::Enrolled(Ok(e))).is_empty());
        assert!(m.token.is_empty(), "a spent token is not kept");
        assert!(m.waiting.is_some());
        assert!(m.update(Message::Enrol).is_empty(), "enrolled already");
        let mut m = Managed::new();
        m.update(Message::Server("https://f".into()));
        m.update(Message::Token("t".into()));
        m.update(Message::Enrol);
        let e = Enrolled {
            machine: "m-2".into(),
            group: "office".into(),
            configured: true,
            refused: None,
        };
        assert_eq!(m.update(Message::Enrolled(Ok(e))), [Event::Configured]);
    }
}
