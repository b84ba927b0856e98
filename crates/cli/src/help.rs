//! `--help` in the user's language. The English help is the clap doc comments (its
//! source); another language gives each text in its `cli-help.ftl`, under a key
//! derived from where the text sits:
//!
//! - `help-root`, `help-backup`, `help-key-add`: a command's `about` (the path of
//!   subcommand names; `root` for the program itself), `…-long` for its
//!   `long_about`, `…-after` for its `after_help`;
//! - `help-backup-arg-tag`, `help-root-arg-repo-name`: an argument's `help` (its id,
//!   `_` written `-`; a global argument under the command that defines it), `…-long`
//!   for its `long_help`, `…-value-never` for the help of one of its possible values;
//! - `help-clap-*`: clap's own texts (the help and version flags, the `help`
//!   subcommand, the headings, "default", "possible values").
//!
//! The command is built first (`Command::build`), so that the flags and the `help`
//! subcommand clap adds exist and can be translated too, then parsed as usual.
//! clap's parse errors ("unexpected argument …", "a value is required …") stay
//! English: clap words them itself and offers no way to translate them.

use std::collections::HashMap;

use clap::{
    Arg, Command,
    builder::{PossibleValue, StyledStr},
};

use crate::i18n::{self, Lang};

/// The key of the command at `path` (subcommand names from the top).
pub(crate) fn command_key(path: &[String]) -> String {
    if path.is_empty() {
        "help-root".to_string()
    } else {
        format!("help-{}", path.join("-"))
    }
}

/// The key of argument `id` of the command whose key is `command_key`.
pub(crate) fn arg_key(command_key: &str, id: &str) -> String {
    format!("{command_key}-arg-{}", id.replace('_', "-"))
}

/// The key of the help of possible value `value` of the argument whose key is `arg_key`.
pub(crate) fn value_key(arg_key: &str, value: &str) -> String {
    format!("{arg_key}-value-{}", value.replace('_', "-"))
}

/// clap's own texts that a language must give (keys of `cli-help.ftl`).
#[cfg(test)]
pub(crate) const CLAP_KEYS: &[&str] = &[
    "help-clap-usage",
    "help-clap-commands",
    "help-clap-arguments",
    "help-clap-options",
    "help-clap-help",
    "help-clap-help-more",
    "help-clap-help-summary",
    "help-clap-version",
    "help-clap-help-command",
    "help-clap-default",
    "help-clap-possible-values",
    "help-clap-possible-values-heading",
];

/// `cmd` with its help in `lang` (as it is for English, whose help is the source).
pub fn localize(cmd: Command, lang: Lang) -> Command {
    if i18n::help_in(lang, "help-clap-usage").is_none() {
        return cmd;
    }
    let mut cmd = cmd;
    cmd.build();
    localize_command(cmd, &[], &HashMap::new(), lang)
}

fn text(lang: Lang, key: &str) -> Option<String> {
    i18n::help_in(lang, key)
}

fn localize_command(
    mut cmd: Command,
    path: &[String],
    inherited: &HashMap<String, String>,
    lang: Lang,
) -> Command {
    let key = command_key(path);
    // a global argument is described once, by the command that defines it
    let mut globals = inherited.clone();
    for a in cmd.get_arguments() {
        if a.is_global_set() {
            globals
                .entry(a.get_id().to_string())
                .or_insert_with(|| key.clone());
        }
    }
    if cmd.get_about().is_some()
        && let Some(t) = text(lang, &key)
    {
        cmd = cmd.about(t);
    }
    if cmd.get_long_about().is_some()
        && let Some(t) = text(lang, &format!("{key}-long"))
    {
        cmd = cmd.long_about(t);
    }
    if cmd.get_after_help().is_some()
        && let Some(t) = text(lang, &format!("{key}-after"))
    {
        cmd = cmd.after_help(t);
    }
    let layout = template(&cmd, lang);
    cmd = cmd.help_template(layout);
    if let Some(t) = text(lang, "help-clap-commands") {
        cmd = cmd.subcommand_help_heading(t);
    }
    let (arguments, options) = (
        text(lang, "help-clap-arguments").unwrap_or_default(),
        text(lang, "help-clap-options").unwrap_or_default(),
    );
    cmd = cmd.mut_args(|arg| {
        let owner = globals
            .get(arg.get_id().as_str())
            .filter(|_| arg.is_global_set())
            .unwrap_or(&key);
        let id_key = arg_key(owner, arg.get_id().as_str());
        let heading = if arg.is_positional() {
            &arguments
        } else {
            &options
        };
        localize_arg(arg, &id_key, heading, lang)
    });
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(name.clone());
        cmd = if name == "help" {
            // the subcommand clap adds: its about, and copies of its siblings
            cmd.mut_subcommand(&name, |sc| localize_help_tree(sc, path, lang))
        } else {
            cmd.mut_subcommand(&name, |sc| localize_command(sc, &sub_path, &globals, lang))
        };
    }
    cmd
}

