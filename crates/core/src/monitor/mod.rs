//! Monitoring: what a job tells the people who watch many machines. After a job,
//! its metrics — under the original tool's names, so existing Grafana dashboards
//! keep working — go to a node_exporter textfile and/or push gateways (tried in
//! order); backups and housekeeping ping a healthchecks-style URL when they start
//! and end. Monitoring never fails a job: what goes wrong comes back as warnings
//! for the job's result.
//!
//! This module takes plain data (settings resolved from the config, a `Report`
//! of the job); it does not know jobs, the engine or rustic_core.

pub mod email;
mod http;
pub mod metrics;
pub mod ping;
pub mod push;
pub mod webhook;

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use serde::{Deserialize, Serialize};

use crate::config::{RepoConfig, Secret};

/// Where a repository's jobs report, resolved from its `monitoring` settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Monitoring {
    /// Labels on every metric: instance, group, backup_job, repo_name, tenant, os,
    /// version and the user's own (the action is added per job).
    pub labels: BTreeMap<String, String>,
    pub textfile_dir: Option<PathBuf>,
    pub push_urls: Vec<String>,
    pub push_username: Option<String>,
    /// Travels to the job process through its spec (a pipe), never printed.
    #[serde(default, with = "crate::config::secrets::exposed_opt")]
    pub push_password: Option<Secret>,
    pub push_ca_file: Option<PathBuf>,
    pub push_insecure_tls: bool,
    pub timeout: Duration,
    pub healthchecks_url: Option<String>,
    #[serde(default)]
    pub webhooks: Vec<webhook::Webhook>,
    #[serde(default)]
    pub email: Option<email::Email>,
}

/// What happened, for webhooks and mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    BackupSuccess,
    BackupFailure,
    OperationSuccess,
    OperationFailure,
    BackupTooOld,
}

impl Event {
    pub fn name(self) -> &'static str {
        match self {
            Event::BackupSuccess => "backup-success",
            Event::BackupFailure => "backup-failure",
            Event::OperationSuccess => "operation-success",
            Event::OperationFailure => "operation-failure",
            Event::BackupTooOld => "backup-too-old",
        }
    }

    pub const ALL: [Event; 5] = [
        Event::BackupSuccess,
        Event::BackupFailure,
        Event::OperationSuccess,
        Event::OperationFailure,
        Event::BackupTooOld,
    ];

    /// The event a finished job is.
    pub fn of(report: &Report) -> Event {
        match (report.action == "backup", report.ok && !report.sub_min_size) {
            (true, true) => Event::BackupSuccess,
            (true, false) => Event::BackupFailure,
            (false, true) => Event::OperationSuccess,
            (false, false) => Event::OperationFailure,
        }
    }
}

impl Monitoring {
    /// The settings of `rc`, or `None` when it sends nothing anywhere.
    pub fn from_config(rc: &RepoConfig) -> crate::Result<Option<Monitoring>> {
        let m = &rc.monitoring;
        let push_urls = m.push_urls.clone().unwrap_or_default();
        let timeout = m.timeout.map(|t| t.0).unwrap_or(Duration::from_secs(10));
        let email = match &m.email {
            Some(e) => email::Email::resolve(e, timeout)?,
            None => None,
        };
        let mut webhooks = Vec::new();
        let known = Event::ALL.map(Event::name);
        for w in m.webhooks.clone().unwrap_or_default() {
            webhooks.push(webhook::Webhook::resolve(w, &known)?);
        }
        if m.prometheus_textfile_dir.is_none()
            && push_urls.is_empty()
            && m.healthchecks_url.is_none()
            && webhooks.is_empty()
            && email.is_none()
        {
            return Ok(None);
        }
        let labels = labels(rc);
        let push_password = secret(&m.push_password_env, &m.push_password_file)?;
        Ok(Some(Monitoring {
            labels,
            textfile_dir: m.prometheus_textfile_dir.clone(),
            push_urls,
            push_username: m.push_username.clone(),
            push_password,
            push_ca_file: m.push_ca_file.clone(),
            push_insecure_tls: m.push_insecure_tls.unwrap_or(false),
            timeout,
            healthchecks_url: m.healthchecks_url.clone(),
            webhooks,
            email,
        }))
    }
}

/// A secret of the monitoring settings, from an environment variable (first) or
/// a file; registered for redaction as soon as it is read.
/// The PEM file of a CA a monitoring connection trusts, or why it cannot be read.
pub fn read_ca(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        crate::t!(
            "mon-ca-unreadable",
            path = path.display().to_string(),
            cause = e.to_string()
        )
    })
}

pub fn secret(env: &Option<String>, file: &Option<PathBuf>) -> crate::Result<Option<Secret>> {
    let source = match (env, file) {
        (Some(env), _) => crate::config::PasswordSource::Env(env.clone()),
        (None, Some(file)) => crate::config::PasswordSource::File(file.clone()),
        (None, None) => return Ok(None),
    };
    let secret = source.resolve()?;
    crate::redact::register(secret.expose());
    Ok(Some(secret))
}

