use super::*;

fn load(text: &str) -> Result<Config> {
    Config::from_text(Path::new("/etc/test.toml"), text.to_string(), true)
}

fn errors(text: &str) -> Vec<ConfigError> {
    match load(text) {
        Err(Error::Config(e)) => e,
        other => panic!("expected config errors, got {other:?}"),
    }
}

const GOOD: &str = r#"
[identity]
machine-id = "m-${HOSTNAME}"
tenant = "acme"

[groups.office]
uri = "/backups/${TENANT}/${REPO_NAME}"
password-env = "OFFICE_PW"
[groups.office.backup]
paths = ["/home", "/etc"]
exclude = ["*.tmp"]
tags = ["office"]
[groups.office.backend-options]
connections = 4
secret_access_key = "shh"

[repos.docs]
group = "office"
[repos.docs.backup]
paths = ["/srv", "/etc"]
tags = ["docs"]
exclude-larger-than = "10 MB"

[repos.solo]
uri = "rest:http://u:pw@host:8000/solo"
password-file = "/dev/null"
"#;

#[test]
fn inherits_merges_and_expands() {
    let cfg = load(GOOD).unwrap();
    let docs = cfg.repo("docs").unwrap();
    assert_eq!(docs.uri, "/backups/acme/docs");
    assert_eq!(
        docs.backup.paths.as_deref().unwrap(),
        ["/home", "/etc", "/srv"]
    );
    assert_eq!(docs.backup.tags.as_deref().unwrap(), ["office", "docs"]);
    assert_eq!(docs.backup.exclude_larger_than, Some(ByteSize(10_000_000)));
    assert_eq!(docs.password, PasswordSource::Env("OFFICE_PW".into()));
    assert_eq!(
        docs.backend_options.get("connections").map(String::as_str),
        Some("4")
    );
    // built-in defaults are the lowest layer
    assert_eq!(docs.backup.exclude_caches, Some(true));
    assert_eq!(docs.origins["uri"], vec![Layer::Group("office".into())]);
    assert_eq!(
        docs.origins["backup.paths"],
        vec![Layer::Group("office".into()), Layer::Own]
    );
    assert_eq!(docs.origins["backup.exclude-caches"], vec![Layer::Default]);
    assert!(docs.host().starts_with("m-"));
}

#[test]
fn show_masks_secrets() {
    let cfg = load(GOOD).unwrap();
    let shown = cfg.repo("docs").unwrap().shown();
    let secret = shown
        .iter()
        .find(|s| s.key == "backend-options.secret_access_key")
        .unwrap();
    assert_eq!(secret.value, serde_json::json!("***"));
    let solo = cfg.repo("solo").unwrap().shown();
    let uri = solo.iter().find(|s| s.key == "uri").unwrap();
    assert_eq!(
        uri.value,
        serde_json::json!("rest:http://u:***@host:8000/solo")
    );
}

#[test]
fn every_error_is_reported_with_its_line() {
    let text = r#"[repos.a]
uri = "/x"
password-file = "/dev/null"
colour = "blue"
[repos.a.backup]
paths = "not-a-list"
one-file-system = "yes"
exclude-larger-than = "10 parsecs"

[repos.b]
group = "nope"
uri = "/y"
"#;
    let errs = errors(text);
    let find = |key: &str| {
        errs.iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("no error for {key}: {errs:#?}"))
    };
    assert_eq!(find("repos.a.colour").line, Some(4));
    assert!(find("repos.a.colour").message.contains("unknown field"));
    assert_eq!(find("repos.a.backup.paths").line, Some(6));
    assert_eq!(find("repos.a.backup.one-file-system").line, Some(7));
    assert!(
        find("repos.a.backup.exclude-larger-than")
            .message
            .contains("not a size")
    );
    let shown = find("repos.a.colour").to_string();
    assert!(
        shown.starts_with("/etc/test.toml:4: repos.a.colour: "),
        "{shown}"
    );
}

#[test]
fn unknown_group_and_missing_uri() {
    let errs = errors("[repos.b]\ngroup = \"nope\"\n");
    assert!(errs.iter().any(|e| e.key == "repos.b.group"
        && e.message.contains("unknown group `nope`")
        && e.line == Some(2)));
    assert!(errs.iter().any(|e| e.message.contains("no `uri`")));
}

#[test]
fn parse_error_has_line() {
    let errs = errors("[repos.a]\nuri = \"/x\"\npaths = [1,\n");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].line.is_some());
    assert!(errs[0].message.starts_with("not valid TOML"));
}

#[test]
fn inline_password_needs_private_file() {
    let text = "[repos.a]\nuri = \"/x\"\npassword = \"hunter2\"\n";
    let err = Config::from_text(Path::new("/c.toml"), text.into(), false).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("chmod 600 /c.toml"), "{msg}");
    assert!(msg.starts_with("/c.toml:3: repos.a.password"), "{msg}");
    assert!(!msg.contains("hunter2"));
    assert!(Config::from_text(Path::new("/c.toml"), text.into(), true).is_ok());
}