/// The `help` subcommand clap adds beside the subcommands of the command at `path`.
fn localize_help_tree(mut cmd: Command, path: &[String], lang: Lang) -> Command {
    if let Some(t) = text(lang, "help-clap-help-command") {
        cmd = cmd.about(t);
    }
    let layout = template(&cmd, lang);
    cmd = cmd.help_template(layout);
    if let Some(t) = text(lang, "help-clap-commands") {
        cmd = cmd.subcommand_help_heading(t);
    }
    localize_copies(cmd, path, lang)
}

/// The copies (names and abouts) of the subcommands of the command at `path`
/// that the `help` subcommand holds, for completions.
fn localize_copies(mut cmd: Command, path: &[String], lang: Lang) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let mut copy_path = path.to_vec();
        copy_path.push(name.clone());
        cmd = cmd.mut_subcommand(&name, |mut sc| {
            if name == "help" {
                return localize_help_tree(sc, &[], lang);
            }
            if sc.get_about().is_some()
                && let Some(t) = text(lang, &command_key(&copy_path))
            {
                sc = sc.about(t);
            }
            localize_copies(sc, &copy_path, lang)
        });
    }
    cmd
}

/// clap's help layout with the usage heading in `lang`.
fn template(cmd: &Command, lang: Lang) -> StyledStr {
    let usage = text(lang, "help-clap-usage").unwrap_or_default();
    let style = cmd.get_styles().get_usage();
    StyledStr::from(format!(
        "{{before-help}}{{about-with-newline}}\n{style}{usage}{style:#} {{usage}}\n\n{{all-args}}{{after-help}}"
    ))
}

fn localize_arg(mut arg: Arg, key: &str, heading: &str, lang: Lang) -> Arg {
    match arg.get_id().as_str() {
        // the flags clap adds
        "help" if arg.get_long_help().is_some() => {
            if let (Some(short), Some(long)) = (
                text(lang, "help-clap-help-more"),
                text(lang, "help-clap-help-summary"),
            ) {
                arg = arg.help(short).long_help(long);
            }
        }
        "help" => {
            if let Some(t) = text(lang, "help-clap-help") {
                arg = arg.help(t);
            }
        }
        "version" => {
            if let Some(t) = text(lang, "help-clap-version") {
                arg = arg.help(t);
            }
        }
        _ => arg = localize_own_arg(arg, key, lang),
    }
    if arg.get_help_heading().is_none() && !heading.is_empty() {
        arg = arg.help_heading(heading.to_string());
    }
    arg
}

/// One of our arguments: its help, with clap's "[default: …]" and "[possible
/// values: …]" written in `lang` (clap's own are hidden).
fn localize_own_arg(mut arg: Arg, key: &str, lang: Lang) -> Arg {
    let short = if arg.get_help().is_some() {
        text(lang, key).unwrap_or_else(|| plain(arg.get_help()))
    } else {
        String::new()
    };
    let long = arg
        .get_long_help()
        .map(|l| text(lang, &format!("{key}-long")).unwrap_or_else(|| l.to_string()));

    let mut default = None;
    if arg.get_action().takes_values()
        && !arg.is_hide_default_value_set()
        && !arg.get_default_values().is_empty()
    {
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().to_string())
            .collect();
        default = i18n::help_with(
            lang,
            "help-clap-default",
            &[("value", values.join(" ").into())],
        )
        .map(|t| format!("[{t}]"));
        if default.is_some() {
            arg = arg.hide_default_value(true);
        }
    }
    let values: Vec<PossibleValue> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    let mut possible = None;
    let mut described = String::new();
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
        possible = i18n::help_with(
            lang,
            "help-clap-possible-values",
            &[("values", names.join(", ").into())],
        )
        .map(|t| format!("[{t}]"));
        // with their help, as clap lists them in --help: one a line
        if values.iter().any(|v| v.get_help().is_some())
            && let Some(heading) = text(lang, "help-clap-possible-values-heading")
        {
            described = format!("\n\n{heading}");
            let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
            for v in &values {
                let help = v
                    .get_help()
                    .map(|h| {
                        text(lang, &value_key(key, v.get_name())).unwrap_or_else(|| h.to_string())
                    })
                    .unwrap_or_default();
                described.push_str(&format!("\n- {:width$} : {help}", v.get_name()));
            }
        }
        if possible.is_some() {
            arg = arg.hide_possible_values(true);
        }
    }

    let join = |text: &str, specs: &[&String], sep: &str| {
        let specs: Vec<&str> = specs.iter().map(|s| s.as_str()).collect();
        match (text.is_empty(), specs.is_empty()) {
            (_, true) => text.to_string(),
            (true, false) => specs.join(sep),
            (false, false) => format!("{text}{sep}{}", specs.join(sep)),
        }
    };
    let specs: Vec<&String> = default.iter().chain(possible.iter()).collect();
    if !short.is_empty() || !specs.is_empty() {
        arg = arg.help(join(&short, &specs, " "));
    }
    if long.is_some() || !described.is_empty() {
        // in --help a described list replaces the one-line list of names
        let specs: Vec<&String> = if described.is_empty() {
            specs
        } else {
            default.iter().collect()
        };
        let base = long.unwrap_or(short);
        arg = arg.long_help(join(&format!("{base}{described}"), &specs, "\n\n"));
    }
    arg
}

