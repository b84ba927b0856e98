//! What a finished job did, in the user's words: the lines under a job's outcome
//! in the window's dashboard and on the web interface's job page, and what a
//! restore's review (its dry run) found. One place, so that both front ends say
//! the same thing.

use std::time::Duration;

use super::result::JobResult;
use crate::{engine::RestoreSummary, humanize};

/// What a successful job did, from its result (a kind this version does not know,
/// from a newer job process or scheduler, says nothing).
pub fn summary_lines(result: &JobResult) -> Vec<String> {
    match result {
        JobResult::Backup(s) => vec![crate::t!(
            "summary-backup",
            new = s.files_new,
            changed = s.files_changed,
            unchanged = s.files_unmodified,
            added = humanize::size(s.data_added),
            stored = humanize::size(s.data_added_packed),
            processed = humanize::size(s.total_bytes_processed),
            duration = humanize::duration(Duration::from_secs_f64(s.duration_seconds.max(0.0)))
        )],
        JobResult::Forget(s) => vec![crate::t!(
            "summary-forget",
            removed = s.removed,
            kept = s.kept
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
                files = s.files_restored,
                size = humanize::size(s.bytes_restored),
                target = s.target.as_str(),
                unchanged = s.files_unchanged
            )];
            if let Some(first) = s.conflicts.first() {
                lines.push(crate::t!(
                    "summary-conflicts",
                    n = s.conflicts.len(),
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
        files = s.files_restored,
        size = humanize::size(s.bytes_restored),
        replaced = s.files_replaced,
        unchanged = s.files_unchanged
    )];
    if !s.conflicts.is_empty() {
        lines.push(crate::t!(
            "browser-review-conflicts",
            n = s.conflicts.len(),
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
        lines.push(crate::t!("browser-review-failed", n = s.failed.len()));
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
}
