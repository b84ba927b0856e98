//! A job's metrics in the Prometheus text format, under the original tool's names
//! and labels (its Grafana dashboards use them):
//!
//! - backups: `restic_backup_failure`, `restic_files{state=new|changed|unmodified|total}`,
//!   `restic_dirs{state=new|changed|unmodified}`, `restic_data_added`,
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

/// One metric family being built.
struct Family<'a> {
    registry: &'a Registry,
    labels: &'a BTreeMap<String, String>,
}

impl Family<'_> {
    /// Sets `name{labels, extra…} = value`.
    fn set(&self, name: &str, help: &str, extra: &[(&str, &str)], value: f64) {
        let mut names: Vec<&str> = self.labels.keys().map(String::as_str).collect();
        let mut values: Vec<&str> = self.labels.values().map(String::as_str).collect();
        for (k, v) in extra {
            names.push(k);
            values.push(v);
        }
        // each name is set once per report; a name or label the format refuses is skipped
        let Ok(vec) = GaugeVec::new(Opts::new(name, help), &names) else {
            return;
        };
        if self.registry.register(Box::new(vec.clone())).is_ok()
            && let Ok(g) = vec.get_metric_with_label_values(&values)
        {
            g.set(value);
        }
    }
}

/// The metrics of `report`, with `labels` (and a `timestamp` of `now` where the
/// original tool puts one).
pub fn render(labels: &BTreeMap<String, String>, report: &Report, now: i64) -> String {
    // label values are kept as given; empty ones are left out, as the original does
    let labels: BTreeMap<String, String> = labels
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (sanitize(k), v.clone()))
        .collect();
    let registry = Registry::new();
    let f = Family {
        registry: &registry,
        labels: &labels,
    };
    let ts = now.to_string();
    let stamp = [("timestamp", ts.as_str())];
    let flag = |b: bool| if b { 1.0 } else { 0.0 };

    if report.action == "backup" {
        f.set(
            "restic_backup_failure",
            "1 when the backup failed or was too small",
            &stamp,
            flag(!report.ok || report.sub_min_size),
        );
        if let Some(s) = &report.backup {
            let n = |k: &str| s.get(k).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
            let mut files = GaugeSet::new("restic_files", "Files of the backup, by state");
            files.add("new", n("files_new"));
            files.add("changed", n("files_changed"));
            files.add("unmodified", n("files_unmodified"));
            files.add("total", n("total_files_processed"));
            let mut dirs = GaugeSet::new("restic_dirs", "Folders of the backup, by state");
            dirs.add("new", n("dirs_new"));
            dirs.add("changed", n("dirs_changed"));
            dirs.add("unmodified", n("dirs_unmodified"));
            for set in [files, dirs] {
                set.register(&registry, &labels);
            }
            f.set(
                "restic_data_added",
                "Bytes added to the repository",
                &[],
                n("data_added"),
            );
            f.set(
                "restic_data_stored",
                "Bytes stored (compressed) in the repository",
                &[],
                n("data_added_packed"),
            );
            f.set(
                "restic_total_bytes_processed",
                "Bytes read from the sources",
                &[],
                n("total_bytes_processed"),
            );
            f.set(
                "restic_snasphot_size_bytes",
                "Bytes read from the sources (the original tool's name)",
                &[("type", "processed")],
                n("total_bytes_processed"),
            );
            f.set(
                "restic_total_duration_seconds",
                "Duration of the backup",
                &[],
                n("duration_seconds"),
            );
        }
        f.set(
            "restic_errors",
            "1 when the backup ended in error",
            &[],
            flag(!report.ok),
        );
        f.set(
            "npbackup_backup_sub_min_size",
            "1 when the backup processed less than minimum-backup-size",
            &stamp,
            flag(report.sub_min_size),
        );
        let h = report.heuristics;
        for (name, on) in [
            ("npbackup_storage_heuristics_too_low", h.too_small),
            ("npbackup_storage_heuristics_too_high", h.too_large),
            (
                "npbackup_storage_heuristics_too_many_modified_files",
                h.too_many_changed_files,
            ),
        ] {
            f.set(
                name,
                "1 when the backup is unlike the last ones",
                &stamp,
                flag(on),
            );
        }
    }
    f.set(
        "npbackup_exec_state",
        "0 ok, 1 warning, 2 error, 3 critical",
        &stamp,
        report.exec_state() as i32 as f64,
    );
    f.set(
        "npbackup_exec_time",
        "Seconds the job took",
        &stamp,
        report.exec_seconds,
    );
    if let Some(t) = report.last_success {
        f.set(
            "npbackup_last_success_timestamp",
            "Unix time of the last successful backup",
            &[],
            t as f64,
        );
    }
    let mut out = Vec::new();
    let encoder = TextEncoder::new();
    if encoder.encode(&registry.gather(), &mut out).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A metric with a `state` label (restic_files, restic_dirs).
struct GaugeSet {
    name: &'static str,
    help: &'static str,
    states: Vec<(&'static str, f64)>,
}

impl GaugeSet {
    fn new(name: &'static str, help: &'static str) -> GaugeSet {
        GaugeSet {
            name,
            help,
            states: Vec::new(),
        }
    }

    fn add(&mut self, state: &'static str, value: f64) {
        self.states.push((state, value));
    }

    fn register(self, registry: &Registry, labels: &BTreeMap<String, String>) {
        let mut names: Vec<&str> = labels.keys().map(String::as_str).collect();
        names.push("state");
        let Ok(vec) = GaugeVec::new(Opts::new(self.name, self.help), &names) else {
            return;
        };
        if registry.register(Box::new(vec.clone())).is_err() {
            return;
        }
        for (state, value) in self.states {
            let mut values: Vec<&str> = labels.values().map(String::as_str).collect();
            values.push(state);
            if let Ok(g) = vec.get_metric_with_label_values(&values) {
                g.set(value);
            }
        }
    }
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
            backup: Some(serde_json::json!({
                "files_new": 3, "files_changed": 1, "files_unmodified": 10,
                "total_files_processed": 14, "dirs_new": 2, "dirs_changed": 0,
                "dirs_unmodified": 5, "data_added": 1234, "data_added_packed": 600,
                "total_bytes_processed": 99999, "duration_seconds": 2.5
            })),
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
