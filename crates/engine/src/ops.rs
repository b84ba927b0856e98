//! Repository housekeeping: forget (by id, tag or retention policy), prune,
//! check, repair, and the keys. Each returns a summary for the job result.

use std::str::FromStr;

use rustic_core::{
    CheckOptions, ForgetGroups, KeepOptions, LimitOption, PruneOptions, ReadSubsetOption,
    RepairIndexOptions, RepairSnapshotsOptions, SnapshotGroupCriterion, StringList,
    repofile::{KeyFile, SnapshotFile},
};
use serde::{Deserialize, Serialize};

use super::{OpenRepo, SnapshotInfo, describe};
use crate::error::{Error, Result};

/// A retention policy: restic's keep rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub keep_last: Option<u32>,
    pub keep_hourly: Option<u32>,
    pub keep_daily: Option<u32>,
    pub keep_weekly: Option<u32>,
    pub keep_monthly: Option<u32>,
    pub keep_yearly: Option<u32>,
    /// Durations in seconds.
    pub keep_within: Option<u64>,
    pub keep_within_hourly: Option<u64>,
    pub keep_within_daily: Option<u64>,
    pub keep_within_weekly: Option<u64>,
    pub keep_within_monthly: Option<u64>,
    pub keep_within_yearly: Option<u64>,
    pub keep_tags: Vec<String>,
    /// Keep everything (the `keep-all` preset).
    pub keep_all: bool,
}

impl RetentionPolicy {
    /// The named presets: `14d`, `30d`, `90d`, `gfs`, `keep-all`.
    pub fn preset(name: &str) -> Option<Self> {
        const DAY: u64 = 86_400;
        let p = match name {
            "14d" => RetentionPolicy {
                keep_last: Some(3),
                keep_within_daily: Some(14 * DAY),
                ..Default::default()
            },
            "30d" => RetentionPolicy {
                keep_last: Some(3),
                keep_within_daily: Some(30 * DAY),
                ..Default::default()
            },
            "90d" => RetentionPolicy {
                keep_last: Some(3),
                keep_within_daily: Some(30 * DAY),
                keep_within_weekly: Some(90 * DAY),
                ..Default::default()
            },
            "gfs" => RetentionPolicy {
                keep_daily: Some(7),
                keep_weekly: Some(4),
                keep_monthly: Some(12),
                keep_yearly: Some(3),
                ..Default::default()
            },
            "keep-all" => RetentionPolicy {
                keep_all: true,
                ..Default::default()
            },
            _ => return None,
        };
        Some(p)
    }

    /// `self` with every rule that `other` sets replacing ours (a preset, then the
    /// config's keys, then the command line's flags).
    pub fn overridden_by(mut self, other: &RetentionPolicy) -> Self {
        macro_rules! over {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f; } )* };
        }
        over!(
            keep_last,
            keep_hourly,
            keep_daily,
            keep_weekly,
            keep_monthly,
            keep_yearly,
            keep_within,
            keep_within_hourly,
            keep_within_daily,
            keep_within_weekly,
            keep_within_monthly,
            keep_within_yearly
        );
        if !other.keep_tags.is_empty() {
            self.keep_tags = other.keep_tags.clone();
        }
        self.keep_all |= other.keep_all;
        self
    }

    /// Whether the policy keeps anything at all (an empty policy would forget everything).
    pub fn is_empty(&self) -> bool {
        !self.keep_all && *self == RetentionPolicy::default()
    }

    fn to_keep_options(&self) -> Result<KeepOptions> {
        let n = |v: Option<u32>| v.map(|x| i32::try_from(x).unwrap_or(i32::MAX));
        let span = |v: Option<u64>| -> Result<Option<jiff::Span>> {
            v.map(|secs| {
                let s = i64::try_from(secs).unwrap_or(i64::MAX);
                let span = if s % 86_400 == 0 {
                    jiff::Span::new().try_days(s / 86_400)
                } else {
                    jiff::Span::new().try_seconds(s)
                };
                span.map_err(|e| {
                    Error::Usage(crate::t!(
                        "engine-retention-too-long",
                        cause = e.to_string()
                    ))
                })
            })
            .transpose()
        };
        let mut keep = KeepOptions::default();
        keep.keep_last = n(self.keep_last);
        keep.keep_hourly = n(self.keep_hourly);
        keep.keep_daily = n(self.keep_daily);
        keep.keep_weekly = n(self.keep_weekly);
        keep.keep_monthly = n(self.keep_monthly);
        keep.keep_yearly = n(self.keep_yearly);
        keep.keep_within = span(self.keep_within)?;
        keep.keep_within_hourly = span(self.keep_within_hourly)?;
        keep.keep_within_daily = span(self.keep_within_daily)?;
        keep.keep_within_weekly = span(self.keep_within_weekly)?;
        keep.keep_within_monthly = span(self.keep_within_monthly)?;
        keep.keep_within_yearly = span(self.keep_within_yearly)?;
        keep.keep_tags = self
            .keep_tags
            .iter()
            .map(|t| {
                StringList::from_str(t).map_err(|e| {
                    Error::Usage(crate::t!(
                        "engine-bad-tag-list",
                        tags = t.as_str(),
                        cause = e.to_string()
                    ))
                })
            })
            .collect::<Result<_>>()?;
        Ok(keep)
    }
}

