//! Signed releases and the upgrade routes.
//!
//! **Ours** (`/upgrade/v1`): releases added with `npbackup-server release add`
//! live in `DATA/releases/PLATFORM/ARCH/BUILD/AUDIENCE/VERSION/` (the file, its
//! minisign signature, `release.toml` with the rollout), signed with the release
//! key (`DATA/release.key`, owner-only, or a key kept elsewhere). A machine asks
//! `GET /upgrade/v1/latest` and gets the highest version meant for it (its group,
//! the rollout percentage), then downloads the file and checks the signature
//! against keys it trusts: a fallback server is a plain copy of this folder.
//!
//! **The original NPBackup's** (`/npbackup3/…`): `current_version`, `info` and
//! `download` over `DATA/npbackup3/`, laid out as the original upgrade server's
//! `data_root` (`VERSION`, `npbackup-PLATFORM-ARCH-BUILD-AUDIENCE.tar.gz|zip`, the
//! optional `.sh|.cmd` script, and per-host, per-version or per-group sub-folders
//! that override it), so NPBackup 3 machines upgrade from here unchanged (their
//! `auto_upgrade_server_url` pointed at `https://SERVER/npbackup3`).
//!
//! Both answer only upgrade accounts (`npbackup-server release user set`, HTTP
//! Basic, each allowed some audiences), answer "maintenance" while a `DISABLED`
//! file exists, and append every request to `DATA/upgrade-stats.csv` with the
//! original's columns.

use std::{
    collections::BTreeMap,
    io::Write as _,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, Path as UrlPath, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use npbackup_common::secret::Secret;
use npbackup_fleet::release::{self, AUDIENCES, Ask, Offer, Statement, Target};
use npbackup_web::Peer;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The release key's secret half in the server's folder (minisign format).
pub const KEY_FILE: &str = "release.key";
/// Its public half, to build into clients (`resources/release-keys.pub`) or list
/// in their `[upgrade] trusted-keys`.
pub const PUBLIC_KEY_FILE: &str = "release.pub";
const USERS_FILE: &str = "upgrade-users.toml";
const STATS_FILE: &str = "upgrade-stats.csv";
const DISABLED: &str = "DISABLED";

/// One release, as `release.toml` keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Release {
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub build: String,
    pub audience: String,
    pub file: String,
    pub size: u64,
    pub sha256: String,
    /// Only machines of these groups get it (empty: every group).
    #[serde(default)]
    pub groups: Vec<String>,
    /// The share of those machines that get it, 1 to 100.
    pub percent: u8,
    /// Unix seconds.
    pub added: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Users {
    #[serde(default)]
    users: BTreeMap<String, User>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct User {
    /// argon2id (PHC string).
    hash: String,
    audiences: Vec<String>,
}

/// What `release add` is given besides the file.
#[derive(Debug, Clone)]
pub struct NewRelease {
    pub version: String,
    pub target: Target,
    pub audience: String,
    pub groups: Vec<String>,
    pub percent: u8,
}

/// The releases, accounts and statistics in a server's folder.
pub struct Releases {
    data: PathBuf,
    stats: Mutex<()>,
}

fn io(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("cannot {what} {}: {e}", path.display())
}

/// A name that may become one component of a path (no `/`, no `..`, not hidden).
fn plain(segment: &str) -> bool {
    !segment.is_empty()
        && !segment.starts_with('.')
        && segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c))
}

impl Releases {
    pub fn new(data: &Path) -> Releases {
        Releases {
            data: data.to_path_buf(),
            stats: Mutex::new(()),
        }
    }

    fn root(&self) -> PathBuf {
        self.data.join("releases")
    }

    /// The original NPBackup upgrade server's `data_root`.
    pub fn npbackup3_root(&self) -> PathBuf {
        self.data.join("npbackup3")
    }

