//! healthchecks.io-style pings: `URL/start` when a job begins, `URL` on success,
//! `URL/fail` on failure, the end of the job's log in the body (the service shows
//! it). Failed pings are retried once; what still fails is a warning.

use std::time::Duration;

fn send(url: &str, body: &str, timeout: Duration) -> Result<(), String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .user_agent(crate::customization::VERSION_LINE)
        .build()
        .map_err(|e| e.to_string())?;
    let shown = crate::config::secrets::mask_uri(url);
    let mut last = String::new();
    for attempt in 0..2 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_secs(1));
        }
        match client.post(url).body(body.to_string()).send() {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) => last = format!("HTTP {}", r.status()),
            Err(e) => last = crate::redact::redact(&e.to_string()),
        }
    }
    Err(format!("the health check ping to {shown} failed: {last}"))
}

fn join(base: &str, suffix: &str) -> String {
    format!("{}{suffix}", base.trim_end_matches('/'))
}

pub fn start(url: &str, timeout: Duration) -> Result<(), String> {
    send(&join(url, "/start"), "", timeout)
}

pub fn success(url: &str, log: &str, timeout: Duration) -> Result<(), String> {
    send(&join(url, ""), log, timeout)
}

pub fn failure(url: &str, log: &str, timeout: Duration) -> Result<(), String> {
    send(&join(url, "/fail"), log, timeout)
}
