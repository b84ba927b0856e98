//! How the server judges and shows its machines: each one's state (ok, failed,
//! overdue, missing, revoked), the list as JSON, CSV and text, and the fleet's
//! Prometheus metrics.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::store::MachineRow;

/// A backup older than this is overdue when the machine does not say its own
/// `minimum-backup-age`.
pub const DEFAULT_MINIMUM_BACKUP_AGE: i64 = 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MachineState {
    /// The administrator revoked it: its requests are refused.
    Revoked,
    /// No check-in for twice its interval.
    Missing,
    /// Its last backup failed.
    Failed,
    /// Its last successful backup is older than its minimum backup age.
    Overdue,
    Ok,
}

impl MachineState {
    pub fn name(self) -> &'static str {
        match self {
            MachineState::Revoked => "revoked",
            MachineState::Missing => "missing",
            MachineState::Failed => "failed",
            MachineState::Overdue => "overdue",
            MachineState::Ok => "ok",
        }
    }

    pub const ALL: [MachineState; 5] = [
        MachineState::Ok,
        MachineState::Failed,
        MachineState::Overdue,
        MachineState::Missing,
        MachineState::Revoked,
    ];
}

/// The state of `m` at `now`, for machines told to check in every `interval` s.
pub fn state_of(m: &MachineRow, now: i64, interval: u64) -> MachineState {
    if m.revoked_at.is_some() {
        return MachineState::Revoked;
    }
    let seen = m.last_checkin.unwrap_or(m.enrolled_at);
    if now - seen > 2 * interval as i64 {
        return MachineState::Missing;
    }
    if m.last_state.is_some_and(|s| s >= 2) {
        return MachineState::Failed;
    }
    let age = m.minimum_backup_age.unwrap_or(DEFAULT_MINIMUM_BACKUP_AGE);
    if now - m.last_backup.unwrap_or(m.enrolled_at) > age {
        return MachineState::Overdue;
    }
    MachineState::Ok
}

/// A machine as the administrator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct MachineView {
    pub id: String,
    pub group: String,
    pub hostname: String,
    pub state: MachineState,
    pub os: String,
    pub version: String,
    pub enrolled_at: i64,
    pub last_checkin: Option<i64>,
    pub last_backup: Option<i64>,
    /// Bytes the last backup processed.
    pub last_size: Option<i64>,
    pub free_bytes: Option<i64>,
    pub config_version: i64,
    pub config_error: Option<String>,
    pub revoked_at: Option<i64>,
}

impl MachineView {
    pub fn of(m: &MachineRow, now: i64, interval: u64) -> MachineView {
        MachineView {
            id: m.id.clone(),
            group: m.group.clone(),
            hostname: m.hostname.clone(),
            state: state_of(m, now, interval),
            os: m.os.clone(),
            version: m.version.clone(),
            enrolled_at: m.enrolled_at,
            last_checkin: m.last_checkin,
            last_backup: m.last_backup,
            last_size: m.last_size,
            free_bytes: m.free_bytes,
            config_version: m.config_version,
            config_error: m.config_error.clone(),
            revoked_at: m.revoked_at,
        }
    }

    /// Whether the machine matches a search (id, host name, group or state).
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        q.is_empty()
            || [
                self.id.as_str(),
                self.hostname.as_str(),
                self.group.as_str(),
                self.state.name(),
            ]
            .iter()
            .any(|f| f.to_lowercase().contains(&q))
    }
}

/// A Unix time as RFC 3339, or "never".
pub fn when(t: Option<i64>) -> String {
    t.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| t.to_string())
        .unwrap_or_else(|| "never".into())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The machines as CSV (RFC 4180), one line each, a header first.
