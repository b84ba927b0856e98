//! KVM guests through libvirt, on a real libvirtd (its own instance, on a socket
//! of this test's) and real KVM guests: domains without an operating system
//! (SeaBIOS keeps them running, their guest agent never answers), disks holding a
//! known pattern. Backed up while running (through libvirt's backup job, then only
//! the blocks the guest changed since the checkpoint) and shut off; restored under a
//! new name, defined and started; a cancel and a kill -9 halfway leave no job,
//! scratch file or stray checkpoint (the killed run's job ended by the next
//! backup); a qcow2 that cannot hold checkpoints read on an overlay merged back; a
//! domain that does not exist refused by name.

mod common;

use std::{
    fs,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use common::*;

/// A private libvirtd (and the virtlogd it logs guests' consoles through), its
/// domains destroyed and undefined when dropped.
struct Libvirt {
    uri: String,
    daemons: Vec<Child>,
}

impl Libvirt {
    fn start(w: &World) -> Libvirt {
        let dir = w.path("libvirt");
        let sock = dir.join("sock");
        fs::create_dir_all(&sock).unwrap();
        let conf = dir.join("libvirtd.conf");
        fs::write(
            &conf,
            format!(
                "unix_sock_dir = \"{}\"\nunix_sock_rw_perms = \"0700\"\n\
                 auth_unix_rw = \"none\"\nauth_unix_ro = \"none\"\n",
                sock.display()
            ),
        )
        .unwrap();
        let mut daemons = Vec::new();
        // guests' consoles go through virtlogd, on its fixed socket
        let logd_sock = "/run/libvirt/virtlogd-sock";
        if std::os::unix::net::UnixStream::connect(logd_sock).is_err() {
            let virtlogd = peer("virtlogd", &[PathBuf::from("/usr/sbin/virtlogd")]);
            daemons.push(
                std::process::Command::new(virtlogd)
                    .args(["-p", dir.join("virtlogd.pid").to_str().unwrap()])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap(),
            );
        }
        let start = Instant::now();
        while std::os::unix::net::UnixStream::connect(logd_sock).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "virtlogd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let libvirtd = peer("libvirtd", &[PathBuf::from("/usr/sbin/libvirtd")]);
        let log = fs::File::create(dir.join("libvirtd.log")).unwrap();
        daemons.push(
            std::process::Command::new(libvirtd)
                .args(["-f", conf.to_str().unwrap()])
                .args(["-p", dir.join("libvirtd.pid").to_str().unwrap()])
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap(),
        );
        let lv = Libvirt {
            uri: format!(
                "qemu+unix:///system?socket={}",
                sock.join("libvirt-sock").display()
            ),
            daemons,
        };
        let start = Instant::now();
        while lv.virsh_status(&["list", "--all"]).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "libvirtd did not answer:\n{}",
                fs::read_to_string(dir.join("libvirtd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        // a run killed before its clean-up left them
        lv.remove_domains();
        lv
    }

    fn virsh_status(&self, args: &[&str]) -> Result<String, String> {
        let out = std::process::Command::new("virsh")
            .args(["--quiet", "--connect", &self.uri])
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).to_string())
        }
    }

    fn virsh(&self, args: &[&str]) -> String {
        self.virsh_status(args)
            .unwrap_or_else(|e| panic!("virsh {args:?}: {e}"))
    }

    /// Each disk's target and source.
    fn disks(&self, domain: &str) -> Vec<(String, String)> {
        self.virsh(&["domblklist", domain])
            .lines()
            .filter_map(|l| {
                let (t, s) = l.trim().split_once(char::is_whitespace)?;
                Some((t.to_string(), s.trim().to_string()))
            })
            .collect()
    }

    fn state(&self, domain: &str) -> String {
        self.virsh(&["domstate", domain]).trim().to_string()
    }
}

