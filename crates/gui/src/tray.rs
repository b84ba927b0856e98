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
    dashboard::{Dashboard, Outcome},
    external::{self, External},
    icon::{self, Sign},
};
use crate::{customization::PRODUCT_NAME, jobs::status::RepoState};

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

/// The tray's sign, tooltip and "last result" line.
pub fn summary(d: &Dashboard) -> (Sign, String, String) {
    let running = d.repos.iter().any(|r| r.job.is_some());
    let failed = d.repos.iter().any(|r| {
        matches!(r.state, RepoState::Unavailable(_))
            || r.last
                .as_ref()
                .is_some_and(|l| l.outcome == Outcome::Failed)
    });
    let attention = d.repos.iter().any(|r| r.state.needs_attention());
    let all_ok = !d.repos.is_empty()
        && d.repos
            .iter()
            .all(|r| matches!(r.state, RepoState::UpToDate { .. }));
    let sign = if running {
        Sign::Running
    } else if failed {
        Sign::Error
    } else if attention {
        Sign::Warning
    } else if all_ok {
        Sign::Ok
    } else {
        Sign::App
    };
    let mut tooltip = vec![PRODUCT_NAME.to_string()];
    for r in &d.repos {
        let state = match (&r.job, &r.state) {
            (Some(j), _) => t!("doing-ellipsis", doing = j.action.doing().to_lowercase()),
            (None, RepoState::UpToDate { last }) | (None, RepoState::TooOld { last, .. }) => {
                t!(
                    "tooltip-backed-up",
                    ago = crate::humanize::ago(*last, d.now)
                )
            }
            (None, RepoState::Never) => t!("tooltip-never"),
            (None, RepoState::Unavailable(p)) => p.headline().to_lowercase(),
            (None, RepoState::Unknown) => t!("tooltip-checking"),
        };
        tooltip.push(format!("{}: {state}", r.name));
    }
    let last = d
        .repos
        .iter()
        .filter_map(|r| r.last.as_ref().map(|l| (r, l)))
        .max_by_key(|(_, l)| l.at)
        .map(|(r, l)| {
            t!(
                "tooltip-last",
                repo = r.name.as_str(),
                headline = l.headline.as_str(),
                ago = crate::humanize::ago(l.at, d.now)
            )
        })
        .unwrap_or_else(|| t!("no-job-yet"));
    (sign, tooltip.join("\n"), last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::status::{Problem, ProblemKind};
    use jiff::Timestamp;

    use super::super::dashboard::{Action, RepoPanel};

    fn panel(name: &str, state: RepoState) -> RepoPanel {
        let mut p = RepoPanel::new(name.into(), "me".into(), None);
        p.state = state;
        p
    }

    #[test]
    fn the_tray_shows_the_most_urgent_state() {
        let now: Timestamp = "2026-01-10T12:00:00Z".parse().unwrap();
        let recent = RepoState::UpToDate {
            last: "2026-01-10T09:00:00Z".parse().unwrap(),
        };
        let mut d = Dashboard::new(
            vec![panel("docs", recent.clone()), panel("photos", recent)],
            now,
        );
        let (sign, tooltip, last) = summary(&d);
        assert_eq!(sign, Sign::Ok);
        assert!(tooltip.contains("docs: backed up 3 hours ago"), "{tooltip}");
        assert_eq!(last, "No job has run yet");

        d.repos[1].state = RepoState::Never;
        assert_eq!(summary(&d).0, Sign::Warning);
        assert!(summary(&d).1.contains("photos: never backed up"));

        d.repos[1].state = RepoState::Unavailable(Problem {
            kind: ProblemKind::Unreachable,
            detail: "connection refused".into(),
        });
        assert_eq!(summary(&d).0, Sign::Error);

        d.job_started("docs", 7, Action::Backup);
        let (sign, tooltip, _) = summary(&d);
        assert_eq!(sign, Sign::Running, "a running job shows first");
        assert!(tooltip.contains("docs: backing up…"), "{tooltip}");
    }
}
