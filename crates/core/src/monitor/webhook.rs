//! Webhooks: an HTTP request per event a hook asked for — the event as JSON in a
//! POST, or its key facts as query parameters of a GET — retried with a growing
//! pause (1 s, 2 s, 4 s…), each attempt with a time limit. What still fails is a
//! warning.

use std::{collections::BTreeMap, time::Duration};

use serde::{Deserialize, Serialize};

use super::{Event, Report};
use crate::config::schema::WebhookSettings;

/// A webhook, resolved from its settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Webhook {
    pub url: String,
    pub get: bool,
    /// The events it wants (all when empty).
    pub events: Vec<String>,
    pub retries: u32,
    pub timeout: Duration,
}

impl Webhook {
    /// A hook from its settings; its events must be among `known` (the job events
    /// here, the machine states on the fleet server).
    pub fn resolve(w: WebhookSettings, known: &[&str]) -> crate::Result<Webhook> {
        let get = match w.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None | Some("POST") => false,
            Some("GET") => true,
            Some(other) => {
                return Err(crate::Error::Usage(crate::t!(
                    "mon-bad-method",
                    method = other,
                    url = crate::config::secrets::mask_uri(&w.url)
                )));
            }
        };
        let events = w.events.clone().unwrap_or_default();
        if let Some(bad) = events.iter().find(|e| !known.contains(&e.as_str())) {
            return Err(crate::Error::Usage(crate::t!(
                "mon-unknown-event",
                event = bad.as_str(),
                known = known.join(", ")
            )));
        }
        Ok(Webhook {
            url: w.url,
            get,
            events,
            retries: w.retries.unwrap_or(3),
            timeout: w.timeout.map(|t| t.0).unwrap_or(Duration::from_secs(10)),
        })
    }

    /// Whether it asked for an event named `name` (all when it named none).
    pub fn wants_named(&self, name: &str) -> bool {
        self.events.is_empty() || self.events.iter().any(|e| e == name)
    }

    pub fn wants(&self, event: Event) -> bool {
        self.wants_named(event.name())
    }
}

/// The JSON an event is sent as.
pub fn payload(
    event: Event,
    labels: &BTreeMap<String, String>,
    report: &Report,
    message: &str,
) -> serde_json::Value {
    serde_json::json!({
        "event": event.name(),
        "product": crate::customization::PRODUCT_NAME,
        "version": env!("CARGO_PKG_VERSION"),
        "time": jiff::Timestamp::now().to_string(),
        "labels": labels,
        "action": report.action,
        "ok": report.ok,
        "exec_state": report.exec_state() as i32,
        "duration_seconds": report.exec_seconds,
        "summary": report.backup,
        "warnings": report.warnings,
        "message": message,
    })
}

/// Sends `body` to `hook`; returns a warning when every attempt failed.
pub fn send(hook: &Webhook, body: &serde_json::Value) -> Result<(), String> {
    let shown = crate::config::secrets::mask_uri(&hook.url);
    // GET carries the key facts as query parameters, POST the whole event
    let mut query: Vec<(String, String)> = Vec::new();
    if hook.get {
        for key in ["event", "action", "ok", "exec_state", "message"] {
            if let Some(v) = body.get(key) {
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                query.push((key.to_string(), v));
            }
        }
        if let Some(labels) = body.get("labels").and_then(|l| l.as_object()) {
            for (k, v) in labels {
                query.push((k.clone(), v.as_str().unwrap_or_default().to_string()));
            }
        }
    }
    super::http::send(
        hook.timeout,
        hook.retries + 1,
        |n| Duration::from_secs(1 << (n - 1).min(5)),
        |c| {
            if hook.get {
                c.get(&hook.url).query(&query)
            } else {
                c.post(&hook.url).json(body)
            }
        },
    )
    .map_err(|last| {
        crate::t!(
            "mon-webhook-failed",
            url = shown.as_str(),
            n = hook.retries + 1,
            cause = last
        )
    })
}
