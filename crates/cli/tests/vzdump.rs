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
    let mut x = seed | 1;
    let mut out = vec![0u8; DISK];
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    out
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

#[test]
fn dumps_deduplicate_restore_and_refuse_damage() {
    let w = World::new();
    let repo = w.path("repo");
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    let clusters = DISK / CLUSTER_SIZE;

    let first = disk(7);
    let dump1 = w.path("vzdump-qemu-100-2026_12_01-01_00_00.vma.zst");
    let bytes = vma(&first, &shuffled(clusters, 1), 1_764_550_800);
    fs::write(&dump1, zstd::encode_all(&bytes[..], 1).unwrap()).unwrap();
    let a1 = added(&w, &repo, &["--vma", dump1.to_str().unwrap()]);
    assert!(a1 as usize > DISK / 2, "the first dump adds the disk: {a1}");

    // 2% of the clusters changed (a file of the guest rewritten in place), and the
    // clusters in another order
    let mut second = first.clone();
    let changed = disk(99);
    let (from, to) = (100 * CLUSTER_SIZE, (100 + clusters / 50) * CLUSTER_SIZE);
    second[from..to].copy_from_slice(&changed[from..to]);
    let dump2 = w.path("vzdump-qemu-100-2026_12_02-01_00_00.vma");
    fs::write(&dump2, vma(&second, &shuffled(clusters, 2), 1_764_637_200)).unwrap();
    let a2 = added(&w, &repo, &["--vma", dump2.to_str().unwrap()]);
    // the changed clusters and the chunks they end and begin (rustic's chunks are
    // 0.5 to 8 MiB, 1 MiB on average): nothing that depends on the clusters' order
    assert!(
        (a2 as usize) < (to - from) + 4 * 1024 * 1024,
        "the second dump adds {a2} bytes for {} changed",
        to - from
    );

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
    let snaps = json(&run(
        w.cli_repo(&repo.display().to_string())
            .args(["--json", "snapshots"]),
        0,
    ));
    assert_eq!(snaps["result"].as_array().unwrap().len(), 3);
    let leftovers: Vec<_> = walk(&w.home().join(".cache"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/vma-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
