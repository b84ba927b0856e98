//! The HTTP calls of pings and webhooks: a client with a time limit, and a request
//! tried again after a pause when it fails. (Push gateways do not retry: they fall
//! back to the next gateway instead, see `push`.)

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};

/// A client whose every request gives up after `timeout`.
fn client(timeout: Duration) -> Result<Client, String> {
    Client::builder()
        .timeout(timeout)
        .user_agent(crate::customization::VERSION_LINE)
        .build()
        .map_err(|e| e.to_string())
}

/// Sends the request `build` makes, up to `attempts` times, waiting `pause(n)`
/// before the n-th retry (n from 1); returns why the last attempt failed.
pub fn send(
    timeout: Duration,
    attempts: u32,
    pause: impl Fn(u32) -> Duration,
    build: impl Fn(&Client) -> RequestBuilder,
) -> Result<(), String> {
    let client = client(timeout)?;
    let mut last = String::new();
    for attempt in 0..attempts.max(1) {
        if attempt > 0 {
            std::thread::sleep(pause(attempt));
        }
        match build(&client).send() {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) => last = format!("HTTP {}", r.status()),
            Err(e) => last = crate::redact::redact(&e.to_string()),
        }
    }
    Err(last)
}
