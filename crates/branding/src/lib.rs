//! Branding at build time, for the build scripts of the workspace: reads
//! `resources/branding.toml` (or `$NPBACKUP_RESOURCES/branding.toml`) and generates
//! `$OUT_DIR/customization.rs` (`npbackup-common` includes it: every crate's brand
//! constants), and the version resource and icon of the Windows executables (the
//! build scripts of the binaries). A missing key, an unknown key or a malformed
//! value fails the build, naming the file and the key. Cargo rebuilds when the
//! variable or any file of the brand changes.

use std::{env, fs, path::PathBuf};

/// Checks one string value; the error says what is wrong with it.
type Check = fn(&str) -> Result<(), String>;

/// What a key holds.
enum Kind {
    Str(Check),
    Bool,
}

/// Every key a brand must define: dotted key, generated constant, kind.
const KEYS: &[(&str, &str, Kind)] = &[
    ("product-name", "PRODUCT_NAME", Kind::Str(non_empty)),
    ("short-name", "SHORT_NAME", Kind::Str(short_name)),
    ("company", "COMPANY", Kind::Str(non_empty)),
    ("copyright", "COPYRIGHT", Kind::Str(non_empty)),
    ("support-url", "SUPPORT_URL", Kind::Str(url)),
    ("qualifier", "QUALIFIER", Kind::Str(short_name)),
    ("colours.primary", "COLOUR_PRIMARY", Kind::Str(colour)),
    ("colours.accent", "COLOUR_ACCENT", Kind::Str(colour)),
    ("colours.ok", "COLOUR_OK", Kind::Str(colour)),
    ("colours.warning", "COLOUR_WARNING", Kind::Str(colour)),
    ("colours.error", "COLOUR_ERROR", Kind::Str(colour)),
    ("colours.running", "COLOUR_RUNNING", Kind::Str(colour)),
    (
        "defaults.repository-uri",
        "DEFAULT_REPOSITORY_URI",
        Kind::Str(any),
    ),
    (
        "defaults.retention-preset",
        "DEFAULT_RETENTION_PRESET",
        Kind::Str(preset),
    ),
    (
        "defaults.wizard-may-change",
        "WIZARD_MAY_CHANGE_DEFAULTS",
        Kind::Bool,
    ),
];

/// The files a brand ships beside branding.toml: path, generated constant, what it is.
const FILES: &[(&str, &str, &str)] = &[
    ("icons/app.png", "ICON_APP", "the application's icon"),
    (
        "icons/tray-ok.png",
        "ICON_TRAY_OK",
        "the tray icon when all is well",
    ),
    (
        "icons/tray-running.png",
        "ICON_TRAY_RUNNING",
        "the tray icon while a job runs",
    ),
    (
        "icons/tray-warning.png",
        "ICON_TRAY_WARNING",
        "the tray icon when something needs attention",
    ),
    (
        "icons/tray-error.png",
        "ICON_TRAY_ERROR",
        "the tray icon when a backup failed",
    ),
    ("logo.png", "LOGO", "the logo"),
    ("licence.txt", "LICENCE_TEXT", "the licence text"),
];

/// A PNG's width and height, or why the bytes are not a usable PNG.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || &bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return Err("is not a PNG image".into());
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Ok((be(&bytes[16..20]), be(&bytes[20..24])))
}

fn any(_: &str) -> Result<(), String> {
    Ok(())
}

fn non_empty(v: &str) -> Result<(), String> {
    if v.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

fn short_name(v: &str) -> Result<(), String> {
    non_empty(v)?;
    if v.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(())
    } else {
        Err("may only contain lower-case ASCII letters, digits and '-'".into())
    }
}

fn url(v: &str) -> Result<(), String> {
    if v.starts_with("https://") || v.starts_with("http://") {
        Ok(())
    } else {
        Err("must start with https:// or http://".into())
    }
}

fn colour(v: &str) -> Result<(), String> {
    let hex = v.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("`{v}` is not a colour: write it as #RRGGBB"))
    }
}

fn preset(v: &str) -> Result<(), String> {
    if ["14d", "30d", "90d", "gfs", "keep-all"].contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "`{v}` is not a retention preset: use 14d, 30d, 90d, gfs or keep-all"
        ))
    }
}

/// Every leaf key of the file, dotted.
fn leaves(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => leaves(t, &key, out),
            _ => out.push(key),
        }
    }
}

