//! The one translation layer: every message a person reads is looked up here by
//! key, in Fluent files (embedded), with each language's own plural rules:
//! `assets/translations/LANG/npbackup.ftl` (the window) and `…/LANG/cli.ftl` (the
//! command line and the layers below it: errors, configuration checks, jobs, the
//! scheduler, monitoring). The language is `$NPBACKUP_LOCALE`, else the
//! configuration's `[desktop] language`, else the system's, else English. A key
//! missing in a language falls back to English (a test keeps the files in step).
//! The command line's `--help` is English in the clap doc comments (its source);
//! other languages give it in `…/LANG/cli-help.ftl` (see `cli::help`).
//!
//! Not translated, on purpose: `tracing` log lines (the support log stays English
//! and grep-able; a log line a person must read in the job process carries its
//! translation in a `user` field, see `jobs::child`), `--json` keys and machine
//! values, configuration keys and command-line flags named inside messages, and
//! the text of other programs (rustic_core, the OS, serde) quoted after our own.
//!
//! `t!("key")`, `t!("key", name = value, …)`.

use std::sync::{
    OnceLock,
    atomic::{AtomicU8, Ordering},
};

pub use fluent_bundle::FluentValue;
use fluent_bundle::{FluentArgs, FluentResource, concurrent::FluentBundle};

/// The languages the product speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The language's code, as in `language = "fr"`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language of a locale name ("fr", "fr_FR.UTF-8", "fr-CA", "C").
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" | "c" | "posix" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The language's message files (each key in exactly one of them).
    fn sources(self) -> [&'static str; 2] {
        match self {
            Lang::En => [
                include_str!("../../../assets/translations/en/npbackup.ftl"),
                include_str!("../../../assets/translations/en/cli.ftl"),
            ],
            Lang::Fr => [
                include_str!("../../../assets/translations/fr/npbackup.ftl"),
                include_str!("../../../assets/translations/fr/cli.ftl"),
            ],
        }
    }

    /// The language's `--help` texts (English has them in the clap doc comments).
    fn help_source(self) -> Option<&'static str> {
        match self {
            Lang::En => None,
            Lang::Fr => Some(include_str!("../../../assets/translations/fr/cli-help.ftl")),
        }
    }
}

/// The environment variable that chooses the language over everything else; the
/// job processes get the language of whoever started them through it.
pub const LOCALE_ENV: &str = "NPBACKUP_LOCALE";

static CURRENT: AtomicU8 = AtomicU8::new(0);

fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn help_bundles() -> &'static [Option<FluentBundle<FluentResource>>; 2] {
    static BUNDLES: OnceLock<[Option<FluentBundle<FluentResource>>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        Lang::ALL.map(|lang| lang.help_source().map(|source| bundle_of(lang, &[source])))
    })
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    bundle_of(lang, &lang.sources())
}

fn bundle_of(lang: Lang, sources: &[&str]) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // no Unicode isolation marks around arguments: they would show in terminals and tests
    b.set_use_isolating(false);
    // counts (`count(n)`) in the language's digit groups
    b.set_formatter(Some(match lang {
        Lang::En => |v, _| grouped(v, ","),
        // French groups with a narrow no-break space
        Lang::Fr => |v, _| grouped(v, "\u{202f}"),
    }));
    // the brand's name, as a term every message may use: { -product }
    let brand = FluentResource::try_new(format!(
        "-product = {}\n-cli = {}\n",
        crate::customization::PRODUCT_NAME,
        crate::customization::CLI_NAME
    ))
    .unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(brand);
    for source in sources {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, errors)| {
            // the parity test refuses such a file; a release still shows what parsed
            tracing::warn!("translations for {}: {errors:?}", lang.code());
            r
        });
        // a key in two files keeps its first text (a test refuses that too)
        if let Err(errors) = b.add_resource(resource) {
            tracing::warn!("translations for {}: {errors:?}", lang.code());
        }
    }
    b
}

/// The language in use.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Fr,
        _ => Lang::En,
    }
}

/// Uses `lang` from now on.
pub fn set(lang: Lang) {
    CURRENT.store(
        match lang {
            Lang::En => 0,
            Lang::Fr => 1,
        },
        Ordering::Relaxed,
    );
}

