//! restic's and rustic's own test repositories (`tests/fixtures/third-party/`): every
//! one of them opens in ours, lists, restores and checks as the real `restic`
//! binary does, and what our `check` says to run repairs it. The reference is
//! restic itself, run on the same copy.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::Command as StdCommand,
};

use common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/third-party");

/// A repository among the fixtures.
struct Fixture {
    name: String,
    archive: PathBuf,
    password: &'static str,
}

/// Every repository archive of the fixtures (the two source trees left out).
fn repositories() -> Vec<Fixture> {
    let mut out = Vec::new();
    for dir in ["restic", "rustic"] {
        let mut entries: Vec<PathBuf> = fs::read_dir(Path::new(FIXTURES).join(dir))
            .expect("fixtures folder")
            .map(|e| e.expect("fixture").path())
            .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
            .collect();
        entries.sort();
        for archive in entries {
            let name = archive
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".tar.gz"))
                .expect("archive name")
                .to_string();
            if matches!(name.as_str(), "backup-data" | "test.hl") {
                continue;
            }
            let password = match name.as_str() {
                "restic-repo" => "restic",
                "rustic-repo" | "rustic-copy-repo" => "rustic",
                _ => "geheim",
            };
            out.push(Fixture {
                name,
                archive,
                password,
            });
        }
    }
    assert!(out.len() >= 17, "fixtures missing: {}", out.len());
    out
}

/// What restic's own check says of each fixture as it comes: passes (`true`) or
/// fails, and the kinds of hints or errors ours must give. A fixture without an
/// entry here fails the test, so a new one is looked at.
fn expected(name: &str) -> (bool, &'static [&'static str]) {
    match name {
        "copy-unstable-json"
        | "repo-duplicates"
        | "repo-same-timestamps"
        | "restic-repo"
        | "rustic-repo"
        | "rustic-copy-repo" => (true, &[]),
        "small-repo" | "repo-layout-default" | "repo-mixed" | "repo-restore-permissions-test" => {
            (true, &["mixed-pack"])
        }
        "duplicate-packs-in-index-test-repo" | "repo-obsolete-index" => {
            (true, &["pack-in-several-indexes"])
        }
        "repo-unreferenced-data" => (true, &["pack-not-indexed"]),
        "repo-data-missing" => (false, &["pack-missing"]),
        "repo-index-missing" => (false, &["folders-unreadable", "pack-not-indexed"]),
        "repo-index-missing-blob" => (false, &["file-data-missing", "pack-not-indexed"]),
        "repo-unused-data-missing" => (false, &["pack-missing", "pack-size-differs"]),
        other => panic!("no expectation for the fixture {other}: add it to `expected`"),
    }
}

/// A fixture unpacked into the world, with its password in a file.
struct Unpacked {
    repo: String,
    password_file: PathBuf,
}

fn unpack(w: &World, f: &Fixture, into: &str) -> Unpacked {
    let dir = w.path(into);
    fs::create_dir_all(&dir).unwrap();
    let status = StdCommand::new("tar")
        .arg("xzf")
        .arg(&f.archive)
        .arg("-C")
        .arg(&dir)
        .status()
        .expect("tar runs");
    assert!(status.success(), "unpacking {}", f.name);
    let password_file = w.path(&format!("{into}.password"));
    fs::write(&password_file, f.password).unwrap();
    Unpacked {
        repo: dir.join("repo").display().to_string(),
        password_file,
    }
}

impl Unpacked {
    /// Our command line on this repository.
    fn ours(&self, w: &World) -> assert_cmd::Command {
        let mut cmd = w.cli();
        cmd.arg("-r")
            .arg(&self.repo)
            .arg("--password-file")
            .arg(&self.password_file);
        cmd
    }

    /// The real restic on this repository (its own cache, none shared with ours).
    fn restic(&self, w: &World) -> StdCommand {
        let mut cmd = restic(w, &self.repo);
        cmd.env("RESTIC_PASSWORD_FILE", &self.password_file);
        cmd
    }
}