/// The labels of every metric of `rc`: instance, backup_job, repo_name, group,
/// tenant, os, arch and audience (as the original names them), version (and
/// npversion, the original's name), and the user's own
/// (the action, and a backup's backup_type, are added per job).
pub fn labels(rc: &RepoConfig) -> BTreeMap<String, String> {
    let m = &rc.monitoring;
    let var = |k: &str| rc.variables.0.get(k).cloned().unwrap_or_default();
    let mut labels = BTreeMap::new();
    labels.insert(
        "instance".to_string(),
        m.instance.clone().unwrap_or_else(|| var("MACHINE_ID")),
    );
    labels.insert(
        "backup_job".to_string(),
        m.backup_job.clone().unwrap_or_else(|| rc.name.clone()),
    );
    labels.insert("repo_name".to_string(), rc.name.clone());
    labels.insert("group".to_string(), rc.group.clone().unwrap_or_default());
    labels.insert("tenant".to_string(), var("TENANT"));
    labels.insert("os".to_string(), std::env::consts::OS.to_string());
    labels.insert("arch".to_string(), arch().to_string());
    labels.insert("audience".to_string(), var("AUDIENCE"));
    labels.insert("version".to_string(), env!("CARGO_PKG_VERSION").to_string());
    // the original tool's name for the version label, read by its dashboards
    labels.insert(
        "npversion".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    );
    for (k, v) in m.labels.clone().unwrap_or_default() {
        labels.insert(k, v);
    }
    labels
}

/// This machine's architecture as the original's `arch` label (and releases) name it.
pub fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "x86",
        "aarch64" => "arm64",
        "arm" => "arm",
        _ => "x64",
    }
}

/// How a job went, as monitoring counts it (the original tool's `npbackup_exec_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecState {
    Ok = 0,
    /// Done, with warnings.
    Warning = 1,
    /// The job failed (or was cancelled).
    Error = 2,
    /// The job could not work at all: no repository, wrong password, unreachable, crashed.
    Critical = 3,
}

/// What a job did, for its metrics and pings.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// "backup", "housekeeping", "check"…
    pub action: String,
    pub ok: bool,
    pub state: Option<ExecState>,
    /// What a backup did, when it made one.
    pub backup: Option<crate::engine::BackupSummary>,
    /// The whole job, seconds.
    pub exec_seconds: f64,
    pub warnings: usize,
    /// The backup processed less than `minimum-backup-size`.
    pub sub_min_size: bool,
    pub heuristics: Heuristics,
    /// Unix time of the last successful backup (this one, or an earlier one).
    pub last_success: Option<i64>,
    /// The end of the job's log, for failure pings.
    pub log_tail: String,
}

/// The storage heuristics' verdicts on a backup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Heuristics {
    pub too_small: bool,
    pub too_large: bool,
    pub too_many_changed_files: bool,
}

impl Report {
    pub fn exec_state(&self) -> ExecState {
        self.state.unwrap_or(match (self.ok, self.warnings) {
            (true, 0) => ExecState::Ok,
            (true, _) => ExecState::Warning,
            (false, _) => ExecState::Error,
        })
    }
}

/// Whether `action` pings healthchecks (jobs that change state, not reads).
pub fn pings(action: &str) -> bool {
    matches!(action, "backup" | "housekeeping")
}

/// When a job starts: the start ping. Returns a warning when it could not be sent.
pub fn job_started(m: &Monitoring, action: &str) -> Vec<String> {
    match (&m.healthchecks_url, pings(action)) {
        (Some(url), true) => ping::start(url, m.timeout).err().into_iter().collect(),
        _ => Vec::new(),
    }
}

/// When a job has ended: metrics to every destination, the end ping. Returns warnings.
pub fn job_finished(m: &Monitoring, report: &Report) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut labels = m.labels.clone();
    labels.insert("action".to_string(), report.action.clone());
    let now = jiff::Timestamp::now().as_second();
    let text = metrics::render(&labels, report, now);
    if let Some(dir) = &m.textfile_dir {
        let name = format!(
            "{}-{}-{}.prom",
            crate::customization::SHORT_NAME,
            push::file_safe(
                labels
                    .get("repo_name")
                    .map(String::as_str)
                    .unwrap_or("repo")
            ),
            push::file_safe(&report.action)
        );
        if let Err(e) = push::write_textfile(&dir.join(name), &text) {
            warnings.push(crate::t!(
                "mon-textfile-failed",
                dir = dir.display().to_string(),
                cause = e.to_string()
            ));
        }
    }
    if !m.push_urls.is_empty() {
        warnings.extend(push::push(m, &labels, &text));
    }
    if let (Some(url), true) = (&m.healthchecks_url, pings(&report.action)) {
        let sent = if report.ok {
            ping::success(url, &report.log_tail, m.timeout)
        } else {
            ping::failure(url, &report.log_tail, m.timeout)
        };
        warnings.extend(sent.err());
    }
    let message = if report.ok {
        String::new()
    } else {
        report
            .log_tail
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    warnings.extend(tell(m, Event::of(report), &labels, report, &message));
    warnings
}

/// Sends `event` to the webhooks and mail recipients that asked for it; returns warnings.
pub fn tell(
    m: &Monitoring,
    event: Event,
    labels: &BTreeMap<String, String>,
    report: &Report,
    message: &str,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let body = webhook::payload(event, labels, report, message);
    for hook in m.webhooks.iter().filter(|h| h.wants(event)) {
        warnings.extend(webhook::send(hook, &body).err());
    }
    if let Some(mail) = &m.email {
        let to = mail.recipients(event);
        if !to.is_empty() {
            let (subject, text) = email::compose(event, labels, report, message);
            warnings.extend(mail.send(to, &subject, &text).err());
        }
    }
    warnings
}
