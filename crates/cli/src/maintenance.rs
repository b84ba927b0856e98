//! The repository-maintenance commands: forget, prune, check, repair,
//! housekeeping and keys. Each runs as a job; this file builds the request and
//! renders the result.

use super::{
    CheckArgs, Context, ForgetArgs, KeyCommand, NewPassword, PruneArgs, RepairTarget, jobrun,
    output,
};
use crate::{
    config::{PasswordSource, RepoConfig, Secret},
    engine::{
        self,
        ops::{
            CheckRequest, CheckSummary, ForgetRequest, ForgetSummary, PruneRequest, PruneSummary,
            RepairWhat, RetentionPolicy,
        },
    },
    error::{Error, Result, exit},
    jobs::{
        JobKind, JobSpec, plan,
        result::{HousekeepingReport, KeyAdded, KeyChanged, KeyRemoved, RepairReport},
    },
};

/// Runs a job for the configured (or given) repository; returns where and what.
fn job<T: crate::jobs::Summary>(
    ctx: &Context,
    kind: impl FnOnce(Option<&RepoConfig>) -> Result<JobKind>,
) -> Result<(engine::RepoUsed, T)> {
    let (target, rc) = ctx.target()?;
    let kind = kind(rc.as_ref())?;
    let spec = plan::with_repo_settings(JobSpec::new(target, kind), rc.as_ref())?;
    let (outcome, _) = jobrun::run::<T>(ctx, spec)?;
    Ok((outcome.repository, outcome.summary))
}

/// The policy from the flags when any keep flag is given, else from the config.
fn policy(args: &ForgetArgs, rc: Option<&RepoConfig>) -> Result<Option<RetentionPolicy>> {
    let mut p: Option<RetentionPolicy> = match &args.preset {
        Some(name) => Some(
            RetentionPolicy::preset(name)
                .ok_or_else(|| Error::Usage(crate::t!("cli-bad-preset", name = name.as_str())))?,
        ),
        None => None,
    };
    let secs = |d: &Option<crate::config::HumanDuration>| d.map(|d| d.0.as_secs());
    let flags = RetentionPolicy {
        keep_last: args.keep_last,
        keep_hourly: args.keep_hourly,
        keep_daily: args.keep_daily,
        keep_weekly: args.keep_weekly,
        keep_monthly: args.keep_monthly,
        keep_yearly: args.keep_yearly,
        keep_within: secs(&args.keep_within),
        keep_within_hourly: secs(&args.keep_within_hourly),
        keep_within_daily: secs(&args.keep_within_daily),
        keep_within_weekly: secs(&args.keep_within_weekly),
        keep_within_monthly: secs(&args.keep_within_monthly),
        keep_within_yearly: secs(&args.keep_within_yearly),
        keep_tags: args.keep_tags.clone(),
        keep_all: false,
    };
    if !flags.is_empty() {
        p = Some(p.unwrap_or_default().overridden_by(&flags));
    }
    Ok(p.or_else(|| {
        rc.map(|r| RetentionPolicy::from(&r.retention))
            .filter(|p| !p.is_empty())
    }))
}

fn forget_request(args: &ForgetArgs, rc: Option<&RepoConfig>) -> Result<ForgetRequest> {
    let policy = if args.ids.is_empty() && args.tags.is_empty() {
        Some(policy(args, rc)?.ok_or_else(|| Error::Usage(crate::t!("cli-nothing-to-forget")))?)
    } else {
        None
    };
    Ok(ForgetRequest {
        ids: args.ids.clone(),
        tags: args.tags.clone(),
        policy,
        group_by: args
            .group_by
            .clone()
            .or_else(|| rc.and_then(|r| r.retention.group_by.clone())),
        dry_run: args.dry_run,
    })
}

fn print_forget(s: &ForgetSummary) {
    let (keep, remove) = (crate::t!("cli-forget-keep"), crate::t!("cli-forget-remove"));
    let width = keep.chars().count().max(remove.chars().count());
    for d in &s.snapshots {
        let reasons: Vec<String> = d.reasons.iter().map(|r| reason_name(r)).collect();
        println!(
            "{:<width$}  {}  {:<10} {}  {}",
            if d.keep { &keep } else { &remove },
            d.snapshot.short_id,
            d.snapshot.host,
            output::local_time(&d.snapshot.time),
            reasons.join(", ")
        );
    }
    println!("{}", forget_counts(s));
}

