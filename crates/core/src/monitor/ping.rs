//! healthchecks.io-style pings: `URL/start` when a job begins, `URL` on success,
//! `URL/fail` on failure, the end of the job's log in the body (the service shows
//! it). Failed pings are retried once; what still fails is a warning.

use std::time::Duration;

fn send(url: &str, body: &str, timeout: Duration) -> Result<(), String> {
    super::http::send(
        timeout,
        2,
        |_| Duration::from_secs(1),
        |c| c.post(url).body(body.to_string()),
    )
    .map_err(|why| {
        crate::t!(
            "mon-ping-failed",
            url = crate::config::secrets::mask_uri(url),
            cause = why
        )
    })
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
