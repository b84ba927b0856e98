//! A job's metrics in the Prometheus text format, under the original tool's names
//! and labels (its Grafana dashboards use them):
//!
//! - backups: `restic_backup_failure`, `restic_files{state=new|changed|unmodified|total}`,
//!   `restic_dirs{state=new|changed|unmodified}` (both also as `restic_repo_files`
//!   and `restic_repo_dirs`, which the original's Grafana dashboard reads), `restic_data_added`,
//!   `restic_data_stored`, `restic_total_bytes_processed` (and the original's
//!   `restic_snasphot_size_bytes{type="processed"}`, spelling included),
//!   `restic_total_duration_seconds`, `restic_errors`,
//!   `npbackup_backup_sub_min_size`, `npbackup_storage_heuristics_too_low|too_high|
//!   too_many_modified_files`;
//! - every job: `npbackup_exec_state` (0 ok, 1 warning, 2 error, 3 critical),
//!   `npbackup_exec_time`, and `npbackup_last_success_timestamp` when known.
//!
//! As in the original, `restic_backup_failure` and the `npbackup_*` metrics carry
//! a `timestamp` label (Unix seconds of the report).

use std::collections::BTreeMap;

use prometheus::{Encoder, GaugeVec, Opts, Registry, TextEncoder};

use super::Report;

/// One sample: `name{labels} value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// The metrics of `report`, with `labels` (and a `timestamp` of `now` where the
/// original tool puts one).
pub fn render(labels: &BTreeMap<String, String>, report: &Report, now: i64) -> String {
    encode(&samples(labels, report, now))
}

/// The samples of one report.
pub fn samples(labels: &BTreeMap<String, String>, report: &Report, now: i64) -> Vec<Sample> {
    // empty label values are left out, as the original does
    let base: BTreeMap<String, String> = labels
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (sanitize(k), v.clone()))
        .collect();
    let mut out = Vec::new();
    let ts = now.to_string();
    let mut push = |name: &'static str, help: &'static str, extra: &[(&str, &str)], value: f64| {
        let mut labels = base.clone();
        for (k, v) in extra {
            labels.insert(k.to_string(), v.to_string());
        }
        out.push(Sample {
            name,
            help,
            labels,
            value,
        });
    };
    let stamp = [("timestamp", ts.as_str())];
    let flag = |b: bool| if b { 1.0 } else { 0.0 };

    if report.action == "backup" {
        push(
            "restic_backup_failure",
            "1 when the backup failed or was too small",
            &stamp,
            flag(!report.ok || report.sub_min_size),
        );
        if let Some(s) = &report.backup {
            let n = |v: u64| v as f64;
            const FILES: &str = "Files of the backup, by state";
            const DIRS: &str = "Folders of the backup, by state";
            // the original's dashboards read both spellings
            for name in ["restic_files", "restic_repo_files"] {
                for (state, value) in [
                    ("new", s.files_new),
                    ("changed", s.files_changed),
                    ("unmodified", s.files_unmodified),
                    ("total", s.total_files_processed),
                ] {
                    push(name, FILES, &[("state", state)], n(value));
                }
            }
            for name in ["restic_dirs", "restic_repo_dirs"] {
                for (state, value) in [
                    ("new", s.dirs_new),
                    ("changed", s.dirs_changed),
                    ("unmodified", s.dirs_unmodified),
                ] {
                    push(name, DIRS, &[("state", state)], n(value));
                }
            }
            push(
                "restic_data_added",
                "Bytes added to the repository",
                &[],
                n(s.data_added),
            );
            push(
                "restic_data_stored",
                "Bytes stored (compressed) in the repository",
                &[],
                n(s.data_added_packed),
            );
            push(
                "restic_total_bytes_processed",
                "Bytes read from the sources",
                &[],
                n(s.total_bytes_processed),
            );
            push(
                "restic_snasphot_size_bytes",
                "Bytes read from the sources (the original tool's name)",
                &[("type", "processed")],
                n(s.total_bytes_processed),
            );
            push(
                "restic_total_duration_seconds",
                "Duration of the backup",
                &[],
                s.duration_seconds,
            );
        }
        push(
            "restic_errors",
            "1 when the backup ended in error",
            &[],
            flag(!report.ok),
        );
        push(
            "npbackup_backup_sub_min_size",
            "1 when the backup processed less than minimum-backup-size",
            &stamp,
            flag(report.sub_min_size),
        );
        let h = report.heuristics;
        const UNLIKE: &str = "1 when the backup is unlike the last ones";
        push(
            "npbackup_storage_heuristics_too_low",
            UNLIKE,
            &stamp,
            flag(h.too_small),
        );
        push(
            "npbackup_storage_heuristics_too_high",
            UNLIKE,
            &stamp,
            flag(h.too_large),
        );
        push(
            "npbackup_storage_heuristics_too_many_modified_files",
            UNLIKE,
            &stamp,
            flag(h.too_many_changed_files),
        );
    }
    push(
        "npbackup_exec_state",
        "0 ok, 1 warning, 2 error, 3 critical",
        &stamp,
        report.exec_state() as i32 as f64,
    );
    push(
        "npbackup_exec_time",
        "Seconds the job took",
        &stamp,
        report.exec_seconds,
    );
    if let Some(t) = report.last_success {
        push(
            "npbackup_last_success_timestamp",
            "Unix time of the last successful backup",
            &[],
            t as f64,
        );
    }
    out
}