/// The language to use: `$NPBACKUP_LOCALE`, else `configured` (a code, or "auto"
/// and `None` for the system's), else the system's, else English.
pub fn choose(configured: Option<&str>) -> Lang {
    if let Some(l) = std::env::var(LOCALE_ENV)
        .ok()
        .and_then(|v| Lang::from_tag(&v))
    {
        return l;
    }
    if let Some(l) = configured.filter(|c| *c != "auto").and_then(Lang::from_tag) {
        return l;
    }
    sys_locale::get_locales()
        .find_map(|l| Lang::from_tag(&l))
        .unwrap_or(Lang::En)
}

/// Chooses the language (see `choose`) and uses it.
pub fn init(configured: Option<&str>) {
    set(choose(configured));
}

/// The message `key` in the current language, with `args`.
pub fn tr_with(key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    tr_in(current(), key, args)
}

fn fluent_args<'a>(args: &[(&str, FluentValue<'a>)]) -> Option<FluentArgs<'a>> {
    (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(name.to_string(), value.clone());
        }
        a
    })
}

/// A count people read (files, snapshots, items): in digit groups of the language
/// ("28,007", "28 007") from five digits on (four stay as they are, as French
/// typography wants and as years and "1234 files" read well), still selecting its
/// plural. Other numbers (pids, ports, versions) are written as they are.
pub fn count(n: u64) -> FluentValue<'static> {
    let options = fluent_bundle::types::FluentNumberOptions {
        // the mark of a count: every whole number has at least one integer digit
        minimum_integer_digits: Some(1),
        ..Default::default()
    };
    FluentValue::Number(fluent_bundle::types::FluentNumber::new(n as f64, options))
}

/// A count's digits in groups of three with `sep`; `None` for any other value.
fn grouped(value: &FluentValue<'_>, sep: &str) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    if n.options.minimum_integer_digits != Some(1)
        || n.value.fract() != 0.0
        || n.value.abs() < 10_000.0
    {
        return None;
    }
    let digits = (n.value.abs() as u64).to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * sep.len() + 1);
    if n.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    Some(out)
}

/// The message `key` in `lang` (English where `lang` lacks it), with `args`.
pub fn tr_in(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let fluent_args = fluent_args(args);
    for l in [lang, Lang::En] {
        let b = &bundles()[l as usize];
        if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                .into_owned();
        }
    }
    // a key in no file: the tests catch it; a person still reads something
    key.to_string()
}

/// The message `key` in the current language.
pub fn tr(key: &str) -> String {
    tr_with(key, &[])
}

/// The `--help` text `key` in the current language, when it has its own (English
/// help is the clap doc comments: `None`).
pub fn help(key: &str) -> Option<String> {
    help_in(current(), key)
}

/// The `--help` text `key` in `lang`, if that language gives one.
pub fn help_in(lang: Lang, key: &str) -> Option<String> {
    help_with(lang, key, &[])
}

/// The `--help` text `key` in `lang` with `args`, if that language gives one.
pub fn help_with(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
    let b = help_bundles()[lang as usize].as_ref()?;
    let pattern = b.get_message(key)?.value()?;
    let mut errors = Vec::new();
    Some(
        b.format_pattern(pattern, fluent_args(args).as_ref(), &mut errors)
            .into_owned(),
    )
}

/// `t!("key")` or `t!("key", name = value, …)`: the message in the current language.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::tr($key)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr_with(
            $key,
            &[$((stringify!($name), $crate::i18n::FluentValue::from($value))),+],
        )
    };
}