    /// Makes the release key; refuses to replace one (machines trust it).
    pub fn create_key(&self) -> Result<String, String> {
        let secret = self.data.join(KEY_FILE);
        if secret.exists() {
            return Err(format!(
                "{} exists already: machines trust its public half, so it is never replaced (move it away first if you mean to)",
                secret.display()
            ));
        }
        let kp = minisign::KeyPair::generate_unencrypted_keypair()
            .map_err(|e| format!("cannot make a key: {e}"))?;
        let sk = kp
            .sk
            .to_box(Some("npbackup release key (secret)"))
            .map_err(|e| e.to_string())?
            .into_string();
        let pk = kp.pk.to_box().map_err(|e| e.to_string())?.into_string();
        npbackup_common::fsutil::write_atomic(&secret, sk.as_bytes(), Some(0o600))
            .map_err(|e| io("write", &secret, e))?;
        let public = self.data.join(PUBLIC_KEY_FILE);
        npbackup_common::fsutil::write_atomic(&public, pk.as_bytes(), Some(0o644))
            .map_err(|e| io("write", &public, e))?;
        Ok(pk)
    }

    /// The public key's text.
    pub fn public_key(&self) -> Result<String, String> {
        let path = self.data.join(PUBLIC_KEY_FILE);
        std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "this server has no release key: run `npbackup-server release key create`".into()
            } else {
                io("read", &path, e)
            }
        })
    }

    fn secret_key(&self, key: Option<&Path>) -> Result<minisign::SecretKey, String> {
        let path = key
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.data.join(KEY_FILE));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound && key.is_none() {
                format!(
                    "{} does not exist: run `npbackup-server release key create`, or give --key",
                    path.display()
                )
            } else {
                io("read", &path, e)
            }
        })?;
        let parse = || {
            minisign::SecretKeyBox::from_string(&text)
                .map_err(|e| format!("{} is not a minisign secret key: {e}", path.display()))
        };
        if let Ok(sk) = parse()?.into_unencrypted_secret_key()
            && !sk.is_encrypted()
        {
            return Ok(sk);
        }
        let password = std::env::var("NPBACKUP_RELEASE_KEY_PASSWORD").map_err(|_| {
            format!(
                "{} is password-protected: give its password in NPBACKUP_RELEASE_KEY_PASSWORD",
                path.display()
            )
        })?;
        parse()?
            .into_secret_key(Some(password))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn folder(&self, target: &Target, audience: &str) -> PathBuf {
        self.root()
            .join(&target.platform)
            .join(&target.arch)
            .join(&target.build)
            .join(audience)
    }

    /// Signs `file` and adds it; a version already there is never replaced.
    pub fn add(&self, file: &Path, new: NewRelease, key: Option<&Path>) -> Result<Release, String> {
        let version = semver::Version::parse(&new.version)
            .map_err(|e| format!("'{}' is not a version (like 1.2.3): {e}", new.version))?;
        release::check_name("audience", &new.audience, AUDIENCES)?;
        if !(1..=100).contains(&new.percent) {
            return Err(format!(
                "--percent is between 1 and 100, not {}",
                new.percent
            ));
        }
        let sk = self.secret_key(key)?;
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| plain(n))
            .ok_or_else(|| {
                format!(
                    "{}: a release's file name is letters, digits, '-', '_', '.' and '+'",
                    file.display()
                )
            })?
            .to_string();
        let data = std::fs::read(file).map_err(|e| io("read", file, e))?;
        if data.is_empty() {
            return Err(format!("{} is empty", file.display()));
        }
        let statement = Statement {
            product: npbackup_common::customization::SHORT_NAME.into(),
            version: version.clone(),
            target: new.target.clone(),
            audience: new.audience.clone(),
            file: name.clone(),
        };
        let sig = minisign::sign(None, &sk, &data[..], Some(&statement.to_comment()), None)
            .map_err(|e| format!("cannot sign {}: {e}", file.display()))?
            .into_string();
        let dir = self
            .folder(&new.target, &new.audience)
            .join(version.to_string());
        if dir.exists() {
            return Err(format!(
                "{} {} for {} ({}) exists already: a release is never replaced; give it a new version",
                npbackup_common::customization::PRODUCT_NAME,
                version,
                new.target,
                new.audience
            ));
        }
        let release = Release {
            version: version.to_string(),
            platform: new.target.platform.clone(),
            arch: new.target.arch.clone(),
            build: new.target.build.clone(),
            audience: new.audience.clone(),
            file: name.clone(),
            size: data.len() as u64,
            sha256: hex(&Sha256::digest(&data)),
            groups: new.groups,
            percent: new.percent,
            added: jiff::Timestamp::now().as_second(),
        };
        // written in a hidden folder, renamed into place whole
        let parent = self.folder(&new.target, &new.audience);
        std::fs::create_dir_all(&parent).map_err(|e| io("create", &parent, e))?;
        let staging = parent.join(format!(".adding-{version}"));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir(&staging).map_err(|e| io("create", &staging, e))?;
        let write = |rel: &str, bytes: &[u8]| {
            let p = staging.join(rel);
            npbackup_common::fsutil::write_atomic(&p, bytes, Some(0o644))
                .map_err(|e| io("write", &p, e))
        };
        write(&name, &data)?;
        write(&format!("{name}.minisig"), sig.as_bytes())?;
        write(
            "release.toml",
            toml::to_string(&release)
                .map_err(|e| e.to_string())?
                .as_bytes(),
        )?;
        std::fs::rename(&staging, &dir).map_err(|e| io("move into place", &dir, e))?;
        Ok(release)
    }

    /// Withdraws a release (a bad one): machines are offered the next best at their
    /// next look; those that installed it keep it until a higher version comes.
    pub fn remove(
        &self,
        target: &Target,
        audience: &str,
        version: &str,
    ) -> Result<Release, String> {
        release::check_name("audience", audience, AUDIENCES)?;
        let rel = self
            .find(target, audience, version)?
            .ok_or_else(|| format!("there is no release {version} for {target} ({audience})"))?;
        let dir = self.release_dir(&rel)?;
        // out of sight at once, then deleted
        let gone = dir.with_file_name(format!(".removing-{version}"));
        let _ = std::fs::remove_dir_all(&gone);
        std::fs::rename(&dir, &gone).map_err(|e| io("move away", &dir, e))?;
        std::fs::remove_dir_all(&gone).map_err(|e| io("remove", &gone, e))?;
        Ok(rel)
    }

    /// Every release, newest first within each target.
    pub fn list(&self) -> Result<Vec<Release>, String> {
        let mut out = Vec::new();
        let root = self.root();
        if !root.exists() {
            return Ok(out);
        }
        for platform in release::PLATFORMS {
            for arch in release::ARCHES {
                for build in release::BUILDS {
                    for audience in AUDIENCES {
                        let target = Target::new(platform, arch, build)?;
                        out.extend(self.releases_of(&target, audience)?);
                    }
                }
            }
        }
        Ok(out)
    }

    fn releases_of(&self, target: &Target, audience: &str) -> Result<Vec<Release>, String> {
        let dir = self.folder(target, audience);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io("list", &dir, e)),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path().join("release.toml");
            let text = std::fs::read_to_string(&path).map_err(|e| io("read", &path, e))?;
            let r: Release = toml::from_str(&text)
                .map_err(|e| format!("{}: {}", path.display(), e.message()))?;
            out.push(r);
        }
        out.sort_by_key(|r| std::cmp::Reverse(semver::Version::parse(&r.version).ok()));
        Ok(out)
    }

    /// The highest release newer than the asker's version that its group and the
    /// rollout let it have.
    pub fn offer(&self, ask: &Ask) -> Result<Option<Release>, String> {
        let target = Target::new(&ask.platform, &ask.arch, &ask.build)?;
        release::check_name("audience", &ask.audience, AUDIENCES)?;
        let current = semver::Version::parse(&ask.version)
            .map_err(|e| format!("'{}' is not a version: {e}", ask.version))?;
        Ok(self
            .releases_of(&target, &ask.audience)?
            .into_iter()
            .filter(|r| semver::Version::parse(&r.version).is_ok_and(|v| v > current))
            .filter(|r| r.groups.is_empty() || r.groups.iter().any(|g| g == &ask.group))
            .find(|r| release::in_rollout(&ask.machine, &r.version, r.percent)))
    }

    fn release_dir(&self, r: &Release) -> Result<PathBuf, String> {
        let target = Target::new(&r.platform, &r.arch, &r.build)?;
        Ok(self.folder(&target, &r.audience).join(&r.version))
    }

    fn find(
        &self,
        target: &Target,
        audience: &str,
        version: &str,
    ) -> Result<Option<Release>, String> {
        Ok(self
            .releases_of(target, audience)?
            .into_iter()
            .find(|r| r.version == version))
    }

    /// Whether the upgrade routes answer "maintenance".
    pub fn disabled(&self) -> bool {
        self.root().join(DISABLED).exists() || self.npbackup3_root().join(DISABLED).exists()
    }

    fn users(&self) -> Result<Users, String> {
        let path = self.data.join(USERS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Users::default()),
            Err(e) => Err(io("read", &path, e)),
        }
    }

    /// Adds an upgrade account, or sets its password and audiences.
    pub fn set_user(
        &self,
        name: &str,
        password: &Secret,
        audiences: Vec<String>,
    ) -> Result<(), String> {
        if name.is_empty() || name.contains(':') || name.chars().any(char::is_control) {
            return Err(format!(
                "'{name}' cannot name an account (no ':', no control characters)"
            ));
        }
        for a in &audiences {
            release::check_name("audience", a, AUDIENCES)?;
        }
        let mut users = self.users()?;
        let hash = npbackup_web::accounts::hash_password(password).map_err(|e| e.to_string())?;
        users.users.insert(name.into(), User { hash, audiences });
        let path = self.data.join(USERS_FILE);
        let text = toml::to_string(&users).map_err(|e| e.to_string())?;
        npbackup_common::fsutil::write_atomic(&path, text.as_bytes(), Some(0o600))
            .map_err(|e| io("write", &path, e))
    }

    /// The audiences of account `name` if `password` is its.
    fn check_user(&self, name: &str, password: &str) -> Result<Option<Vec<String>>, String> {
        let users = self.users()?;
        Ok(users.users.get(name).and_then(|u| {
            npbackup_web::accounts::verify_password(&u.hash, password).then(|| u.audiences.clone())
        }))
    }

    /// Appends one row to the statistics, in the original's columns.
    fn record(&self, row: &Asked<'_>, ip: &str, user: &str, allowed: bool) {
        let _one = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        let path = self.data.join(STATS_FILE);
        let fields = [
            jiff::Timestamp::now().to_string(),
            row.action.to_string(),
            ip.to_string(),
            user.to_string(),
            allowed.to_string(),
            row.identity.to_string(),
            row.installed.to_string(),
            row.group.to_string(),
            row.artefact.to_string(),
            row.platform.to_string(),
            row.arch.to_string(),
            row.build.to_string(),
            row.audience.to_string(),
        ];
        let line = fields
            .iter()
            .map(|f| csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
            + "\n";
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            tracing::warn!("cannot append to {}: {e}", path.display());
        }
    }
}