fn lookup<'a>(table: &'a toml::Table, dotted: &str) -> Option<&'a toml::Value> {
    let mut parts = dotted.split('.');
    let mut value = table.get(parts.next()?)?;
    for p in parts {
        value = value.as_table()?.get(p)?;
    }
    Some(value)
}

/// The brand's folder: `$NPBACKUP_RESOURCES` (a relative one from the workspace's
/// root), else the workspace's `resources/`. Tells Cargo to rebuild when it changes.
fn brand_dir() -> PathBuf {
    println!("cargo:rerun-if-env-changed=NPBACKUP_RESOURCES");
    // every crate of the workspace is `crates/NAME`
    let root = env::var_os("CARGO_MANIFEST_DIR")
        .map(|d| PathBuf::from(d).join("../.."))
        .unwrap_or_default();
    let dir = match env::var_os("NPBACKUP_RESOURCES").map(PathBuf::from) {
        Some(d) if d.is_absolute() => d,
        Some(d) => root.join(d),
        None => root.join("resources"),
    };
    println!("cargo:rerun-if-changed={}", dir.display());
    dir
}

/// The brand's branding.toml, read and parsed.
fn brand_table(dir: &std::path::Path) -> toml::Table {
    let file = dir.join("branding.toml");
    println!("cargo:rerun-if-changed={}", file.display());
    let text = fs::read_to_string(&file)
        .unwrap_or_else(|e| fail(&format!("{}: cannot read: {e}", file.display())));
    text.parse()
        .unwrap_or_else(|e| fail(&format!("{}: not valid TOML: {e}", file.display())))
}

/// Writes `$OUT_DIR/customization.rs`: every key and file of the brand as a constant.
pub fn constants() {
    let dir = brand_dir();
    let file = dir.join("branding.toml");
    let table = brand_table(&dir);

    let mut out =
        String::from("// Generated by build.rs from the brand's branding.toml. Do not edit.\n");
    for (key, name, kind) in KEYS {
        let value = lookup(&table, key)
            .unwrap_or_else(|| fail(&format!("{}: missing key `{key}`", file.display())));
        match kind {
            Kind::Str(check) => {
                let Some(s) = value.as_str() else {
                    fail(&format!("{}: key `{key}` must be a string", file.display()))
                };
                if let Err(why) = check(s) {
                    fail(&format!("{}: key `{key}` {why}", file.display()));
                }
                out.push_str(&format!(
                    "/// `{key}` from the brand's branding.toml.\npub const {name}: &str = {s:?};\n"
                ));
            }
            Kind::Bool => {
                let Some(b) = value.as_bool() else {
                    fail(&format!(
                        "{}: key `{key}` must be true or false",
                        file.display()
                    ))
                };
                out.push_str(&format!(
                    "/// `{key}` from the brand's branding.toml.\npub const {name}: bool = {b};\n"
                ));
            }
        }
    }
    let mut all = Vec::new();
    leaves(&table, "", &mut all);
    for key in all {
        if !KEYS.iter().any(|(k, _, _)| *k == key) {
            fail(&format!("{}: unknown key `{key}`", file.display()));
        }
    }
    for (rel, name, what) in FILES {
        let path = dir.join(rel);
        let bytes = fs::read(&path).unwrap_or_else(|e| {
            fail(&format!(
                "{}: cannot read {what} ({e}); a brand ships it beside branding.toml (scripts/brand-icons.sh draws icons from the brand's colours)",
                path.display()
            ))
        });
        let abs = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if rel.ends_with(".png") {
            let (w, h) =
                png_size(&bytes).unwrap_or_else(|why| fail(&format!("{}: {why}", path.display())));
            if w != h || w < 16 {
                fail(&format!(
                    "{}: {what} must be square and at least 16 pixels, not {w}x{h}",
                    path.display()
                ));
            }
            out.push_str(&format!(
                "/// {what} ({rel} of the brand, a PNG).\npub const {name}: &[u8] = include_bytes!({:?});\n",
                abs.display().to_string()
            ));
        } else {
            if std::str::from_utf8(&bytes)
                .map(|s| s.trim().is_empty())
                .unwrap_or(true)
            {
                fail(&format!(
                    "{}: {what} must be UTF-8 text, not empty",
                    path.display()
                ));
            }
            out.push_str(&format!(
                "/// {what} ({rel} of the brand).\npub const {name}: &str = include_str!({:?});\n",
                abs.display().to_string()
            ));
        }
    }
    // optional: the minisign public keys whose releases the programs install
    let keys = dir.join("release-keys.pub");
    println!("cargo:rerun-if-changed={}", keys.display());
    let keys_text = match fs::read_to_string(&keys) {
        Ok(t) => {
            check_release_keys(&t)
                .unwrap_or_else(|why| fail(&format!("{}: {why}", keys.display())));
            t
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => fail(&format!("{}: cannot read: {e}", keys.display())),
    };
    out.push_str(&format!(
        "/// The brand's release keys (release-keys.pub, minisign public keys; empty: none).\npub const RELEASE_KEYS: &str = {keys_text:?};\n"
    ));
    let short = lookup(&table, "short-name")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    out.push_str(&format!(
        "/// The command-line program's name for this brand (packaging installs it so).\npub const CLI_NAME: &str = {:?};\n",
        format!("{short}-cli")
    ));
    out.push_str(&format!(
        "/// The fleet server's program name for this brand (packaging installs it so).\npub const SERVER_NAME: &str = {:?};\n",
        format!("{short}-server")
    ));
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let product = lookup(&table, "product-name")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    out.push_str(&format!(
        "/// What `--version` prints: the brand's name and the version.\npub const VERSION_LINE: &str = {:?};\n",
        format!("{version} ({product})")
    ));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_else(|| fail("OUT_DIR not set")));
    fs::write(out_dir.join("customization.rs"), out)
        .unwrap_or_else(|e| fail(&format!("cannot write customization.rs: {e}")));
}

