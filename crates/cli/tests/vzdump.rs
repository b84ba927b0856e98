//! Proxmox vzdump archives: backed up as their configuration and one image per disk
//! under /vzdump/NAME, read from a file (compressed or not) or standard input; two
//! dumps of the same disk with 2% of its clusters changed and written in another
//! order deduplicate as two copies of one image would; a damaged archive keeps no
//! snapshot.

mod common;

use std::{fs, io::Write, path::Path, process::Stdio};

use common::*;
use npbackup_vma::{CLUSTER_SIZE, Config, Device, Header, Writer};

const DISK: usize = 32 * 1024 * 1024;

/// A disk of incompressible data, the same for the same `seed`.
fn disk(seed: u64) -> Vec<u8> {
    pattern(DISK, seed)
}

/// A VMA of `disk` (one device, one configuration) with its clusters in `order`.
fn vma(disk: &[u8], order: &[usize], ctime: u64) -> Vec<u8> {
    let header = Header {
        uuid: [ctime as u8; 16],
        ctime,
        configs: vec![Config {
            name: "qemu-server.conf".into(),
            data: b"memory: 512\nscsi0: local:vm-100-disk-0,size=32M\n".to_vec(),
        }],
        devices: vec![Device {
            id: 1,
            name: "drive-scsi0".into(),
            size: disk.len() as u64,
        }],
    };
    let mut w = Writer::new(Vec::new(), &header).unwrap();
    for &c in order {
        w.write_cluster(1, c as u32, &disk[c * CLUSTER_SIZE..(c + 1) * CLUSTER_SIZE])
            .unwrap();
    }
    w.finish().unwrap()
}

/// Clusters in the order vzdump's parallel workers might finish them.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = seed | 1;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

fn added(w: &World, repo: &Path, args: &[&str]) -> u64 {
    let v = json(&run(
        w.cli_repo(&repo.display().to_string())
            .arg("--json")
            .arg("backup")
            .args(args),
        0,
    ));
    v["result"]["data_added"].as_u64().unwrap()
}

/// What backing up `args` adds to configured repository `name`.
fn added_to(w: &World, cfg: &Path, name: &str, args: &[&Path]) -> u64 {
    let v = json(&run(
        w.cli()
            .arg("-c")
            .arg(cfg)
            .args(["--repo", name, "--json", "backup"])
            .args(args),
        0,
    ));
    v["result"]["data_added"].as_u64().unwrap()
}