/// A file's SHA-256 (hex) and length, read in pieces.
fn sha256_of(path: &Path) -> std::io::Result<(String, u64)> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok((hex(&h.finalize()), len))
}

fn csv_field(s: &str) -> String {
    // what clients send must not become a formula in a spreadsheet
    let s = &if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a request asks for: a row of the statistics, beside who asked.
struct Asked<'a> {
    action: &'a str,
    identity: &'a str,
    installed: &'a str,
    group: &'a str,
    artefact: &'a str,
    platform: &'a str,
    arch: &'a str,
    build: &'a str,
    audience: &'a str,
}

// ---- the routes ----

type Shared = State<Arc<Releases>>;

pub fn router(releases: Arc<Releases>) -> Router {
    Router::new()
        .route(&format!("{}/latest", release::API), get(latest))
        .route(
            &format!(
                "{}/download/{{platform}}/{{arch}}/{{build}}/{{audience}}/{{version}}",
                release::API
            ),
            get(download),
        )
        .route("/npbackup3", get(v3_root))
        .route("/npbackup3/", get(v3_root))
        .route("/npbackup3/status", get(v3_status))
        .route(
            "/npbackup3/current_version/{*rest}",
            get(v3_current_version),
        )
        .route("/npbackup3/info/{*rest}", get(v3_info))
        .route("/npbackup3/download/{*rest}", get(v3_download))
        .with_state(releases)
}