/// Each key line is a minisign public key: base64 of "Ed", an 8-byte id and 32 bytes.
fn check_release_keys(text: &str) -> Result<(), String> {
    const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("untrusted comment:") {
            continue;
        }
        let ok = line.len() == 56
            && line.starts_with("RW")
            && line.trim_end_matches('=').chars().all(|c| B64.contains(c));
        if !ok {
            return Err(format!(
                "line {}: not a minisign public key (`npbackup-server release key show` prints one)",
                n + 1
            ));
        }
    }
    Ok(())
}

/// For a binary built for Windows: its version resource and icon, from the brand.
pub fn windows_resources() {
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let dir = brand_dir();
        let table = brand_table(&dir);
        let out_dir =
            PathBuf::from(env::var_os("OUT_DIR").unwrap_or_else(|| fail("OUT_DIR not set")));
        let text = |k: &str| {
            lookup(&table, k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let png = fs::read(dir.join("icons/app.png")).unwrap_or_default();
        let ico = out_dir.join("app.ico");
        fs::write(&ico, ico_of_png(&png))
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", ico.display())));
        windows_metadata(
            &text("product-name"),
            &text("company"),
            &text("copyright"),
            &ico,
        );
    }
}

/// An .ico holding one PNG image (the form Windows reads since Vista).
fn ico_of_png(png: &[u8]) -> Vec<u8> {
    let (w, h) = png_size(png).unwrap_or((256, 256));
    // 256 pixels and more are written as 0
    let dim = |d: u32| if d >= 256 { 0u8 } else { d as u8 };
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type icon, one image
    ico.extend_from_slice(&[dim(w), dim(h), 0, 0]); // size, no palette, reserved
    ico.extend_from_slice(&1u16.to_le_bytes()); // colour planes
    ico.extend_from_slice(&32u16.to_le_bytes()); // bits per pixel
    ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes()); // offset of the image
    ico.extend_from_slice(png);
    ico
}

/// The version resource and icon of the Windows executables (built on Windows).
#[cfg(windows)]
fn windows_metadata(product: &str, company: &str, copyright: &str, ico: &std::path::Path) {
    let mut res = winresource::WindowsResource::new();
    res.set("ProductName", product)
        .set("FileDescription", product)
        .set("CompanyName", company)
        .set("LegalCopyright", copyright)
        .set_icon(&ico.display().to_string());
    if let Err(e) = res.compile() {
        fail(&format!("cannot embed the Windows resources: {e}"));
    }
}

/// Cross-built Windows executables get no resources: the resource compiler runs on Windows.
#[cfg(not(windows))]
fn windows_metadata(product: &str, _: &str, _: &str, _: &std::path::Path) {
    println!(
        "cargo:warning=building for Windows from another system: {product}'s executables get no version resource or icon (build on Windows for them)"
    );
}

fn fail(msg: &str) -> ! {
    eprintln!("branding error: {msg}");
    panic!("branding error: {msg}");
}