/// Which snapshots `forget` removes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ForgetRequest {
    /// Snapshot ids (or prefixes) to remove.
    pub ids: Vec<String>,
    /// Remove every snapshot carrying all of these tags.
    pub tags: Vec<String>,
    /// Or apply this policy.
    pub policy: Option<RetentionPolicy>,
    /// How snapshots are grouped for the policy ("host,paths" like restic).
    pub group_by: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForgetDecision {
    #[serde(flatten)]
    pub snapshot: SnapshotInfo,
    pub keep: bool,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForgetSummary {
    pub dry_run: bool,
    pub kept: usize,
    pub removed: usize,
    pub snapshots: Vec<ForgetDecision>,
}

pub fn forget(open: &OpenRepo, req: &ForgetRequest) -> Result<ForgetSummary> {
    let repo = &open.repo;
    let all = repo
        .get_all_snapshots()
        .map_err(|e| crate::engine_error(crate::t!("engine-reading-snapshots"), &e))?;
    let decisions: Vec<(SnapshotFile, bool, Vec<String>)> = if !req.ids.is_empty()
        || !req.tags.is_empty()
    {
        let mut chosen = Vec::new();
        for id in &req.ids {
            chosen.push(super::browse::resolve_snapshot_file(open, id, &Default::default())?.id);
        }
        all.into_iter()
            .map(|s| {
                let by_id = chosen.contains(&s.id);
                let by_tag =
                    !req.tags.is_empty() && req.tags.iter().all(|t| s.tags.iter().any(|x| x == t));
                let remove = by_id || by_tag;
                let reason = if by_id {
                    "named"
                } else if by_tag {
                    "tagged"
                } else {
                    "not selected"
                };
                (s, !remove, vec![reason.to_string()])
            })
            .collect()
    } else {
        let policy = req
            .policy
            .as_ref()
            .ok_or_else(|| Error::Usage(crate::t!("engine-forget-needs-what")))?;
        if policy.is_empty() {
            return Err(Error::Usage(crate::t!("engine-policy-keeps-nothing")));
        }
        if policy.keep_all {
            all.into_iter()
                .map(|s| (s, true, vec!["keep-all".to_string()]))
                .collect()
        } else {
            let criterion =
                SnapshotGroupCriterion::from_str(req.group_by.as_deref().unwrap_or("host,paths"))
                    .map_err(|e| {
                    Error::Usage(crate::t!("engine-bad-group-by", cause = e.to_string()))
                })?;
            let grouped = rustic_core::Grouped::from_items(all, criterion);
            let keep = policy.to_keep_options()?;
            let now = jiff::Zoned::now();
            let groups = ForgetGroups::from_grouped_snapshots_with_retention(grouped, &keep, &now)
                .map_err(|e| crate::engine_error(crate::t!("engine-applying-policy"), &e))?;
            groups
                .0
                .into_iter()
                .flat_map(|g| g.items)
                .map(|f| (f.snapshot, f.keep, f.reasons))
                .collect()
        }
    };
    let remove: Vec<_> = decisions
        .iter()
        .filter(|(_, keep, _)| !keep)
        .map(|(s, _, _)| s.id)
        .collect();
    if !req.dry_run && !remove.is_empty() {
        repo.delete_snapshots(&remove)
            .map_err(|e| crate::engine_error(crate::t!("engine-removing-snapshots"), &e))?;
    }
    let mut snapshots: Vec<ForgetDecision> = decisions
        .iter()
        .map(|(s, keep, reasons)| ForgetDecision {
            snapshot: SnapshotInfo::of(s),
            keep: *keep,
            reasons: reasons.clone(),
        })
        .collect();
    snapshots.sort_by(|a, b| a.snapshot.time.cmp(&b.snapshot.time));
    Ok(ForgetSummary {
        dry_run: req.dry_run,
        kept: decisions.len() - remove.len(),
        removed: remove.len(),
        snapshots,
    })
}

/// How much `prune` may leave or rewrite.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PruneRequest {
    /// Unused space to tolerate: "5%" (default), "1 GiB" or "unlimited".
    pub max_unused: Option<String>,
    /// At most this much to repack: "10%" or a size.
    pub max_repack: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PruneSummary {
    pub dry_run: bool,
    pub packs_removed: u64,
    pub packs_repacked: u64,
    pub packs_kept: u64,
    pub bytes_removed: u64,
    pub bytes_repacked: u64,
    pub bytes_unused_after: u64,
    pub index_files_rebuilt: u64,
    /// Packs of tree and data blobs (restic before 0.8.0) repacked into packs of one type.
    #[serde(default)]
    pub packs_mixed_repacked: u64,
    /// Unused packs the index listed but the repository lacked, left out of the new index.
    #[serde(default)]
    pub packs_missing_forgotten: u64,
    /// Files of writes that never finished (`ID-tmp-…`: a process killed, or a disk
    /// full, while it wrote), removed from a local repository, and their bytes.
    #[serde(default)]
    pub unfinished_files_removed: u64,
    #[serde(default)]
    pub unfinished_bytes_removed: u64,
}

/// The files restic and rustic write before renaming them to `ID` (`ID-tmp-` and
/// restic's `ID-tmp-NNNN`) in the repository's folders: left behind when the writer
/// died or the disk filled up, listed by nobody, never deleted by anyone else.
/// Removed (or with `dry_run` only counted) under the exclusive lock, where no
/// writer can be between the two steps. Returns (files, bytes).
fn unfinished_writes(root: &std::path::Path, dry_run: bool) -> (u64, u64) {
    fn is_unfinished(name: &str) -> bool {
        name.split_once("-tmp-")
            .is_some_and(|(id, _)| id.parse::<rustic_core::Id>().is_ok())
    }
    // (not locks/: a writer that has not seen our lock yet may be writing its own there)
    let mut dirs: Vec<std::path::PathBuf> = ["index", "snapshots", "keys"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    if let Ok(subdirs) = std::fs::read_dir(root.join("data")) {
        dirs.extend(subdirs.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    let (mut files, mut bytes) = (0, 0);
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !name.to_str().is_some_and(is_unfinished) {
                continue;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if dry_run || std::fs::remove_file(entry.path()).is_ok() {
                files += 1;
                bytes += size;
            } else {
                tracing::warn!(
                    "could not remove the unfinished write {}",
                    entry.path().display()
                );
            }
        }
    }
    (files, bytes)
}

fn limit(s: &Option<String>, what: &str) -> Result<Option<LimitOption>> {
    s.as_deref()
        .map(|v| {
            let v = v.trim();
            // rustic parses sizes without spaces ("1GiB")
            let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            LimitOption::from_str(&compact).map_err(|e| {
                Error::Usage(crate::t!(
                    "engine-bad-limit",
                    option = what,
                    value = v,
                    cause = describe(&e)
                ))
            })
        })
        .transpose()
}

pub fn prune(open: &OpenRepo, req: &PruneRequest) -> Result<PruneSummary> {
    // We prune under restic's exclusive lock, so no other writer can be adding
    // packs: delete at once, as restic does, instead of rustic's two-phase delete
    // (which keeps unused packs for 23 hours).
    let mut opts = PruneOptions::default().instant_delete(true);
    if let Some(l) = limit(&req.max_unused, "max-unused")? {
        opts.max_unused = l;
    }
    if let Some(l) = limit(&req.max_repack, "max-repack")? {
        opts.max_repack = l;
    }
    // first what unfinished writes left (space a full disk may need to prune at all)
    let (unfinished_files, unfinished_bytes) = open
        .location
        .local_path()
        .map(|root| unfinished_writes(&root, req.dry_run))
        .unwrap_or_default();
    let plan = open
        .repo
        .prune_plan(&opts)
        .map_err(|e| crate::engine_error(crate::t!("engine-planning-prune"), &e))?;
    let s = &plan.stats;
    let summary = PruneSummary {
        dry_run: req.dry_run,
        // with the packs no index lists (a backup killed before it indexed them)
        packs_removed: s.packs_to_delete.remove + s.packs_unref,
        packs_repacked: s.packs.repack,
        packs_kept: s.packs.keep,
        bytes_removed: s.size_to_delete.remove + s.size_unref,
        bytes_repacked: s.size_sum().repack,
        bytes_unused_after: s.size_sum().unused_after_prune(),
        index_files_rebuilt: s.index_files_rebuild,
        packs_mixed_repacked: s.packs_mixed,
        packs_missing_forgotten: s.packs_missing,
        unfinished_files_removed: unfinished_files,
        unfinished_bytes_removed: unfinished_bytes,
    };
    if !req.dry_run {
        open.repo
            .prune(&opts, plan)
            .map_err(|e| crate::engine_error(crate::t!("engine-pruning"), &e))?;
    }
    Ok(summary)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckRequest {
    /// Read and verify all pack data.
    pub read_data: bool,
    /// Read only a part: "10%", "1/5" or a size.
    pub read_data_subset: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckSummary {
    pub read_data: bool,
    /// What is damaged (the check fails when there is any).
    pub errors: Vec<String>,
    /// The hints (the repository is sound; something could be tidied).
    pub warnings: Vec<String>,
    /// Everything found, errors first, each with what repairs it.
    #[serde(default)]
    pub findings: Vec<super::findings::Finding>,
    /// The commands to run, in order, for what was found.
    #[serde(default)]
    pub repairs: Vec<super::findings::Repair>,
}

/// Checks the repository as restic's check does: the same verdict (an error
/// where restic fails, a hint where restic passes with a note), each finding in
/// words with what repairs it. A damaged repository is a summary with errors
/// (see `check_failure`); only a check that could not run is an error here.
pub fn check(open: OpenRepo, req: &CheckRequest) -> Result<CheckSummary> {
    let mut opts =
        CheckOptions::default().read_data(req.read_data || req.read_data_subset.is_some());
    if let Some(s) = &req.read_data_subset {
        opts = opts.read_data_subset(ReadSubsetOption::from_str(s.trim()).map_err(|e| {
            Error::Usage(crate::t!(
                "engine-bad-read-data-subset",
                value = s.as_str(),
                cause = describe(&e)
            ))
        })?);
    }
    let results = open
        .repo
        .check(opts)
        .map_err(|e| crate::engine_error(crate::t!("engine-checking"), &e))?;
    for (level, err) in &results.0 {
        tracing::info!(
            "check: {level:?}: {}",
            crate::redact::redact(&err.to_string())
        );
    }
    let mut findings: Vec<super::findings::Finding> = results
        .0
        .iter()
        .map(|(level, err)| super::findings::finding(level, err))
        .collect();
    // errors first, each kind together, in the order found
    findings.sort_by_key(|f| !f.error);
    let repairs = super::findings::repairs(&findings);
    let messages = |error: bool| {
        findings
            .iter()
            .filter(|f| f.error == error)
            .map(|f| f.message.clone())
            .collect()
    };
    Ok(CheckSummary {
        read_data: opts.read_data,
        errors: messages(true),
        warnings: messages(false),
        findings,
        repairs,
    })
}

/// The error a check's findings make, when they include damage: every error, then
/// the hints, then what to run.
pub fn check_failure(summary: &CheckSummary, location: &str) -> Option<Error> {
    let errors = &summary.errors;
    if errors.is_empty() {
        return None;
    }
    let hints = summary
        .warnings
        .iter()
        .map(|w| crate::t!("check-hint", message = w.as_str()));
    Some(Error::Engine {
        doing: crate::t!("engine-checking-at", location = location),
        message: crate::t!(
            "engine-check-errors",
            n = errors.len(),
            errors = errors
                .iter()
                .map(|e| e.to_string())
                .chain(hints)
                .collect::<Vec<_>>()
                .join("\n  "),
            repairs = super::findings::repairs_in_words(&summary.repairs)
        ),
    })
}

/// What `repair` fixes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RepairWhat {
    /// Rebuild the index from the packs.
    Index,
    /// Rewrite snapshots whose trees reference missing data: each damaged snapshot is
    /// replaced by one without what is lost, tagged `repaired` (restic keeps the
    /// damaged original unless told `--forget`; its check then still fails).
    Snapshots,
}

pub fn repair(open: OpenRepo, what: RepairWhat, dry_run: bool) -> Result<()> {
    match what {
        RepairWhat::Index => open
            .repo
            .repair_index(&RepairIndexOptions::default(), dry_run)
            .map_err(|e| crate::engine_error(crate::t!("engine-repairing-index"), &e)),
        RepairWhat::Snapshots => {
            let repo = open
                .repo
                .to_indexed()
                .map_err(|e| crate::engine_error(crate::t!("engine-reading-index"), &e))?;
            let snaps = repo
                .get_all_snapshots()
                .map_err(|e| crate::engine_error(crate::t!("engine-reading-snapshots"), &e))?;
            repo.repair_snapshots(&RepairSnapshotsOptions::default(), snaps, dry_run)
                .map_err(|e| crate::engine_error(crate::t!("engine-repairing-snapshots"), &e))
        }
    }
}

/// A key of the repository.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyInfo {
    pub id: String,
    pub current: bool,
    pub username: Option<String>,
    pub hostname: Option<String>,
    pub created: Option<String>,
}

pub fn keys(open: &OpenRepo) -> Result<Vec<KeyInfo>> {
    let current = open.repo.key_id().map(|k| k.to_hex().to_string());
    let mut out = Vec::new();
    let files = open
        .repo
        .stream_files::<KeyFile>()
        .map_err(|e| crate::engine_error(crate::t!("engine-listing-keys"), &e))?;
    for item in files {
        let (id, key) =
            item.map_err(|e| crate::engine_error(crate::t!("engine-reading-key"), &e))?;
        let id = id.to_hex().to_string();
        let created = key.created.as_ref().map(jiff::Zoned::timestamp);
        out.push((
            created,
            KeyInfo {
                current: current.as_deref() == Some(id.as_str()),
                id,
                username: key.username.clone(),
                hostname: key.hostname.clone(),
                // in UTC, as every time we give
                created: created.map(|c| c.to_string()),
            },
        ));
    }
    // oldest first, by the instant (not by how it is written)
    out.sort_by_key(|(created, _)| *created);
    Ok(out.into_iter().map(|(_, k)| k).collect())
}

/// Adds a key opening the repository with `password`; returns its id.
pub fn add_key(open: &OpenRepo, password: &str) -> Result<String> {
    if password.len() < 8 {
        return Err(Error::Credentials(crate::t!(
            "engine-new-password-too-short"
        )));
    }
    crate::redact::register(password);
    let opts = crate::new_key_options()
        .hostname(gethostname::gethostname().to_string_lossy().to_string())
        .with_created(true);
    open.repo
        .add_key(password, &opts)
        .map(|id| id.to_hex().to_string())
        .map_err(|e| crate::engine_error(crate::t!("engine-adding-key"), &e))
}

/// Removes a key; never the one this session opened the repository with.
pub fn remove_key(open: &OpenRepo, id: &str) -> Result<String> {
    let keys = keys(open)?;
    let matching: Vec<&KeyInfo> = keys
        .iter()
        .filter(|k| k.id.starts_with(&id.to_ascii_lowercase()))
        .collect();
    let key = match matching.as_slice() {
        [] => return Err(Error::Input(crate::t!("engine-no-key-matches", id = id))),
        [one] => *one,
        many => {
            return Err(Error::Input(crate::t!(
                "engine-key-ambiguous",
                id = id,
                n = many.len()
            )));
        }
    };
    if key.current {
        return Err(Error::Input(crate::t!(
            "engine-key-in-use",
            id = key.id.get(..8).unwrap_or(&key.id)
        )));
    }
    let key_id = rustic_core::repofile::KeyId::from(
        rustic_core::Id::from_str(&key.id)
            .map_err(|e| Error::Input(crate::t!("engine-bad-key-id", cause = describe(&e))))?,
    );
    open.repo
        .delete_key(&key_id)
        .map_err(|e| crate::engine_error(crate::t!("engine-removing-key"), &e))?;
    Ok(key.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_writes_are_found_and_only_they() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let id = "ab".repeat(32);
        for d in ["data/ab", "index", "snapshots", "keys"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        // rustic's and restic's leftovers
        std::fs::write(root.join(format!("data/ab/{id}-tmp-")), [0; 100]).unwrap();
        std::fs::write(root.join(format!("index/{id}-tmp-123456")), [0; 20]).unwrap();
        // what must stay: finished files, and names that only look alike
        std::fs::write(root.join(format!("data/ab/{id}")), [0; 7]).unwrap();
        std::fs::write(root.join(format!("snapshots/{id}")), [0; 7]).unwrap();
        std::fs::write(root.join("keys/notes-tmp-1"), [0; 7]).unwrap();
        std::fs::write(root.join("config-tmp-"), [0; 7]).unwrap();
        assert_eq!(unfinished_writes(root, true), (2, 120), "a dry run counts");
        assert!(root.join(format!("data/ab/{id}-tmp-")).exists());
        assert_eq!(unfinished_writes(root, false), (2, 120));
        assert!(!root.join(format!("data/ab/{id}-tmp-")).exists());
        assert!(!root.join(format!("index/{id}-tmp-123456")).exists());
        for kept in [
            format!("data/ab/{id}"),
            format!("snapshots/{id}"),
            "keys/notes-tmp-1".into(),
            "config-tmp-".into(),
        ] {
            assert!(root.join(&kept).exists(), "{kept} was removed");
        }
        assert_eq!(unfinished_writes(root, false), (0, 0));
    }

    #[test]
    fn presets_exist_and_keep_something() {
        for name in ["14d", "30d", "90d", "gfs", "keep-all"] {
            let p = RetentionPolicy::preset(name).unwrap();
            assert!(!p.is_empty(), "{name}");
            assert!(p.to_keep_options().is_ok());
        }
        assert!(RetentionPolicy::preset("forever").is_none());
        assert!(RetentionPolicy::default().is_empty());
    }

    #[test]
    fn limits_parse() {
        assert!(limit(&Some("5%".into()), "x").unwrap().is_some());
        assert!(limit(&Some("1 GiB".into()), "x").unwrap().is_some());
        assert!(limit(&Some("unlimited".into()), "x").unwrap().is_some());
        assert!(limit(&Some("lots".into()), "x").is_err());
    }
}

/// What `copy` did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CopySummary {
    /// Snapshots copied (ids in the source).
    pub copied: Vec<String>,
    /// Snapshots already present in the target.
    pub already_there: usize,
}

/// Copies the snapshots of `src` (matching `filter`) that `dst` lacks.
pub fn copy(src: OpenRepo, dst: OpenRepo, filter: &super::SnapshotFilter) -> Result<CopySummary> {
    let (sc, dc) = (src.repo.config(), dst.repo.config());
    if sc.chunker_polynomial != dc.chunker_polynomial || sc.chunker != dc.chunker {
        return Err(Error::Input(crate::t!(
            "engine-copy-chunker-differs",
            from = src.uri.as_str(),
            to = dst.uri.as_str()
        )));
    }
    let snaps: Vec<SnapshotFile> = super::browse::snapshot_files(&src, filter)?;
    let candidates = dst
        .repo
        .relevant_copy_snapshots(|_| true, &snaps)
        .map_err(|e| crate::engine_error(crate::t!("engine-comparing-for-copy"), &e))?;
    let relevant: Vec<SnapshotFile> = candidates
        .iter()
        .filter(|c| c.relevant)
        .map(|c| c.sn.clone())
        .collect();
    let already_there = candidates.len() - relevant.len();
    if !relevant.is_empty() {
        let src_uri = src.uri.clone();
        let full = src
            .repo
            .to_indexed()
            .map_err(crate::index_error(&src_uri))?;
        let dst_uri = dst.uri.clone();
        let target = dst
            .repo
            .to_indexed_ids()
            .map_err(crate::index_error(&dst_uri))?;
        full.copy(&target, relevant.iter()).map_err(|e| {
            crate::engine_error(
                crate::t!("engine-copying-into", location = dst_uri.as_str()),
                &e,
            )
        })?;
    }
    Ok(CopySummary {
        copied: relevant.iter().map(|s| s.id.to_hex().to_string()).collect(),
        already_there,
    })
}
