//! Every configuration file of the original NPBackup (its shipped examples, its own
//! CLI tests' files, older versions: `fixtures/npbackup/`, from netinvent/npbackup)
//! imported, or refused as the original refuses it, and the result checked key by
//! key through our own loader; encrypted values made by the original's own library
//! (cryptidy, `fixtures/vectors.json`) decrypted.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use npbackup_core::config::{Config, PasswordSource, schema::Priority};
use npbackup_migrate::{
    ImportError, Options, Outcome, SecretHome,
    crypt::{self, Keys, PyValue},
    import,
};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/npbackup")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn options(dir: &Path, keys: Keys, audience: &str) -> Options {
    Options {
        keys,
        secrets: SecretHome::Folder(dir.join("secrets")),
        excludes_dir: dir.join("excludes"),
        audience: audience.into(),
        random_seed: None,
    }
}

fn outcome<'a>(imp: &'a npbackup_migrate::Import, key: &str) -> &'a Outcome {
    &imp.report
        .iter()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("{key} is not in the report"))
        .outcome
}

#[test]
fn the_originals_cli_test_configuration_keeps_its_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = fixture("tests/npbackup-cli-test-linux.yaml");
    let imp = import(&text, &path, &options(dir.path(), Keys::public(), "public")).unwrap();
    assert_eq!(imp.conf_version, "3.0.4");
    assert_eq!(imp.repos, ["default"]);
    // every key of the file is in the report
    for key in [
        "repos.default.repo_uri",
        "repos.default.backup_opts.minimum_backup_size_error",
        "repos.default.repo_opts.upload_speed",
        "groups.default_group.backup_opts.exclude_files",
        "groups.default_group.repo_opts.retention_policy.keep_within",
        "groups.default_group.prometheus.backup_job",
        "identity.machine_id",
        "global_prometheus.destination",
        "global_options.auto_upgrade_interval",
    ] {
        outcome(&imp, key);
    }
    // "100 Mib" is megabits: 13,107,200 bytes, handed to restic as 12,800 KiB/s
    assert!(matches!(
        outcome(&imp, "repos.default.repo_opts.upload_speed"),
        Outcome::Mapped { to, .. } if to == "repo.upload-limit"
    ));
    assert!(
        imp.toml.contains("upload-limit = \"12800 KiB/s\""),
        "{}",
        imp.toml
    );
    // the password is not in the configuration, but in an owner-only file
    assert!(!imp.toml.contains("\"test\""), "{}", imp.toml);
    assert!(matches!(
        outcome(&imp, "repos.default.repo_opts.repo_password"),
        Outcome::Secret { to } if to.contains("secrets/default-password")
    ));

    let out = dir.path().join("npbackup.toml");
    imp.write(&out).unwrap();
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&out), 0o600);
    let secret = dir.path().join("secrets/default-password");
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "test\n");
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(mode(&dir.path().join("secrets")), 0o700);
    // the original's bundled exclude lists, as they ship
    let generic = dir.path().join("excludes/generic_excludes");
    assert!(
        std::fs::read_to_string(&generic)
            .unwrap()
            .contains("**/~$$*")
    );
    assert!(!dir.path().join("excludes/synology_excludes").exists());
    // nothing is written over what exists
    assert!(imp.write(&out).unwrap_err().contains("exists"));

    let cfg = Config::load(&out).unwrap();
    let rc = cfg.repo("default").unwrap();
    assert_eq!(rc.uri, "./test");
    assert_eq!(rc.group.as_deref(), Some("default_group"));
    assert!(matches!(&rc.password, PasswordSource::File(p) if *p == secret));
    assert_eq!(rc.password.resolve().unwrap().expose(), "test");
    let b = &rc.backup;
    assert_eq!(
        b.paths.as_deref(),
        Some(&["../npbackup/npbackup".to_string()][..])
    );
    // the repository's "400 Kib" wins over the group's "10 MiB"; "0.0 Kib" is off
    assert_eq!(b.minimum_backup_size.map(|s| s.0), Some(51_200));
    assert_eq!(b.exclude_larger_than, None);
    assert_eq!(b.exclude_caches, Some(true));
    assert_eq!(b.one_file_system, Some(true));
    let files = b.exclude_file.clone().unwrap_or_default();
    assert_eq!(files.len(), 4);
    assert!(files.contains(&generic));
    assert_eq!(
        b.pre_exec_timeout.map(|d| d.0),
        Some(Duration::from_secs(3600))
    );
    assert_eq!(b.post_exec_run_on_failure, Some(true));
    assert_eq!(rc.repo.priority, Some(Priority::Low));
    assert_eq!(
        rc.repo.minimum_backup_age.map(|d| d.0),
        Some(Duration::from_secs(1435 * 60))
    );
    assert_eq!(
        rc.schedule.skip_if_recent.map(|d| d.0),
        Some(Duration::from_secs(1435 * 60))
    );
    assert_eq!(
        rc.repo.random_delay.map(|d| d.0),
        Some(Duration::from_secs(6))
    );
    // the group's policy, as the original reads it with keep_within: durations
    let r = &rc.retention;
    assert_eq!(r.keep_last, Some(3));
    assert_eq!(
        r.keep_within_hourly.map(|d| d.0),
        Some(Duration::from_secs(72 * 3600))
    );
    assert_eq!(
        r.keep_within_daily.map(|d| d.0),
        Some(Duration::from_secs(30 * 86400))
    );
    assert_eq!(
        r.keep_within_weekly.map(|d| d.0),
        Some(Duration::from_secs(28 * 86400))
    );
    assert!(r.keep_within_monthly.is_some() && r.keep_within_yearly.is_some());
    assert_eq!(r.keep_daily, None);
    // the machine id with its ${RANDOM} part already chosen by the original
    let host = rc.variables.0.get("HOSTNAME").unwrap().clone();
    assert_eq!(
        rc.variables.0.get("MACHINE_ID"),
        Some(&format!("{host}__Zo6u"))
    );
    assert_eq!(
        rc.monitoring.backup_job.as_deref(),
        Some(format!("{host}__Zo6u").as_str())
    );
}