/// "3 kept, removed 2".
fn forget_counts(s: &ForgetSummary) -> String {
    if s.dry_run {
        crate::t!("cli-forget-would", kept = s.kept, removed = s.removed)
    } else {
        crate::t!("cli-forget-done", kept = s.kept, removed = s.removed)
    }
}

/// Why `forget` keeps or removes a snapshot: ours in words, rustic's as it says them.
fn reason_name(reason: &str) -> String {
    match reason {
        "named" => crate::t!("cli-reason-named"),
        "tagged" => crate::t!("cli-reason-tagged"),
        "not selected" => crate::t!("cli-reason-not-selected"),
        other => other.to_string(),
    }
}

fn print_prune(s: &PruneSummary) {
    let (packs, removed, repacked, repacked_size, unused) = (
        s.packs_removed,
        output::size(s.bytes_removed),
        s.packs_repacked,
        output::size(s.bytes_repacked),
        output::size(s.bytes_unused_after),
    );
    println!(
        "{}",
        if s.dry_run {
            crate::t!(
                "cli-prune-would",
                packs = packs,
                removed = removed,
                repacked = repacked,
                repacked_size = repacked_size,
                unused = unused
            )
        } else {
            crate::t!(
                "cli-prune-done",
                packs = packs,
                removed = removed,
                repacked = repacked,
                repacked_size = repacked_size,
                unused = unused
            )
        }
    );
    print_prune_repairs(s);
}

/// What prune repaired on the way, when it did.
fn print_prune_repairs(s: &PruneSummary) {
    if s.packs_mixed_repacked > 0 {
        println!(
            "{}",
            crate::t!("cli-prune-mixed", n = s.packs_mixed_repacked)
        );
    }
    if s.packs_missing_forgotten > 0 {
        println!(
            "{}",
            crate::t!("cli-prune-missing", n = s.packs_missing_forgotten)
        );
    }
    if s.unfinished_files_removed > 0 {
        let (n, size) = (
            s.unfinished_files_removed,
            output::size(s.unfinished_bytes_removed),
        );
        let line = if s.dry_run {
            crate::t!("cli-prune-unfinished-would", n = n, size = size)
        } else {
            crate::t!("cli-prune-unfinished", n = n, size = size)
        };
        println!("{line}");
    }
}

fn print_check(s: &CheckSummary) {
    for w in &s.warnings {
        println!("{}", crate::t!("check-hint", message = w.as_str()));
    }
    if !s.repairs.is_empty() {
        println!(
            "{}",
            crate::t!(
                "cli-check-tidy",
                repairs = engine::findings::repairs_in_words(&s.repairs)
            )
        );
    }
    println!(
        "{}",
        if s.read_data {
            crate::t!("cli-check-ok-data")
        } else {
            crate::t!("cli-check-ok")
        }
    );
}

fn check_request(args: &CheckArgs) -> CheckRequest {
    CheckRequest {
        read_data: args.read_data,
        read_data_subset: args.read_data_subset.clone(),
    }
}

pub fn forget(ctx: &Context, args: ForgetArgs) -> Result<i32> {
    let (used, s): (_, ForgetSummary) =
        job(ctx, |rc| Ok(JobKind::Forget(forget_request(&args, rc)?)))?;
    render(ctx, "forget", &used, &s, print_forget)
}

pub fn prune(ctx: &Context, args: PruneArgs) -> Result<i32> {
    let req = PruneRequest {
        max_unused: args.max_unused,
        max_repack: args.max_repack,
        dry_run: args.dry_run,
    };
    let (used, s): (_, PruneSummary) = job(ctx, |_| Ok(JobKind::Prune(req)))?;
    render(ctx, "prune", &used, &s, print_prune)
}

