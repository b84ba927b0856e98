//! Browsing big repositories, as the window's browser does it: a real browsing
//! session (the job process the window starts) on real repositories made by real
//! backups.
//!
//! - **wide**: one snapshot of 1,000,000 files (100 folders × 10 folders × 1,000
//!   files). Measured: from starting the session to the root's entries (the
//!   repository open included), and each folder down to and across 1,000-file
//!   leaves. Targets (issue 6): root under 1 s, each folder under 200 ms.
//! - **history**: 100 snapshots of 100,000 files, 1% of them changed between two
//!   snapshots. Measured: a search across every snapshot, the time to its first
//!   results (target: under 2 s) and to its end, for a name in every snapshot, a
//!   glob and a name found nowhere.
//!
//! Also the session process's peak memory. The repositories are made once and
//! kept (`NPBACKUP_BENCH_DIR`, default `target/bench-data`), since making them
//! takes minutes; delete the folder to make them anew.
//!
//!   cargo bench --bench browse
//!   cargo bench --bench browse -- --wide 200000 --history 20000x30
//!
//! A benchmark, not a test: it prints numbers and asserts only that the answers
//! are right. `cargo test --all-targets` runs it once on tiny repositories.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use npbackup_common::secret::Secret;
use npbackup_core::jobs::{
    self, BrowseOp, BrowseRequest, BrowseResult, JobEvent, JobKind, JobOptions, JobSpec,
};
use npbackup_engine::{self as engine, BackupRequest, Compression, Entry, RepoTarget};

/// Top folders × second-level folders × files per leaf.
struct Wide {
    top: usize,
    mid: usize,
    leaf: usize,
}

struct History {
    files: usize,
    snapshots: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let wide_files: usize = value("--wide")
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 1_000_000 } else { 2_000 });
    let (hist_files, hist_snaps) = value("--history")
        .and_then(|v| {
            let (f, s) = v.split_once('x')?;
            Some((f.parse().ok()?, s.parse().ok()?))
        })
        .unwrap_or(if benching { (100_000, 100) } else { (2_000, 5) });

    // `cargo test` runs this in a throw-away folder; `cargo bench` keeps its data
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let base = if benching {
        std::env::var_os("NPBACKUP_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data")
            })
    } else {
        scratch.path().to_path_buf()
    };
    let leaf = 1_000.min(wide_files);
    let wide = Wide {
        top: (wide_files / leaf / 10).max(1),
        mid: 10.min(wide_files / leaf).max(1),
        leaf,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");

    let n = wide.top * wide.mid * wide.leaf;
    let (target, snaps) = wide_repo(&base.join(format!("wide-{n}")), &wide);
    println!("wide: 1 snapshot of {n} files");
    let src = base.join(format!("wide-{n}/src"));
    runtime.block_on(bench_wide(&target, &snaps[0], &src, &wide));

    let history = History {
        files: hist_files,
        snapshots: hist_snaps,
    };
    let (target, snaps) = history_repo(
        &base.join(format!("history-{hist_files}x{hist_snaps}")),
        &history,
    );
    println!("history: {hist_snaps} snapshots of {hist_files} files");
    runtime.block_on(bench_history(&target, &snaps, &history));
}

/// The repository at `repo`, with the local cache beside it (as a user's default
/// settings have one).
fn target_at(repo: &Path) -> RepoTarget {
    RepoTarget {
        name: "bench".into(),
        uris: vec![repo.display().to_string()],
        backend_options: Default::default(),
        password: Secret::new("benchmark".to_string()),
        cache_dir: repo.parent().map(|d| d.join("cache")),
        no_cache: false,
        limits: Default::default(),
        pack_size: None,
    }
}

