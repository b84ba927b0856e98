//! What a finished job did, in the user's words: the lines under a job's outcome
//! in the window's dashboard and on the web interface's job page, and what a
//! restore's review (its dry run) found. One place, so that both front ends say
//! the same thing.

use std::time::Duration;

use super::result::JobResult;
use crate::{engine::RestoreSummary, humanize, i18n::count};

/// What a successful job did, from its result (a kind this version does not know,
/// from a newer job process or scheduler, says nothing).
pub fn summary_lines(result: &JobResult) -> Vec<String> {
    match result {
        JobResult::Backup(s) => vec![crate::t!(
            "summary-backup",
            new = count(s.files_new),
            changed = count(s.files_changed),
            unchanged = count(s.files_unmodified),
            added = humanize::size(s.data_added),
            stored = humanize::size(s.data_added_packed),
            processed = humanize::size(s.total_bytes_processed),
            duration = humanize::duration(Duration::from_secs_f64(s.duration_seconds.max(0.0)))
        )],
        JobResult::Forget(s) => vec![crate::t!(
            "summary-forget",
            removed = count(s.removed as u64),
            kept = count(s.kept as u64)
        )],
        JobResult::Prune(s) => vec![crate::t!(
            "summary-prune",
            freed = humanize::size(s.bytes_removed),
            unused = humanize::size(s.bytes_unused_after)
        )],
        JobResult::Check(s) => std::iter::once(crate::t!("summary-check"))
            .chain(
                s.warnings
                    .iter()
                    .take(3)
                    .map(|w| crate::t!("check-hint", message = w.as_str())),
            )
            .collect(),
        JobResult::Housekeeping(s) => vec![crate::t!(
            "summary-housekeeping",
            removed = s.forget.removed,
            freed = humanize::size(s.prune.bytes_removed)
        )],
        JobResult::Unlock(removed) => vec![crate::t!("summary-unlock", n = removed.len())],
        JobResult::Init(_) => vec![crate::t!("summary-init")],
        JobResult::Restore(s) if s.dry_run => review_lines(s),
        JobResult::Restore(s) => {
            let mut lines = vec![crate::t!(
                "summary-restore",
                files = count(s.files_restored),
                size = humanize::size(s.bytes_restored),
                target = s.target.as_str(),
                unchanged = count(s.files_unchanged)
            )];
            if let Some(first) = s.conflicts.first() {
                lines.push(crate::t!(
                    "summary-conflicts",
                    n = count(s.conflicts.len() as u64),
                    example = first.as_str()
                ));
            }
            for f in s.failed.iter().take(5) {
                lines.push(crate::t!(
                    "summary-not-restored",
                    path = f.path.as_str(),
                    reason = f.reason.as_str()
                ));
            }
            lines
        }
        JobResult::TestEmail(s) => vec![crate::t!("summary-sent", to = s.sent_to.join(", "))],
        _ => Vec::new(),
    }
}

/// What a restore would do, from its dry run: what it writes, replaces and leaves
/// alone, the existing items it would not touch, and what it could not restore.
pub fn review_lines(s: &RestoreSummary) -> Vec<String> {
    let mut lines = vec![crate::t!(
        "browser-review",
        files = count(s.files_restored),
        size = humanize::size(s.bytes_restored),
        replaced = count(s.files_replaced),
        unchanged = count(s.files_unchanged)
    )];
    if !s.conflicts.is_empty() {
        lines.push(crate::t!(
            "browser-review-conflicts",
            n = count(s.conflicts.len() as u64),
            examples = s
                .conflicts
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !s.failed.is_empty() {
        lines.push(crate::t!(
            "browser-review-failed",
            n = count(s.failed.len() as u64)
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_says_what_would_be_written_and_what_is_left_alone() {
        let s = RestoreSummary {
            dry_run: true,
            files_restored: 3,
            files_replaced: 1,
            files_unchanged: 2,
            bytes_restored: 2048,
            conflicts: vec!["/t/a.txt".into()],
            ..Default::default()
        };
        let lines = summary_lines(&JobResult::Restore(s.clone()));
        assert_eq!(lines, review_lines(&s));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].contains("/t/a.txt"), "{lines:?}");
        assert!(lines[0].contains('3'), "{lines:?}");
    }

    /// What a restore's notification and result line say: one file is "1 file", and
    /// large counts in digit groups (the window's language is English in tests).
    #[test]
    fn counts_take_their_plural_and_digit_groups() {
        let restored = |files| {
            summary_lines(&JobResult::Restore(RestoreSummary {
                files_restored: files,
                files_unchanged: 28_007,
                bytes_restored: 2500,
                target: "/t".into(),
                ..Default::default()
            }))[0]
                .clone()
        };
        let one = restored(1);
        assert!(one.starts_with("1 file ("), "{one}");
        assert!(one.contains("28,007 already up to date"), "{one}");
        assert!(restored(2).starts_with("2 files ("), "{}", restored(2));
        assert!(restored(12_345).starts_with("12,345 files ("));
    }
}