pub fn csv(machines: &[MachineView]) -> String {
    let mut out = String::from(
        "id,group,hostname,state,os,version,last_checkin,last_backup,last_size_bytes,free_bytes,config_version,config_error\r\n",
    );
    for m in machines {
        let fields = [
            m.id.clone(),
            m.group.clone(),
            m.hostname.clone(),
            m.state.name().to_string(),
            m.os.clone(),
            m.version.clone(),
            m.last_checkin
                .map(|_| when(m.last_checkin))
                .unwrap_or_default(),
            m.last_backup
                .map(|_| when(m.last_backup))
                .unwrap_or_default(),
            m.last_size.map(|s| s.to_string()).unwrap_or_default(),
            m.free_bytes.map(|s| s.to_string()).unwrap_or_default(),
            m.config_version.to_string(),
            m.config_error.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The fleet's Prometheus metrics: per machine its state, last backup and
/// check-in; per state how many machines are in it.
pub fn metrics(machines: &[MachineView]) -> String {
    use npbackup_core::monitor::metrics::{Sample, encode};
    let mut samples = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> =
        MachineState::ALL.iter().map(|s| (s.name(), 0)).collect();
    for m in machines {
        *counts.entry(m.state.name()).or_default() += 1;
        let labels: BTreeMap<String, String> = [
            ("machine", m.id.as_str()),
            ("hostname", m.hostname.as_str()),
            ("group", m.group.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for state in MachineState::ALL {
            let mut l = labels.clone();
            l.insert("state".into(), state.name().into());
            samples.push(Sample {
                name: "npbackup_fleet_machine_state",
                help: "1 for the state the machine is in (ok, failed, overdue, missing, revoked)",
                labels: l,
                value: f64::from(u8::from(m.state == state)),
            });
        }
        if let Some(t) = m.last_backup {
            samples.push(Sample {
                name: "npbackup_fleet_last_backup_timestamp_seconds",
                help: "Unix time of the machine's last successful backup",
                labels: labels.clone(),
                value: t as f64,
            });
        }
        if let Some(t) = m.last_checkin {
            samples.push(Sample {
                name: "npbackup_fleet_last_checkin_timestamp_seconds",
                help: "Unix time of the machine's last check-in",
                labels: labels.clone(),
                value: t as f64,
            });
        }
        if let Some(s) = m.last_size {
            samples.push(Sample {
                name: "npbackup_fleet_last_backup_size_bytes",
                help: "Bytes the machine's last backup processed",
                labels,
                value: s as f64,
            });
        }
    }
    for (state, n) in counts {
        samples.push(Sample {
            name: "npbackup_fleet_machines",
            help: "How many machines are in each state",
            labels: BTreeMap::from([("state".to_string(), state.to_string())]),
            value: n as f64,
        });
    }
    encode(&samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> MachineRow {
        MachineRow {
            id: "m-1".into(),
            group: "office".into(),
            hostname: "pc1".into(),
            os: "linux".into(),
            version: "0.1.0".into(),
            sign_key: String::new(),
            box_key: String::new(),
            enrolled_at: 1_000,
            revoked_at: None,
            last_checkin: Some(10_000),
            free_bytes: None,
            config_version: 1,
            config_error: None,
            override_config: None,
            override_version: 0,
            minimum_backup_age: Some(3_600),
            last_backup: Some(9_000),
            last_report_at: Some(9_000),
            last_state: Some(0),
            last_size: Some(5),
            alerted_state: None,
        }
    }

    #[test]
    fn a_machine_is_judged_by_its_check_ins_and_backups() {
        let m = machine();
        assert_eq!(state_of(&m, 10_100, 300), MachineState::Ok);
        // no check-in for twice the interval
        assert_eq!(state_of(&m, 10_601, 300), MachineState::Missing);
        // the last backup is older than its minimum age
        assert_eq!(
            state_of(
                &MachineRow {
                    last_checkin: Some(12_700),
                    ..m.clone()
                },
                12_700,
                300
            ),
            MachineState::Overdue
        );
        assert_eq!(
            state_of(
                &MachineRow {
                    last_state: Some(2),
                    ..m.clone()
                },
                10_100,
                300
            ),
            MachineState::Failed
        );
        assert_eq!(
            state_of(
                &MachineRow {
                    revoked_at: Some(1),
                    ..m.clone()
                },
                10_100,
                300
            ),
            MachineState::Revoked
        );
        // never backed up: overdue once its minimum age has passed since enrolment
        let new = MachineRow {
            last_backup: None,
            last_state: None,
            enrolled_at: 10_000,
            ..m
        };
        assert_eq!(state_of(&new, 10_100, 300), MachineState::Ok);
        assert_eq!(
            state_of(
                &MachineRow {
                    last_checkin: Some(14_000),
                    ..new
                },
                14_000,
                300
            ),
            MachineState::Overdue
        );
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut v = MachineView::of(&machine(), 10_100, 300);
        v.hostname = "pc, \"one\"".into();
        let text = csv(&[v]);
        assert!(text.contains("\"pc, \"\"one\"\"\""), "{text}");
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn metrics_say_each_machines_state() {
        let text = metrics(&[MachineView::of(&machine(), 10_100, 300)]);
        assert!(
            text.contains(r#"npbackup_fleet_machine_state{group="office",hostname="pc1",machine="m-1",state="ok"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"npbackup_fleet_machines{state="ok"} 1"#));
        assert!(text.contains(r#"npbackup_fleet_machines{state="missing"} 0"#));
    }
}