/// The ids of the `--help` texts `lang` gives (the messages of its help file), for
/// the command line's test that every help text has its translation.
pub fn help_ids(lang: Lang) -> std::collections::BTreeSet<String> {
    let Some(source) = lang.help_source() else {
        return Default::default();
    };
    // a message begins at the start of a line: `id = text` (comments, terms and
    // continuation lines do not)
    source
        .lines()
        .filter_map(|line| line.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| {
            id.starts_with(|c: char| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_syntax::ast;

    use super::*;

    fn parse(source: &str) -> FluentResource {
        FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("a translation file does not parse: {e:?}"))
    }

    /// The message ids of a Fluent file.
    fn ids(source: &str) -> BTreeSet<String> {
        parse(source)
            .entries()
            .filter_map(|e| match e {
                ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Every message id of `lang`, over all its files.
    fn all_ids(lang: Lang) -> BTreeSet<String> {
        lang.sources().iter().flat_map(|s| ids(s)).collect()
    }

    #[test]
    fn help_ids_are_the_help_files_message_ids() {
        for lang in Lang::ALL {
            let parsed = lang.help_source().map(ids).unwrap_or_default();
            assert_eq!(super::help_ids(lang), parsed, "{}", lang.code());
        }
    }

    /// The variables (`$name`) a message uses, in every variant.
    fn variables(source: &str) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        fn of_inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => of_expr(expression, out),
                _ => {}
            }
        }
        fn of_expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Inline(i) => of_inline(i, out),
                ast::Expression::Select { selector, variants } => {
                    of_inline(selector, out);
                    for v in variants {
                        of_pattern(&v.value, out);
                    }
                }
            }
        }
        fn of_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for element in &p.elements {
                if let ast::PatternElement::Placeable { expression } = element {
                    of_expr(expression, out);
                }
            }
        }
        parse(source)
            .entries()
            .filter_map(|e| match e {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        of_pattern(p, &mut vars);
                    }
                    Some((m.id.name.to_string(), vars))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_key() {
        let en = all_ids(Lang::En);
        assert!(en.len() > 20, "{en:?}");
        for lang in Lang::ALL {
            let have = all_ids(lang);
            let missing: Vec<_> = en.difference(&have).collect();
            let extra: Vec<_> = have.difference(&en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
            // each key in one file only: a second one would be ignored
            let [a, b] = lang.sources().map(ids);
            let twice: Vec<_> = a.intersection(&b).collect();
            assert!(
                twice.is_empty(),
                "{}: keys in two files {twice:?}",
                lang.code()
            );
        }
    }

    /// Variables a translation may leave out: it says the same in its own words
    /// from the others (serde's English sentence, taken apart).
    const MAY_DROP: &[(&str, &str)] = &[("config-unknown-key", "serde")];

    #[test]
    fn translations_keep_every_variable_of_the_english() {
        let mut lost = Vec::new();
        for i in 0..Lang::En.sources().len() {
            let en = variables(Lang::En.sources()[i]);
            for lang in Lang::ALL {
                let other = variables(lang.sources()[i]);
                for (key, vars) in &en {
                    let have = other.get(key).cloned().unwrap_or_default();
                    for v in vars.difference(&have) {
                        if MAY_DROP.contains(&(key.as_str(), v.as_str())) {
                            continue;
                        }
                        lost.push(format!("{}: {key} lacks ${v}", lang.code()));
                    }
                }
            }
        }
        assert!(lost.is_empty(), "{lost:#?}");
    }

    #[test]
    fn leading_spaces_are_written_as_placeables() {
        // Fluent drops the spaces that begin a message: `key =  text` loses one
        let mut files: Vec<&str> = Lang::ALL.iter().flat_map(|l| l.sources()).collect();
        files.extend(Lang::ALL.iter().filter_map(|l| l.help_source()));
        for source in files {
            for line in source.lines() {
                assert!(
                    !line.contains(" =  ") || line.starts_with('#'),
                    "a leading space is lost, write {{\" \"}}: {line}"
                );
            }
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let en = all_ids(Lang::En);
        let mut unknown = Vec::new();
        // the sources of every crate of the workspace (this one is `crates/common`)
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.."
        ))];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                // the crates' code, not their tests' fixtures or build output
                if p.ends_with("fixtures") || p.ends_with("target") {
                    continue;
                }
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for (i, _) in text.match_indices("t!(\"") {
                // t!( itself, not format!( or print!(
                if text[..i]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let rest = &text[i + 4..];
                let key = &rest[..rest.find('"').unwrap_or(0)];
                if !key.is_empty() && !en.contains(key) && key != "key" {
                    unknown.push(format!("{}: {key}", p.display()));
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "keys in no translation file: {unknown:?}"
        );
    }

    #[test]
    fn counts_agree_with_their_nouns_in_both_languages() {
        let say = |lang, key, n: u64| {
            tr_in(
                lang,
                key,
                &[
                    ("files", n.into()),
                    ("n", n.into()),
                    ("size", "2.5 kB".into()),
                    ("target", "/t".into()),
                    ("unchanged", 0.into()),
                    ("example", "/t/a".into()),
                ],
            )
        };
        for (lang, key, n, expected) in [
            (Lang::En, "summary-restore", 1, "1 file (2.5 kB) restored"),
            (Lang::En, "summary-restore", 2, "2 files (2.5 kB) restored"),
            (
                Lang::Fr,
                "summary-restore",
                1,
                "1 fichier (2.5 kB) restauré ",
            ),
            (
                Lang::Fr,
                "summary-restore",
                3,
                "3 fichiers (2.5 kB) restaurés",
            ),
            (Lang::En, "summary-conflicts", 1, "1 existing item left"),
            (Lang::En, "summary-conflicts", 4, "4 existing items left"),
            (
                Lang::Fr,
                "summary-conflicts",
                1,
                "1 élément existant laissé",
            ),
            (Lang::En, "browser-n-items", 1, "1 item"),
            (Lang::Fr, "browser-n-items", 2, "2 éléments"),
        ] {
            let text = say(lang, key, n);
            assert!(text.contains(expected), "{key} {n}: {text}");
        }
    }

    #[test]
    fn messages_keep_their_lines_and_numbers() {
        let errors = tr_in(
            Lang::En,
            "engine-check-errors",
            &[
                ("n", 2.into()),
                ("errors", "a\n  b".into()),
                ("repairs", "`x repair index`".into()),
            ],
        );
        assert_eq!(
            errors,
            "2 errors found:\n  a\n  b\nTo repair: `x repair index`, then check again."
        );
        let sheet = tr_in(
            Lang::Fr,
            "config-recovery-sheet",
            &[
                ("when", "x".into()),
                ("host", "h".into()),
                ("location", "/r".into()),
                ("password", "p".into()),
            ],
        );
        assert!(sheet.contains("sur h.\n\nGardez"), "{sheet}");
        assert!(sheet.contains("\n  puis restic -r /r restore"), "{sheet}");
        // numbers as they are: no grouping, no decimals added
        let holder = tr_in(
            Lang::Fr,
            "engine-lock-holder",
            &[
                ("host", "h".into()),
                ("pid", 1_234_567.into()),
                ("user", "u".into()),
                ("since", "t".into()),
            ],
        );
        assert!(holder.contains("pid 1234567,"), "{holder}");
        // counts in digit groups, their plurals still chosen
        let estimate = |lang, n| {
            tr_in(
                lang,
                "wizard-estimate",
                &[("files", count(n)), ("size", "1 GB".into())],
            )
        };
        assert!(estimate(Lang::En, 28_007).starts_with("About 28,007 files,"));
        assert!(estimate(Lang::En, 1).starts_with("About 1 file,"));
        assert!(estimate(Lang::En, 1234).starts_with("About 1234 files,"));
        assert!(
            estimate(Lang::Fr, 1_028_007).contains("1\u{202f}028\u{202f}007 fichiers"),
            "{}",
            estimate(Lang::Fr, 1_028_007)
        );
        assert!(
            estimate(Lang::Fr, 1).contains(" 1 fichier,"),
            "{}",
            estimate(Lang::Fr, 1)
        );
    }

    #[test]
    fn locales_plurals_and_fallback() {
        assert_eq!(Lang::from_tag("fr_FR.UTF-8"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("C"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de_DE"), None);
        let b = &bundles()[Lang::Fr as usize];
        let msg = b.get_message("ago-hours").and_then(|m| m.value()).unwrap();
        let fmt = |n: i64| {
            let mut a = FluentArgs::new();
            a.set("n", n);
            b.format_pattern(msg, Some(&a), &mut Vec::new())
                .into_owned()
        };
        // French counts 0 and 1 as singular
        assert_eq!(fmt(1), "il y a 1 heure");
        assert_eq!(fmt(3), "il y a 3 heures");
        assert_eq!(tr("no-such-key-anywhere"), "no-such-key-anywhere");
        // a message that goes after other text keeps its leading space
        assert!(tr_with("too-old-after", &[("limit", "1 day".into())]).starts_with(" · "));
        // French, without changing the process's language
        assert_eq!(
            tr_in(Lang::Fr, "ago-days", &[("n", 2.into())]),
            "il y a 2 jours"
        );
        assert_eq!(help_in(Lang::En, "help-backup"), None);
        assert!(help_in(Lang::Fr, "help-backup").is_some_and(|h| h.contains("Sauvegarde")));
    }
}
