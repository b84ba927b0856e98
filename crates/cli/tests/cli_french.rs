//! The command line in French (`NPBACKUP_LOCALE=fr`): its help, what it prints,
//! its errors — with the same exit codes, and `--json` keeping its English keys
//! and machine values.

mod common;

use common::*;

/// The binary in French.
fn fr(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("NPBACKUP_LOCALE", "fr")
}

/// The text as one line: where clap wraps its help depends on the width.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn help_is_french() {
    let w = World::new();
    let product = npbackup_common::customization::PRODUCT_NAME;
    let out = run(fr(&mut w.cli()).arg("--help"), 0);
    let text = flat(&stdout(&out));
    assert_has(
        &text,
        &[
            &format!("{product} : des sauvegardes chiffrées"),
            "Utilisation :",
            "Commandes :",
            "Options :",
            "Sauvegarder les chemins configurés, ou les chemins donnés",
            "Lister les instantanés",
            "Afficher l'aide",
            "Afficher la version",
            "Codes de sortie : 0 succès",
        ],
    );
    for english in [
        "Usage:",
        "Commands:",
        "Print help",
        "Exit codes",
        "List snapshots",
    ] {
        assert!(!text.contains(english), "{english:?} is left:\n{text}");
    }

    let out = run(fr(&mut w.cli()).args(["backup", "--help"]), 0);
    let text = flat(&stdout(&out));
    assert_has(
        &text,
        &[
            "Utilisation : npbackup-cli backup",
            "Arguments :",
            "Chemins à sauvegarder",
            "-e, --exclude <GLOB> Laisser de côté les fichiers",
            "--dry-run Montrer ce qui serait sauvegardé, ne rien écrire",
        ],
    );
    let out = run(fr(&mut w.cli()).args(["help", "restore"]), 0);
    let text = flat(&stdout(&out));
    assert_has(
        &text,
        &[
            "Restaurer un instantané",
            "Valeurs possibles : - never : Laisser chaque fichier existant tel quel",
            "[par défaut : if-changed]",
            "Afficher l'aide (un résumé avec « -h »)",
        ],
    );
    let out = run(fr(&mut w.cli()).args(["restore", "-h"]), 0);
    assert_has(
        &flat(&stdout(&out)),
        &["[par défaut : if-changed] [valeurs possibles : never, if-changed, always]"],
    );
    // clap's own parse errors stay English, with the usage exit code
    run(fr(&mut w.cli()).arg("--no-such-flag"), 2);
}

#[test]
fn a_repository_in_french() {
    let w = World::new();
    let src = w.path("src");
    make_tree(&src, false);
    let repo = w.path("repo").display().to_string();

    let out = run(fr(&mut w.cli_repo(&repo)).arg("init"), 0);
    assert_has(
        &stdout(&out),
        &[
            "créé à",
            "(version du format 2, compression auto)",
            "Gardez le mot de passe en lieu sûr",
        ],
    );

    let out = run(fr(&mut w.cli_repo(&repo)).arg("backup").arg(&src), 0);
    let text = stdout(&out);
    assert_has(
        &text,
        &[
            "Fichiers :",
            "nouveaux ",
            "inchangés",
            "Dossiers :",
            "Ajouté :",
            "stockés)",
            "Lu :",
            "enregistré dans",
        ],
    );
    // sizes as French readers write them
    assert!(
        text.contains("\u{a0}Mo") || text.contains("\u{a0}ko"),
        "{text}"
    );

    let out = run(fr(&mut w.cli_repo(&repo)).arg("snapshots"), 0);
    let text = stdout(&out);
    let header = text.lines().next().unwrap_or_default();
    for column in [
        "ID",
        "Date",
        "Hôte",
        "Étiquettes",
        "Fichiers",
        "Taille",
        "Chemins",
    ] {
        assert!(header.contains(column), "{column} is missing:\n{text}");
    }
    assert!(text.contains("1 instantané"), "{text}");
    // dates as day/month/year
    let row = text.lines().nth(2).unwrap_or_default();
    assert_eq!(row.as_bytes().get(12), Some(&b'/'), "{text}");

    let out = run(
        fr(&mut w.cli_repo(&repo)).args(["ls", "latest"]).arg(&src),
        0,
    );
    assert_has(&stdout(&out), &["dossier", "docs/"]);

    // a job process speaks the language of the command that started it
    let out = run(
        fr(&mut w.cli_repo(&repo))
            .args(["restore", "latest:/no/such/folder", "--target"])
            .arg(w.path("out")),
        7,
    );
    assert_has(
        &stderr(&out),
        &["erreur : `/no/such/folder` n'existe pas dans l'instantané"],
    );

    // a wrong password: French, and still exit code 4
    std::fs::write(w.path("wrong"), "not-the-password\n").unwrap();
    let mut cmd = w.cli();
    fr(&mut cmd).arg("-r").arg(&repo).arg("--password-file");
    let out = run(cmd.arg(w.path("wrong")).arg("snapshots"), 4);
    assert_has(
        &stderr(&out),
        &[
            "erreur : mauvais mot de passe pour le dépôt à",
            "Vérifiez la source du mot de passe",
        ],
    );

    // --json: English keys and machine values; the message is the French text
    let mut cmd = w.cli();
    fr(&mut cmd).arg("-r").arg(&repo).arg("--password-file");
    let out = run(cmd.arg(w.path("wrong")).args(["--json", "snapshots"]), 4);
    let doc = json(&out);
    assert_eq!(doc["command"], "snapshots");
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "credentials");
    assert_eq!(doc["error"]["exit_code"], 4);
    let message = doc["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("mauvais mot de passe"), "{message}");
    let out = run(fr(&mut w.cli_repo(&repo)).args(["--json", "snapshots"]), 0);
    let doc = json(&out);
    assert_eq!(doc["ok"], true);
    let snap = &doc["result"][0];
    for key in ["id", "short_id", "time", "host", "paths", "tags"] {
        assert!(!snap[key].is_null(), "{key} is missing: {doc}");
    }
    let out = run(
        fr(&mut w.cli_repo(&repo)).args(["--json", "ls", "latest"]),
        0,
    );
    let entries = json(&out)["result"]["entries"].clone();
    assert!(
        entries
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["type"] == "dir")),
        "{entries}"
    );
}