pub fn check(ctx: &Context, args: CheckArgs) -> Result<i32> {
    let (target, rc) = ctx.target()?;
    let spec = plan::with_repo_settings(
        JobSpec::new(target, JobKind::Check(check_request(&args))),
        rc.as_ref(),
    )?;
    let (outcome, _, damage) = jobrun::run_keeping_result::<CheckSummary>(ctx, spec)?;
    let (used, s) = (outcome.repository, outcome.summary);
    let Some(err) = damage else {
        return render(ctx, "check", &used, &s, print_check);
    };
    // what was found, then the error (and its exit code)
    if ctx.global.json && !ctx.global.json_events {
        output::print_json_with_error("check", Some(&used), &s, &err);
        return Ok(err.exit_code());
    }
    Err(err)
}

pub fn repair(ctx: &Context, what: RepairTarget, dry_run: bool) -> Result<i32> {
    let what = match what {
        RepairTarget::Index => RepairWhat::Index,
        RepairTarget::Snapshots => RepairWhat::Snapshots,
    };
    let (used, s): (_, RepairReport) = job(ctx, |_| Ok(JobKind::Repair { what, dry_run }))?;
    render(ctx, "repair", &used, &s, |_| {
        println!(
            "{}",
            if dry_run {
                crate::t!("cli-repair-dry-run")
            } else {
                crate::t!("cli-repair-done")
            }
        )
    })
}

pub fn housekeeping(ctx: &Context, args: CheckArgs) -> Result<i32> {
    let (used, s): (_, HousekeepingReport) = job(ctx, |rc| {
        let none = ForgetArgs {
            ids: Vec::new(),
            tags: Vec::new(),
            preset: None,
            keep_last: None,
            keep_hourly: None,
            keep_daily: None,
            keep_weekly: None,
            keep_monthly: None,
            keep_yearly: None,
            keep_within: None,
            keep_within_hourly: None,
            keep_within_daily: None,
            keep_within_weekly: None,
            keep_within_monthly: None,
            keep_within_yearly: None,
            keep_tags: Vec::new(),
            group_by: None,
            dry_run: false,
        };
        let forget = forget_request(&none, rc)
            .map_err(|_| Error::Usage(crate::t!("cli-housekeeping-needs-policy")))?;
        Ok(JobKind::Housekeeping {
            check: check_request(&args),
            forget,
            prune: PruneRequest::default(),
        })
    })?;
    render(ctx, "housekeeping", &used, &s, |s| {
        print!("check: ");
        print_check(&s.check);
        print!("forget: ");
        println!("{}", forget_counts(&s.forget));
        print!("prune: ");
        print_prune(&s.prune);
    })
}

fn new_password(p: &NewPassword) -> Result<Secret> {
    let source = match &p.new_password_file {
        Some(f) => PasswordSource::File(f.clone()),
        None => match std::env::var("NPBACKUP_NEW_PASSWORD") {
            Ok(v) if !v.is_empty() => PasswordSource::Inline(Secret::new(v)),
            _ => return Err(Error::Usage(crate::t!("cli-new-password-needed"))),
        },
    };
    let secret = source.resolve()?;
    crate::redact::register(secret.expose());
    Ok(secret)
}