/// A configuration naming `source` (an existing repository) and `mirror`, a new one
/// made with the source's chunker parameters (so that a copy deduplicates); returns
/// the configuration file and the mirror's location.
fn with_mirror(w: &World, source: &str, source_password: &Path) -> (PathBuf, String) {
    let mirror = w.path("mirror").display().to_string();
    let cfg = w.config(&format!(
        "[repos.source]\nuri = \"{source}\"\npassword-file = \"{}\"\n\
         [repos.mirror]\nuri = \"{mirror}\"\npassword-file = \"{}\"\n",
        source_password.display(),
        w.password_file().display()
    ));
    run(
        w.cli().arg("-c").arg(&cfg).args([
            "--repo",
            "mirror",
            "init",
            "--copy-chunker-params-from",
            "source",
        ]),
        0,
    );
    (cfg, mirror)
}

/// Copies every snapshot of the configuration's `source` into its `mirror`.
fn copy_to_mirror(w: &World, cfg: &Path) {
    run(
        w.cli()
            .arg("-c")
            .arg(cfg)
            .args(["--repo", "source", "copy", "--to", "mirror"]),
        0,
    );
}

/// Runs ours; returns (exit code, stdout, stderr), failing on a panic or a printed password.
fn ours(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    let (stdout, stderr) = (stdout(&out), stderr(&out));
    assert!(
        !format!("{stdout}{stderr}").contains("panicked"),
        "our program panicked:\n{stdout}\n{stderr}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// restic's check (structure only: with missing packs, `--read-data` retries for a minute).
fn restic_check_passes(u: &Unpacked, w: &World) -> bool {
    u.restic(w)
        .arg("check")
        .output()
        .expect("restic runs")
        .status
        .success()
}

/// Our check: passes or not, and the kinds of what it found.
fn our_check(u: &Unpacked, w: &World) -> (bool, BTreeSet<String>, serde_json::Value) {
    let (code, out, err) = ours(u.ours(w).args(["--json", "check"]));
    let doc = json_of(&out);
    let kinds = doc["result"]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("check gave no findings list: {out}\n{err}"))
        .iter()
        .map(|f| f["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    (code == 0, kinds, doc)
}

fn snapshot_ids_of_restic(u: &Unpacked, w: &World) -> Vec<String> {
    let out = restic_ok(u.restic(w).args(["snapshots", "--json"]));
    let mut ids: Vec<String> = json_of(&out)
        .as_array()
        .expect("restic's snapshot list")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids
}

/// The (path, type) pairs restic's `ls --json` gives for a snapshot, and the
/// (relative) paths of what it holds without a time or a mode.
fn restic_ls(u: &Unpacked, w: &World, id: &str) -> (BTreeSet<(String, String)>, BTreeSet<PathBuf>) {
    let nodes: Vec<serde_json::Value> = restic_ok(u.restic(w).args(["ls", "--json", id]))
        .lines()
        .map(json_of)
        .filter(|n| n["struct_type"] == "node")
        .collect();
    let path = |n: &serde_json::Value| n["path"].as_str().unwrap_or_default().to_string();
    let listed = nodes
        .iter()
        .map(|n| (path(n), n["type"].as_str().unwrap_or_default().to_string()))
        .collect();
    let timeless = nodes
        .iter()
        .filter(|n| n["mtime"] == "0001-01-01T00:00:00Z" || n["mode"].is_null())
        .map(|n| PathBuf::from(path(n).trim_start_matches('/')))
        .collect();
    (listed, timeless)
}

fn our_ls(u: &Unpacked, w: &World, id: &str) -> BTreeSet<(String, String)> {
    let (code, out, err) = ours(u.ours(w).args(["--json", "ls", id, "--recursive"]));
    assert_eq!(code, 0, "ls {id}: {err}");
    json_of(&out)["result"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap_or_default().to_string(),
                e["type"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Every regular file's group of hard links, as sets of relative paths.
fn link_groups(root: &Path) -> BTreeSet<BTreeSet<PathBuf>> {
    let mut by_inode: BTreeMap<(u64, u64), BTreeSet<PathBuf>> = BTreeMap::new();
    for p in walk(root) {
        let m = fs::symlink_metadata(&p).unwrap();
        if m.is_file() {
            by_inode
                .entry((m.dev(), m.ino()))
                .or_default()
                .insert(p.strip_prefix(root).unwrap().to_path_buf());
        }
    }
    by_inode.into_values().collect()
}

/// Owners, as restic restores them when run as root (as ours does).
fn assert_same_owners(a: &Path, b: &Path) {
    for p in walk(a) {
        let rel = p.strip_prefix(a).unwrap();
        let (ma, mb) = (
            fs::symlink_metadata(&p).unwrap(),
            fs::symlink_metadata(b.join(rel)).unwrap(),
        );
        assert_eq!(
            (ma.uid(), ma.gid()),
            (mb.uid(), mb.gid()),
            "owner of {}",
            rel.display()
        );
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn every_repository_lists_restores_and_checks_as_restic_does() {
    let w = World::new();
    let mut problems = Vec::new();
    for (n, f) in repositories().iter().enumerate() {
        let u = unpack(&w, f, &format!("fx{n}"));
        let (restic_passes, kinds) = expected(&f.name);
        assert_eq!(
            restic_check_passes(&u, &w),
            restic_passes,
            "{}: restic's verdict is not the one expected",
            f.name
        );

        // snapshots: the same ids
        let ids = snapshot_ids_of_restic(&u, &w);
        let (code, out, err) = ours(u.ours(&w).args(["--json", "snapshots"]));
        assert_eq!(code, 0, "{}: snapshots: {err}", f.name);
        let mut our_ids: Vec<String> = json_of(&out)["result"]
            .as_array()
            .expect("snapshot list")
            .iter()
            .map(|s| s["id"].as_str().unwrap_or_default().to_string())
            .collect();
        our_ids.sort();
        if our_ids != ids {
            problems.push(format!("{}: snapshots {our_ids:?}, restic {ids:?}", f.name));
        }

        // check: the same verdict, with the findings expected
        let (passes, found, doc) = our_check(&u, &w);
        if passes != restic_passes {
            problems.push(format!(
                "{}: our check {} where restic's {}: {doc}",
                f.name,
                if passes { "passes" } else { "fails" },
                if restic_passes { "passes" } else { "fails" },
            ));
        }
        let wanted: BTreeSet<String> = kinds.iter().map(|k| k.to_string()).collect();
        if found != wanted {
            problems.push(format!(
                "{}: check found {found:?}, expected {wanted:?}",
                f.name
            ));
        }
        for finding in doc["result"]["findings"].as_array().into_iter().flatten() {
            let message = finding["message"].as_str().unwrap_or_default();
            if message.contains("rustic") || message.contains("Error:") {
                problems.push(format!(
                    "{}: a finding in rustic's words: {message}",
                    f.name
                ));
            }
        }
        if !restic_passes {
            continue;
        }
        // an intact repository also passes with its data read
        let (code, _, err) = ours(u.ours(&w).args(["check", "--read-data"]));
        if code != 0 {
            problems.push(format!("{}: check --read-data failed: {err}", f.name));
        }

        // the other readers: stats, find, diff, dump, copy (into a new repository
        // that restic then reads in full)
        let (code, _, err) = ours(u.ours(&w).args(["--json", "stats"]));
        if code != 0 {
            problems.push(format!("{}: stats failed: {err}", f.name));
        }
        if let [first, .., last] = ids.as_slice() {
            let (code, _, err) = ours(u.ours(&w).args(["--json", "diff", first, last]));
            if code != 0 {
                problems.push(format!("{}: diff failed: {err}", f.name));
            }
        }
        if !ids.is_empty() {
            let (code, out, err) = ours(u.ours(&w).args(["--json", "find", "*"]));
            let ours_found = json_of(&out)["result"].as_array().map_or(0, Vec::len);
            let theirs: usize = json_of(&restic_ok(u.restic(&w).args(["find", "--json", "*"])))
                .as_array()
                .map_or(0, |snaps| {
                    snaps
                        .iter()
                        .map(|s| s["matches"].as_array().map_or(0, Vec::len))
                        .sum()
                });
            if code != 0 || ours_found != theirs {
                problems.push(format!(
                    "{}: find * found {ours_found}, restic {theirs}: {err}",
                    f.name
                ));
            }
        }
        for id in ids.iter().take(1) {
            let file = restic_ls(&u, &w, id)
                .0
                .into_iter()
                .find(|(_, kind)| kind == "file");
            if let Some((path, _)) = file {
                let theirs = u
                    .restic(&w)
                    .args(["dump", id, &path])
                    .output()
                    .expect("restic runs")
                    .stdout;
                let out = u.ours(&w).args(["dump", id, &path]).output().expect("runs");
                if !out.status.success() || out.stdout != theirs {
                    problems.push(format!("{}: dump of {path} differs from restic's", f.name));
                }
            }
        }
        let (cfg, mirror) = with_mirror(&w, &u.repo, &u.password_file);
        copy_to_mirror(&w, &cfg);
        restic_ok(restic(&w, &mirror).args(["check", "--read-data"]));
        let copied = snapshot_ids_of_restic(
            &Unpacked {
                repo: mirror.clone(),
                password_file: w.password_file(),
            },
            &w,
        )
        .len();
        if copied != ids.len() {
            problems.push(format!(
                "{}: {copied} of {} snapshots copied",
                f.name,
                ids.len()
            ));
        }
        fs::remove_dir_all(&mirror).unwrap();

        // ls and restore of every snapshot: what restic lists and restores
        for id in &ids {
            let ((theirs, timeless), mine) = (restic_ls(&u, &w, id), our_ls(&u, &w, id));
            if theirs != mine {
                problems.push(format!(
                    "{} {}: ls differs: only restic {:?}, only ours {:?}",
                    f.name,
                    &id[..8],
                    theirs.difference(&mine).take(5).collect::<Vec<_>>(),
                    mine.difference(&theirs).take(5).collect::<Vec<_>>()
                ));
            }
            let by_restic = w.path(&format!("fx{n}-{}-restic", &id[..8]));
            let by_us = w.path(&format!("fx{n}-{}-ours", &id[..8]));
            restic_ok(
                u.restic(&w)
                    .args(["restore", id, "--target"])
                    .arg(&by_restic),
            );
            let (code, _, err) = ours(u.ours(&w).args(["restore", id, "--target"]).arg(&by_us));
            if code != 0 {
                problems.push(format!("{} {}: restore failed: {err}", f.name, &id[..8]));
                continue;
            }
            assert_same_tree_but_metadata_of(&by_restic, &by_us, &timeless);
            assert_eq!(link_groups(&by_restic), link_groups(&by_us), "{}", f.name);
            if is_root() {
                assert_same_owners(&by_restic, &by_us);
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Runs what our check says to run, in order, then both checks pass.
#[test]
fn what_check_says_to_run_repairs_every_repository() {
    let w = World::new();
    let mut problems = Vec::new();
    for (n, f) in repositories().iter().enumerate() {
        let u = unpack(&w, f, &format!("fx{n}"));
        let (_, found, doc) = our_check(&u, &w);
        if found.is_empty() {
            continue;
        }
        // as a person would: run what it says, check again, at most three times
        let mut repairs: Vec<String> = Vec::new();
        let mut doc = doc;
        for _ in 0..3 {
            let said: Vec<String> = doc["result"]["repairs"]
                .as_array()
                .expect("repairs")
                .iter()
                .map(|r| r.as_str().unwrap_or_default().to_string())
                .collect();
            if said.is_empty() {
                break;
            }
            for repair in &said {
                let args: Vec<&str> = match repair.as_str() {
                    "repair-index" => vec!["repair", "index"],
                    "repair-snapshots" => vec!["repair", "snapshots"],
                    "prune" => vec!["prune"],
                    other => panic!("unknown repair {other}"),
                };
                let (code, _, err) = ours(u.ours(&w).args(&args));
                if code != 0 {
                    problems.push(format!("{}: {repair} failed: {err}", f.name));
                }
            }
            repairs.extend(said);
            doc = our_check(&u, &w).2;
        }
        let rounds = repairs.len();
        let first_round = doc["result"]["repairs"].as_array().map_or(0, Vec::len);
        if rounds > 3 || first_round > 0 {
            problems.push(format!(
                "{}: one round of what check said did not do: {repairs:?}",
                f.name
            ));
        }
        if !restic_check_passes(&u, &w) {
            let out = u.restic(&w).arg("check").output().expect("restic runs");
            problems.push(format!(
                "{}: restic's check fails after {repairs:?}:\n{}{}",
                f.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let (passes, still, doc) = our_check(&u, &w);
        if !passes {
            problems.push(format!(
                "{}: our check fails after {repairs:?}: {doc}",
                f.name
            ));
        }
        // the mixed packs are gone, and so is what repair index and prune tidy
        if !still.is_empty() {
            problems.push(format!(
                "{}: after {repairs:?} check still finds {still:?}",
                f.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// restic's prune repacks mixed packs into packs of one type, and repairs a repository
/// whose index lists packs that are gone but unused; so does ours, and restic reads
/// every byte of the result.
#[test]
fn prune_repacks_mixed_packs_and_forgets_missing_unused_ones() {
    let w = World::new();
    for f in repositories().iter().filter(|f| {
        matches!(
            f.name.as_str(),
            "small-repo" | "repo-mixed" | "repo-layout-default" | "repo-unused-data-missing"
        )
    }) {
        let u = unpack(&w, f, &f.name);
        let before = snapshot_ids_of_restic(&u, &w);
        let (code, out, err) = ours(u.ours(&w).args(["--json", "prune"]));
        assert_eq!(code, 0, "{}: prune: {out}{err}", f.name);
        let result = &json_of(&out)["result"];
        if f.name == "repo-unused-data-missing" {
            assert_eq!(result["packs_missing_forgotten"], 2, "{}: {result}", f.name);
        } else {
            assert!(
                result["packs_mixed_repacked"].as_u64().unwrap_or(0) > 0,
                "{}: {result}",
                f.name
            );
        }
        restic_ok(u.restic(&w).args(["check", "--read-data"]));
        assert_eq!(snapshot_ids_of_restic(&u, &w), before, "{}", f.name);
        let (passes, found, doc) = our_check(&u, &w);
        assert!(passes && found.is_empty(), "{}: {doc}", f.name);
        // what was repacked still restores as restic restores it
        for id in &before {
            let by_restic = w.path(&format!("{}-{}-restic", f.name, &id[..8]));
            let by_us = w.path(&format!("{}-{}-ours", f.name, &id[..8]));
            restic_ok(
                u.restic(&w)
                    .args(["restore", id, "--target"])
                    .arg(&by_restic),
            );
            let (code, _, err) = ours(u.ours(&w).args(["restore", id, "--target"]).arg(&by_us));
            assert_eq!(code, 0, "{}: {err}", f.name);
            assert_same_tree(&by_restic, &by_us);
        }
    }
}

/// rustic_core's key fixtures: either of two keys opens, a wrong password is a wrong
/// password, and a damaged key file is said to be damaged, not a wrong password.
#[test]
fn keys_open_with_either_password_and_a_damaged_key_is_named() {
    let w = World::new();
    let keys = Path::new(FIXTURES).join("rustic/core-keys");
    let make = |name: &str, files: &[&str]| -> String {
        let repo = w.path(name);
        for sub in ["keys", "data", "index", "snapshots", "locks"] {
            fs::create_dir_all(repo.join(sub)).unwrap();
        }
        fs::copy(keys.join("config"), repo.join("config")).unwrap();
        for file in files {
            let bytes = fs::read(keys.join(file)).unwrap();
            // a key file is named by the SHA-256 of its bytes
            let id = sha256_hex(&bytes);
            fs::write(repo.join("keys").join(id), bytes).unwrap();
        }
        repo.display().to_string()
    };
    let two = make("two-keys", &["key1", "key2"]);
    let damaged = make("damaged-key", &["key-failing"]);
    let with_damaged = make("good-and-damaged", &["key1", "key-failing"]);
    let with_password = |repo: &str, password: &str| {
        let file = w.path(&format!("pw-{password}"));
        fs::write(&file, password).unwrap();
        let mut cmd = w.cli();
        cmd.args(["-r", repo, "--password-file"])
            .arg(file)
            .arg("snapshots");
        ours(&mut cmd)
    };
    for password in ["test", "test2"] {
        let (code, _, err) = with_password(&two, password);
        assert_eq!(code, 0, "{password}: {err}");
    }
    let (code, _, err) = with_password(&two, "wrong");
    assert_eq!(code, 4, "a wrong password: {err}");
    assert!(err.contains("wrong password"), "{err}");

    let (code, _, err) = with_password(&damaged, "test");
    assert_ne!(code, 0);
    assert_ne!(code, 4, "a damaged key is not a wrong password: {err}");
    assert!(err.contains("key file") && err.contains("damaged"), "{err}");
    // the damaged key does not lock the good one out (restic stops at it)
    let (code, _, err) = with_password(&with_damaged, "test");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = with_password(&with_damaged, "test2");
    assert_eq!(code, 4, "no key opens with test2 here: {err}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// restic's own source trees: `backup-data` (restic's find expectations: `testfile`
/// names one file, `testfile*` three) and `test.hl` (hard links), backed up by us and
/// restored by us and by restic alike.
#[test]
fn restics_source_trees_back_up_find_and_keep_hard_links() {
    let w = World::new();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    for (tree, sub) in [("backup-data", "0"), ("test.hl", "")] {
        let src = w.path(tree);
        fs::create_dir_all(&src).unwrap();
        let archive = Path::new(FIXTURES).join(format!("restic/{tree}.tar.gz"));
        let status = StdCommand::new("tar")
            .arg("xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&src)
            .status()
            .unwrap();
        assert!(status.success());
        let src = if sub.is_empty() {
            src.join(tree)
        } else {
            src.join(sub)
        };
        let src = if src.exists() { src } else { w.path(tree) };
        run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
        let by_us = w.path(&format!("{tree}-ours"));
        let by_restic = w.path(&format!("{tree}-restic"));
        run(
            w.cli_repo(&repo)
                .args(["restore", "latest", "--target"])
                .arg(&by_us),
            0,
        );
        restic_ok(
            restic(&w, &repo)
                .args(["restore", "latest", "--target"])
                .arg(&by_restic),
        );
        // (the folders above the backed-up one are rustic's own, without times)
        let rel = src.strip_prefix("/").unwrap();
        assert_same_tree(&src, &by_us.join(rel));
        assert_same_tree(&by_restic.join(rel), &by_us.join(rel));
        assert_eq!(link_groups(&src), link_groups(&by_us.join(rel)), "{tree}");
        assert_eq!(link_groups(&by_restic), link_groups(&by_us), "{tree}");
        if tree == "test.hl" {
            assert!(
                link_groups(&by_us).iter().any(|g| g.len() == 2),
                "test.hl's hard link was not kept"
            );
        }
    }
    restic_ok(restic(&w, &repo).args(["check", "--read-data"]));
    // restic's own expectations on backup-data, and restic's answers on our repository
    for (pattern, hits) in [("testfile", 1), ("testfile*", 3), ("unexistingfile", 0)] {
        let found = json(&run(w.cli_repo(&repo).args(["--json", "find", pattern]), 0));
        let ours = found["result"].as_array().unwrap().len();
        assert_eq!(ours, hits, "find {pattern}: {found}");
        let theirs = restic_ok(restic(&w, &repo).args(["find", "--json", pattern]));
        let theirs: usize = json_of(&theirs)
            .as_array()
            .map(|snaps| {
                snaps
                    .iter()
                    .map(|s| s["matches"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(ours, theirs, "find {pattern}: restic found {theirs}");
    }
}

/// A name or link target that is not UTF-8 comes out of `--json` with its exact
/// bytes beside the text (`path_raw`, `link_target_raw`), and a script that gives
/// those bytes back restores exactly that item.
#[test]
fn names_and_link_targets_that_are_not_utf8_keep_their_bytes() {
    use base64::Engine;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let b64 = base64::engine::general_purpose::STANDARD;
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let odd_target = std::ffi::OsStr::from_bytes(b"../caf\xe9/menu");
    std::os::unix::fs::symlink(odd_target, src.join("docs/link-latin1")).unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let listed = json(&run(
        w.cli_repo(&repo)
            .args(["--json", "ls", "latest", "--recursive"]),
        0,
    ));
    let entries = listed["result"]["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let link = entries
        .iter()
        .find(|e| {
            e["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/link-latin1"))
        })
        .unwrap_or_else(|| panic!("no link in {listed}"));
    let raw = link["link_target_raw"]
        .as_str()
        .unwrap_or_else(|| panic!("no link_target_raw: {link}"));
    assert_eq!(b64.decode(raw).ok().as_deref(), Some(odd_target.as_bytes()));
    let latin1 = entries
        .iter()
        .find(|e| e["path_raw"].is_string())
        .unwrap_or_else(|| panic!("no path_raw in {listed}"));
    let exact = std::ffi::OsString::from_vec(
        b64.decode(latin1["path_raw"].as_str().unwrap_or_default())
            .expect("base64"),
    );
    assert!(
        exact.as_bytes().ends_with(b"latin1-\xe9t\xe9.txt"),
        "{latin1}"
    );
    assert!(
        latin1["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("latin1-\u{fffd}t\u{fffd}.txt")),
        "{latin1}"
    );

    // what was listed, given back byte for byte, restores exactly that
    let target = w.path("only-latin1");
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&target)
            .arg("--include")
            .arg(&exact),
        0,
    );
    let restored: Vec<PathBuf> = walk(&target).into_iter().filter(|p| p.is_file()).collect();
    assert_eq!(restored.len(), 1, "{restored:?}");
    assert!(
        restored[0]
            .as_os_str()
            .as_bytes()
            .ends_with(b"latin1-\xe9t\xe9.txt")
    );
    // and the whole snapshot, link included, as restic restores it
    let by_us = w.path("all-ours");
    let by_restic = w.path("all-restic");
    run(
        w.cli_repo(&repo)
            .args(["restore", "latest", "--target"])
            .arg(&by_us),
        0,
    );
    restic_ok(
        restic(&w, &repo)
            .args(["restore", "latest", "--target"])
            .arg(&by_restic),
    );
    let rel = src.strip_prefix("/").unwrap();
    assert_same_tree(&src, &by_us.join(rel));
    // restic 0.14 does not read `linktarget_raw` (it restores the link's text form)
    for tree in [&by_restic, &by_us] {
        fs::remove_file(tree.join(rel).join("docs/link-latin1")).unwrap();
    }
    assert_same_tree(&by_restic.join(rel), &by_us.join(rel));
}

/// restic's `copy-unstable-json`: a tree whose JSON restic itself would not write
/// again byte for byte (a link target that lost its bytes long ago, stored as
/// escapes). A copy must keep such trees as they are: same ids, restic reads them.
#[test]
fn copy_keeps_trees_byte_for_byte() {
    let w = World::new();
    let fixture = repositories()
        .into_iter()
        .find(|f| f.name == "copy-unstable-json")
        .expect("fixture");
    let u = unpack(&w, &fixture, "unstable");
    let (cfg, mirror) = with_mirror(&w, &u.repo, &u.password_file);
    copy_to_mirror(&w, &cfg);
    let tree_of = |cmd: &mut StdCommand| {
        json_of(&restic_ok(cmd.args(["snapshots", "--json"])))[0]["tree"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        tree_of(&mut u.restic(&w)),
        tree_of(&mut restic(&w, &mirror))
    );
    restic_ok(restic(&w, &mirror).args(["check", "--read-data"]));
    let by_restic = w.path("by-restic");
    let by_us = w.path("by-us");
    restic_ok(
        u.restic(&w)
            .args(["restore", "latest", "--target"])
            .arg(&by_restic),
    );
    run(
        w.cli_repo(&mirror)
            .args(["restore", "latest", "--target"])
            .arg(&by_us),
        0,
    );
    assert_same_tree(&by_restic, &by_us);
}

/// What restic 0.17 and rustic write into a snapshot: our backups write the summary and
/// the program's name as restic does, `snapshots` shows them, and fields we do not
/// know (rustic's label and description, restic's excludes, whatever comes next)
/// survive a copy.
#[test]
fn newer_snapshot_fields_are_written_shown_and_kept() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let id = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0))["result"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let written = stored_snapshot(&w, &repo, &id);
    assert!(
        written["program_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("npbackup ")),
        "{written}"
    );
    for key in [
        "backup_start",
        "backup_end",
        "files_new",
        "files_changed",
        "files_unmodified",
        "dirs_new",
        "dirs_changed",
        "dirs_unmodified",
        "data_blobs",
        "tree_blobs",
        "data_added",
        "data_added_packed",
        "total_files_processed",
        "total_bytes_processed",
    ] {
        assert!(
            !written["summary"][key].is_null(),
            "restic 0.17's summary key {key} missing: {written}"
        );
    }
    let listed = json(&run(w.cli_repo(&repo).args(["--json", "snapshots"]), 0));
    assert!(
        listed["result"][0]["files"].as_u64().unwrap_or(0) > 5,
        "{listed}"
    );
    assert!(
        listed["result"][0]["program_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("npbackup ")),
        "{listed}"
    );

    // a snapshot as rustic (label, description) and a later restic (excludes, a
    // field nobody knows yet) write it, saved beside ours
    let mut snap = written.clone();
    snap["label"] = "nightly".into();
    snap["description"] = "before the upgrade".into();
    snap["excludes"] = serde_json::json!(["*.tmp"]);
    snap["from_the_future"] = serde_json::json!({ "kept": true });
    snap["time"] = "2026-01-02T03:04:05Z".into();
    save_snapshot(&w, &repo, &snap);
    let (cfg, mirror) = with_mirror(&w, &repo, &w.password_file());
    copy_to_mirror(&w, &cfg);
    let copies = json_of(&restic_ok(
        restic(&w, &mirror).args(["snapshots", "--json"]),
    ));
    let copied = copies
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["time"]
                .as_str()
                .is_some_and(|t| t.starts_with("2026-01-02"))
        })
        .unwrap_or_else(|| panic!("the extra snapshot was not copied: {copies}"));
    let copied = stored_snapshot(&w, &mirror, copied["id"].as_str().unwrap_or_default());
    for key in ["label", "description", "excludes", "from_the_future"] {
        assert_eq!(copied[key], snap[key], "{key} lost in the copy: {copied}");
    }
    restic_ok(restic(&w, &mirror).args(["check", "--read-data"]));
}

/// The key of `repo` (whose password is the world's).
fn key_of(w: &World, repo: &str) -> npbackup_engine::crypto::RepoKey {
    let target = npbackup_engine::RepoTarget {
        name: "test".into(),
        uris: vec![repo.to_string()],
        backend_options: Default::default(),
        password: npbackup_common::secret::Secret::new(PASSWORD),
        cache_dir: Some(w.path("key-cache")),
        no_cache: true,
        limits: Default::default(),
        pack_size: None,
    };
    let open = npbackup_engine::open(&target, npbackup_engine::NoProgress).expect("opens");
    open.key().expect("key")
}

/// The snapshot file `id` of `repo` as it is stored, every field (restic 0.14's `cat`
/// shows only the fields it knows).
fn stored_snapshot(w: &World, repo: &str, id: &str) -> serde_json::Value {
    let data = fs::read(Path::new(repo).join("snapshots").join(id)).expect("snapshot file");
    let plain = key_of(w, repo).decrypt(&data).expect("decrypts");
    let json = match plain.first() {
        // repository format 2: a leading 2, then zstd
        Some(2) => zstd::stream::decode_all(&plain[1..]).expect("zstd"),
        _ => plain,
    };
    serde_json::from_slice(&json).expect("JSON")
}

/// Writes `snapshot` (JSON) into `repo` as a snapshot file, encrypted with its key.
fn save_snapshot(w: &World, repo: &str, snapshot: &serde_json::Value) {
    let key = key_of(w, repo);
    let data = key
        .encrypt(serde_json::to_string(snapshot).unwrap().as_bytes())
        .expect("encrypts");
    let id = sha256_hex(&data);
    fs::write(Path::new(repo).join("snapshots").join(id), data).unwrap();
}

/// Extended attributes are backed up, restored by us and by restic, and copied.
#[test]
fn extended_attributes_survive_backup_restore_and_copy() {
    let w = World::new();
    let src = w.path("src");
    fs::create_dir_all(&src).unwrap();
    let file = src.join("tagged.txt");
    fs::write(&file, "a file with attributes\n").unwrap();
    if xattr::set(&file, "user.npbackup.test", b"value \x00\xff").is_err() {
        eprintln!("this file system takes no user extended attributes: nothing to test");
        return;
    }
    xattr::set(&file, "user.empty", b"").unwrap();
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    run(w.cli_repo(&repo).arg("backup").arg(&src), 0);
    let (cfg, mirror) = with_mirror(&w, &repo, &w.password_file());
    copy_to_mirror(&w, &cfg);
    let rel = file.strip_prefix("/").unwrap();
    let check = |restored: &Path, by: &str| {
        let f = restored.join(rel);
        assert_eq!(
            xattr::get(&f, "user.npbackup.test")
                .ok()
                .flatten()
                .as_deref(),
            Some(&b"value \x00\xff"[..]),
            "{by}"
        );
        assert_eq!(
            xattr::get(&f, "user.empty").ok().flatten().as_deref(),
            Some(&b""[..]),
            "{by}"
        );
    };
    for (from, by) in [(&repo, "ours"), (&mirror, "ours, from the copy")] {
        let target = w.path(&format!("restored-{}", by.len()));
        run(
            w.cli_repo(from)
                .args(["restore", "latest", "--target"])
                .arg(&target),
            0,
        );
        check(&target, by);
    }
    let by_restic = w.path("restored-restic");
    restic_ok(
        restic(&w, &mirror)
            .args(["restore", "latest", "--target"])
            .arg(&by_restic),
    );
    check(&by_restic, "restic");
}