#[test]
fn a_broken_configuration_in_french() {
    let w = World::new();
    let config = w.config(
        "[repos.a]\nuri = \"/tmp/x\"\npassword = \"correct-horse-battery-staple\"\ncompresion = 3\n[repos.a.repo]\nminimum-backup-age = \"forever\"\n",
    );
    let file = config.display().to_string();
    let out = run(
        fr(&mut w.cli())
            .arg("-c")
            .arg(&config)
            .args(["config", "check"]),
        3,
    );
    let text = stderr(&out);
    assert_has(
        &text,
        &[
            "erreur : la configuration a 2 problèmes :",
            &format!("{file}:4: repos.a.compresion: clé inconnue `compresion`"),
            "vérifiez l'orthographe",
            &format!("{file}:6: repos.a.repo.minimum-backup-age: `forever` n'est pas une durée"),
        ],
    );
    let broken = w.path("broken.toml");
    std::fs::write(&broken, "[repos.a\nuri = 1\n").unwrap();
    let out = run(
        fr(&mut w.cli())
            .arg("-c")
            .arg(&broken)
            .args(["config", "check"]),
        3,
    );
    assert_has(
        &stderr(&out),
        &[&format!(
            "{}:1: ce n'est pas du TOML valide",
            broken.display()
        )],
    );
    let out = run(
        fr(&mut w.cli())
            .arg("-c")
            .arg(&config)
            .args(["--json", "config", "check"]),
        3,
    );
    let doc = json(&out);
    assert_eq!(doc["error"]["kind"], "config");
    assert_eq!(doc["error"]["problems"][0]["line"], 4);
    assert_eq!(doc["error"]["problems"][0]["key"], "repos.a.compresion");
    let message = doc["error"]["problems"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.starts_with("clé inconnue"), "{message}");
}

#[test]
fn the_configuration_chooses_the_language_unless_the_environment_does() {
    let w = World::new();
    let src = w.path("src");
    std::fs::create_dir_all(&src).unwrap();
    let repo = w.path("repo");
    let config = w.config(&format!(
        "[desktop]\nlanguage = \"fr\"\n[repos.a]\nuri = \"{}\"\npassword-file = \"{}\"\n",
        repo.display(),
        w.password_file().display()
    ));
    // no NPBACKUP_LOCALE: the configuration's language, for --help too
    let mut cmd = w.cli();
    cmd.env_remove("NPBACKUP_LOCALE").arg("-c").arg(&config);
    let out = run(cmd.args(["config", "check"]), 0);
    assert_has(&stdout(&out), &[" : OK (1 dépôt : a)"]);
    let mut cmd = w.cli();
    cmd.env_remove("NPBACKUP_LOCALE").arg("-c").arg(&config);
    let out = run(cmd.arg("--help"), 0);
    assert_has(&stdout(&out), &["Utilisation :"]);
    // $NPBACKUP_LOCALE wins
    let out = run(w.cli().arg("-c").arg(&config).args(["config", "check"]), 0);
    assert_has(&stdout(&out), &[": OK (1 repository: a)"]);
}
