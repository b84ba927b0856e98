//! Shared helpers for the integration tests: an isolated environment per test
//! (own HOME, config and cache), the built binary, test data with the awkward
//! cases (permissions, mtimes, symlinks, empty dirs, non-UTF-8 and Unicode names,
//! sparse and large files), and a tree comparison that checks all of them.
#![allow(dead_code)]

pub mod fleet_server;

use std::{
    ffi::OsStr,
    fs,
    io::Write,
    io::{BufRead, BufReader},
    os::unix::{
        ffi::OsStrExt,
        fs::{MetadataExt, PermissionsExt, symlink},
    },
    path::{Path, PathBuf},
    process::{Child, Output, Stdio},
};

use assert_cmd::Command;
use filetime::FileTime;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct-horse-battery-staple";

/// A throw-away world for one test.
pub struct World {
    pub dir: TempDir,
}

impl World {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("npb-test-")
            .tempdir()
            .expect("tempdir");
        fs::create_dir_all(dir.path().join("home")).unwrap();
        World { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// Writes the password to a file and returns its path.
    pub fn password_file(&self) -> PathBuf {
        let p = self.path("password");
        if !p.exists() {
            fs::write(&p, format!("{PASSWORD}\n")).unwrap();
        }
        p
    }

    /// The binary as a plain `std::process::Command`, with an isolated environment
    /// (own HOME, no user config, no NPBACKUP_*/RESTIC_*/XDG_* variables), in
    /// English whatever the machine's locale (the tests read its messages).
    pub fn std_cli(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("npbackup-cli"));
        for (k, _) in std::env::vars() {
            if k.starts_with("NPBACKUP_") || k.starts_with("RESTIC_") || k.starts_with("XDG_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("HOME", self.home())
            .env("NO_COLOR", "1")
            .env("NPBACKUP_LOCALE", "en");
        cmd
    }

    /// `std_cli` pointed at a repository by URI, password from a file.
    pub fn std_cli_repo(&self, uri: &str) -> std::process::Command {
        let mut cmd = self.std_cli();
        cmd.arg("-r")
            .arg(uri)
            .arg("--password-file")
            .arg(self.password_file());
        cmd
    }

    /// The binary, for running to completion.
    pub fn cli(&self) -> Command {
        let mut cmd = Command::from_std(self.std_cli());
        cmd.timeout(std::time::Duration::from_secs(600));
        cmd
    }

    /// The binary pointed at a repository by URI, password from a file.
    pub fn cli_repo(&self, uri: &str) -> Command {
        let mut cmd = Command::from_std(self.std_cli_repo(uri));
        cmd.timeout(std::time::Duration::from_secs(600));
        cmd
    }

    /// Writes a config file (mode 0600) and returns its path.
    pub fn config(&self, text: &str) -> PathBuf {
        let p = self.path("npbackup.toml");
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        p
    }
}

/// Runs and returns output, failing the test with both streams if the exit code differs.
pub fn run(cmd: &mut Command, expected_code: i32) -> Output {
    let out = cmd.output().expect("run");
    let code = out.status.code().unwrap_or(-1);
    assert_eq!(
        code,
        expected_code,
        "unexpected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("panicked"), "the program panicked:\n{all}");
    assert!(!all.contains(PASSWORD), "the password was printed:\n{all}");
    out
}

/// The names (last path segments) of a listing's `entries`, as `ls --json` and
/// the web API give them.
pub fn entry_names(entries: &serde_json::Value) -> Vec<String> {
    entries
        .as_array()
        .unwrap_or_else(|| panic!("no entries: {entries}"))
        .iter()
        .map(|e| {
            e["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Fills `root` with the cases a restore must get right. `big` adds a 110 MB file.
pub fn make_tree(root: &Path, big: bool) {
    fs::create_dir_all(root.join("docs/empty-dir")).unwrap();
    fs::create_dir_all(root.join("docs/private")).unwrap();
    fs::write(root.join("docs/hello.txt"), "hello world\n").unwrap();
    fs::write(
        root.join("docs/private/secret-notes.md"),
        "# notes\n".repeat(100),
    )
    .unwrap();
    fs::set_permissions(
        root.join("docs/private/secret-notes.md"),
        fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    fs::write(root.join("docs/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    fs::set_permissions(root.join("docs/run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(root.join("docs/Ünïcødé — 日本語.txt"), "unicode name\n").unwrap();
    fs::write(
        root.join("docs")
            .join(OsStr::from_bytes(b"latin1-\xe9t\xe9.txt")),
        "non-utf8 name\n",
    )
    .unwrap();
    symlink("hello.txt", root.join("docs/link-to-hello")).unwrap();
    symlink("/nonexistent/target", root.join("docs/dangling-link")).unwrap();
    // pseudo-random, incompressible data that dedups across files
    let mut data = vec![0u8; 3_000_000];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in data.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    fs::write(root.join("docs/random.bin"), &data).unwrap();
    // sparse: 40 MB with a little data in the middle
    let f = fs::File::create(root.join("docs/sparse.img")).unwrap();
    f.set_len(40_000_000).unwrap();
    drop(f);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(root.join("docs/sparse.img"))
        .unwrap();
    std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(20_000_000)).unwrap();
    f.write_all(b"data in the middle of a hole").unwrap();
    drop(f);
    if big {
        let mut f = fs::File::create(root.join("docs/big.bin")).unwrap();
        for i in 0..37u8 {
            // 37 × 3 MB ≈ 111 MB, each block different
            let mut block = data.clone();
            block[0] = i;
            block[1_500_000] = i.wrapping_mul(7);
            f.write_all(&block).unwrap();
        }
    }
    // fixed mtimes in the past, files and directories and symlinks
    let t = FileTime::from_unix_time(1_600_000_000, 0);
    for entry in walk(root) {
        filetime::set_symlink_file_times(&entry, t, t).unwrap();
    }
    fs::set_permissions(root.join("docs/private"), fs::Permissions::from_mode(0o700)).unwrap();
}

/// Every path below `root` (not `root`), deepest first so directory times stick.
pub fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn rec(p: &Path, out: &mut Vec<PathBuf>) {
        if let Ok(rd) = fs::read_dir(p) {
            for e in rd.flatten() {
                let path = e.path();
                if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    rec(&path, out);
                }
                out.push(path);
            }
        }
    }
    rec(root, &mut out);
    out
}

/// Asserts that two trees hold the same names, types, contents, modes, mtimes and link targets.
pub fn assert_same_tree(a: &Path, b: &Path) {
    assert_same_tree_but_metadata_of(a, b, &Default::default());
}

/// `assert_same_tree`, but the modes and mtimes of `unknown` (relative paths) are not
/// compared: a snapshot can hold items without them (rustic on Windows wrote files
/// without a mode, folders without a time), which restic restores as mode 0000 and
/// the year 1, and we leave as the system makes them.
pub fn assert_same_tree_but_metadata_of(
    a: &Path,
    b: &Path,
    unknown: &std::collections::BTreeSet<PathBuf>,
) {
    let rel = |root: &Path, list: Vec<PathBuf>| {
        let mut v: Vec<PathBuf> = list
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        v.sort();
        v
    };
    let la = rel(a, walk(a));
    let lb = rel(b, walk(b));
    assert_eq!(la, lb, "the trees hold different names");
    for p in &la {
        let (pa, pb) = (a.join(p), b.join(p));
        let (ma, mb) = (
            fs::symlink_metadata(&pa).unwrap(),
            fs::symlink_metadata(&pb).unwrap(),
        );
        assert_eq!(ma.file_type(), mb.file_type(), "type of {}", p.display());
        if ma.file_type().is_symlink() {
            assert_eq!(
                fs::read_link(&pa).unwrap(),
                fs::read_link(&pb).unwrap(),
                "link target of {}",
                p.display()
            );
        } else if !unknown.contains(p) {
            assert_eq!(ma.mode(), mb.mode(), "mode of {}", p.display());
        }
        if ma.is_file() {
            assert_eq!(ma.len(), mb.len(), "size of {}", p.display());
            assert!(same_content(&pa, &pb), "content of {}", p.display());
        }
        if !unknown.contains(p) {
            assert_eq!(ma.mtime(), mb.mtime(), "mtime of {}", p.display());
        }
    }
}

fn same_content(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (mut fa, mut fb) = (fs::File::open(a).unwrap(), fs::File::open(b).unwrap());
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = read_full(&mut fa, &mut ba);
        let nb = read_full(&mut fb, &mut bb);
        if na != nb || ba[..na] != bb[..nb] {
            return false;
        }
        if na == 0 {
            return true;
        }
    }
    fn read_full(f: &mut fs::File, buf: &mut [u8]) -> usize {
        let mut n = 0;
        while n < buf.len() {
            match f.read(&mut buf[n..]).unwrap() {
                0 => break,
                k => n += k,
            }
        }
        n
    }
}

/// The folder holding peers installed by `scripts/install-deps.sh test`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("NPBACKUP_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME"))
                .join(".cache/npbackup-test-tools")
        })
}

/// Finds a peer program, failing with the fix when it is missing.
pub fn peer(name: &str, candidates: &[PathBuf]) -> PathBuf {
    for c in candidates {
        if c.is_file() {
            return c.clone();
        }
    }
    if let Ok(p) = which(name) {
        return p;
    }
    panic!("the test peer `{name}` is not installed: run `scripts/install-deps.sh test`");
}

fn which(name: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}

/// A free TCP port on loopback, never the same twice in one test process: asking
/// the OS for port 0 can hand two parallel tests the same port, and then one
/// test's server answers (and dies) under the other's feet.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let _ = NEXT.compare_exchange(
        0,
        20_000 + (std::process::id() % 400) * 100,
        Ordering::SeqCst,
        Ordering::SeqCst,
    );
    loop {
        let p = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = u16::try_from(p).expect("ports left");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Waits until something listens on the port.
pub fn wait_for_port(port: u16) {
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("nothing listens on 127.0.0.1:{port} after 30 s");
}

/// A child process killed when dropped.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real REST server (rustic_server) on loopback with one user allowed to modify
/// one repository. Returns the server (stopped when dropped) and its port.
pub fn rest_server(w: &World, user: &str, password: &str, repo: &str) -> (Server, u16) {
    use std::process::{Command, Stdio};
    let server_bin = peer("rustic-server", &[tools_dir().join("bin/rustic-server")]);
    let data = w.path("rest-data");
    fs::create_dir_all(&data).unwrap();
    let htpasswd = data.join(".htpasswd");
    let status = Command::new(&server_bin)
        .args(["auth", "add", "-f"])
        .arg(&htpasswd)
        .args(["-u", user, "-p", password])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    fs::write(
        data.join("acl.toml"),
        format!("[{repo}]\n{user} = \"Modify\"\n"),
    )
    .unwrap();
    let port = free_port();
    let server = Server(
        Command::new(&server_bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--path"])
            .arg(&data)
            .arg("--htpasswd-file")
            .arg(&htpasswd)
            .arg("--acl-path")
            .arg(data.join("acl.toml"))
            .arg("--private-repos")
            // rustic_server 0.4 shuts itself down after 3 s when `CI` is set (its own
            // test mode), which CI always sets
            .env_remove("CI")
            .stdout(Stdio::null())
            // kept for diagnosis: a failing test names this file
            .stderr(fs::File::create(w.path("rest-server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    wait_for_port(port);
    (server, port)
}

/// The real restic binary pointed at `repo`, with this world's password and a
/// private cache.
pub fn restic(w: &World, repo: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(peer("restic", &[]));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", w.home())
        .env("RESTIC_REPOSITORY", repo)
        .env("RESTIC_PASSWORD_FILE", w.password_file())
        .env("RESTIC_CACHE_DIR", w.path("restic-cache"));
    cmd
}

/// Runs restic, failing the test with its output unless it succeeds; returns stdout.
pub fn restic_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().expect("restic runs");
    assert!(
        out.status.success(),
        "restic failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `restic check --read-data` passes on `repo`.
pub fn restic_check(w: &World, repo: &str) {
    restic_ok(restic(w, repo).args(["check", "--read-data"]));
}

/// `files` files of `mb` MiB of incompressible data each, different for every `dir`.
pub fn make_data(dir: &Path, files: usize, mb: usize) {
    fs::create_dir_all(dir).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for b in dir.as_os_str().as_encoded_bytes() {
        x = (x ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3) | 1;
    }
    for i in 0..files {
        let mut f =
            std::io::BufWriter::new(fs::File::create(dir.join(format!("data-{i}.bin"))).unwrap());
        let mut buf = vec![0u8; 1 << 20];
        for _ in 0..mb {
            for chunk in buf.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
            }
            f.write_all(&buf).unwrap();
        }
    }
}

/// One HTTP request a `HttpSink` received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A small HTTP server on loopback that answers 200 to everything and keeps what
/// it received: the other end of webhooks and health-check pings.
pub struct HttpSink {
    pub port: u16,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl HttpSink {
    pub fn start() -> HttpSink {
        use std::io::{BufRead, BufReader, Read};
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().unwrap().port();
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let keep = keep.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                    let mut stream = stream;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut parts = line.split_whitespace();
                        let method = parts.next().unwrap_or_default().to_string();
                        let path = parts.next().unwrap_or_default().to_string();
                        let mut headers = Vec::new();
                        loop {
                            let mut h = String::new();
                            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            let h = h.trim_end();
                            if h.is_empty() {
                                break;
                            }
                            if let Some((k, v)) = h.split_once(':') {
                                headers.push((k.trim().to_string(), v.trim().to_string()));
                            }
                        }
                        let len: usize = headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                            .and_then(|(_, v)| v.parse().ok())
                            .unwrap_or(0);
                        let mut body = vec![0u8; len];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        keep.lock().unwrap().push(Received {
                            method,
                            path,
                            headers,
                            body: String::from_utf8_lossy(&body).to_string(),
                        });
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nOK",
                        );
                    }
                });
            }
        });
        HttpSink { port, received }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// The real SMTP server of tests/fixtures/smtp_sink.py on a free port; mail lands in `dir`.
pub fn smtp_sink(dir: &Path, tls: Option<(&Path, &Path)>) -> (Server, u16) {
    let port = free_port();
    std::fs::create_dir_all(dir).unwrap();
    let python = tools_dir().join("venv/bin/python");
    let mut cmd = std::process::Command::new(&python);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/fixtures/smtp_sink.py"))
        .arg(port.to_string())
        .arg(dir);
    if let Some((cert, key)) = tls {
        cmd.arg(cert).arg(key);
    }
    let child = cmd
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/install-deps.sh test installs aiosmtpd)",
                python.display()
            )
        });
    wait_for_port(port);
    (Server(child), port)
}

