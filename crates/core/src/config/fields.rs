//! Every setting of the configuration, described for the settings screen: where
//! it belongs (a tab), what it is called, what kind of value it takes, and how a
//! value typed in a text field becomes TOML and back. A test keeps this list
//! equal to the schema, so a new setting cannot be forgotten here.

/// The settings screen's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Sources,
    Destination,
    Schedule,
    Commands,
    Monitoring,
    Advanced,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Sources,
        Tab::Destination,
        Tab::Schedule,
        Tab::Commands,
        Tab::Monitoring,
        Tab::Advanced,
    ];

    pub fn label(self) -> String {
        match self {
            Tab::Sources => crate::t!("tab-sources"),
            Tab::Destination => crate::t!("tab-destination"),
            Tab::Schedule => crate::t!("tab-schedule"),
            Tab::Commands => crate::t!("tab-commands"),
            Tab::Monitoring => crate::t!("tab-monitoring"),
            Tab::Advanced => crate::t!("tab-advanced"),
        }
    }
}

/// The kind of value a setting takes, and so how it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Bool,
    /// A whole number.
    Number,
    /// A list of strings, typed separated by commas (or as a TOML array).
    List,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A table of names and values, typed as `name = value, …` (or an inline table).
    Map,
    /// Anything else, typed as a TOML value (an array of tables).
    Raw,
    /// A secret written in the file: shown as set, never displayed.
    Secret,
}

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub tab: Tab,
    /// The dotted key inside its table (`backup.paths`, `identity.machine-id`).
    pub key: &'static str,
    pub kind: Kind,
}

const fn f(tab: Tab, key: &'static str, kind: Kind) -> FieldDef {
    FieldDef { tab, key, kind }
}

use Kind::*;
use Tab::*;

const PRESETS: &[&str] = &["14d", "30d", "90d", "gfs", "keep-all"];

