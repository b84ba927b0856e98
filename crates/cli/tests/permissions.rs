//! Permissions set by an administrator, as the CLI enforces them: the manager
//! password guards changing them, and each level refuses what it does not allow
//! with its own exit code, before anything is touched.

mod common;

use common::*;

const DENIED: i32 = 11;

#[test]
fn an_administrator_locks_a_repository_down_and_the_cli_refuses_the_rest() {
    let (w, src, repo, config) = one_repository("backup = \"manual\"");
    let cli = || {
        let mut c = w.cli();
        c.arg("-c").arg(&config);
        c
    };
    run(cli().arg("backup"), 0);

    // the administrator sets a manager password, then locks the repository to backups
    run(
        cli()
            .args(["permissions", "manager-password"])
            .env("NPBACKUP_NEW_MANAGER_PASSWORD", "manager-secret-1"),
        0,
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("manager-password-hash = \"$argon2id$"),
        "{text}"
    );
    assert!(!text.contains("manager-secret-1"));
    let before = std::fs::read_to_string(&config).unwrap();
    let out = run(
        cli()
            .args(["permissions", "set", "backup"])
            .env("NPBACKUP_MANAGER_PASSWORD", "not-the-one"),
        DENIED,
    );
    assert_has(
        &stderr(&out),
        &["wrong manager password", "nothing was changed"],
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    run(
        cli()
            .args(["permissions", "set", "backup"])
            .env("NPBACKUP_MANAGER_PASSWORD", "manager-secret-1"),
        0,
    );
    run(cli().args(["config", "check"]), 0);

    // backups and listing go on; restoring, forgetting and the secrets do not
    run(cli().arg("backup"), 0);
    let out = run(cli().args(["--json", "snapshots"]), 0);
    assert_eq!(json(&out)["result"].as_array().unwrap().len(), 2);
    let target = w.path("restored");
    let out = run(
        cli().args(["restore", "latest", "--target"]).arg(&target),
        DENIED,
    );
    assert_has(
        &stderr(&out),
        &[
            "repository `default` does not allow restoring",
            "\"backup\"",
        ],
    );
    assert!(!target.exists(), "nothing was restored");
    let out = run(cli().args(["--json", "forget", "--keep-last", "1"]), DENIED);
    assert_eq!(json(&out)["error"]["kind"], "denied");
    run(cli().args(["keyring", "set"]), DENIED);
    run(cli().args(["key", "list"]), DENIED);
    let out = run(cli().args(["--json", "snapshots"]), 0);
    assert_eq!(
        json(&out)["result"].as_array().unwrap().len(),
        2,
        "nothing was forgotten"
    );

    // restore-only: the other way round
    run(
        cli()
            .args(["permissions", "set", "restore-only"])
            .env("NPBACKUP_MANAGER_PASSWORD", "manager-secret-1"),
        0,
    );
    let show = json(&run(cli().args(["--json", "permissions", "show"]), 0));
    assert_eq!(
        show["result"]["repositories"][0]["permissions"],
        "restore-only"
    );
    assert_eq!(show["result"]["manager_password"], true);
    run(cli().arg("backup"), DENIED);
    run(
        cli().args(["restore", "latest", "--target"]).arg(&target),
        0,
    );
    assert_same_tree(&src, &target.join(src.strip_prefix("/").unwrap()));

    // without the manager password, nobody takes it away again
    run(
        cli()
            .args(["permissions", "manager-password", "--remove"])
            .env("NPBACKUP_MANAGER_PASSWORD", "guess"),
        DENIED,
    );
    let _ = repo;
}
