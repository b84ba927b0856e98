//! Alerts: when a machine becomes failed, overdue or missing (or comes back to ok
//! from one of those: `recovered`), the administrators hear it by webhook and
//! e-mail, through `npbackup_core::monitor`'s senders. States are looked at every
//! `every-seconds`; the state last alerted is kept in the store, so a restart does
//! not repeat an alert, and two servers on one store send each alert once (the
//! first to record the change sends it).
//!
//! ```toml
//! [alerts]
//! on = ["failed", "overdue", "missing", "recovered"]   # the default
//! every-seconds = 60
//!
//! [[alerts.webhooks]]          # as a repository's webhooks: url, method, events, retries, timeout
//! url = "https://hooks.example.org/backups"
//!
//! [alerts.email]
//! to = ["ops@example.org"]
//! [alerts.email.smtp]          # as a repository's e-mail settings
//! smtp-server = "mail.example.org"
//! from = "Backups <backups@example.org>"
//! username = "backups"
//! password-file = "/etc/npbackup-server/smtp-password"
//! ```

use std::{sync::Arc, time::Duration};

use npbackup_core::{
    config::schema::{EmailSettings, WebhookSettings},
    monitor::{email::Email, webhook::Webhook},
};
use serde::{Deserialize, Serialize};

use crate::{
    api::Server,
    fleet,
    views::{MachineState, MachineView, when},
};

/// What an alert can be about.
pub const EVENTS: [&str; 4] = ["failed", "overdue", "missing", "recovered"];

/// `[alerts]` of `server.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AlertSettings {
    /// Which changes alert (default: all of [`EVENTS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Vec<String>>,
    /// How often states are looked at (default 60 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<AlertEmail>,
}