pub fn mails(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Fails, showing `text`, unless it contains every one of `parts`.
pub fn assert_has(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} is missing from:\n{text}");
    }
}

/// Sends `sig` to a process the test started (a command, or its job).
pub fn signal(pid: i64, sig: libc::c_int) {
    // SAFETY: signalling a process this test started.
    unsafe {
        libc::kill(pid as libc::pid_t, sig);
    }
}

/// A new repository `repo` in `w`, `files` × `mb` MiB of data in `src`, and a backup
/// of it under way (its events read to the first "backing up" progress): the source,
/// the repository, the command, and its job's pid.
pub fn backup_under_way(w: &World, files: usize, mb: usize) -> (PathBuf, String, Child, i64) {
    let src = w.path("src");
    make_data(&src, files, mb);
    let repo = w.path("repo").display().to_string();
    run(w.cli_repo(&repo).arg("init"), 0);
    let mut child = spawn_events(w, &repo, &["backup", src.to_str().unwrap()]);
    let seen = events_until(&mut child, |e| {
        e["event"] == "progress" && e["phase"] == "backing up"
    });
    let job_pid = seen[0]["pid"].as_i64().unwrap();
    (src, repo, child, job_pid)
}

/// Runs the CLI with `--json-events`, stdout and stderr piped.
pub fn spawn_events(w: &World, repo: &str, args: &[&str]) -> Child {
    let mut cmd = w.std_cli_repo(repo);
    cmd.arg("--json-events")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Reads events until `stop` says so (or the stream ends); keeps draining after.
pub fn events_until(
    child: &mut Child,
    mut stop: impl FnMut(&serde_json::Value) -> bool,
) -> Vec<serde_json::Value> {
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut seen = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let ev: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not an event ({e}): {line}"));
        let done = stop(&ev);
        seen.push(ev);
        if done {
            break;
        }
    }
    // keep draining in the background so the child never blocks on a full pipe
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
    });
    seen
}