impl Libvirt {
    /// Destroys and undefines this test's domains (their checkpoints with them): the
    /// definitions outlive the daemon, in the system's configuration.
    fn remove_domains(&self) {
        if let Ok(names) = self.virsh_status(&["list", "--all", "--name"]) {
            for d in names
                .lines()
                .map(str::trim)
                .filter(|d| d.starts_with("npt-"))
            {
                let _ = self.virsh_status(&["destroy", d]);
                let _ = self.virsh_status(&["undefine", d, "--checkpoints-metadata"]);
            }
        }
    }
}

impl Drop for Libvirt {
    fn drop(&mut self) {
        self.remove_domains();
        for d in &mut self.daemons {
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

/// A domain of one vCPU and 32 MiB with `disks` (target, image, format): KVM
/// where this machine has it, QEMU's emulator otherwise.
fn domain_xml(name: &str, disks: &[(&str, &Path, &str)]) -> String {
    let kind = if Path::new("/dev/kvm").exists() {
        "kvm"
    } else {
        "qemu"
    };
    let disks: String = disks
        .iter()
        .map(|(target, image, format)| {
            format!(
                "<disk type='file' device='disk'><driver name='qemu' type='{format}'/>\
                 <source file='{}'/><target dev='{target}' bus='virtio'/></disk>\n",
                image.display()
            )
        })
        .collect();
    format!(
        "<domain type='{kind}'>\n<name>{name}</name>\n<memory unit='MiB'>32</memory>\n\
         <vcpu>1</vcpu>\n<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>\n\
         <devices>\n{disks}<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>\n\
         <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>\n\
         </devices>\n</domain>\n"
    )
}

fn qemu_img(args: &[&str]) {
    let out = std::process::Command::new(peer("qemu-img", &[]))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "qemu-img {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The disk's bytes as the guest sees them (a qcow2 image read through qemu-img).
fn guest_bytes(w: &World, image: &Path) -> Vec<u8> {
    let raw = w.path("compare.raw");
    let _ = fs::remove_file(&raw);
    qemu_img(&[
        "convert",
        "-O",
        "raw",
        image.to_str().unwrap(),
        raw.to_str().unwrap(),
    ]);
    let bytes = fs::read(&raw).unwrap();
    fs::remove_file(&raw).unwrap();
    bytes
}

fn overlays_in(dir: &Path) -> Vec<String> {
    files_ending(dir, ".npbackup-overlay")
}

/// Files of `dir` whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(suffix))
        .collect()
}

/// Backs up in the background, reading its events until the backup has started
/// to read and `ready` holds.
fn backup_until(
    w: &World,
    cfg: &Path,
    args: &[&str],
    mut ready: impl FnMut() -> bool,
) -> (Child, Vec<serde_json::Value>) {
    let mut child = w
        .std_cli()
        .args(["-c", cfg.to_str().unwrap(), "--json-events", "backup"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = events_until(&mut child, |e| {
        e["event"] == "progress"
            && e["phase"] == "backing up"
            && e["bytes_done"].as_u64().unwrap_or(0) > 0
            && ready()
    });
    (child, seen)
}

/// What a backup's log says it read of a disk: (bytes read, disk size, whether
/// only the changes since a checkpoint were asked for).
fn read_of(events: &[serde_json::Value], domain: &str, target: &str) -> (u64, u64, bool) {
    let prefix = format!("{domain} {target}: read ");
    let line = events
        .iter()
        .filter(|e| e["event"] == "log")
        .filter_map(|e| e["message"].as_str())
        .find_map(|m| m.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no read logged for {domain} {target}: {events:?}"));
    let mut words = line.split(' ');
    let read = words.next().unwrap().parse().unwrap();
    assert_eq!(words.next(), Some("of"));
    let size = words.next().unwrap().parse().unwrap();
    (read, size, line.contains("changes since checkpoint"))
}

/// Writes `len` bytes of `byte` at `offset` of the running guest's first disk, as
/// the guest would (through qemu's block layer, so its dirty bitmaps see it).
fn guest_write(lv: &Libvirt, domain: &str, byte: u8, offset: u64, len: u64) {
    let out = lv.virsh(&[
        "qemu-monitor-command",
        domain,
        "--hmp",
        &format!(
            "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P {byte} {offset} {len}\""
        ),
    ]);
    assert!(!out.contains("rror"), "{out}");
}

/// This repository's checkpoints of `domain`.
fn checkpoints(lv: &Libvirt, domain: &str) -> Vec<String> {
    lv.virsh(&["checkpoint-list", domain, "--name"])
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn job_active(lv: &Libvirt, domain: &str) -> bool {
    lv.virsh_status(&["backup-dumpxml", domain]).is_ok()
}

#[test]
fn kvm_guests_backed_up_running_and_shut_off_restored_and_never_left_on_an_overlay() {
    let w = World::new();
    // the guests' qemu runs as libvirt-qemu: it must reach the images
    fs::set_permissions(w.dir.path(), fs::Permissions::from_mode(0o711)).unwrap();
    let images = w.path("images");
    fs::create_dir(&images).unwrap();
    fs::set_permissions(&images, fs::Permissions::from_mode(0o755)).unwrap();
    let lv = Libvirt::start(&w);

    // web: running, a qcow2 system disk and a raw data disk; db: shut off, one raw
    // disk; old: running on a qcow2 of the old format (0.10: no checkpoints)
    let mut system = pattern(32 << 20, 1);
    let data = pattern(4 << 20, 2);
    let db_disk = pattern(2 << 20, 3);
    let system_raw = w.path("system.raw");
    fs::write(&system_raw, &system).unwrap();
    let vda = images.join("web.qcow2");
    qemu_img(&[
        "convert",
        "-O",
        "qcow2",
        system_raw.to_str().unwrap(),
        vda.to_str().unwrap(),
    ]);
    let old_disk = images.join("old.qcow2");
    qemu_img(&[
        "convert",
        "-O",
        "qcow2",
        "-o",
        "compat=0.10",
        system_raw.to_str().unwrap(),
        old_disk.to_str().unwrap(),
    ]);
    let vdb = images.join("web data.raw");
    fs::write(&vdb, &data).unwrap();
    let db_image = images.join("db.raw");
    fs::write(&db_image, &db_disk).unwrap();
    let xml = w.path("web.xml");
    fs::write(
        &xml,
        domain_xml("npt-web", &[("vda", &vda, "qcow2"), ("vdb", &vdb, "raw")]),
    )
    .unwrap();
    lv.virsh(&["define", xml.to_str().unwrap()]);
    lv.virsh(&["start", "npt-web"]);
    fs::write(&xml, domain_xml("npt-db", &[("vda", &db_image, "raw")])).unwrap();
    lv.virsh(&["define", xml.to_str().unwrap()]);
    let original = lv.disks("npt-web");
    assert_eq!(original.len(), 2, "{original:?}");

    let repo = w.path("repo");
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    let cfg = w.config(&format!(
        "[repos.vms]\nuri = \"{}\"\npassword-file = \"{}\"\n[repos.vms.backup]\n\
         source = \"libvirt\"\ndomains = [\"npt-*\"]\nlibvirt-uri = \"{}\"\n",
        repo.display(),
        w.password_file().display(),
        lv.uri
    ));

    // the command line on the guests' configuration
    let cli = || {
        let mut c = w.cli();
        c.arg("-c").arg(&cfg);
        c
    };
    let events = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = run(cli().arg("--json-events").arg("backup").args(args), 0);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let warnings_of = |events: &[serde_json::Value]| {
        events
            .iter()
            .filter(|e| e["event"] == "warning")
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let no_leftovers = |when: &str| {
        assert_eq!(lv.disks("npt-web"), original, "{when}: on its own disks");
        assert_eq!(lv.state("npt-web"), "running", "{when}");
        assert!(!job_active(&lv, "npt-web"), "{when}: no backup job left");
        let left: Vec<String> = [overlays_in(&images), files_ending(&images, "-scratch")].concat();
        assert!(left.is_empty(), "{when}: {left:?}");
    };

    // 1. both guests, one running: read through a backup job, nothing left behind
    let seen = events(&[]);
    let warnings = warnings_of(&seen);
    assert!(
        warnings.contains("npt-web") && warnings.contains("guest agent did not answer"),
        "the unfrozen guest is said: {warnings}"
    );
    assert!(!warnings.contains("npt-db:"), "{warnings}");
    assert_eq!(
        read_of(&seen, "npt-web", "vda"),
        (32 << 20, 32 << 20, false)
    );
    assert_eq!(read_of(&seen, "npt-web", "vdb"), (4 << 20, 4 << 20, false));
    no_leftovers("after a backup");
    assert_eq!(lv.state("npt-db"), "shut off");
    let first_checkpoints = checkpoints(&lv, "npt-web");
    assert_eq!(first_checkpoints.len(), 1, "{first_checkpoints:?}");
    let listing = json(&run(
        cli().args(["--json", "ls", "latest", "/libvirt/npt-web"]),
        0,
    ));
    let names = entry_names(&listing["result"]["entries"]);
    for want in ["domain.xml", "vda-web.qcow2.raw", "vdb-web data.raw"] {
        assert!(
            names.iter().any(|n| n.ends_with(want)),
            "{want} in {names:?}"
        );
    }
    // the qcow2 disk as the guest sees it, the raw ones byte for byte
    let dump = |path: &str| run(cli().args(["dump", "latest", path]), 0).stdout;
    assert!(dump("/libvirt/npt-web/vda-web.qcow2.raw") == system, "vda");
    assert!(dump("/libvirt/npt-web/vdb-web data.raw") == data, "vdb");
    assert!(
        dump("/libvirt/npt-db/vda-db.raw") == db_disk,
        "the shut-off guest's disk"
    );
    restic_check(&w, &repo.display().to_string());

    // 2. the guest writes to its system disk: the next backup reads only the changes
    guest_write(&lv, "npt-web", 0x5a, 1 << 20, 64 << 10);
    guest_write(&lv, "npt-web", 0x5b, 20 << 20, 4 << 10);
    system[1 << 20..(1 << 20) + (64 << 10)].fill(0x5a);
    system[20 << 20..(20 << 20) + (4 << 10)].fill(0x5b);
    let seen = events(&["--libvirt", "npt-web"]);
    let (read, size, incremental) = read_of(&seen, "npt-web", "vda");
    eprintln!("the changes since the checkpoint: read {read} of {size} bytes");
    assert!(incremental, "{seen:?}");
    assert!(
        // (the chunks around each change are read again: about 2 MiB each here)
        read >= (68 << 10) && read < size * 3 / 4,
        "read {read} bytes of {size} for 68 KiB changed"
    );
    assert!(
        dump("/libvirt/npt-web/vda-web.qcow2.raw") == system,
        "the changes and the rest, as the guest sees them"
    );
    let now = checkpoints(&lv, "npt-web");
    assert!(
        now.len() == 1 && now != first_checkpoints,
        "the newer checkpoint replaced the older: {now:?}"
    );
    no_leftovers("after an incremental backup");

    // 3. restored as a copy beside the original: defined on the restored images, runs
    let target = w.path("restored");
    let out = json(&run(
        cli().args([
            "--json",
            "restore-vm",
            "latest",
            "npt-web",
            "--as",
            "npt-web-copy",
            "-t",
            target.to_str().unwrap(),
        ]),
        0,
    ));
    assert_eq!(out["result"]["domain"]["name"], "npt-web-copy");
    assert_eq!(out["result"]["domain"]["defined"], true);
    let copy_disks = lv.disks("npt-web-copy");
    let restored_vda = target.join("vda-web.qcow2");
    let restored_vdb = target.join("vdb-web data.raw");
    assert_eq!(
        copy_disks,
        vec![
            ("vda".to_string(), restored_vda.display().to_string()),
            ("vdb".to_string(), restored_vdb.display().to_string())
        ]
    );
    assert!(
        guest_bytes(&w, &restored_vda) == system,
        "vda as the guest saw it, a qcow2 again"
    );
    assert!(!target.join("vda-web.qcow2.raw").exists());
    assert!(
        fs::read(&restored_vdb).unwrap() == data,
        "vdb byte for byte"
    );
    let copy_xml = lv.virsh(&["dumpxml", "npt-web-copy"]);
    let web_xml = lv.virsh(&["dumpxml", "npt-web"]);
    let uuid = |x: &str| x.split("<uuid>").nth(1).map(|r| r[..36].to_string());
    assert_ne!(uuid(&copy_xml), uuid(&web_xml), "a copy has its own UUID");
    assert!(!copy_xml.contains("52:54:00:12:34:56"), "and its own MAC");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o755)).unwrap();
    lv.virsh(&["start", "npt-web-copy"]);
    assert_eq!(lv.state("npt-web-copy"), "running");
    lv.virsh(&["destroy", "npt-web-copy"]);

    // the same name again is refused before anything is written
    let again = w.path("again");
    let out = run(
        cli().args([
            "restore-vm",
            "latest",
            "npt-web",
            "--as",
            "npt-web-copy",
            "-t",
            again.to_str().unwrap(),
        ]),
        7,
    );
    assert!(
        stderr(&out).contains("npt-web-copy` exists already"),
        "{}",
        stderr(&out)
    );
    assert!(!again.exists());

    // 4. cancelled halfway (slowed down to be caught): the job ended, its checkpoint gone
    let slow = format!(
        "{}[repos.vms.repo]\nupload-limit = \"2 MiB/s\"\n",
        fs::read_to_string(&cfg).unwrap()
    );
    let slow_cfg = w.path("slow.toml");
    fs::write(&slow_cfg, &slow).unwrap();
    fs::set_permissions(&slow_cfg, fs::Permissions::from_mode(0o600)).unwrap();
    // new bytes for the guest to back up
    fs::write(&vdb, pattern(16 << 20, 4)).unwrap();
    let web = ["--libvirt", "npt-web"];
    let (child, seen) = backup_until(&w, &slow_cfg, &web, || job_active(&lv, "npt-web"));
    assert!(
        seen.iter().any(|e| e["event"] == "progress"),
        "the backup ended first: {seen:?}"
    );
    interrupt(&child);
    let status = wait_child(child);
    assert_eq!(status, Some(130), "a clean cancel");
    no_leftovers("after a cancel");
    assert_eq!(
        checkpoints(&lv, "npt-web"),
        now,
        "the cancelled one removed"
    );

    // 5. the job process killed: its backup job runs on until the next backup ends it
    fs::write(&vdb, pattern(16 << 20, 5)).unwrap();
    let (child, seen) = backup_until(&w, &slow_cfg, &web, || job_active(&lv, "npt-web"));
    let job = seen
        .iter()
        .find_map(|e| e["pid"].as_i64())
        .expect("the job's pid");
    // SAFETY: killing the job process this test's child started.
    unsafe {
        libc::kill(job as libc::pid_t, libc::SIGKILL);
    }
    let _ = wait_child(child);
    assert!(
        job_active(&lv, "npt-web"),
        "a killed run cannot end its job"
    );
    let seen = events(&web);
    let warnings = warnings_of(&seen);
    assert!(
        warnings.contains("an interrupted backup had left running"),
        "{warnings}"
    );
    // the killed run's checkpoint has no snapshot: a whole read, then one checkpoint
    let (read, size, _) = read_of(&seen, "npt-web", "vda");
    assert!(
        read < size,
        "still the changes since the last saved one: {read}"
    );
    assert_eq!(checkpoints(&lv, "npt-web").len(), 1);
    no_leftovers("after the killed run's job was ended");
    restic_check(&w, &repo.display().to_string());

    // 6. two repositories at once: the second backup of the domain waits for the
    // first; each repository keeps its own checkpoint chain
    let repo2 = w.path("repo2");
    run(w.cli_repo(&repo2.display().to_string()).arg("init"), 0);
    let cfg2 = w.path("second.toml");
    fs::write(
        &cfg2,
        fs::read_to_string(&cfg)
            .unwrap()
            .replace(&repo.display().to_string(), &repo2.display().to_string()),
    )
    .unwrap();
    fs::set_permissions(&cfg2, fs::Permissions::from_mode(0o600)).unwrap();
    fs::write(&vdb, pattern(16 << 20, 6)).unwrap();
    let (first, _) = backup_until(&w, &slow_cfg, &web, || job_active(&lv, "npt-web"));
    let second = run(
        w.cli()
            .args(["-c", cfg2.to_str().unwrap(), "--json", "backup"])
            .args(web),
        0,
    );
    assert!(
        json(&second)["warnings"]
            .to_string()
            .contains("npt-web: another backup of this domain is running"),
        "{}",
        json(&second)
    );
    assert_eq!(
        wait_child(first),
        Some(0),
        "the first one was not disturbed"
    );
    assert_eq!(checkpoints(&lv, "npt-web").len(), 2, "one per repository");
    let seen = events(&web);
    let (read, size, incremental) = read_of(&seen, "npt-web", "vda");
    assert!(
        incremental && read < size,
        "repository 1's chain still holds"
    );
    no_leftovers("after two repositories");
    restic_check(&w, &repo2.display().to_string());

    // 7. a qcow2 that cannot hold checkpoints: read on an overlay, merged back
    fs::write(&xml, domain_xml("npt-old", &[("vda", &old_disk, "qcow2")])).unwrap();
    lv.virsh(&["define", xml.to_str().unwrap()]);
    lv.virsh(&["start", "npt-old"]);
    let old_original = lv.disks("npt-old");
    let seen = events(&["--libvirt", "npt-old"]);
    let warnings = warnings_of(&seen);
    assert!(
        warnings.contains("npt-old: libvirt cannot run a backup job"),
        "{warnings}"
    );
    assert_eq!(lv.disks("npt-old"), old_original, "merged back");
    assert!(
        overlays_in(&images).is_empty(),
        "{:?}",
        overlays_in(&images)
    );
    let listing = json(&run(
        cli().args(["--json", "ls", "latest", "/libvirt/npt-old"]),
        0,
    ));
    let names = entry_names(&listing["result"]["entries"]);
    assert!(
        names.iter().any(|n| n.ends_with("vda-old.qcow2")),
        "{names:?}"
    );
    assert!(checkpoints(&lv, "npt-old").is_empty());
    lv.virsh(&["destroy", "npt-old"]);

    // 8. a domain that does not exist: refused by name, nothing saved
    let before = json(&run(cli().args(["--json", "snapshots"]), 0))["result"]
        .as_array()
        .unwrap()
        .len();
    let out = run(cli().args(["backup", "--libvirt", "npt-mail"]), 7);
    assert!(
        stderr(&out).contains(
            "no libvirt domain is named `npt-mail` (there are: npt-db, npt-old, npt-web, npt-web-copy)"
        ),
        "{}",
        stderr(&out)
    );
    let after = json(&run(cli().args(["--json", "snapshots"]), 0))["result"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

/// Waits for a child whose output is read elsewhere, at most two minutes.
fn wait_child(mut child: Child) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the backup did not end");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
