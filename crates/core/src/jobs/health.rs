//! Backup health after the fact: a small history of past runs per repository, and
//! warnings when this run looks unlike them (too small, too large, too many
//! changed files) — the symptoms of an unmounted share or a ransomware run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{
    customization::{COMPANY, QUALIFIER, SHORT_NAME},
    engine::BackupSummary,
};

/// How many past runs the comparison uses.
pub const RUNS: usize = 5;

/// One past run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Run {
    pub time: String,
    pub bytes_processed: u64,
    pub files_changed: u64,
    pub data_added: u64,
}

impl From<&BackupSummary> for Run {
    fn from(s: &BackupSummary) -> Self {
        Run {
            time: s.time.clone(),
            bytes_processed: s.total_bytes_processed,
            files_changed: s.files_new + s.files_changed,
            data_added: s.data_added,
        }
    }
}

/// The history file of a repository location (JSON lines in the data dir).
pub fn history_path(location: &str) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from(QUALIFIER, COMPANY, SHORT_NAME)?;
    let hash = super::location_hash(location);
    Some(
        dirs.data_local_dir()
            .join("history")
            .join(format!("{hash:016x}.jsonl")),
    )
}

/// The last runs recorded (oldest first); an unreadable file counts as empty.
pub fn load(path: &Path) -> Vec<Run> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let runs: Vec<Run> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    runs[runs.len().saturating_sub(RUNS)..].to_vec()
}

/// Appends a run, keeping the file short.
pub fn record(path: &Path, run: &Run) -> std::io::Result<()> {
    let mut runs = load(path);
    runs.push(run.clone());
    let keep = &runs[runs.len().saturating_sub(RUNS)..];
    let mut text = String::new();
    for r in keep {
        text.push_str(&serde_json::to_string(r).unwrap_or_default());
        text.push('\n');
    }
    crate::fsutil::write_atomic_in_new_folder(path, text.as_bytes(), None)
}

fn size(b: u64) -> String {
    crate::humanize::size(b)
}

/// How a backup differs from the last ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlier {
    TooSmall,
    TooLarge,
    TooManyChangedFiles,
}

/// Warnings for `run` compared with the mean of `past` (needs 3 runs or more).
pub fn judge(past: &[Run], run: &Run) -> Vec<(Outlier, String)> {
    if past.len() < 3 {
        return Vec::new();
    }
    let n = past.len() as f64;
    let mean_bytes = past.iter().map(|r| r.bytes_processed as f64).sum::<f64>() / n;
    let mean_changed = past.iter().map(|r| r.files_changed as f64).sum::<f64>() / n;
    let mut out = Vec::new();
    let bytes = run.bytes_processed as f64;
    if mean_bytes > 0.0 && bytes < mean_bytes * 0.5 {
        out.push((
            Outlier::TooSmall,
            crate::t!(
                "job-too-small",
                size = size(run.bytes_processed),
                mean = size(mean_bytes as u64),
                runs = past.len()
            ),
        ));
    }
    if mean_bytes > 0.0 && bytes > mean_bytes * 2.0 {
        out.push((
            Outlier::TooLarge,
            crate::t!(
                "job-too-large",
                size = size(run.bytes_processed),
                mean = size(mean_bytes as u64),
                runs = past.len()
            ),
        ));
    }
    let changed = run.files_changed as f64;
    if changed > 100.0 && changed > mean_changed * 3.0 {
        out.push((
            Outlier::TooManyChangedFiles,
            crate::t!(
                "job-too-many-changed",
                changed = run.files_changed,
                mean = format!("{mean_changed:.0}"),
                runs = past.len()
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: u64, changed: u64) -> Run {
        Run {
            time: String::new(),
            bytes_processed: bytes,
            files_changed: changed,
            data_added: 0,
        }
    }

    #[test]
    fn judges_against_the_mean() {
        let past = vec![run(1000, 10), run(1100, 12), run(900, 8)];
        assert!(judge(&past, &run(1000, 10)).is_empty());
        let small = &judge(&past, &run(400, 10))[0];
        assert!(small.0 == Outlier::TooSmall && small.1.contains("too small"));
        let large = &judge(&past, &run(2500, 10))[0];
        assert!(large.0 == Outlier::TooLarge && large.1.contains("too large"));
        let changed = &judge(&past, &run(1000, 500))[0];
        assert!(
            changed.0 == Outlier::TooManyChangedFiles
                && changed.1.contains("too many changed files")
        );
        assert!(
            judge(&past[..2], &run(1, 10_000)).is_empty(),
            "too little history to judge"
        );
    }

    #[test]
    fn history_keeps_the_last_runs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h").join("x.jsonl");
        for i in 0..8 {
            record(&p, &run(i, 0)).unwrap();
        }
        let runs = load(&p);
        assert_eq!(runs.len(), RUNS);
        assert_eq!(runs.last().unwrap().bytes_processed, 7);
    }
}
