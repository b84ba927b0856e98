//! The snapshot table with many snapshots: a repository with 1,000 and 10,000
//! real snapshots; how long the listing job takes, how long from the list's
//! arrival to the table's first painted frame (rows formatted, view built, laid
//! out and rendered by the software renderer), and the peak memory of the
//! window's process. Each size runs in a process of its own so peaks do not mix.
//!
//!   cargo bench --bench snapshot_table            # 1,000 and 10,000
//!   cargo bench --bench snapshot_table -- 50000   # other sizes
//!
//! A benchmark, not a test: it prints numbers and asserts nothing about speed.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use iced_test::simulator;
use npbackup_common::secret::Secret;
use npbackup_core::jobs::{self, JobKind, JobOptions, JobSpec};
use npbackup_engine::{self as engine, BackupRequest, Compression, RepoTarget, SnapshotInfo};
use npbackup_gui::{
    dashboard::{Dashboard, RepoPanel},
    theme,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let n = args
            .get(pos + 1)
            .and_then(|n| n.parse().ok())
            .expect("--child N");
        run_one(n);
        return;
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        // `cargo bench` passes --bench; `cargo test --all-targets` runs this once,
        // quickly, so that the benchmark keeps working
        sizes = if args.iter().any(|a| a == "--bench") {
            vec![1_000, 10_000]
        } else {
            vec![100]
        };
    }
    println!(
        "{:>8}  {:>14}  {:>18}  {:>14}  {:>12}",
        "snapshots", "list job (s)", "first paint (ms)", "re-sort (ms)", "peak RSS (MB)"
    );
    let me = std::env::current_exe().expect("this benchmark's path");
    for n in sizes {
        let out = Command::new(&me)
            .args(["--child", &n.to_string()])
            .output()
            .expect("run a size");
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            panic!("size {n} failed");
        }
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

fn run_one(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = make_repo(dir.path(), n);

    // the job the window runs to read the list
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let spec = JobSpec::new(
        target,
        JobKind::Snapshots {
            filter: Default::default(),
            summaries: false,
        },
    );
    let opts = JobOptions {
        program: Some(env!("CARGO_BIN_EXE_npbackup-gui").into()),
        ..JobOptions::default()
    };
    let finished = runtime
        .block_on(jobs::run_to_end(
            &spec,
            &opts,
            |_| {},
            std::future::pending(),
        ))
        .expect("the listing job runs");
    let listed = finished
        .result
        .expect("a list")
        .typed::<Vec<SnapshotInfo>>()
        .expect("a snapshot list");
    let list_time = started.elapsed();
    assert_eq!(listed.summary.len(), n);

    // from the list's arrival to the first frame
    let started = Instant::now();
    let mut panel = RepoPanel::new("default".into(), "bench".into(), None);
    panel.table.set(listed.summary);
    let dashboard = Dashboard::new(vec![panel], jiff::Timestamp::now());
    let mut ui = simulator(dashboard.view());
    let frame = ui.snapshot(&theme::theme()).expect("a frame");
    let first_paint = started.elapsed();
    drop(frame);
    drop(ui);

    // a click on a column header: re-sort and repaint
    let mut dashboard = dashboard;
    let started = Instant::now();
    if let Some(r) = dashboard.current_mut() {
        r.table.update(npbackup_gui::snapshot_table::Message::Sort(
            npbackup_gui::snapshot_table::Column::Host,
        ));
    }
    let mut ui = simulator(dashboard.view());
    let _ = ui.snapshot(&theme::theme()).expect("a frame");
    let resort = started.elapsed();

    println!(
        "{:>8}  {:>14.2}  {:>18.1}  {:>14.1}  {:>12.1}",
        n,
        list_time.as_secs_f64(),
        ms(first_paint),
        ms(resort),
        peak_rss_mb()
    );
}

/// A repository with one real backup and `n` snapshots of it at different times.
fn make_repo(dir: &Path, n: usize) -> RepoTarget {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("src");
    for i in 0..20 {
        std::fs::write(src.join(format!("file-{i}.txt")), format!("file {i}\n")).expect("file");
    }
    let target = RepoTarget {
        name: "default".into(),
        uris: vec![dir.join("repo").display().to_string()],
        backend_options: Default::default(),
        password: Secret::new("benchmark".to_string()),
        cache_dir: None,
        no_cache: true,
        limits: Default::default(),
        pack_size: None,
    };
    let open = engine::init(
        &target,
        Compression::Auto,
        None,
        npbackup_engine::NoProgress,
    )
    .expect("init");
    let req = BackupRequest {
        paths: vec![src],
        host: "bench".into(),
        ..BackupRequest::default()
    };
    engine::backup(open, &req).expect("backup");
    let open = engine::open(&target, npbackup_engine::NoProgress).expect("open");
    let copies: Vec<(jiff::Zoned, String)> = (1..n)
        .map(|i| {
            let time = jiff::Zoned::now()
                .checked_sub(jiff::SignedDuration::from_hours(i as i64))
                .expect("a time");
            (time, format!("host-{}", i % 7))
        })
        .collect();
    engine::copy_newest_snapshot(&open, &copies).expect("save snapshots");
    target
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The process's peak resident memory (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
