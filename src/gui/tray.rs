//! The tray icon (StatusNotifierItem over D-Bus, through tray-icon's `ksni`
//! backend: no GTK). Its icon tells the state at a glance (ok, running, warning,
//! error), its tooltip the last backup, and its menu offers "Back up now" (per
//! repository, or all), "Open", the last result and "Quit". Menu clicks arrive
//! on a D-Bus thread and reach the app through `external`.
//!
//! Without a session bus there is no tray: the app runs with its window alone
//! and says so once in the log. Without a tray host (a StatusNotifierWatcher) the
//! icon is registered anyway and appears when a host starts; the log says that too.

use crate::t;
use std::collections::HashMap;

use tray_icon::{
    Icon, TrayIcon, TrayIconBuilder, TrayIconEvent,
    menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu},
};

use super::{
    external::{self, External},
    icon::{self, Sign},
};
use crate::customization::PRODUCT_NAME;

const OPEN: &str = "open";
const QUIT: &str = "quit";
const BACKUP_ALL: &str = "backup-all";
const BACKUP_PREFIX: &str = "backup:";
const PAUSE_HOUR: &str = "pause-1h";
const PAUSE_TOMORROW: &str = "pause-tomorrow";
const RESUME: &str = "resume";

/// The tray icon and the menu items that change.
pub struct Tray {
    icon: TrayIcon,
    last: MenuItem,
    sign: Sign,
    icons: HashMap<Sign, Icon>,
}

impl Tray {
    /// Puts the icon in the tray, or returns `None` (logged) when there is no tray.
    pub fn start(repos: &[String]) -> Option<Tray> {
        match Self::build(repos) {
            Ok(tray) => {
                if !watcher_present() {
                    tracing::info!(
                        "no tray host (StatusNotifierWatcher) is running on this desktop: the tray icon will appear when one starts; the window works without it"
                    );
                }
                Some(tray)
            }
            Err(e) => {
                tracing::info!(
                    "no tray is available ({e}); {PRODUCT_NAME} runs with its window only"
                );
                None
            }
        }
    }

    fn build(repos: &[String]) -> Result<Tray, String> {
        let menu = Menu::new();
        let last = MenuItem::with_id("last", t!("tray-no-backup-yet"), false, None);
        let err = |e: tray_icon::menu::Error| e.to_string();
        if repos.len() > 1 {
            let sub = Submenu::new(t!("tray-back-up-now"), true);
            for r in repos {
                sub.append(&MenuItem::with_id(
                    format!("{BACKUP_PREFIX}{r}"),
                    r,
                    true,
                    None,
                ))
                .map_err(err)?;
            }
            sub.append(&PredefinedMenuItem::separator()).map_err(err)?;
            sub.append(&MenuItem::with_id(
                BACKUP_ALL,
                t!("tray-all-repositories"),
                true,
                None,
            ))
            .map_err(err)?;
            menu.append(&sub).map_err(err)?;
        } else {
            menu.append(&MenuItem::with_id(
                BACKUP_ALL,
                t!("tray-back-up-now"),
                true,
                None,
            ))
            .map_err(err)?;
        }
        for (id, label) in [
            (PAUSE_HOUR, t!("tray-pause-hour")),
            (PAUSE_TOMORROW, t!("tray-pause-tomorrow")),
            (RESUME, t!("tray-resume")),
        ] {
            menu.append(&MenuItem::with_id(id, label, true, None))
                .map_err(err)?;
        }
        menu.append(&MenuItem::with_id(OPEN, t!("tray-open"), true, None))
            .map_err(err)?;
        menu.append(&PredefinedMenuItem::separator()).map_err(err)?;
        menu.append(&last).map_err(err)?;
        menu.append(&PredefinedMenuItem::separator()).map_err(err)?;
        menu.append(&MenuItem::with_id(QUIT, t!("tray-quit"), true, None))
            .map_err(err)?;

        let mut icons = HashMap::new();
        for sign in [
            Sign::Ok,
            Sign::Running,
            Sign::Warning,
            Sign::Error,
            Sign::App,
        ] {
            let img = icon::image(sign);
            let i = Icon::from_rgba(img.rgba, img.size, img.size).map_err(|e| e.to_string())?;
            icons.insert(sign, i);
        }
        let sign = Sign::App;
        let icon = TrayIconBuilder::new()
            .with_id(crate::customization::SHORT_NAME)
            .with_menu(Box::new(menu))
            .with_tooltip(PRODUCT_NAME)
            .with_title(PRODUCT_NAME)
            .with_icon(icons[&sign].clone())
            .build()
            .map_err(|e| e.to_string())?;

        MenuEvent::set_event_handler(Some(|e: MenuEvent| {
            let id = e.id().0.as_str();
            let event = match id {
                OPEN => External::Open,
                QUIT => External::Quit,
                BACKUP_ALL => External::BackUpNow(None),
                PAUSE_HOUR | PAUSE_TOMORROW => {
                    let span = if id == PAUSE_HOUR {
                        "1h"
                    } else {
                        "until-tomorrow"
                    };
                    match crate::schedule::pause_until(span, &jiff::Zoned::now()) {
                        Ok(until) => External::Pause(Some(until)),
                        Err(_) => return,
                    }
                }
                RESUME => External::Pause(None),
                other => match other.strip_prefix(BACKUP_PREFIX) {
                    Some(repo) => External::BackUpNow(Some(repo.to_string())),
                    None => return,
                },
            };
            external::send(event);
        }));
        // a click on the icon itself opens the window
        TrayIconEvent::set_event_handler(Some(|e: TrayIconEvent| {
            if matches!(
                e,
                TrayIconEvent::Click { .. } | TrayIconEvent::DoubleClick { .. }
            ) {
                external::send(External::Open);
            }
        }));
        Ok(Tray {
            icon,
            last,
            sign,
            icons,
        })
    }

    /// Shows `sign`, the tooltip and the last result.
    pub fn show(&mut self, sign: Sign, tooltip: &str, last: &str) {
        if sign != self.sign {
            if let Some(i) = self.icons.get(&sign) {
                let _ = self.icon.set_icon(Some(i.clone()));
            }
            self.sign = sign;
        }
        let _ = self.icon.set_tooltip(Some(tooltip));
        self.last.set_text(last);
    }
}

/// Whether a StatusNotifierWatcher (a tray host) is on the session bus.
fn watcher_present() -> bool {
    external::on_session_bus("org.kde.StatusNotifierWatcher", false)
}