/// The settings of a group or repository table, in the order shown.
pub const SECTION: &[FieldDef] = &[
    f(Sources, "backup.paths", List),
    f(Sources, "backup.exclude", List),
    f(Sources, "backup.iexclude", List),
    f(Sources, "backup.exclude-file", List),
    f(Sources, "backup.iexclude-file", List),
    f(Sources, "backup.exclude-if-present", List),
    f(Sources, "backup.exclude-caches", Bool),
    f(Sources, "backup.one-file-system", Bool),
    f(Sources, "backup.exclude-larger-than", Text),
    f(
        Sources,
        "backup.source",
        Choice(&[
            "files", "command", "postgres", "mariadb", "mysql", "sqlite", "libvirt", "vzdump",
        ]),
    ),
    f(Sources, "backup.stdin-command", Text),
    f(Sources, "backup.stdin-filename", Text),
    f(Sources, "backup.database", Text),
    f(Sources, "backup.dump-format", Choice(&["custom", "plain"])),
    f(Sources, "backup.db-host", Text),
    f(Sources, "backup.db-port", Text),
    f(Sources, "backup.db-user", Text),
    f(Sources, "backup.domains", List),
    f(Sources, "backup.libvirt-uri", Text),
    f(Sources, "backup.files-from", List),
    f(Sources, "backup.files-from-verbatim", List),
    f(Sources, "backup.files-from-raw", List),
    f(Sources, "backup.tags", List),
    f(Sources, "backup.host", Text),
    f(Sources, "backup.minimum-backup-size", Text),
    f(Destination, "group", Text),
    f(Destination, "uri", Text),
    f(Destination, "fallback-uris", List),
    f(Destination, "password", Secret),
    f(Destination, "password-keyring", Text),
    f(Destination, "password-file", Text),
    f(Destination, "password-command", Text),
    f(Destination, "password-env", Text),
    f(Destination, "backend-options", Map),
    f(
        Destination,
        "permissions",
        Choice(&["backup", "restore", "restore-only", "full"]),
    ),
    f(Schedule, "schedule.backup", Text),
    f(Schedule, "schedule.housekeeping", Text),
    f(Schedule, "schedule.check", Text),
    f(Schedule, "schedule.check-read-data-subset", Text),
    f(Schedule, "schedule.skip-if-recent", Text),
    f(Schedule, "schedule.on-ac-power-only", Bool),
    f(Schedule, "schedule.not-on-metered-network", Bool),
    f(Schedule, "retention.preset", Choice(PRESETS)),
    f(Schedule, "retention.keep-last", Number),
    f(Schedule, "retention.keep-hourly", Number),
    f(Schedule, "retention.keep-daily", Number),
    f(Schedule, "retention.keep-weekly", Number),
    f(Schedule, "retention.keep-monthly", Number),
    f(Schedule, "retention.keep-yearly", Number),
    f(Schedule, "retention.keep-within", Text),
    f(Schedule, "retention.keep-within-hourly", Text),
    f(Schedule, "retention.keep-within-daily", Text),
    f(Schedule, "retention.keep-within-weekly", Text),
    f(Schedule, "retention.keep-within-monthly", Text),
    f(Schedule, "retention.keep-within-yearly", Text),
    f(Schedule, "retention.keep-tags", List),
    f(Schedule, "retention.group-by", Text),
    f(Commands, "backup.pre-exec-commands", List),
    f(Commands, "backup.pre-exec-timeout", Text),
    f(Commands, "backup.pre-exec-failure-is-fatal", Bool),
    f(Commands, "backup.post-exec-commands", List),
    f(Commands, "backup.post-exec-timeout", Text),
    f(Commands, "backup.post-exec-failure-is-fatal", Bool),
    f(Commands, "backup.post-exec-run-on-failure", Bool),
    f(Monitoring, "monitoring.instance", Text),
    f(Monitoring, "monitoring.backup-job", Text),
    f(Monitoring, "monitoring.labels", Map),
    f(Monitoring, "monitoring.prometheus-textfile-dir", Text),
    f(Monitoring, "monitoring.push-urls", List),
    f(Monitoring, "monitoring.push-username", Text),
    f(Monitoring, "monitoring.push-password-env", Text),
    f(Monitoring, "monitoring.push-password-file", Text),
    f(Monitoring, "monitoring.push-ca-file", Text),
    f(Monitoring, "monitoring.push-insecure-tls", Bool),
    f(Monitoring, "monitoring.timeout", Text),
    f(Monitoring, "monitoring.healthchecks-url", Text),
    f(Monitoring, "monitoring.webhooks", Raw),
    f(Monitoring, "monitoring.email.smtp-server", Text),
    f(Monitoring, "monitoring.email.smtp-port", Number),
    f(
        Monitoring,
        "monitoring.email.security",
        Choice(&["starttls", "tls", "none"]),
    ),
    f(Monitoring, "monitoring.email.username", Text),
    f(Monitoring, "monitoring.email.password-env", Text),
    f(Monitoring, "monitoring.email.password-file", Text),
    f(Monitoring, "monitoring.email.ca-file", Text),
    f(Monitoring, "monitoring.email.insecure-tls", Bool),
    f(Monitoring, "monitoring.email.from", Text),
    f(Monitoring, "monitoring.email.on-backup-success", List),
    f(Monitoring, "monitoring.email.on-backup-failure", List),
    f(Monitoring, "monitoring.email.on-operation-success", List),
    f(Monitoring, "monitoring.email.on-operation-failure", List),
    f(Monitoring, "monitoring.email.on-backup-too-old", List),
    f(Advanced, "repo.compression", Text),
    f(Advanced, "repo.minimum-backup-age", Text),
    f(Advanced, "repo.cache-dir", Text),
    f(Advanced, "repo.no-cache", Bool),
    f(Advanced, "repo.priority", Choice(&["normal", "low"])),
    f(Advanced, "repo.job-timeout", Text),
    f(Advanced, "repo.random-delay", Text),
    f(Advanced, "repo.storage-heuristics", Bool),
    f(Advanced, "repo.upload-limit", Text),
    f(Advanced, "repo.download-limit", Text),
    f(Advanced, "repo.pack-size", Text),
];