#[test]
fn the_windows_test_file_and_the_3_0_0_one_import() {
    for name in [
        "tests/npbackup-cli-test-windows.yaml",
        "history/v3.0.0-npbackup-cli-test-linux.yaml",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (path, text) = fixture(name);
        let imp = import(&text, &path, &options(dir.path(), Keys::public(), "public"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(imp.repos, ["default"], "{name}");
        let out = dir.path().join("c.toml");
        imp.write(&out).unwrap();
        Config::load(&out).unwrap().repo("default").unwrap();
    }
}

#[test]
fn the_upstream_examples_import_once_they_name_a_repository() {
    // the shipped examples leave repo_uri empty: refused by name, as the original
    // refuses to run them ("backend not ready")
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = fixture("examples/npbackup.linux.conf.dist");
    let e = import(&text, &path, &options(dir.path(), Keys::public(), "public")).unwrap_err();
    assert!(
        matches!(&e, ImportError::Invalid(m) if m.contains("repos.default.repo_uri")),
        "{e}"
    );
    for name in [
        "examples/npbackup.linux.conf.dist",
        "examples/npbackup.windows.conf.dist",
        "examples/npbackup-cube.conf.template",
        "history/v3.0.0-npbackup.linux.conf.dist",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (path, text) = fixture(name);
        // as the original's own tests do with their file
        let text = text.replacen("repo_uri:", "repo_uri: /srv/backup/repo #", 1);
        let imp = import(&text, &path, &options(dir.path(), Keys::public(), "public"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let out = dir.path().join("c.toml");
        imp.write(&out).unwrap();
        let rc = Config::load(&out).unwrap().repo("default").unwrap();
        assert_eq!(rc.uri, "/srv/backup/repo", "{name}");
        if name == "examples/npbackup.linux.conf.dist" {
            // line 50's tabs, which PyYAML and ruamel.yaml refuse, are said and read
            assert!(matches!(
                outcome(&imp, "line 50"),
                Outcome::Checked { note } if note.starts_with("column 43:")
            ));
            let files = rc.backup.exclude_file.unwrap_or_default();
            assert!(files.iter().any(|f| f.ends_with("synology_excludes")));
        }
        if name == "examples/npbackup-cube.conf.template" {
            // the 3.1 layout: monitoring instead of prometheus
            assert_eq!(imp.conf_version, "3.1.0");
        }
    }
}

#[test]
fn refused_as_the_original_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path(), Keys::public(), "public");
    let (path, text) = fixture("history/v2.2.1-npbackup.linux.conf.dist");
    let e = import(&text, &path, &opts).unwrap_err();
    assert!(
        matches!(&e, ImportError::Version(m) if m.contains("not in required version range min=3.0") && m.contains("NPBackup 2")),
        "{e}"
    );
    let (path, text) = fixture("examples/npbackup_upgrade_server.conf.dist");
    assert!(matches!(
        import(&text, &path, &opts),
        Err(ImportError::Version(_))
    ));
    let (path, text) = fixture("tests/npbackup-cli-bad_audience.yaml");
    let e = import(&text, &path, &opts).unwrap_err();
    assert!(
        matches!(&e, ImportError::Audience(m) if m.contains("is for audience unbelievable-audience, but current audience is public. Won't load this")),
        "{e}"
    );
    for name in [
        "np3.0.4.conf.dist",
        "history/120a00f-npbackup-cli-test-windows.encrypted.yaml",
    ] {
        let (path, text) = fixture(name);
        assert!(
            matches!(import(&text, &path, &opts), Err(ImportError::Audience(m)) if m.contains("NPBACKUP_KEY_LOCATION")),
            "{name}"
        );
    }
    let e = import("conf_version: 3.2.0\n", Path::new("x.yaml"), &opts).unwrap_err();
    assert!(
        e.to_string()
            .contains("version 3.2.0 is not in required version range"),
        "{e}"
    );
    let e = import("a: [1,\n", Path::new("x.yaml"), &opts).unwrap_err();
    assert!(matches!(e, ImportError::Yaml { line, .. } if line >= 1));
    assert!(
        dir.path().read_dir().unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_wrong_private_key_names_every_value_and_writes_nothing() {
    // a private build's files, with some other private key
    let keys = {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, [9u8; 32]).unwrap();
        Keys::from_file(&key).unwrap()
    };
    assert!(keys.source.starts_with("NPBACKUP_KEY_LOCATION"));
    let dir = tempfile::tempdir().unwrap();
    let (path, text) = fixture("np3.0.4.conf.dist");
    let e = import(&text, &path, &options(dir.path(), keys.clone(), "private")).unwrap_err();
    let ImportError::Undecryptable(list) = &e else {
        panic!("{e}")
    };
    let names: Vec<&str> = list.iter().map(|(k, _)| k.as_str()).collect();
    for key in [
        "repos.default.repo_uri",
        "repos.default.repo_opts.repo_password",
        "global_prometheus.http_username",
        "global_prometheus.http_password",
    ] {
        assert!(names.contains(&key), "{key} in {names:?}");
    }
    assert!(list[0].1.contains("NPBACKUP_KEY_LOCATION"), "{}", list[0].1);
    let (path, text) = fixture("history/120a00f-npbackup-cli-test-windows.encrypted.yaml");
    let e = import(&text, &path, &options(dir.path(), keys, "private")).unwrap_err();
    assert!(matches!(e, ImportError::Undecryptable(l) if l.len() == 2));
    assert!(
        dir.path().read_dir().unwrap().next().is_none(),
        "nothing written"
    );
}

#[derive(serde::Deserialize)]
struct Vector {
    id: u32,
    key_hex: String,
    plaintext: serde_json::Value,
    plaintext_type: String,
    encrypted: String,
}

fn key(hex: &str) -> [u8; 32] {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    bytes.try_into().unwrap()
}

#[test]
fn values_the_original_encrypted_decrypt() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vectors.json"),
    )
    .unwrap();
    let vectors: Vec<Vector> = serde_json::from_str(&text).unwrap();
    assert!(vectors.len() >= 29);
    for v in vectors {
        let keys = Keys {
            keys: vec![key(&v.key_hex)],
            source: "test".into(),
        };
        let got =
            crypt::decrypt(&v.encrypted, &keys).unwrap_or_else(|e| panic!("vector {}: {e}", v.id));
        let want = match (v.plaintext_type.as_str(), &v.plaintext) {
            ("tuple", serde_json::Value::Array(items)) => PyValue::Tuple(
                items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => PyValue::Str(s.clone()),
                        serde_json::Value::Null => PyValue::None,
                        other => panic!("{other}"),
                    })
                    .collect(),
            ),
            ("bool", serde_json::Value::Bool(b)) => PyValue::Bool(*b),
            ("int" | "ScalarInt" | "HexCapsInt", serde_json::Value::Number(n)) => {
                PyValue::Int(n.as_i64().unwrap().into())
            }
            ("ScalarFloat", serde_json::Value::Number(n)) => PyValue::Float(n.as_f64().unwrap()),
            (_, serde_json::Value::String(s)) => PyValue::Str(s.clone()),
            (t, p) => panic!("vector {}: {t} {p}", v.id),
        };
        assert_eq!(got, want, "vector {}", v.id);
        // the public keys open only what they encrypted
        if v.key_hex.starts_with("0001") {
            assert!(crypt::decrypt(&v.encrypted, &Keys::public()).is_err());
        } else {
            assert!(
                crypt::decrypt(&v.encrypted, &Keys::public()).is_ok(),
                "vector {}",
                v.id
            );
        }
    }
}