/// Sends SIGINT (Ctrl-C) to the child.
pub fn interrupt(child: &Child) {
    // SAFETY: sending SIGINT (Ctrl-C) to our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
}

/// A scheduler (`daemon run`) of this test world, killed when dropped.
pub struct Daemon {
    pub child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `sig` to the scheduler.
pub fn signal_daemon(d: &Daemon, sig: libc::c_int) {
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(d.child.id() as libc::pid_t, sig);
    }
}

/// Starts the scheduler on `config` (its log in `daemon.log`) and waits until it answers.
pub fn start_daemon(w: &World, config: &Path) -> Daemon {
    let log = fs::File::create(w.path("daemon.log")).expect("a log file");
    let child = w
        .std_cli()
        .arg("-c")
        .arg(config)
        .args(["daemon", "run", "--grace", "1s"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the daemon starts");
    let d = Daemon { child };
    wait_for(w, "the daemon answers", 30, || daemon_status(w).is_some());
    d
}

/// The scheduler's status (None while it does not answer).
pub fn daemon_status(w: &World) -> Option<serde_json::Value> {
    let out = w.cli().args(["--json", "daemon", "status"]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        .map(|v| v["result"].clone())
}

/// Polls `ok` until it holds; fails with the scheduler's log after `secs`.
pub fn wait_for(w: &World, what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < until {
        if ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!(
        "timed out waiting for {what}; daemon log:\n{}",
        fs::read_to_string(w.path("daemon.log")).unwrap_or_default()
    );
}

/// A config of repositories `(name, repo, src, schedule lines)`, passwords from the test's file.
pub fn config_text(w: &World, repos: &[(&str, &Path, &Path, &str)]) -> String {
    let mut text = String::new();
    for (name, repo, src, schedule) in repos {
        text.push_str(&format!(
            r#"
[repos.{name}]
uri = "{repo}"
password-file = "{pw}"
[repos.{name}.backup]
paths = ["{src}"]
[repos.{name}.schedule]
{schedule}
"#,
            repo = repo.display(),
            src = src.display(),
            pw = w.password_file().display()
        ));
    }
    text
}

/// A world with one initialised repository `default` backing up a test tree, and a
/// config giving it `schedule` (lines of its `[repos.default.schedule]` table).
pub fn one_repository(schedule: &str) -> (World, PathBuf, PathBuf, PathBuf) {
    let w = World::new();
    let (src, repo) = (w.path("src"), w.path("repo"));
    make_tree(&src, false);
    run(w.cli_repo(&repo.display().to_string()).arg("init"), 0);
    let config = w.config(&config_text(&w, &[("default", &repo, &src, schedule)]));
    (w, src, repo, config)
}

/// `len` bytes of a pattern that does not compress, the same for the same `seed`
/// (disk images of the libvirt and vzdump tests).
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = vec![0u8; len];
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    out
}
