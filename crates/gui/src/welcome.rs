//! The first screen when there is nothing to show yet: no configuration (offer the
//! embedded default, the setup wizard, a repository read-only, or enrolment with
//! the organisation's fleet server), or a
//! configuration with errors (shown, with Reload).

use iced::{
    Element, Font, Length,
    widget::{Space, button, center, column, container, row, scrollable, text},
};

use super::theme::{self, Colours, bold};
use crate::t;

/// Why there is nothing to show yet.
#[derive(Debug, Clone)]
pub enum Setup {
    /// No configuration file: offer the embedded default.
    NoConfig {
        config: String,
        repository: String,
        paths: Vec<String>,
    },
    /// The configuration file has errors (each "FILE:LINE: key: message").
    Invalid { errors: String },
}

/// The welcome screen.
#[derive(Debug, Clone)]
pub struct Welcome(pub Setup);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// Write the default configuration and create its repository.
    SetUp,
    /// Open the setup wizard.
    Wizard,
    /// Open a repository read-only, without a configuration.
    Viewer,
    /// Enrol with the organisation's fleet server.
    Managed,
    /// Read the configuration again.
    Reload,
    Quit,
}

/// Each message asks the app for something (this screen holds no state of its own).
impl Welcome {
    pub fn view(&self) -> Element<'_, Message> {
        let body: Element<'_, Message> = match &self.0 {
            Setup::NoConfig {
                config,
                repository,
                paths,
            } => column![
                text(t!("welcome-title"))
                    .size(24)
                    .font(bold())
                    .style(theme::coloured(Colours::primary())),
                text(t!("welcome-no-config")).size(15),
                text(t!("welcome-back-up", paths = paths.join(", "))).size(14),
                text(t!("welcome-into", repository = repository.as_str())).size(14),
                text(t!("welcome-password", config = config.as_str())).size(14),
                text(t!("welcome-keep-password")).size(14),
                text(t!("welcome-or-choose")).size(14),
                row![
                    Space::new().width(Length::Fill),
                    button(text(t!("welcome-quit")).size(14))
                        .on_press(Message::Quit)
                        .style(theme::secondary),
                    button(text(t!("welcome-open-repository")).size(14))
                        .on_press(Message::Viewer)
                        .padding([8, 14])
                        .style(theme::secondary),
                    button(text(t!("welcome-step-by-step")).size(14))
                        .on_press(Message::Wizard)
                        .padding([8, 14])
                        .style(theme::secondary),
                    button(text(t!("welcome-defaults")).size(15).font(bold()))
                        .on_press(Message::SetUp)
                        .padding([8, 18])
                        .style(button::primary),
                ]
                .spacing(10),
                // a machine set up by its organisation's fleet server
                row![
                    text(t!("welcome-managed-hint")).size(14),
                    Space::new().width(Length::Fill),
                    button(text(t!("welcome-managed")).size(14))
                        .on_press(Message::Managed)
                        .padding([8, 14])
                        .style(theme::secondary),
                ]
                .spacing(10)
                .align_y(iced::Alignment::Center),
            ]
            .spacing(12)
            .into(),
            Setup::Invalid { errors } => column![
                text(t!("config-unreadable"))
                    .size(22)
                    .font(bold())
                    .style(theme::coloured(Colours::error())),
                text(t!("config-correct")).size(15),
                container(
                    scrollable(text(errors).size(13).font(Font::MONOSPACE)).height(Length::Shrink)
                )
                .padding(10)
                .style(theme::card),
                row![
                    Space::new().width(Length::Fill),
                    button(text(t!("welcome-quit")).size(14))
                        .on_press(Message::Quit)
                        .style(theme::secondary),
                    button(text(t!("reload")).size(14))
                        .on_press(Message::Reload)
                        .style(button::primary),
                ]
                .spacing(10),
            ]
            .spacing(12)
            .into(),
        };
        center(
            container(body)
                .padding(24)
                .max_width(720)
                .style(theme::card),
        )
        .padding(20)
        .into()
    }
}