pub fn key(ctx: &Context, cmd: KeyCommand) -> Result<i32> {
    match cmd {
        KeyCommand::List => {
            let (target, _) = ctx.target()?;
            let Some(outcome) = jobrun::run_here::<Vec<engine::ops::KeyInfo>>(
                ctx,
                JobSpec::new(target, JobKind::Keys),
            )?
            else {
                return Ok(exit::OK);
            };
            let (used, keys) = (outcome.repository, outcome.summary);
            if ctx.global.json {
                output::print_json("key", Some(&used), &keys);
            } else {
                let rows: Vec<Vec<String>> = keys
                    .iter()
                    .map(|k| {
                        vec![
                            format!("{}{}", if k.current { "*" } else { " " }, &k.id[..8]),
                            k.username.clone().unwrap_or_default(),
                            k.hostname.clone().unwrap_or_default(),
                            k.created
                                .as_deref()
                                .map(output::local_time)
                                .unwrap_or_default(),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        format!(" {}", crate::t!("cli-column-id")),
                        crate::t!("cli-column-user"),
                        crate::t!("cli-column-host"),
                        crate::t!("cli-column-created"),
                    ],
                    &rows,
                );
            }
            Ok(exit::OK)
        }
        KeyCommand::Add(p) => {
            let password = new_password(&p)?;
            let (used, s): (_, KeyAdded) = job(ctx, |_| Ok(JobKind::KeyAdd { password }))?;
            render(ctx, "key", &used, &s, |s| {
                println!("{}", crate::t!("cli-key-added", id = short(&s.added)))
            })
        }
        KeyCommand::Remove { id } => {
            let (used, s): (_, KeyRemoved) = job(ctx, |_| Ok(JobKind::KeyRemove { id }))?;
            render(ctx, "key", &used, &s, |s| {
                println!("{}", crate::t!("cli-key-removed", id = short(&s.removed)))
            })
        }
        KeyCommand::Passwd(p) => {
            let password = new_password(&p)?;
            let entry = super::keyring::entry_in_use(ctx);
            let (used, changed): (_, KeyChanged) = job(ctx, |_| {
                Ok(JobKind::KeyPasswd {
                    password: password.clone(),
                })
            })?;
            // the configuration reads the keyring: it gets the new password at once
            let kept = entry.map(|entry| {
                let r = crate::config::keyring::set(
                    &entry,
                    &password,
                    &crate::t!("cli-keyring-what-repository-password"),
                );
                (entry, r)
            });
            /// The change, and what became of the keyring's copy of the password.
            #[derive(serde::Serialize)]
            struct Passwd {
                #[serde(flatten)]
                changed: KeyChanged,
                #[serde(skip_serializing_if = "Option::is_none")]
                keyring_entry: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                keyring_updated: Option<bool>,
            }
            let s = Passwd {
                changed,
                keyring_entry: kept.as_ref().map(|(entry, _)| entry.clone()),
                keyring_updated: kept.as_ref().map(|(_, r)| r.is_ok()),
            };
            render(ctx, "key", &used, &s, |s| {
                println!(
                    "{}",
                    crate::t!(
                        "cli-passwd-changed",
                        added = short(&s.changed.added),
                        removed = short(&s.changed.removed)
                    )
                );
                match &kept {
                    Some((entry, Ok(()))) => println!(
                        "{}",
                        crate::t!("cli-passwd-keyring-updated", entry = entry.as_str())
                    ),
                    Some((entry, Err(e))) => println!(
                        "{}",
                        crate::t!(
                            "cli-passwd-keyring-not-updated",
                            entry = entry.as_str(),
                            cause = e.to_string()
                        )
                    ),
                    None => println!("{}", crate::t!("cli-passwd-update-source")),
                }
            })
        }
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn render<T: serde::Serialize>(
    ctx: &Context,
    command: &str,
    used: &engine::RepoUsed,
    s: &T,
    human: impl FnOnce(&T),
) -> Result<i32> {
    if ctx.global.json_events {
        return Ok(exit::OK);
    }
    if ctx.global.json {
        output::print_json(command, Some(used), s);
    } else {
        human(s);
    }
    Ok(exit::OK)
}

pub fn copy(
    ctx: &Context,
    to: Option<String>,
    to_repository: Option<String>,
    to_password_file: Option<std::path::PathBuf>,
) -> Result<i32> {
    let destination = match (to, to_repository) {
        (Some(name), _) => {
            let config = ctx.config()?;
            // copying into a repository adds snapshots to it
            config
                .repo(&name)?
                .permissions
                .check(&name, crate::config::permissions::Op::Backup)?;
            plan::target(&config, &name, None)?.0
        }
        (None, Some(uri)) => {
            let source = match (to_password_file, std::env::var("NPBACKUP_TO_PASSWORD")) {
                (Some(f), _) => PasswordSource::File(f),
                (None, Ok(v)) if !v.is_empty() => PasswordSource::Inline(Secret::new(v)),
                _ => return Err(Error::Usage(crate::t!("cli-copy-password-needed"))),
            };
            let password = source.resolve()?;
            crate::redact::register(password.expose());
            engine::RepoTarget::at(uri, password)
        }
        (None, None) => {
            return Err(Error::Usage(crate::t!("cli-copy-needs-target")));
        }
    };
    let (used, s): (_, engine::ops::CopySummary) = job(ctx, |_| {
        Ok(JobKind::Copy {
            to: Box::new(destination),
        })
    })?;
    render(ctx, "copy", &used, &s, |s| {
        println!(
            "{}",
            crate::t!(
                "cli-copy-done",
                n = s.copied.len(),
                already = s.already_there
            )
        )
    })
}