#[test]
fn dumps_deduplicate_restore_and_refuse_damage() {
    let w = World::new();
    let repo = w.path("repo");
    // a second repository with the same chunker: what backing up the disk images
    // themselves adds, the best a dump can do
    let cfg = w.config(&format!(
        "[repos.vma]\nuri = \"{}\"\npassword-file = \"{pw}\"\n\
         [repos.images]\nuri = \"{}\"\npassword-file = \"{pw}\"\n",
        repo.display(),
        w.path("images-repo").display(),
        pw = w.password_file().display()
    ));
    run(
        w.cli().arg("-c").arg(&cfg).args(["--repo", "vma", "init"]),
        0,
    );
    run(
        w.cli().arg("-c").arg(&cfg).args([
            "--repo",
            "images",
            "init",
            "--copy-chunker-params-from",
            "vma",
        ]),
        0,
    );
    let clusters = DISK / CLUSTER_SIZE;

    let first = disk(7);
    let dump1 = w.path("vzdump-qemu-100-2026_12_01-01_00_00.vma.zst");
    let bytes = vma(&first, &shuffled(clusters, 1), 1_764_550_800);
    fs::write(&dump1, zstd::encode_all(&bytes[..], 1).unwrap()).unwrap();
    let a1 = added(&w, &repo, &["--vma", dump1.to_str().unwrap()]);
    assert!(a1 as usize > DISK / 2, "the first dump adds the disk: {a1}");
    let image = w.path("image/disk.raw");
    fs::create_dir_all(image.parent().unwrap()).unwrap();
    fs::write(&image, &first).unwrap();
    added_to(&w, &cfg, "images", &[&image]);

    // 2% of the clusters changed (a file of the guest rewritten in place), and the
    // clusters in another order
    let mut second = first.clone();
    let changed = disk(99);
    let (from, to) = (100 * CLUSTER_SIZE, (100 + clusters / 50) * CLUSTER_SIZE);
    second[from..to].copy_from_slice(&changed[from..to]);
    let dump2 = w.path("vzdump-qemu-100-2026_12_02-01_00_00.vma");
    fs::write(&dump2, vma(&second, &shuffled(clusters, 2), 1_764_637_200)).unwrap();
    let a2 = added(&w, &repo, &["--vma", dump2.to_str().unwrap()]);
    fs::write(&image, &second).unwrap();
    let ideal = added_to(&w, &cfg, "images", &[&image]);
    // the chunks the change touches, as for the image itself: nothing that depends
    // on the clusters' order (a few KiB of trees and configuration beside)
    assert!(
        a2 <= ideal + 64 * 1024,
        "the second dump adds {a2} bytes, the changed image alone {ideal}"
    );
    assert!((a2 as usize) < DISK / 2, "{a2}");

    // the disk and the configuration as they were, under the guest's name
    let target = w.path("restored");
    run(
        w.cli_repo(&repo.display().to_string())
            .args(["restore", "latest", "--target"])
            .arg(&target),
        0,
    );
    let image = fs::read(target.join("vzdump/qemu-100/drive-scsi0.raw")).unwrap();
    assert!(image == second, "the restored disk differs");
    let conf = fs::read_to_string(target.join("vzdump/qemu-100/qemu-server.conf")).unwrap();
    assert!(conf.starts_with("memory: 512\n"));
    restic_check(&w, repo.to_str().unwrap());

    // or as a VMA archive again, which reads back to the same configuration and disk
    let exported = w.path("vzdump-qemu-100-exported.vma");
    run(
        w.cli_repo(&repo.display().to_string())
            .args([
                "export",
                "latest",
                "/vzdump/qemu-100",
                "--format",
                "vma",
                "-o",
            ])
            .arg(&exported),
        0,
    );
    let bytes = fs::read(&exported).unwrap();
    let mut r = npbackup_vma::Reader::new(&bytes[..]).unwrap();
    assert_eq!(r.header().ctime, 1_764_637_200);
    assert_eq!(r.header().configs[0].name, "qemu-server.conf");
    assert!(r.header().configs[0].data.starts_with(b"memory: 512\n"));
    assert_eq!(r.header().devices[0].name, "drive-scsi0");
    assert_eq!(r.header().devices[0].size, DISK as u64);
    let mut image = vec![0u8; DISK];
    while let Some(c) = r.next_cluster().unwrap() {
        let at = c.offset() as usize;
        image[at..at + CLUSTER_SIZE].copy_from_slice(&c.expand());
    }
    assert!(image == second, "the exported archive's disk differs");
    // the same archive again adds next to nothing; export never overwrites
    let again = added(
        &w,
        &repo,
        &[
            "--vma",
            exported.to_str().unwrap(),
            "--vma-name",
            "qemu-100",
        ],
    );
    assert!(again < 1024 * 1024, "{again}");
    let out = w
        .cli_repo(&repo.display().to_string())
        .args([
            "export",
            "latest",
            "/vzdump/qemu-100",
            "--format",
            "vma",
            "-o",
        ])
        .arg(&exported)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(fs::read(&exported).unwrap().len(), bytes.len());

    // from standard input, as `vzdump --stdout` gives it
    let mut child = w
        .std_cli_repo(&repo.display().to_string())
        .args(["backup", "--vma-stdin", "--vma-name", "qemu-101"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&vma(
            &first,
            &(0..clusters).collect::<Vec<_>>(),
            1_764_724_000,
        ))
        .unwrap();
    assert!(child.wait().unwrap().success());
    let out = run(
        w.cli_repo(&repo.display().to_string())
            .args(["ls", "latest", "/vzdump/qemu-101"]),
        0,
    );
    assert!(stdout(&out).contains("drive-scsi0.raw"), "{}", stdout(&out));

    // a truncated archive: refused with where, no snapshot, no staging left behind
    let cut = w.path("vzdump-qemu-100-cut.vma");
    let whole = fs::read(&dump2).unwrap();
    fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let out = w
        .cli_repo(&repo.display().to_string())
        .args(["backup", "--vma"])
        .arg(&cut)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("truncated") && err.contains("at byte"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // cut between two extents: every extent is whole, but clusters are missing
    let short = w.path("vzdump-qemu-100-short.vma");
    fs::write(
        &short,
        vma(&first, &(0..clusters / 2).collect::<Vec<_>>(), 1),
    )
    .unwrap();
    let out = w
        .cli_repo(&repo.display().to_string())
        .args(["backup", "--vma"])
        .arg(&short)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{} of the {clusters} clusters", clusters / 2)),
        "{err}"
    );
    let snaps = json(&run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    ));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 4);
    let leftovers: Vec<_> = walk(&w.home().join(".cache"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/vma-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `data` through a compressor as vzdump pipes its archive (`gzip`, `lzop`).
fn compress(program: &str, data: &[u8]) -> Vec<u8> {
    let mut child = std::process::Command::new(program)
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} (installed by scripts/install-deps.sh): {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{program}");
    out.stdout
}

#[test]
fn a_dump_folder_gives_the_newest_archive_of_each_guest() {
    const SMALL: usize = 2 * 1024 * 1024;
    let w = World::new();
    let dumps = w.path("dump");
    fs::create_dir_all(&dumps).unwrap();
    let all: Vec<usize> = (0..SMALL / CLUSTER_SIZE).collect();
    let (old, new, other) = (pattern(SMALL, 1), pattern(SMALL, 2), pattern(SMALL, 3));
    // guest 100: yesterday's zstd dump and today's lzo one; guest 101: gzip
    fs::write(
        dumps.join("vzdump-qemu-100-2026_12_01-01_00_00.vma.zst"),
        zstd::encode_all(&vma(&old, &all, 1)[..], 1).unwrap(),
    )
    .unwrap();
    fs::write(
        dumps.join("vzdump-qemu-100-2026_12_02-01_00_00.vma.lzo"),
        compress("lzop", &vma(&new, &shuffled(all.len(), 5), 2)),
    )
    .unwrap();
    fs::write(
        dumps.join("vzdump-qemu-101-2026_12_02-02_00_00.vma.gz"),
        compress("gzip", &vma(&other, &all, 3)),
    )
    .unwrap();
    // what vzdump leaves beside: its log, a dump still being written, a container's
    for (file, text) in [
        ("vzdump-qemu-100-2026_12_02-01_00_00.log", "INFO: starting"),
        ("vzdump-qemu-102-2026_12_02-03_00_00.vma.zst.dat", "half"),
        ("vzdump-lxc-200-2026_12_02-04_00_00.tar.zst", "a tar"),
    ] {
        fs::write(dumps.join(file), text).unwrap();
    }
    let repo = w.path("repo");
    let cfg = w.config(&format!(
        "[repos.pve]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.pve.backup]\n\
         source = \"vzdump\"\npaths = [\"{}\"]\n",
        repo.display(),
        w.password_file().display(),
        dumps.display()
    ));
    let cli = || {
        let mut c = w.cli();
        c.arg("-c").arg(&cfg).args(["--repo", "pve"]);
        c
    };
    run(cli().arg("init"), 0);
    run(cli().arg("backup"), 0);
    let snaps = json(&run(cli().args(["--json", "snapshots"]), 0));
    assert_eq!(snaps["result"][0]["paths"], serde_json::json!(["/vzdump"]));
    let target = w.path("restored");
    run(
        cli().args(["restore", "latest", "--target"]).arg(&target),
        0,
    );
    let mut guests: Vec<String> = fs::read_dir(target.join("vzdump"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    guests.sort();
    assert_eq!(guests, ["qemu-100", "qemu-101"]);
    assert!(fs::read(target.join("vzdump/qemu-100/drive-scsi0.raw")).unwrap() == new);
    assert!(fs::read(target.join("vzdump/qemu-101/drive-scsi0.raw")).unwrap() == other);
    restic_check(&w, repo.to_str().unwrap());

    // the same folder from the command line; a name for a folder's guests refused
    run(cli().arg("backup").arg("--vma").arg(&dumps), 0);
    let out = run(
        cli()
            .arg("backup")
            .arg("--vma")
            .arg(&dumps)
            .args(["--vma-name", "web"]),
        2,
    );
    assert!(stderr(&out).contains("--vma-name"), "{}", stderr(&out));
    // a folder without a guest's dump: said, and no snapshot
    let empty = w.path("no-dumps");
    fs::create_dir_all(&empty).unwrap();
    fs::write(
        empty.join("vzdump-lxc-200-2026_12_02-04_00_00.tar.zst"),
        "x",
    )
    .unwrap();
    let out = run(cli().arg("backup").arg("--vma").arg(&empty), 7);
    assert!(
        stderr(&out).contains("no vzdump archive of a QEMU guest"),
        "{}",
        stderr(&out)
    );
    let snaps = json(&run(cli().args(["--json", "snapshots"]), 0));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 2);

    // one guest's dump damaged: the others saved, that one named, exit 9 (partial)
    // a real archive, cut short (the npbackup-vma crate's fixture)
    let fixture =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../vma/tests/fixtures/test.vma.gz"))
            .unwrap();
    fs::write(
        dumps.join("vzdump-qemu-103-2026_12_02-05_00_00.vma.gz"),
        &fixture,
    )
    .unwrap();
    let out = run(cli().args(["--json", "backup"]), 9);
    let doc = json(&out);
    let warnings = doc["result"]["warnings"].to_string();
    assert!(
        warnings.contains("qemu-103 is not in this snapshot (the other guests are)")
            && warnings.contains("vzdump-qemu-103-2026_12_02-05_00_00.vma.gz"),
        "{warnings}"
    );
    assert_eq!(doc["result"]["skipped"].as_array().unwrap().len(), 1);
    let listing = json(&run(cli().args(["--json", "ls", "latest", "/vzdump"]), 0));
    let names = entry_names(&listing["result"]["entries"]);
    assert!(
        names.iter().any(|n| n.ends_with("qemu-100"))
            && names.iter().any(|n| n.ends_with("qemu-101"))
            && !names.iter().any(|n| n.ends_with("qemu-103")),
        "{names:?}"
    );
    // only damaged dumps: nothing to save, refused as before
    let bad = w.path("bad-dumps");
    fs::create_dir_all(&bad).unwrap();
    fs::write(
        bad.join("vzdump-qemu-103-2026_12_02-05_00_00.vma.gz"),
        &fixture,
    )
    .unwrap();
    let out = run(cli().arg("backup").arg("--vma").arg(&bad), 7);
    let err = stderr(&out);
    assert!(
        err.contains("cut short") && !err.contains("not in this snapshot"),
        "{err}"
    );
    let snaps = json(&run(cli().args(["--json", "snapshots"]), 0));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 3);
}
