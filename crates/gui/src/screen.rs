//! What the window shows: one screen at a time. The app holds one `Screen`; the
//! dashboard's state (the repositories, their jobs and results) lives on beside
//! it, because the tray and the notifications read it whatever is shown.

use super::{
    browser::Browser, managed::Managed, runner::Ticket, settings::Settings, viewer::Viewer,
    welcome::Welcome, wizard::Wizard,
};

pub enum Screen {
    /// Nothing to show yet: no configuration, or one with errors.
    Welcome(Welcome),
    /// The repositories, their state and actions.
    Dashboard,
    /// A snapshot's files, with the browsing session (its job's ticket) that reads them.
    Browser {
        browser: Box<Browser>,
        session: Ticket,
    },
    /// The setup wizard: a first configuration, or one more repository.
    Wizard(Box<Wizard>),
    /// A repository opened by its location and password, without a configuration.
    Viewer(Box<Viewer>),
    /// Every setting of the configuration.
    Settings(Box<Settings>),
    /// Enrolling with the organisation's fleet server.
    Managed(Box<Managed>),
}

impl Screen {
    pub fn browser(&self) -> Option<&Browser> {
        match self {
            Screen::Browser { browser, .. } => Some(browser),
            _ => None,
        }
    }

    pub fn browser_mut(&mut self) -> Option<&mut Browser> {
        match self {
            Screen::Browser { browser, .. } => Some(browser),
            _ => None,
        }
    }

    /// The browser, when it is the one of the session `ticket`.
    pub fn browser_of(&mut self, ticket: Ticket) -> Option<&mut Browser> {
        match self {
            Screen::Browser { browser, session } if *session == ticket => Some(browser),
            _ => None,
        }
    }

    pub fn wizard(&self) -> Option<&Wizard> {
        match self {
            Screen::Wizard(w) => Some(w),
            _ => None,
        }
    }

    pub fn wizard_mut(&mut self) -> Option<&mut Wizard> {
        match self {
            Screen::Wizard(w) => Some(w),
            _ => None,
        }
    }

    pub fn viewer_mut(&mut self) -> Option<&mut Viewer> {
        match self {
            Screen::Viewer(v) => Some(v),
            _ => None,
        }
    }

    pub fn settings(&self) -> Option<&Settings> {
        match self {
            Screen::Settings(s) => Some(s),
            _ => None,
        }
    }

    pub fn settings_mut(&mut self) -> Option<&mut Settings> {
        match self {
            Screen::Settings(s) => Some(s),
            _ => None,
        }
    }
}