#[test]
fn an_encrypted_configuration_of_the_public_build_imports_with_its_secrets_out() {
    // values encrypted by the original's library (vectors 1, 10, 12) and by ours
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vectors.json"),
    )
    .unwrap();
    let vectors: Vec<Vector> = serde_json::from_str(&text).unwrap();
    let enc = |id: u32| {
        vectors
            .iter()
            .find(|v| v.id == id)
            .unwrap()
            .encrypted
            .clone()
    };
    let yaml = format!(
        r#"conf_version: 3.0.4
audience: public
repos:
  office:
    repo_uri: {rest}
    repo_group: g
    repo_opts:
      repo_password: {pw}
  s3:
    repo_uri: {s3}
    repo_group: g
    env:
      env_variables:
        AWS_ACCESS_KEY_ID: AKIA123
      encrypted_env_variables:
        AWS_SECRET_ACCESS_KEY: {envsecret}
    repo_opts:
      repo_password_command: {cmd}
groups:
  g:
    backup_opts:
      paths: [/home]
      excludes_case_ignore: true
      exclude_patterns: ["*.TMP"]
identity:
  machine_id: ${{HOSTNAME}}__${{RANDOM}}[4]
global_prometheus:
  metrics: true
  destination: https://push.example.org/metrics/job/${{BACKUP_JOB}}
  http_username: {user}
  http_password: {ppw}
  additional_labels:
    tenant_name: acme
"#,
        rest = enc(1),
        pw = crypt::encrypt_str("correct horse", &crypt::PUBLIC_KEY),
        s3 = enc(10),
        envsecret = enc(12),
        cmd = crypt::encrypt_str("pass show backup", &crypt::PUBLIC_KEY),
        user = crypt::encrypt_str("pushuser", &crypt::PUBLIC_KEY),
        ppw = crypt::encrypt_str("pushpass", &crypt::PUBLIC_KEY),
    );
    let dir = tempfile::tempdir().unwrap();
    let imp = import(
        &yaml,
        Path::new("enc.yaml"),
        &options(dir.path(), Keys::public(), "public"),
    )
    .unwrap();
    for secret in [
        "correct horse",
        "\"pass\"",
        ":pass@",
        "envsecret",
        "pushpass",
        "mgrpass",
        "__NPBACKUP__",
    ] {
        assert!(!imp.toml.contains(secret), "{secret} in\n{}", imp.toml);
    }
    // every secret has its own owner-only file
    let mut files: Vec<_> = imp.secrets.iter().map(|s| s.place.clone()).collect();
    files.dedup();
    assert_eq!(files.len(), imp.secrets.len());
    let out = dir.path().join("c.toml");
    imp.write(&out).unwrap();
    let cfg = Config::load(&out).unwrap();
    // the REST account's password left the URI for an owner-only file
    let office = cfg.repo("office").unwrap();
    assert_eq!(office.uri, "rest:https://host/repo");
    assert_eq!(
        office.backend_options.get("username").map(String::as_str),
        Some("user")
    );
    assert_eq!(office.password.resolve().unwrap().expose(), "correct horse");
    let rest_password = office.backend_options.get("password").unwrap();
    let rest_file = rest_password.strip_prefix("file:").unwrap();
    assert_eq!(std::fs::read_to_string(rest_file).unwrap(), "pass\n");
    assert_eq!(
        npbackup_core::config::keyring::resolve_option(rest_password).unwrap(),
        "pass"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(rest_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // a protected repository: (uri, permissions, manager password) in one value
    let s3 = cfg.repo("s3").unwrap();
    assert_eq!(s3.uri, "s3:https://s3.example.com/bucket");
    assert_eq!(s3.permissions.name(), "restore");
    let hash = cfg.manager_password_hash().unwrap();
    assert!(
        npbackup_core::config::permissions::verify_manager_password(
            &hash,
            &npbackup_core::config::Secret::new("mgrpass")
        )
        .unwrap()
    );
    assert!(matches!(&s3.password, PasswordSource::Command(c) if c == "pass show backup"));
    assert_eq!(
        s3.backend_options.get("access_key_id").map(String::as_str),
        Some("AKIA123")
    );
    // case-insensitive patterns, as the group says
    assert_eq!(
        s3.backup.iexclude.as_deref(),
        Some(&["*.TMP".to_string()][..])
    );
    // monitoring: the push gateway with the backup job the original would use
    let m = &s3.monitoring;
    assert_eq!(
        m.push_urls.as_ref().unwrap()[0],
        "https://push.example.org/metrics/job/${MACHINE_ID}"
            .replace("${MACHINE_ID}", s3.variables.0.get("MACHINE_ID").unwrap())
    );
    assert_eq!(m.push_username.as_deref(), Some("pushuser"));
    assert_eq!(
        std::fs::read_to_string(m.push_password_file.as_ref().unwrap()).unwrap(),
        "pushpass\n"
    );
    assert_eq!(
        m.labels
            .as_ref()
            .unwrap()
            .get("tenant_name")
            .map(String::as_str),
        Some("acme")
    );
    // ${RANDOM}[4] chosen once, and kept
    let id = cfg
        .repo("office")
        .unwrap()
        .variables
        .0
        .get("MACHINE_ID")
        .unwrap()
        .clone();
    assert!(!id.contains("RANDOM"), "{id}");
    assert_eq!(id.rsplit("__").next().unwrap().len(), 4);
    let again = Config::load(&out).unwrap().repo("s3").unwrap();
    assert_eq!(again.variables.0.get("MACHINE_ID"), Some(&id));
}

#[test]
fn awkward_files_keep_their_meaning_and_their_secrets_apart() {
    let yaml = r#"conf_version: 3.0.4
repos:
  x:
    repo_uri: "rest:https://bob:p%aé@host:8000/x, restore_only, mgr-password"
    repo_group: x
    repo_opts:
      repo_password: first
      retention_policy:
        daily: 7
        apply_on_tags: [daily]
    backup_opts:
      paths: [/data]
      pre_exec_commands: ["pg_dump -f ${HOME}/db.sql", "echo ${MACHINE_ID} ${BACKUP_JOB}"]
    env:
      env_variables:
        RESTIC_REST_PASSWORD: other
  /etc/evil:
    repo_uri: /srv/evil
    repo_opts:
      repo_password: second
groups:
  x:
    repo_opts:
      repo_password: third
"#;
    let dir = tempfile::tempdir().unwrap();
    let imp = import(
        yaml,
        Path::new("awkward.yaml"),
        &options(dir.path(), Keys::public(), "public"),
    )
    .unwrap();
    // every secret in its own file, inside secrets/, whatever the section's name
    let secrets = dir.path().join("secrets");
    let mut files = Vec::new();
    for s in &imp.secrets {
        let npbackup_migrate::Placement::File(f) = &s.place else {
            panic!("{s:?}")
        };
        assert_eq!(f.parent(), Some(secrets.as_path()), "{}", f.display());
        assert!(!files.contains(f), "{} twice", f.display());
        files.push(f.clone());
    }
    // (the URI's REST password wins over RESTIC_REST_PASSWORD, as it is the account used)
    assert_eq!(files.len(), 4, "{:?}", imp.secrets);
    let out = dir.path().join("c.toml");
    imp.write(&out).unwrap();
    let cfg = Config::load(&out).unwrap();
    let x = cfg.repo("x").unwrap();
    // the plain-text protected form: uri, permissions, manager password
    assert_eq!(x.uri, "rest:https://host:8000/x");
    assert_eq!(x.permissions.name(), "restore-only");
    assert!(!imp.toml.contains("mgr-password"));
    // a percent-escaped password with a non-ASCII character, decoded
    let rest = x.backend_options.get("password").unwrap();
    assert_eq!(
        npbackup_core::config::keyring::resolve_option(rest).unwrap(),
        "p%aé"
    );
    assert_eq!(x.password.resolve().unwrap().expose(), "first");
    // ${HOME} is left to the shell, the original's own variables are translated
    let pre = x.backup.pre_exec_commands.clone().unwrap();
    assert_eq!(pre[0], "pg_dump -f ${HOME}/db.sql");
    let id = x.variables.0.get("MACHINE_ID").unwrap();
    assert_eq!(pre[1], format!("echo {id} {id}"));
    // a policy for some tags only would forget other snapshots here: all are kept
    assert_eq!(
        x.retention.preset.as_ref().map(|p| p.0.as_str()),
        Some("keep-all")
    );
    assert_eq!(x.retention.keep_within_daily, None);
    // post commands run after a failed backup too, as the original's runner does
    assert_eq!(x.backup.post_exec_run_on_failure, Some(true));
    let evil = cfg.repo("/etc/evil").unwrap();
    assert_eq!(evil.password.resolve().unwrap().expose(), "second");
}