fn detail(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "detail": text }))).into_response()
}

fn maintenance() -> Response {
    detail(
        StatusCode::SERVICE_UNAVAILABLE,
        "Service is currently disabled for maintenance",
    )
}

/// Records the request in the statistics (as the original does, allowed or not);
/// the refusal when the account may not have that audience.
fn refused(
    r: &Releases,
    headers: &HeaderMap,
    peer: &Peer,
    (user, audiences): &(String, Vec<String>),
    asked: &Asked<'_>,
) -> Option<Response> {
    let allowed = audiences.iter().any(|a| a == asked.audience);
    r.record(asked, &ip_of(headers, peer), user, allowed);
    (!allowed).then(|| {
        detail(
            StatusCode::FORBIDDEN,
            "User does not have permission to access this resource",
        )
    })
}

/// The account named by HTTP Basic and its audiences, or the original's 401.
async fn account(
    r: &Arc<Releases>,
    headers: &HeaderMap,
) -> Result<(String, Vec<String>), Response> {
    let challenge = || {
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Basic realm=\"npbackup upgrades\"",
            )],
            axum::Json(serde_json::json!({ "detail": "Incorrect email or password" })),
        )
            .into_response()
    };
    let Some((name, password)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| B64.decode(v.trim()).ok())
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| {
            v.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
    else {
        return Err(challenge());
    };
    let r2 = r.clone();
    let n2 = name.clone();
    // argon2 is slow on purpose: off the async threads
    match tokio::task::spawn_blocking(move || r2.check_user(&n2, &password)).await {
        Ok(Ok(Some(audiences))) => Ok((name, audiences)),
        Ok(Ok(None)) => Err(challenge()),
        Ok(Err(e)) => {
            tracing::error!("{e}");
            Err(detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the accounts cannot be read",
            ))
        }
        Err(e) => Err(detail(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
    }
}

/// The address a request came from (the proxy's header first, as the original).
fn ip_of(headers: &HeaderMap, peer: &Peer) -> String {
    headers
        .get("x-real-ip")
        .or_else(|| headers.get("x-forwarded-for"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(|| peer.0.ip().to_string())
}

async fn latest(
    State(r): Shared,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    Query(ask): Query<Ask>,
) -> Response {
    let who = match account(&r, &headers).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let asked = Asked {
        action: "check_version",
        identity: &ask.machine,
        installed: &ask.version,
        group: &ask.group,
        artefact: "release",
        platform: &ask.platform,
        arch: &ask.arch,
        build: &ask.build,
        audience: &ask.audience,
    };
    if let Some(refusal) = refused(&r, &headers, &peer, &who, &asked) {
        return refusal;
    }
    if r.disabled() {
        return maintenance();
    }
    let found = {
        let r = r.clone();
        tokio::task::spawn_blocking(move || -> Result<Option<(Release, String)>, String> {
            let Some(rel) = r.offer(&ask)? else {
                return Ok(None);
            };
            let sig_path = r.release_dir(&rel)?.join(format!("{}.minisig", rel.file));
            let sig = std::fs::read_to_string(&sig_path).map_err(|e| io("read", &sig_path, e))?;
            Ok(Some((rel, sig)))
        })
        .await
    };
    match found {
        Ok(Ok(Some((rel, signature)))) => axum::Json(Offer {
            download: format!(
                "{}/download/{}/{}/{}/{}/{}",
                release::API,
                rel.platform,
                rel.arch,
                rel.build,
                rel.audience,
                rel.version
            ),
            version: rel.version,
            file: rel.file,
            size: rel.size,
            sha256: rel.sha256,
            signature,
        })
        .into_response(),
        Ok(Ok(None)) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(e)) => detail(StatusCode::BAD_REQUEST, &e),
        Err(e) => detail(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(Debug, Deserialize)]
struct DownloadPath {
    platform: String,
    arch: String,
    build: String,
    audience: String,
    version: String,
}

#[derive(Debug, Default, Deserialize)]
struct Who {
    #[serde(default)]
    machine: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    from: String,
}

async fn download(
    State(r): Shared,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    UrlPath(p): UrlPath<DownloadPath>,
    Query(who): Query<Who>,
) -> Response {
    let account = match account(&r, &headers).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let asked = Asked {
        action: "download_upgrade",
        identity: &who.machine,
        installed: &who.from,
        group: &who.group,
        artefact: "release",
        platform: &p.platform,
        arch: &p.arch,
        build: &p.build,
        audience: &p.audience,
    };
    if let Some(refusal) = refused(&r, &headers, &peer, &account, &asked) {
        return refusal;
    }
    if r.disabled() {
        return maintenance();
    }
    let found = {
        let r = r.clone();
        tokio::task::spawn_blocking(move || -> Result<Option<(String, PathBuf)>, String> {
            let target = Target::new(&p.platform, &p.arch, &p.build)?;
            release::check_name("audience", &p.audience, AUDIENCES)?;
            let Some(rel) = r.find(&target, &p.audience, &p.version)? else {
                return Ok(None);
            };
            let path = r.release_dir(&rel)?.join(&rel.file);
            Ok(Some((rel.file, path)))
        })
        .await
    };
    match found {
        Ok(Ok(Some((file, path)))) => attachment(&file, &path).await,
        Ok(Ok(None)) => detail(StatusCode::NOT_FOUND, "Not found"),
        Ok(Err(e)) => detail(StatusCode::BAD_REQUEST, &e),
        Err(e) => detail(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// The file at `path`, streamed (a thousand machines downloading a release must not
/// hold a thousand copies of it in memory).
async fn attachment(file: &str, path: &Path) -> Response {
    let opened = match tokio::fs::File::open(path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return detail(StatusCode::NOT_FOUND, "Not found");
        }
        Err(e) => {
            tracing::error!("cannot read {}: {e}", path.display());
            return detail(StatusCode::INTERNAL_SERVER_ERROR, "the file cannot be read");
        }
    };
    let length = match opened.metadata().await {
        Ok(m) => m.len(),
        Err(e) => {
            tracing::error!("cannot read {}: {e}", path.display());
            return detail(StatusCode::INTERNAL_SERVER_ERROR, "the file cannot be read");
        }
    };
    let chunks = futures_util::stream::unfold(Some(opened), |state| async move {
        use tokio::io::AsyncReadExt as _;
        let mut f = state?;
        let mut buf = vec![0u8; 256 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(axum::body::Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err::<axum::body::Bytes, _>(e), None)),
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

// ---- the original NPBackup's routes ----

async fn v3_status(State(r): Shared) -> Response {
    if r.disabled() {
        return axum::Json(
            serde_json::json!({"app": "npbackup.upgrader", "maintenance": "enabled"}),
        )
        .into_response();
    }
    axum::Json(serde_json::json!({"app": "running"})).into_response()
}

async fn v3_root(State(r): Shared, headers: HeaderMap) -> Response {
    if let Err(resp) = account(&r, &headers).await {
        return resp;
    }
    if r.disabled() {
        return axum::Json(
            serde_json::json!({"app": "npbackup.upgrader", "maintenance": "enabled"}),
        )
        .into_response();
    }
    axum::Json(serde_json::json!({"app": "npbackup.upgrader"})).into_response()
}

/// `PLATFORM/ARCH/BUILD/AUDIENCE[/HOST[/VERSION[/GROUP]]]`, checked.
struct V3Target {
    platform: String,
    arch: String,
    build: String,
    audience: String,
    identity: String,
    installed: String,
    group: String,
}

fn v3_target(parts: &[&str]) -> Result<V3Target, String> {
    if !(4..=7).contains(&parts.len()) {
        return Err("the path is PLATFORM/ARCH/BUILD/AUDIENCE[/HOST[/VERSION[/GROUP]]]".into());
    }
    let get = |i: usize| parts.get(i).copied().unwrap_or("").to_string();
    let t = V3Target {
        platform: get(0),
        arch: get(1),
        build: get(2),
        audience: get(3),
        identity: get(4),
        installed: get(5),
        group: get(6),
    };
    release::check_name("platform", &t.platform, &["windows", "linux"])?;
    if !plain(&t.arch) {
        return Err(format!("'{}' is not an architecture", t.arch));
    }
    release::check_name("build", &t.build, &["gui", "cli"])?;
    release::check_name("audience", &t.audience, AUDIENCES)?;
    Ok(t)
}

impl V3Target {
    /// The original's overrides: a folder named after the host, then the installed
    /// version, then the group, replaces the root when it exists.
    fn base(&self, root: &Path) -> PathBuf {
        [&self.identity, &self.installed, &self.group]
            .into_iter()
            .filter(|s| plain(s))
            .map(|s| root.join(s))
            .find(|p| p.is_dir())
            .unwrap_or_else(|| root.to_path_buf())
    }

    fn file_name(&self, artefact: &str) -> String {
        let ext = match (artefact, self.platform.as_str()) {
            ("script", "windows") => "cmd",
            ("script", _) => "sh",
            (_, "windows") => "zip",
            _ => "tar.gz",
        };
        format!(
            "npbackup-{}-{}-{}-{}.{ext}",
            self.platform, self.arch, self.build, self.audience
        )
    }
}

/// Authenticates, records and checks the audience of one of the original's
/// requests; its target when it may go on.
async fn v3_begin(
    r: &Arc<Releases>,
    headers: &HeaderMap,
    peer: &Peer,
    action: &str,
    artefact: &str,
    rest: &str,
) -> Result<V3Target, Response> {
    let who = account(r, headers).await?;
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let target = v3_target(&parts).map_err(|e| detail(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    let asked = Asked {
        action,
        identity: &target.identity,
        installed: &target.installed,
        group: &target.group,
        artefact,
        platform: &target.platform,
        arch: &target.arch,
        build: &target.build,
        audience: &target.audience,
    };
    match refused(r, headers, peer, &who, &asked) {
        Some(refusal) => Err(refusal),
        None => Ok(target),
    }
}

async fn v3_current_version(
    State(r): Shared,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    UrlPath(rest): UrlPath<String>,
) -> Response {
    let t = match v3_begin(&r, &headers, &peer, "check_version", "", &rest).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    if r.disabled() {
        return axum::Json(serde_json::json!({"version": "0.00"})).into_response();
    }
    let path = t.base(&r.npbackup3_root()).join("VERSION");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let version = text.lines().next().unwrap_or("").trim().to_string();
            axum::Json(serde_json::json!({ "version": version })).into_response()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            detail(StatusCode::NOT_FOUND, "Not found")
        }
        Err(e) => detail(
            StatusCode::BAD_REQUEST,
            &format!("Cannot get version file: {e}"),
        ),
    }
}

/// `ARTEFACT/PLATFORM/…` split into the artefact and the rest.
fn v3_artefact(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.trim_start_matches('/');
    let (artefact, rest) = rest.split_once('/').unwrap_or((rest, ""));
    (artefact == "archive" || artefact == "script").then_some((artefact, rest))
}

/// `ARTEFACT/PLATFORM/…` of `info` and `download`: admitted, out of maintenance; the
/// target, the artefact, its file's name and path.
async fn v3_file<'a>(
    r: &Arc<Releases>,
    headers: &HeaderMap,
    peer: &Peer,
    action: &str,
    rest: &'a str,
) -> Result<(V3Target, &'a str, String, PathBuf), Response> {
    let (artefact, rest) = v3_artefact(rest).ok_or_else(|| {
        detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the artefact is 'archive' or 'script'",
        )
    })?;
    let t = v3_begin(r, headers, peer, action, artefact, rest).await?;
    if r.disabled() {
        return Err(maintenance());
    }
    let name = t.file_name(artefact);
    let path = t.base(&r.npbackup3_root()).join(&name);
    Ok((t, artefact, name, path))
}

async fn v3_info(
    State(r): Shared,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    UrlPath(rest): UrlPath<String>,
) -> Response {
    let (t, artefact, name, path) = match v3_file(&r, &headers, &peer, "get_file_info", &rest).await
    {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let hashed = tokio::task::spawn_blocking(move || sha256_of(&path)).await;
    let (sha, filename, length) = match hashed {
        Ok(Ok((sha, len))) => (Some(sha), Some(name), len),
        _ => (None, None, 0),
    };
    axum::Json(serde_json::json!({
        "artefact": artefact,
        "arch": t.arch,
        "platform": t.platform,
        "build_type": t.build,
        "audience": t.audience,
        "auto_upgrade_host_identity": (!t.identity.is_empty()).then_some(&t.identity),
        "installed_version": (!t.installed.is_empty()).then_some(&t.installed),
        "group": (!t.group.is_empty()).then_some(&t.group),
        "sha256sum": sha,
        "filename": filename,
        "file_length": length,
    }))
    .into_response()
}

async fn v3_download(
    State(r): Shared,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    UrlPath(rest): UrlPath<String>,
) -> Response {
    match v3_file(&r, &headers, &peer, "download_upgrade", &rest).await {
        Ok((_, _, _, path)) => attachment("npbackup", &path).await,
        Err(resp) => resp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_leave_the_folder() {
        assert!(plain("host-1"));
        assert!(plain("3.0.1"));
        assert!(!plain(".."));
        assert!(!plain("a/b"));
        assert!(!plain(".hidden"));
        assert!(!plain(""));
        let t = v3_target(&["linux", "x64", "cli", "public", "..", "None", "g"]).unwrap();
        let root = Path::new("/srv/root");
        assert_eq!(t.base(root), root);
        assert!(v3_target(&["linux", "../..", "cli", "public"]).is_err());
        assert!(v3_target(&["beos", "x64", "cli", "public"]).is_err());
    }

    fn ask(machine: &str, group: &str, version: &str) -> Ask {
        Ask {
            platform: "linux".into(),
            arch: "x64".into(),
            build: "cli".into(),
            audience: "public".into(),
            version: version.into(),
            machine: machine.into(),
            group: group.into(),
        }
    }

    #[test]
    fn offers_follow_the_version_the_group_and_the_rollout() {
        let dir = tempfile::tempdir().unwrap();
        let r = Releases::new(dir.path());
        r.create_key().unwrap();
        let file = dir.path().join("npbackup-cli");
        std::fs::write(&file, b"#!/bin/sh\n").unwrap();
        let add = |version: &str, groups: &[&str], percent: u8| {
            r.add(
                &file,
                NewRelease {
                    version: version.into(),
                    target: Target::new("linux", "x64", "cli").unwrap(),
                    audience: "public".into(),
                    groups: groups.iter().map(|g| g.to_string()).collect(),
                    percent,
                },
                None,
            )
        };
        add("1.0.0", &[], 100).unwrap();
        add("1.1.0", &["pilot"], 100).unwrap();
        add("2.0.0", &[], 10).unwrap();
        // never replaced
        assert!(
            add("2.0.0", &[], 100)
                .unwrap_err()
                .contains("never replaced")
        );
        assert!(add("two", &[], 100).unwrap_err().contains("not a version"));
        let offered =
            |m: &str, g: &str, v: &str| r.offer(&ask(m, g, v)).unwrap().map(|r| r.version);
        // nothing above what runs
        assert_eq!(offered("m1", "", "2.0.0"), None);
        // the pilot group gets 1.1.0 unless 2.0.0's rollout took it
        let mut twos = 0;
        for i in 0..400 {
            let m = format!("m{i}");
            match offered(&m, "", "0.9.0").as_deref() {
                Some("2.0.0") => twos += 1,
                Some("1.0.0") => {}
                other => panic!("{m} was offered {other:?}"),
            }
            let pilot = offered(&m, "pilot", "0.9.0");
            assert!(
                matches!(pilot.as_deref(), Some("2.0.0") | Some("1.1.0")),
                "{pilot:?}"
            );
        }
        assert!((15..=70).contains(&twos), "{twos} of 400 machines at 10%");
        let listed = r.list().unwrap();
        assert_eq!(
            listed
                .iter()
                .map(|r| r.version.as_str())
                .collect::<Vec<_>>(),
            ["2.0.0", "1.1.0", "1.0.0"]
        );
        // a withdrawn release is offered to nobody
        let target = Target::new("linux", "x64", "cli").unwrap();
        r.remove(&target, "public", "2.0.0").unwrap();
        assert!(
            r.remove(&target, "public", "2.0.0")
                .unwrap_err()
                .contains("no release")
        );
        for i in 0..50 {
            assert_eq!(
                offered(&format!("m{i}"), "", "0.9.0").as_deref(),
                Some("1.0.0")
            );
        }
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
