//! The one translation layer: every message a person reads is looked up here by
//! key, in Fluent files (`assets/translations/LANG/npbackup.ftl`, embedded), with
//! each language's own plural rules. The language is `$NPBACKUP_LOCALE`, else the
//! configuration's `[desktop] language`, else the system's, else English. A key
//! missing in a language falls back to English (a test keeps the files in step).
//!
//! `t!("key")`, `t!("key", name = value, …)`.

use std::sync::{
    OnceLock,
    atomic::{AtomicU8, Ordering},
};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};

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

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../assets/translations/en/npbackup.ftl"),
            Lang::Fr => include_str!("../assets/translations/fr/npbackup.ftl"),
        }
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // no Unicode isolation marks around arguments: they would show in terminals and tests
    b.set_use_isolating(false);
    // the brand's name, as a term every message may use: { -product }
    let brand = FluentResource::try_new(format!(
        "-product = {}\n-cli = {}\n",
        crate::customization::PRODUCT_NAME,
        crate::customization::CLI_NAME
    ))
    .unwrap_or_else(|(r, _)| r);
    let _ = b.add_resource(brand);
    let resource =
        FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(r, errors)| {
            // the parity test refuses such a file; a release still shows what parsed
            tracing::warn!("translations for {}: {errors:?}", lang.code());
            r
        });
    let _ = b.add_resource(resource);
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
    if let Some(l) = std::env::var("NPBACKUP_LOCALE")
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
    let fluent_args = (!args.is_empty()).then(|| {
        let mut a = FluentArgs::new();
        for (name, value) in args {
            a.set(*name, value.clone());
        }
        a
    });
    let lang = current();
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

/// `t!("key")` or `t!("key", name = value, …)`: the message in the current language.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::tr($key)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr_with(
            $key,
            &[$((stringify!($name), ::fluent_bundle::FluentValue::from($value))),+],
        )
    };
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The message ids of a Fluent file.
    fn ids(source: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("the file does not parse: {e:?}"));
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_key() {
        let en = ids(Lang::En.source());
        assert!(en.len() > 20, "{en:?}");
        for lang in Lang::ALL {
            let have = ids(lang.source());
            let missing: Vec<_> = en.difference(&have).collect();
            let extra: Vec<_> = have.difference(&en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn every_key_the_code_uses_exists() {
        let en = ids(Lang::En.source());
        let mut unknown = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
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
    }
}