/// The Prometheus text of `samples` (of one or many reports): one family per
/// name, its label names the union of its samples' (absent ones empty).
pub fn encode(samples: &[Sample]) -> String {
    let registry = Registry::new();
    let mut names: Vec<&'static str> = samples.iter().map(|s| s.name).collect();
    names.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            continue;
        }
        let family: Vec<&Sample> = samples.iter().filter(|s| s.name == name).collect();
        let keys: std::collections::BTreeSet<&str> = family
            .iter()
            .flat_map(|s| s.labels.keys().map(String::as_str))
            .collect();
        let keys: Vec<&str> = keys.into_iter().collect();
        let Ok(vec) = GaugeVec::new(Opts::new(name, family[0].help), &keys) else {
            continue;
        };
        if registry.register(Box::new(vec.clone())).is_err() {
            continue;
        }
        for s in family {
            let values: Vec<&str> = keys
                .iter()
                .map(|k| s.labels.get(*k).map(String::as_str).unwrap_or(""))
                .collect();
            if let Ok(g) = vec.get_metric_with_label_values(&values) {
                g.set(s.value);
            }
        }
    }
    let mut out = Vec::new();
    if TextEncoder::new()
        .encode(&registry.gather(), &mut out)
        .is_err()
    {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A label name Prometheus accepts: letters, digits and `_`, not starting with a digit.
fn sanitize(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::{ExecState, Heuristics};

    fn labels() -> BTreeMap<String, String> {
        [
            ("instance", "pc-1"),
            ("repo_name", "default"),
            ("action", "backup"),
            ("tenant", ""),
            ("site-name", "paris"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn a_backup_has_the_original_names_and_labels() {
        let report = Report {
            action: "backup".into(),
            ok: true,
            backup: Some(crate::engine::BackupSummary {
                snapshot_id: Some("0".repeat(64)),
                time: "2026-01-01T00:00:00Z".into(),
                host: "h".into(),
                paths: vec!["/home".into()],
                tags: Vec::new(),
                parent: None,
                dry_run: false,
                excluded_repository: None,
                skipped: Vec::new(),
                files_new: 3,
                files_changed: 1,
                files_unmodified: 10,
                total_files_processed: 14,
                dirs_new: 2,
                dirs_changed: 0,
                dirs_unmodified: 5,
                data_added: 1234,
                data_added_packed: 600,
                total_bytes_processed: 99999,
                duration_seconds: 2.5,
            }),
            exec_seconds: 3.0,
            heuristics: Heuristics {
                too_large: true,
                ..Default::default()
            },
            last_success: Some(1_700_000_000),
            ..Default::default()
        };
        let text = render(&labels(), &report, 1_700_000_001);
        for line in [
            r#"restic_files{action="backup",instance="pc-1",repo_name="default",site_name="paris",state="new"} 3"#,
            r#"restic_files{action="backup",instance="pc-1",repo_name="default",site_name="paris",state="total"} 14"#,
            r#"restic_dirs{action="backup",instance="pc-1",repo_name="default",site_name="paris",state="new"} 2"#,
            r#"restic_data_added{action="backup",instance="pc-1",repo_name="default",site_name="paris"} 1234"#,
            r#"restic_data_stored{action="backup",instance="pc-1",repo_name="default",site_name="paris"} 600"#,
            r#"restic_total_bytes_processed{action="backup",instance="pc-1",repo_name="default",site_name="paris"} 99999"#,
            r#"restic_snasphot_size_bytes{action="backup",instance="pc-1",repo_name="default",site_name="paris",type="processed"} 99999"#,
            r#"restic_total_duration_seconds{action="backup",instance="pc-1",repo_name="default",site_name="paris"} 2.5"#,
            r#"restic_backup_failure{action="backup",instance="pc-1",repo_name="default",site_name="paris",timestamp="1700000001"} 0"#,
            r#"npbackup_exec_state{action="backup",instance="pc-1",repo_name="default",site_name="paris",timestamp="1700000001"} 0"#,
            r#"npbackup_storage_heuristics_too_high{action="backup",instance="pc-1",repo_name="default",site_name="paris",timestamp="1700000001"} 1"#,
            r#"npbackup_last_success_timestamp{action="backup",instance="pc-1",repo_name="default",site_name="paris"} 1700000000"#,
        ] {
            assert!(text.contains(line), "missing {line}\n{text}");
        }
        assert!(!text.contains("tenant="), "empty labels are left out");
    }

    #[test]
    fn a_failed_operation_reports_its_state_only() {
        let report = Report {
            action: "prune".into(),
            ok: false,
            state: Some(ExecState::Critical),
            exec_seconds: 1.0,
            ..Default::default()
        };
        let mut l = labels();
        l.insert("action".into(), "prune".into());
        let text = render(&l, &report, 5);
        assert!(text.contains("npbackup_exec_state{"), "{text}");
        assert!(text.contains("} 3\n"), "{text}");
        assert!(!text.contains("restic_"), "{text}");
    }
}