/// The settings of the machine (the file's top-level tables).
pub const MACHINE: &[FieldDef] = &[
    f(Advanced, "identity.machine-id", Text),
    f(Advanced, "identity.machine-group", Text),
    f(Advanced, "identity.tenant", Text),
    f(Advanced, "desktop.notify-on-success", Bool),
    f(Advanced, "desktop.notify-when-too-old", Bool),
    f(
        Advanced,
        "desktop.theme",
        Choice(&["auto", "light", "dark"]),
    ),
    f(Advanced, "desktop.language", Choice(&["auto", "en", "fr"])),
];

impl FieldDef {
    /// The setting's name in the current language (`setting-KEY` in the translations).
    pub fn text(&self) -> String {
        crate::i18n::tr(&format!("setting-{}", self.key.replace('.', "-")))
    }

    /// The table path and key inside `base` (`["repos", "docs"]`).
    pub fn split<'a>(&self, base: &[&'a str]) -> (Vec<&'a str>, &'static str)
    where
        'static: 'a,
    {
        let mut parts: Vec<&'static str> = self.key.split('.').collect();
        let last = parts.pop().unwrap_or(self.key);
        let mut table: Vec<&'a str> = base.to_vec();
        table.extend(parts);
        (table, last)
    }
}

/// A value as shown in a text field.
pub fn display(kind: Kind, item: &toml_edit::Item) -> String {
    match (kind, item) {
        (Secret, _) => crate::t!("settings-secret-set"),
        (_, toml_edit::Item::Value(toml_edit::Value::String(s))) => s.value().clone(),
        (List, toml_edit::Item::Value(toml_edit::Value::Array(a)))
            if a.iter()
                .all(|v| v.as_str().is_some_and(|s| !s.contains(','))) =>
        {
            a.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
        (Map, item) => match item.as_table_like() {
            Some(t) => t
                .iter()
                .map(|(k, v)| {
                    let v = v
                        .as_value()
                        .map(|v| v.to_string().trim().to_string())
                        .unwrap_or_default();
                    format!("{k} = {v}")
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => item.to_string().trim().to_string(),
        },
        (_, toml_edit::Item::Value(v)) => v.to_string().trim().to_string(),
        (_, other) => other.to_string().trim().to_string(),
    }
}

/// What was typed, as the TOML value it stands for, or why it cannot be one.
pub fn parse(kind: Kind, typed: &str) -> Result<toml_edit::Value, String> {
    let t = typed.trim();
    let as_toml = |text: &str| -> Result<toml_edit::Value, String> {
        text.parse::<toml_edit::Value>().map_err(|e| {
            crate::t!(
                "config-not-toml-value",
                cause = e.to_string().lines().next().unwrap_or_default()
            )
        })
    };
    match kind {
        Text => Ok(t.into()),
        Bool => match t {
            "true" | "yes" | "on" => Ok(true.into()),
            "false" | "no" | "off" => Ok(false.into()),
            _ => Err(crate::t!("config-write-bool")),
        },
        Number => t
            .parse::<i64>()
            .map(Into::into)
            .map_err(|_| crate::t!("config-not-whole-number", value = t)),
        Choice(words) => {
            if words.contains(&t) {
                Ok(t.into())
            } else {
                Err(crate::t!(
                    "config-choose-one-of",
                    choices = words.join(", ")
                ))
            }
        }
        List => {
            if t.starts_with('[') {
                return as_toml(t);
            }
            Ok(t.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<toml_edit::Array>()
                .into())
        }
        Map => {
            let text = if t.starts_with('{') {
                t.to_string()
            } else {
                format!("{{ {t} }}")
            };
            as_toml(&text)
        }
        Raw => as_toml(t),
        Secret => Err(crate::t!("config-secret-not-edited-here")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema;

    /// The keys serde expects for `T`, read from its "unknown field" message.
    fn keys_of<T: serde::de::DeserializeOwned>() -> Vec<String> {
        let mut t = toml::Table::new();
        t.insert("__no_such_key__".into(), toml::Value::Boolean(true));
        let err = toml::Value::Table(t)
            .try_into::<T>()
            .err()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        let list = err.split("expected one of").nth(1).unwrap_or_default();
        list.split(',')
            .map(|k| k.trim().trim_matches('`').to_string())
            .filter(|k| !k.is_empty())
            .collect()
    }

    fn prefixed(prefix: &str, keys: Vec<String>) -> Vec<String> {
        keys.into_iter().map(|k| format!("{prefix}{k}")).collect()
    }

    #[test]
    fn every_setting_of_the_schema_has_a_field() {
        let tables = [
            "backup",
            "repo",
            "retention",
            "monitoring",
            "schedule",
            "monitoring.email",
        ];
        let mut expected: Vec<String> = keys_of::<schema::Section>()
            .into_iter()
            .filter(|k| !tables.contains(&k.as_str()))
            .collect();
        expected.extend(prefixed("backup.", keys_of::<schema::BackupSettings>()));
        expected.extend(prefixed("repo.", keys_of::<schema::RepoSettings>()));
        expected.extend(prefixed(
            "retention.",
            keys_of::<schema::RetentionSettings>(),
        ));
        expected.extend(
            prefixed("monitoring.", keys_of::<schema::MonitoringSettings>())
                .into_iter()
                .filter(|k| k != "monitoring.email"),
        );
        expected.extend(prefixed(
            "monitoring.email.",
            keys_of::<schema::EmailSettings>(),
        ));
        expected.extend(prefixed("schedule.", keys_of::<schema::ScheduleSettings>()));
        let mut have: Vec<String> = SECTION.iter().map(|f| f.key.to_string()).collect();
        expected.sort();
        have.sort();
        assert!(
            expected.len() > 80,
            "the schema's keys were not read: {expected:?}"
        );
        assert_eq!(have, expected);

        let mut machine: Vec<String> = prefixed("identity.", keys_of::<schema::Identity>());
        machine.extend(prefixed("desktop.", keys_of::<schema::Desktop>()));
        let mut have: Vec<String> = MACHINE.iter().map(|f| f.key.to_string()).collect();
        machine.sort();
        have.sort();
        assert_eq!(have, machine);
    }

    #[test]
    fn every_setting_has_its_words() {
        for f in SECTION.iter().chain(MACHINE) {
            assert!(!f.text().starts_with("setting-"), "{}", f.key);
        }
    }

    #[test]
    fn typed_values_become_toml_and_back() {
        let item = |v: toml_edit::Value| toml_edit::Item::Value(v);
        let list = parse(List, "/home/me/Documents, /srv/data ").unwrap();
        assert_eq!(
            list.to_string().trim(),
            r#"["/home/me/Documents", "/srv/data"]"#
        );
        assert_eq!(display(List, &item(list)), "/home/me/Documents, /srv/data");
        let map = parse(Map, r#"region = "eu", connections = 4"#).unwrap();
        assert_eq!(
            display(Map, &item(map)),
            r#"region = "eu", connections = 4"#
        );
        assert!(parse(Bool, "maybe").is_err());
        assert!(parse(Number, "4.5").is_err());
        assert_eq!(parse(Choice(PRESETS), "gfs").unwrap().as_str(), Some("gfs"));
        assert!(
            parse(Choice(PRESETS), "forever")
                .unwrap_err()
                .contains("14d")
        );
        assert!(parse(Raw, "[{ url = \"http://x\" }]").is_ok());
        assert!(parse(Secret, "x").is_err());
        assert_eq!(
            display(Secret, &item("hunter2".into())),
            "(set in the file)"
        );
    }
}