impl AlertSettings {
    /// Nothing set (not written into a new server.toml).
    pub fn is_empty(&self) -> bool {
        self.on.is_none()
            && self.every_seconds.is_none()
            && self.webhooks.is_empty()
            && self.email.is_none()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AlertEmail {
    pub to: Vec<String>,
    pub smtp: EmailSettings,
}

/// The alerts, resolved (the SMTP password read): what `serve` sends with.
#[derive(Debug, Clone)]
pub struct Alerts {
    on: Vec<String>,
    pub every: Duration,
    webhooks: Vec<Webhook>,
    email: Option<(Email, Vec<String>)>,
}

impl Alerts {
    /// `None` when nothing is to be sent anywhere; an error names the setting.
    pub fn resolve(s: &AlertSettings) -> Result<Option<Alerts>, String> {
        let on =
            s.on.clone()
                .unwrap_or_else(|| EVENTS.map(String::from).to_vec());
        if let Some(bad) = on.iter().find(|e| !EVENTS.contains(&e.as_str())) {
            return Err(format!(
                "alerts.on: '{bad}' is not one of {}",
                EVENTS.join(", ")
            ));
        }
        let webhooks = s
            .webhooks
            .iter()
            .map(|w| {
                Webhook::resolve(w.clone(), &EVENTS).map_err(|e| format!("alerts.webhooks: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let email = match &s.email {
            Some(e) => {
                if e.to.is_empty() {
                    return Err("alerts.email.to names nobody".into());
                }
                let mail = Email::resolve(&e.smtp, Duration::from_secs(30))
                    .map_err(|e| format!("alerts.email.smtp: {e}"))?
                    .ok_or("alerts.email.smtp has no smtp-server")?;
                Some((mail, e.to.clone()))
            }
            None => None,
        };
        if webhooks.is_empty() && email.is_none() {
            return Ok(None);
        }
        Ok(Some(Alerts {
            on,
            every: Duration::from_secs(s.every_seconds.unwrap_or(60).max(5)),
            webhooks,
            email,
        }))
    }
}

/// The alert a change of state is, if any: entering failed, overdue or missing,
/// or `recovered` when back to ok from one of them. Revoking is the
/// administrator's own doing and alerts nobody.
pub fn event_of(previous: &str, now: MachineState) -> Option<&'static str> {
    let bad = |s: &str| matches!(s, "failed" | "overdue" | "missing");
    match now {
        MachineState::Failed | MachineState::Overdue | MachineState::Missing
            if previous != now.name() =>
        {
            Some(now.name())
        }
        MachineState::Ok if bad(previous) => Some("recovered"),
        _ => None,
    }
}

/// What the webhook receives.
pub fn payload(event: &str, previous: &str, m: &MachineView) -> serde_json::Value {
    serde_json::json!({
        "event": format!("machine-{event}"),
        "product": npbackup_common::customization::PRODUCT_NAME,
        "time": jiff::Timestamp::now().to_string(),
        "machine": m.id,
        "hostname": m.hostname,
        "group": m.group,
        "state": m.state.name(),
        "previous_state": previous,
        "last_backup": m.last_backup,
        "last_checkin": m.last_checkin,
        "last_size": m.last_size,
        "version": m.version,
    })
}

/// The mail's subject and body.
pub fn mail(event: &str, m: &MachineView) -> (String, String) {
    let product = npbackup_common::customization::PRODUCT_NAME;
    let what = match event {
        "failed" => "its last backup failed",
        "overdue" => "its last successful backup is too old",
        "missing" => "it has not checked in for twice its interval",
        _ => "it is backing up again",
    };
    let subject = format!("[{product}] {} ({}): {event}", m.hostname, m.group);
    let body = format!(
        "{} ({}, group {}): {what}.\n\nState: {}\nLast successful backup: {}\nLast check-in: {}\nVersion: {}\n\n-- \n{}\n",
        m.hostname,
        m.id,
        m.group,
        m.state.name(),
        when(m.last_backup),
        when(m.last_checkin),
        m.version,
        npbackup_common::customization::VERSION_LINE
    );
    (subject, body)
}

/// One look: records each machine's new state, and alerts what it is
/// responsible for (the changes this server recorded first). Returns the alerts
/// it sent, as (machine, event).
pub async fn look(server: &Server, alerts: &Alerts) -> Result<Vec<(String, String)>, String> {
    let rows = fleet::machines(&server.store)
        .await
        .map_err(|e| e.message)?;
    let now = fleet::now();
    let mut sent = Vec::new();
    for row in &rows {
        let m = MachineView::of(row, now, server.checkin_seconds);
        let previous = row.alerted_state.clone().unwrap_or_default();
        if previous == m.state.name() {
            continue;
        }
        // only the server that records the change sends its alert
        if !fleet::record_alerted_state(&server.store, &m.id, &previous, m.state.name())
            .await
            .map_err(|e| e.message)?
        {
            continue;
        }
        let Some(event) = event_of(&previous, m.state) else {
            continue;
        };
        if !alerts.on.iter().any(|e| e == event) {
            continue;
        }
        let alerts = alerts.clone();
        let body = payload(event, &previous, &m);
        let (subject, text) = mail(event, &m);
        let (id, name) = (m.id.clone(), event.to_string());
        // the senders block (and retry with pauses): off the async threads
        let warnings = tokio::task::spawn_blocking(move || {
            let mut warnings = Vec::new();
            for hook in alerts.webhooks.iter().filter(|h| h.wants_named(&name)) {
                if let Err(w) = npbackup_core::monitor::webhook::send(hook, &body) {
                    warnings.push(w);
                }
            }
            if let Some((mail, to)) = &alerts.email
                && let Err(w) = mail.send(to, &subject, &text)
            {
                warnings.push(w);
            }
            warnings
        })
        .await
        .map_err(|e| e.to_string())?;
        for w in warnings {
            tracing::warn!(machine = id, event, "alert not delivered: {w}");
        }
        tracing::info!(machine = m.id, event, "alerted");
        sent.push((m.id, event.to_string()));
    }
    Ok(sent)
}

/// Sends a test alert to every webhook and recipient (blocking); where it went, or
/// what failed.
pub fn send_test(alerts: &Alerts) -> Result<Vec<String>, String> {
    let product = npbackup_common::customization::PRODUCT_NAME;
    let server = gethostname::gethostname().to_string_lossy().to_string();
    let body = serde_json::json!({
        "event": "test",
        "product": product,
        "time": jiff::Timestamp::now().to_string(),
        "server": server,
        "message": "a test alert from the fleet server",
    });
    let mut sent = Vec::new();
    let mut failed = Vec::new();
    for hook in &alerts.webhooks {
        match npbackup_core::monitor::webhook::send(hook, &body) {
            Ok(()) => sent.push(npbackup_common::secret::mask_uri(&hook.url)),
            Err(e) => failed.push(e),
        }
    }
    if let Some((mail, to)) = &alerts.email {
        let subject = format!("[{product}] fleet server {server}: test alert");
        let text = format!(
            "A test alert from the fleet server on {server}: its alerts reach you.\n\n-- \n{}\n",
            npbackup_common::customization::VERSION_LINE
        );
        match mail.send(to, &subject, &text) {
            Ok(()) => sent.extend(to.iter().cloned()),
            Err(e) => failed.push(e),
        }
    }
    if failed.is_empty() {
        Ok(sent)
    } else {
        Err(failed.join("; "))
    }
}

/// Looks every `alerts.every` until the server stops.
pub async fn watch(server: Arc<Server>, alerts: Alerts) {
    let mut tick = tokio::time::interval(alerts.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = look(&server, &alerts).await {
            tracing::warn!("looking at the machines' states for alerts: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_alert_once_and_recovery_is_told() {
        use MachineState::*;
        assert_eq!(event_of("", Ok), None, "a new machine that is fine");
        assert_eq!(event_of("", Overdue), Some("overdue"));
        assert_eq!(event_of("ok", Failed), Some("failed"));
        assert_eq!(event_of("failed", Failed), None);
        assert_eq!(event_of("failed", Missing), Some("missing"));
        assert_eq!(event_of("missing", Ok), Some("recovered"));
        assert_eq!(event_of("ok", Revoked), None);
        assert_eq!(event_of("revoked", Ok), None);
    }

    #[test]
    fn settings_are_checked_by_name() {
        let s: AlertSettings =
            toml::from_str("on = [\"late\"]\n[[webhooks]]\nurl = \"http://x\"\n").expect("parses");
        let e = Alerts::resolve(&s).unwrap_err();
        assert!(e.contains("'late'") && e.contains("recovered"), "{e}");
        let s: AlertSettings =
            toml::from_str("[[webhooks]]\nurl = \"http://x\"\nevents = [\"backup-failure\"]\n")
                .expect("parses");
        let e = Alerts::resolve(&s).unwrap_err();
        assert!(e.contains("backup-failure"), "{e}");
        let s: AlertSettings =
            toml::from_str("[email]\nto = []\n[email.smtp]\nsmtp-server = \"m\"\n")
                .expect("parses");
        assert!(Alerts::resolve(&s).unwrap_err().contains("names nobody"));
        assert!(
            Alerts::resolve(&AlertSettings::default())
                .expect("nothing is fine")
                .is_none()
        );
    }
}