#[test]
fn repo_password_source_replaces_group_source() {
    let text = r#"
[groups.g]
password-env = "X"
[repos.a]
group = "g"
uri = "/x"
password-command = "echo hi"
"#;
    let cfg = load(text).unwrap();
    assert_eq!(
        cfg.repo("a").unwrap().password,
        PasswordSource::Command("echo hi".into())
    );
}

#[test]
fn two_password_sources_refused() {
    let errs = errors("[repos.a]\nuri = \"/x\"\npassword-env = \"A\"\npassword-command = \"b\"\n");
    assert!(errs[0].message.contains("more than one password source"));
}

#[test]
fn unreadable_password_file_is_an_error() {
    let errs = errors("[repos.a]\nuri = \"/x\"\npassword-file = \"/nonexistent/pw\"\n");
    assert!(
        errs[0]
            .message
            .contains("cannot read the password file /nonexistent/pw")
    );
    assert_eq!(errs[0].line, Some(3));
}

#[test]
fn default_repo_choice() {
    let cfg = load(GOOD).unwrap();
    assert!(cfg.default_repo_name().is_err());
    let one = load("[repos.x]\nuri = \"/x\"\n").unwrap();
    assert_eq!(one.default_repo_name().unwrap(), "x");
}

#[test]
fn template_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let cfg_path = dir.path().join("conf").join("npbackup.toml");
    let out = write_default_config(
        &cfg_path,
        Some(&dir.path().join("repo")),
        Path::new("/unused"),
        &[dir.path().to_path_buf()],
    )
    .unwrap();
    let cfg = Config::load(&out.config).unwrap();
    let repo = cfg.repo("default").unwrap();
    assert_eq!(repo.uri, dir.path().join("repo").display().to_string());
    assert!(matches!(repo.password, PasswordSource::File(_)));
    assert!(repo.password.resolve().unwrap().expose().len() >= 32);
    // refuses to overwrite
    assert!(write_default_config(&cfg_path, None, &dir.path().join("repo"), &[]).is_err());
    // the brand's retention preset is the default group's
    assert_eq!(
        crate::engine::ops::RetentionPolicy::from(&repo.retention),
        crate::engine::ops::RetentionPolicy::preset(crate::customization::DEFAULT_RETENTION_PRESET)
            .unwrap()
    );
}

#[test]
fn retention_preset_with_overrides() {
    let cfg = load(
        "[repos.a]\nuri = \"/x\"\n[repos.a.retention]\npreset = \"gfs\"\nkeep-daily = 3\nkeep-within = \"2d\"\n",
    )
    .unwrap();
    let p = crate::engine::ops::RetentionPolicy::from(&cfg.repo("a").unwrap().retention);
    assert_eq!(p.keep_daily, Some(3));
    assert_eq!(p.keep_weekly, Some(4));
    assert_eq!(p.keep_within, Some(2 * 86_400));
    let errs = errors("[repos.a]\nuri = \"/x\"\n[repos.a.retention]\npreset = \"forever\"\n");
    assert!(
        errs[0].message.contains("not a retention preset"),
        "{errs:?}"
    );
}

#[test]
fn bandwidth_limits_and_pack_size() {
    let cfg = load(
        r#"[repos.a]
uri = "/x"
password-file = "/dev/null"
[repos.a.repo]
upload-limit = "2 MiB/s"
download-limit = 500000
pack-size = "16 MiB"
"#,
    )
    .unwrap();
    let repo = &cfg.repo("a").unwrap().repo;
    assert_eq!(repo.upload_limit.map(|r| r.0), Some(2 * 1024 * 1024));
    assert_eq!(repo.download_limit.map(|r| r.0), Some(500_000));
    assert_eq!(repo.pack_size.map(|p| p.0), Some(16 * 1024 * 1024));
    assert_eq!(repo.upload_limit.unwrap().to_string(), "2.0 MiB/s");
    // "/s" may be left out; a rate reads back as it is written
    assert_eq!("300 KiB".parse::<schema::Rate>().unwrap().0, 300 * 1024);
    let shown = repo.upload_limit.unwrap().to_string();
    assert_eq!(
        shown.parse::<schema::Rate>().unwrap(),
        repo.upload_limit.unwrap()
    );

    let errs = errors(
        r#"[repos.a]
uri = "/x"
password-file = "/dev/null"
[repos.a.repo]
upload-limit = "fast"
download-limit = 0
pack-size = "256 MiB"
"#,
    );
    let find = |key: &str| {
        errs.iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("no error for {key}: {errs:#?}"))
    };
    assert!(
        find("repos.a.repo.upload-limit")
            .message
            .contains("`fast` is not a bandwidth")
    );
    assert_eq!(find("repos.a.repo.upload-limit").line, Some(5));
    assert!(
        find("repos.a.repo.download-limit")
            .message
            .contains("`0` is not a bandwidth")
    );
    assert!(
        find("repos.a.repo.pack-size")
            .message
            .contains("`256 MiB` is outside 4 MiB to 128 MiB")
    );
    assert!(
        "200 MiB"
            .parse::<schema::PackSize>()
            .unwrap_err()
            .contains("outside 4 MiB to 128 MiB")
    );
}
