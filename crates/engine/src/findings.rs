//! What `check` found, in words a person understands, each with the command
//! that repairs it. rustic_core reports its findings as `CheckError`s worded
//! for rustic's own command line; restic gives the same verdicts in its own
//! words. Ours follow restic's verdicts (an error where restic fails, a hint
//! where restic passes with a note) and say what to run.

use rustic_core::{CheckError, CheckErrorLevel};
use serde::{Deserialize, Serialize};

use super::treeindex::short;

/// A command that repairs what a finding reports, in the order they should run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Repair {
    /// Rebuild the index from the packs.
    RepairIndex,
    /// Rewrite snapshots without what is lost.
    RepairSnapshots,
    /// Remove unused data and repack.
    Prune,
}

impl Repair {
    /// The command line, with the program's name.
    pub fn command(self) -> String {
        let what = match self {
            Repair::RepairIndex => "repair index",
            Repair::RepairSnapshots => "repair snapshots",
            Repair::Prune => "prune",
        };
        format!("{} {what}", crate::customization::CLI_NAME)
    }
}

/// One finding of `check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `true`: the repository is damaged (restic's check fails too); `false`: a hint.
    pub error: bool,
    /// A stable name of what was found, for scripts ("mixed-pack", "pack-missing"…).
    pub kind: String,
    /// What was found, in the user's language, naming the pack, blob, file or folder.
    pub message: String,
    /// What repairs it, in order.
    pub repairs: Vec<Repair>,
}