fn plain(s: Option<&StyledStr>) -> String {
    s.map(ToString::to_string).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;
    use crate::Cli;

    /// Every key the help of `cmd` (English, as written) needs in another language.
    fn needed(cmd: &Command, path: &[String], out: &mut BTreeSet<String>) {
        if cmd.is_hide_set() {
            return;
        }
        let key = command_key(path);
        if cmd.get_about().is_some() {
            out.insert(key.clone());
        }
        if cmd.get_long_about().is_some() {
            out.insert(format!("{key}-long"));
        }
        if cmd.get_after_help().is_some() {
            out.insert(format!("{key}-after"));
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let k = arg_key(&key, a.get_id().as_str());
            if a.get_help().is_some() {
                out.insert(k.clone());
            }
            if a.get_long_help().is_some() {
                out.insert(format!("{k}-long"));
            }
            for v in a.get_possible_values() {
                if v.get_help().is_some() && !v.is_hide_set() {
                    out.insert(value_key(&k, v.get_name()));
                }
            }
        }
        for sc in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sc.get_name().to_string());
            needed(sc, &p, out);
        }
    }

    #[test]
    fn every_help_text_has_its_french_and_no_french_text_is_stale() {
        let mut want = BTreeSet::new();
        needed(&Cli::command(), &[], &mut want);
        assert!(want.len() > 50, "{want:?}");
        let have: BTreeSet<String> = crate::i18n::help_ids(Lang::Fr);
        let clap: BTreeSet<String> = CLAP_KEYS.iter().map(|k| k.to_string()).collect();
        let missing: Vec<_> = want.union(&clap).filter(|k| !have.contains(*k)).collect();
        let stale: Vec<_> = have
            .iter()
            .filter(|k| !want.contains(*k) && !clap.contains(*k))
            .collect();
        assert!(missing.is_empty(), "no French help for {missing:#?}");
        assert!(stale.is_empty(), "French help for nothing: {stale:#?}");
    }

    fn render(args: &[&str], long: bool) -> String {
        let mut cmd = localize(Cli::command(), Lang::Fr);
        let mut sub = &mut cmd;
        for a in args {
            sub = sub.find_subcommand_mut(a).expect("a subcommand");
        }
        let text = if long {
            sub.render_long_help().to_string()
        } else {
            sub.render_help().to_string()
        };
        // as one line: where clap wraps it depends on the width
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_help_reads_in_french() {
        let top = render(&[], false);
        for part in [
            "Utilisation :",
            "Commandes :",
            "Options :",
            "Afficher l'aide",
            "Afficher la version",
            "Codes de sortie",
            "Sauvegarder",
        ] {
            assert!(top.contains(part), "{part:?} is missing:\n{top}");
        }
        for english in [
            "Usage:",
            "Options:",
            "Commands:",
            "Print help",
            "Exit codes",
        ] {
            assert!(!top.contains(english), "{english:?} is left:\n{top}");
        }
        let help = render(&["help"], false);
        assert!(
            help.contains("Utilisation :") && help.contains("Commandes :"),
            "{help}"
        );
        let backup = render(&["backup"], true);
        let args = backup.find("Arguments :").expect("the arguments heading");
        let opts = backup.find("Options :").expect("the options heading");
        assert!(args < opts, "{backup}");
        assert!(backup.contains("-e, --exclude <GLOB>"), "{backup}");
        assert!(backup.contains("Laisser de côté"), "{backup}");
        let restore = render(&["restore"], true);
        assert!(restore.contains("Valeurs possibles :"), "{restore}");
        assert!(restore.contains("[par défaut : if-changed]"), "{restore}");
        assert!(!restore.contains("[default:"), "{restore}");
        let restore = render(&["restore"], false);
        assert!(
            restore.contains("[valeurs possibles : never, if-changed, always]"),
            "{restore}"
        );
        // English stays the source, untouched
        let mut en = localize(Cli::command(), Lang::En);
        let en = en.render_help().to_string();
        assert!(en.contains("Usage:") && en.contains("Exit codes"), "{en}");
    }
}