/// Backs `src` up into the repository in `dir` (created first when missing).
fn backup(dir: &Path, src: &Path) -> String {
    let target = target_at(&dir.join("repo"));
    let open = if dir.join("repo/config").exists() {
        engine::open(&target, npbackup_engine::NoProgress).expect("open the repository")
    } else {
        engine::init(
            &target,
            Compression::Auto,
            None,
            npbackup_engine::NoProgress,
        )
        .expect("create the repository")
    };
    let req = BackupRequest {
        paths: vec![src.to_path_buf()],
        host: "bench".into(),
        ..BackupRequest::default()
    };
    engine::backup(open, &req)
        .expect("back up")
        .snapshot_id
        .expect("a snapshot")
}

/// The ids of the repository's snapshots, oldest first (made when missing).
fn made(dir: &Path, make: impl FnOnce(&Path) -> Vec<String>) -> (RepoTarget, Vec<String>) {
    let list = dir.join("snapshots.txt");
    if let Ok(text) = std::fs::read_to_string(&list) {
        return (
            target_at(&dir.join("repo")),
            text.lines().map(str::to_string).collect(),
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the data folder");
    let started = Instant::now();
    let ids = make(dir);
    println!(
        "  (made {} in {:.0} s)",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    std::fs::write(&list, ids.join("\n")).expect("the snapshot list");
    (target_at(&dir.join("repo")), ids)
}

fn write(path: &Path, content: String) {
    std::fs::write(path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn wide_repo(dir: &Path, w: &Wide) -> (RepoTarget, Vec<String>) {
    made(dir, |dir| {
        let src = dir.join("src");
        for t in 0..w.top {
            for m in 0..w.mid {
                let leaf = src.join(format!("dept-{t:03}/project-{m:02}"));
                std::fs::create_dir_all(&leaf).expect("a folder");
                for f in 0..w.leaf {
                    write(
                        &leaf.join(format!("file-{f:04}.txt")),
                        format!("{t} {m} {f}\n"),
                    );
                }
            }
        }
        let id = backup(dir, &src);
        // the snapshot is what is measured: the files can go
        let _ = std::fs::remove_dir_all(&src);
        vec![id]
    })
}

fn history_repo(dir: &Path, h: &History) -> (RepoTarget, Vec<String>) {
    made(dir, |dir| {
        let src = dir.join("src");
        let per = 1_000.min(h.files);
        let folders = (h.files / per).max(1);
        for d in 0..folders {
            let folder = src.join(format!("folder-{d:03}"));
            std::fs::create_dir_all(&folder).expect("a folder");
            for f in 0..per {
                let ext = if f % 50 == 0 { "pdf" } else { "txt" };
                write(
                    &folder.join(format!("doc-{f:04}.{ext}")),
                    format!("{d} {f} v0\n"),
                );
            }
        }
        write(&src.join("folder-000/budget.ods"), "budget v0\n".into());
        let mut ids = Vec::new();
        for s in 0..h.snapshots {
            if s > 0 {
                // 1% of the files change, spread over the folders
                for k in 0..(folders * per / 100).max(1) {
                    let n = (s * 7919 + k * 104_729) % (folders * per);
                    let (d, f) = (n / per, n % per);
                    let ext = if f % 50 == 0 { "pdf" } else { "txt" };
                    write(
                        &src.join(format!("folder-{d:03}/doc-{f:04}.{ext}")),
                        format!("{d} {f} v{s}\n"),
                    );
                }
                if s % 10 == 0 {
                    write(&src.join("folder-000/budget.ods"), format!("budget v{s}\n"));
                }
            }
            ids.push(backup(dir, &src));
        }
        let _ = std::fs::remove_dir_all(&src);
        ids
    })
}

/// A browsing session as the window runs it.
struct Session {
    job: jobs::RunningJob,
    input: jobs::SessionInput,
    next: u64,
}

impl Session {
    /// Starts the session; returns it with the time until it answered its opening.
    async fn start(target: &RepoTarget) -> (Session, Duration) {
        let started = Instant::now();
        let spec = JobSpec::new(target.clone(), JobKind::Browse);
        let opts = JobOptions {
            program: Some(env!("CARGO_BIN_EXE_npbackup-cli").into()),
            ..JobOptions::default()
        };
        let (job, input) = jobs::start_session(&spec, &opts)
            .await
            .expect("the session starts");
        let mut s = Session {
            job,
            input,
            next: 1,
        };
        s.wait_done(0, |_| {}).await;
        (s, started.elapsed())
    }

    async fn send(&mut self, op: BrowseOp) -> u64 {
        let id = self.next;
        self.next += 1;
        self.input
            .send(&BrowseRequest { id, op })
            .await
            .expect("send a request");
        id
    }

    /// Reads replies to `id` until the last, giving each part to `each`.
    async fn wait_done(&mut self, id: u64, mut each: impl FnMut(BrowseResult)) {
        loop {
            match self.job.events.recv().await {
                Ok(JobEvent::Reply {
                    id: rid,
                    done,
                    result,
                    error,
                }) if rid == id => {
                    if let Some(e) = error {
                        panic!("request {id} failed: {}", e.message);
                    }
                    if done {
                        return;
                    }
                    if let Some(r) = result {
                        each(r);
                    }
                }
                Ok(JobEvent::Finished(f)) => panic!("the session ended: {:?}", f.error),
                Ok(_) => {}
                Err(e) => panic!("the session's events: {e}"),
            }
        }
    }

    /// A folder's entries, and how long they took.
    async fn ls(&mut self, snapshot: &str, path: &str) -> (Vec<Entry>, Duration) {
        let started = Instant::now();
        let id = self
            .send(BrowseOp::Ls {
                snapshot: snapshot.into(),
                path: path.into(),
            })
            .await;
        let entries: Option<Vec<Entry>> = loop {
            match self.job.events.recv().await {
                Ok(JobEvent::Reply {
                    id: rid,
                    result,
                    error,
                    ..
                }) if rid == id => {
                    if let Some(e) = error {
                        panic!("ls {path}: {}", e.message);
                    }
                    break result.map(|r| match r {
                        BrowseResult::Entries(e) => e,
                        other => panic!("ls {path}: not entries but {other:?}"),
                    });
                }
                Ok(JobEvent::Finished(f)) => panic!("the session ended: {:?}", f.error),
                Ok(_) => {}
                Err(e) => panic!("the session's events: {e}"),
            }
        };
        (entries.unwrap_or_default(), started.elapsed())
    }

    /// Peak memory of the session's process, in MB.
    fn peak_rss_mb(&self) -> f64 {
        session_process_peak_rss_mb()
    }

    async fn close(self) {
        drop(self.input);
        let finished = self.job.wait().await;
        assert!(finished.ok, "the session ended badly: {:?}", finished.error);
    }
}

async fn bench_wide(target: &RepoTarget, snapshot: &str, src: &Path, w: &Wide) {
    // the first opening ever lists the repository's folders for the cache
    if let Some(cache) = &target.cache_dir {
        let _ = std::fs::remove_dir_all(cache.join("trees"));
    }
    let (mut s, opened) = Session::start(target).await;
    let (_, root_ls) = s.ls(snapshot, "/").await;
    line(
        "first opening ever to the root's entries",
        &[opened + root_ls],
    );
    s.close().await;
    // then three openings, as three visits to the browser; the median is reported
    let mut starts = Vec::new();
    for _ in 0..2 {
        let (mut s, opened) = Session::start(target).await;
        let (_, root_ls) = s.ls(snapshot, "/").await;
        starts.push(opened + root_ls);
        s.close().await;
    }
    let (mut s, opened) = Session::start(target).await;
    let (root, root_ls) = s.ls(snapshot, "/").await;
    assert!(!root.is_empty(), "the root has entries");
    starts.push(opened + root_ls);
    line("session start to the root's entries", &starts);
    // down the path to the data, one level at a time, as a person clicks
    let mut down = Vec::new();
    let mut entries = root;
    for part in src.ancestors().collect::<Vec<_>>().iter().rev().skip(1) {
        let path = part.display().to_string();
        assert!(
            entries.iter().any(|e| e.path == path),
            "{path} in the snapshot"
        );
        let (e, t) = s.ls(snapshot, &path).await;
        down.push(t);
        entries = e;
    }
    assert_eq!(entries.len(), w.top, "the top folders");
    let tops = entries;
    let mut mids = Vec::new();
    let mut leaves = Vec::new();
    let picks = 20.min(tops.len());
    for i in 0..picks {
        let top = &tops[i * tops.len() / picks];
        let (e, t) = s.ls(snapshot, &top.path).await;
        assert_eq!(e.len(), w.mid);
        mids.push(t);
        let (files, t) = s.ls(snapshot, &e[i % e.len()].path).await;
        assert_eq!(files.len(), w.leaf);
        leaves.push(t);
    }
    // a leaf opened again (the window does on sort or return)
    let again = s.ls(snapshot, &tops[0].path).await.1;
    line(
        &format!("each folder above the data ({} levels)", down.len()),
        &down,
    );
    line(&format!("a folder of {} folders", w.mid), &mids);
    line(&format!("a folder of {} files", w.leaf), &leaves);
    println!("  {:<44} {:>9.1} ms", "a folder opened again", ms(again));
    println!(
        "  {:<44} {:>9.0} MB",
        "session process peak memory",
        s.peak_rss_mb()
    );
    s.close().await;
}

async fn bench_history(target: &RepoTarget, snaps: &[String], h: &History) {
    let per = 1_000.min(h.files);
    let folders = (h.files / per).max(1);
    // each search in a session of its own: its trees are read cold, as on a first search
    for (pattern, label, per_snapshot) in [
        ("budget", "a name in every snapshot", 1),
        ("*.pdf", "a glob (2% of the files)", folders * per / 50),
        ("no-such-name", "a name found nowhere", 0),
    ] {
        let (mut s, opened) = Session::start(target).await;
        let started = Instant::now();
        let id = s
            .send(BrowseOp::Find {
                pattern: pattern.into(),
                snapshots: Vec::new(),
            })
            .await;
        let mut first = None;
        let mut snapshots_with_hits = 0usize;
        let mut hits = 0usize;
        s.wait_done(id, |part| {
            first.get_or_insert_with(|| started.elapsed());
            let BrowseResult::Found(part) = part else {
                panic!("not hits: {part:?}");
            };
            snapshots_with_hits += 1;
            hits += part.len();
        })
        .await;
        let all = started.elapsed();
        assert_eq!(hits, per_snapshot * snaps.len(), "hits for {pattern}");
        assert_eq!(
            snapshots_with_hits,
            if per_snapshot > 0 { snaps.len() } else { 0 },
            "snapshots with hits for {pattern}"
        );
        println!(
            "  find {:<39} first results {:>6} ms, all {} snapshots {:>6.0} ms ({} hits; session start {:.0} ms; peak {:.0} MB)",
            format!("{pattern:?}: {label}"),
            first.map_or("—".into(), |f| format!("{:.0}", ms(f))),
            snaps.len(),
            ms(all),
            hits,
            ms(opened),
            s.peak_rss_mb()
        );
        s.close().await;
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn line(label: &str, times: &[Duration]) {
    if times.is_empty() {
        return;
    }
    let mut v: Vec<f64> = times.iter().map(|t| ms(*t)).collect();
    v.sort_by(f64::total_cmp);
    println!(
        "  {:<44} {:>9.1} ms median, {:.1} ms max ({} opened)",
        label,
        v[v.len() / 2],
        v[v.len() - 1],
        v.len()
    );
}

/// The peak memory of this process's child `npbackup-cli` (the session), from /proc.
fn session_process_peak_rss_mb() -> f64 {
    let me = std::process::id().to_string();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    for p in dir.flatten() {
        let status = p.path().join("status");
        let Ok(text) = std::fs::read_to_string(&status) else {
            continue;
        };
        let field = |name: &str| {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .map(str::to_string)
        };
        if field("PPid:").as_deref() == Some(me.as_str())
            && field("Name:").is_some_and(|n| n.starts_with("npbackup"))
        {
            return field("VmHWM:")
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0);
        }
    }
    0.0
}