/// A finding as a person reads it.
pub(crate) fn finding(level: &CheckErrorLevel, err: &CheckError) -> Finding {
    use CheckError as E;
    use Repair::*;
    let id = |i: &dyn std::fmt::Display| i.to_string().chars().take(8).collect::<String>();
    let path = |p: &std::path::Path| format!("/{}", p.display());
    let (kind, message, repairs): (&str, String, Vec<Repair>) = match err {
        E::MixedPack { id: pack } => (
            "mixed-pack",
            crate::t!("check-mixed-pack", pack = id(pack)),
            vec![Prune],
        ),
        E::PackInSeveralIndexes {
            id: pack,
            index_ids,
        } => (
            "pack-in-several-indexes",
            crate::t!(
                "check-pack-in-several-indexes",
                pack = id(pack),
                n = index_ids.len()
            ),
            vec![RepairIndex],
        ),
        E::PackNotReferenced { id: pack } => (
            "pack-not-indexed",
            crate::t!("check-pack-not-indexed", pack = short(pack)),
            // with nothing missing, restic's advice: prune removes it (a pack that
            // cannot be read cannot be indexed); when data is missing, the errors
            // call for `repair index`, which reads it in
            vec![Prune],
        ),
        E::NoPack {
            id: pack,
            to_delete,
            ..
        } => (
            "pack-missing",
            if *to_delete {
                crate::t!("check-pack-missing-deleted", pack = id(pack))
            } else {
                crate::t!("check-pack-missing", pack = id(pack))
            },
            vec![RepairIndex, RepairSnapshots],
        ),
        E::PackSizeMismatchIndex {
            id: pack,
            index_size,
            size,
            ..
        } => (
            "pack-size-differs",
            crate::t!(
                "check-pack-size",
                pack = short(pack),
                size = *size,
                index_size = *index_size
            ),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::PackTimeNotSet { id: pack } => (
            "pack-time-not-set",
            crate::t!("check-pack-time", pack = id(pack)),
            vec![Prune],
        ),
        E::PackBlobOffsetMismatch { id: pack, .. } => (
            "index-offsets-wrong",
            crate::t!("check-index-offsets", pack = id(pack)),
            vec![RepairIndex],
        ),
        E::FileBlobNotInIndex { file, blob_id } => (
            "file-data-missing",
            crate::t!(
                "check-file-data-missing",
                file = path(file),
                blob = id(blob_id)
            ),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::SubTreeMissingInIndex { dir, blob_id } => (
            "folder-missing",
            crate::t!(
                "check-folder-missing",
                folder = path(dir),
                tree = id(blob_id)
            ),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::ErrorCheckingTrees { source } => {
            let cause = super::describe(source);
            // rustic_core: "Tree ID `c5897731` not found in index"
            let tree = cause
                .contains("not found in index")
                .then(|| cause.split('`').nth(1))
                .flatten();
            (
                "folders-unreadable",
                match tree {
                    Some(tree) => crate::t!("check-folder-not-indexed", tree = tree),
                    None => crate::t!("check-folders-unreadable", cause = cause.as_str()),
                },
                vec![RepairIndex, RepairSnapshots],
            )
        }
        E::FileHasNoContent { file } | E::FileBlobHasNullId { file, .. } => (
            "file-damaged",
            crate::t!("check-file-damaged", file = path(file)),
            vec![RepairSnapshots],
        ),
        E::NoSubTree { dir } | E::NullSubTree { dir } => (
            "folder-damaged",
            crate::t!("check-folder-damaged", folder = path(dir)),
            vec![RepairSnapshots],
        ),
        E::ErrorReadingPack { id: pack, source } | E::ErrorCheckingPack { id: pack, source } => (
            "pack-unreadable",
            crate::t!(
                "check-pack-unreadable",
                pack = id(pack),
                cause = super::describe(source)
            ),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::PackHashMismatch { id: pack, .. }
        | E::PackHeaderMismatchIndex { id: pack }
        | E::PackHeaderLengthMismatch { id: pack, .. }
        | E::PackSizeMismatch { id: pack, .. } => (
            "pack-damaged",
            crate::t!("check-pack-damaged", pack = id(pack)),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::PackBlobHashMismatch {
            id: pack, blob_id, ..
        }
        | E::PackBlobLengthMismatch { id: pack, blob_id }
        | E::PackBlobNotDecompressible { id: pack, blob_id } => (
            "blob-damaged",
            crate::t!("check-blob-damaged", pack = id(pack), blob = id(blob_id)),
            vec![RepairIndex, RepairSnapshots],
        ),
        E::ErrorReadingCache { .. } | E::CacheMismatch { .. } => (
            "cache-differs",
            crate::t!("check-cache", what = err.to_string()),
            Vec::new(),
        ),
        // hot/cold repositories and whatever a later rustic_core adds: its own words,
        // with our program's name
        other => (
            "other",
            other
                .to_string()
                .replace("'rustic ", &format!("'{} ", crate::customization::CLI_NAME)),
            Vec::new(),
        ),
    };
    Finding {
        error: *level == CheckErrorLevel::Error,
        kind: kind.to_string(),
        message: crate::redact::redact(&message),
        repairs,
    }
}

/// The repairs the findings call for, each once, in the order they should run:
/// the index rebuilt first (it may find what seemed lost), then the snapshots
/// rewritten without what is lost, then prune (it removes what nothing needs any
/// more, and repacks mixed packs).
pub fn repairs(findings: &[Finding]) -> Vec<Repair> {
    let mut out: Vec<Repair> = findings
        .iter()
        .flat_map(|f| f.repairs.iter().copied())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// "npbackup-cli repair index, then npbackup-cli repair snapshots".
pub fn repairs_in_words(repairs: &[Repair]) -> String {
    let commands: Vec<String> = repairs
        .iter()
        .map(|r| format!("`{}`", r.command()))
        .collect();
    commands.join(&crate::t!("check-then"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(error: bool, repairs: Vec<Repair>) -> Finding {
        Finding {
            error,
            kind: String::new(),
            message: String::new(),
            repairs,
        }
    }

    #[test]
    fn repairs_run_once_each_index_first_prune_last() {
        let hint = f(false, vec![Repair::Prune]);
        let missing = f(true, vec![Repair::RepairIndex, Repair::RepairSnapshots]);
        let other = f(true, vec![Repair::RepairIndex]);
        assert_eq!(repairs(std::slice::from_ref(&hint)), vec![Repair::Prune]);
        assert_eq!(
            repairs(&[hint, missing, other]),
            vec![Repair::RepairIndex, Repair::RepairSnapshots, Repair::Prune]
        );
        assert!(repairs(&[]).is_empty());
    }
}
