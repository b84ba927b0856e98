//! `config init`: writes the commented default configuration whose repository is
//! a local folder under the user's data dir (the embedded default: no server),
//! with a freshly generated password kept in a file readable by the user alone.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use crate::{
    customization::{DEFAULT_REPOSITORY_URI, DEFAULT_RETENTION_PRESET, PRODUCT_NAME, SHORT_NAME},
    error::{Error, Result},
};

const TEMPLATE: &str = include_str!("../../../../assets/default-config.toml");

/// What `write_default_config` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InitOutcome {
    pub config: PathBuf,
    /// The repository location written (the brand's default, else `repository`).
    pub repository: String,
    pub password_file: PathBuf,
    pub paths: Vec<PathBuf>,
}

/// Writes a default configuration at `config_path`. Refuses to overwrite an
/// existing file. `paths` are the folders to back up (default: the user's
/// Documents folder, else their home). The repository is `repository` when
/// given, else the brand's default URI, else the local folder `fallback`.
pub fn write_default_config(
    config_path: &Path,
    repository: Option<&Path>,
    fallback: &Path,
    paths: &[PathBuf],
) -> Result<InitOutcome> {
    let repository = match repository {
        Some(r) => r.display().to_string(),
        None if !DEFAULT_REPOSITORY_URI.is_empty() => DEFAULT_REPOSITORY_URI.to_string(),
        None => fallback.display().to_string(),
    };
    if config_path.exists() {
        return Err(Error::Input(crate::t!(
            "config-already-exists",
            file = config_path.display().to_string()
        )));
    }
    let dir = config_path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(crate::t!("io-creating-config-folder"), dir, e))?;

    let password_file = dir.join(format!("{SHORT_NAME}-default.password"));
    if !password_file.exists() {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes).map_err(|e| {
            Error::Usage(crate::t!(
                "config-cannot-generate-password",
                cause = e.to_string()
            ))
        })?;
        let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&password_file, format!("{password}\n").as_bytes())?;
    }

    let paths: Vec<PathBuf> = if paths.is_empty() {
        default_paths()
    } else {
        paths
            .iter()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            .collect()
    };
    let text = template_text(&paths, &repository, &password_file);
    write_private(config_path, text.as_bytes())?;
    Ok(InitOutcome {
        config: config_path.to_path_buf(),
        repository,
        password_file,
        paths,
    })
}

/// The commented default configuration, filled in: the folders to back up, the
/// repository location and its password file.
pub fn template_text(paths: &[PathBuf], repository: &str, password_file: &Path) -> String {
    let paths_toml = toml::Value::Array(
        paths
            .iter()
            .map(|p| toml::Value::String(p.display().to_string()))
            .collect(),
    );
    TEMPLATE
        .replace("{{PRODUCT}}", PRODUCT_NAME)
        .replace("{{SHORT}}", SHORT_NAME)
        .replace("{{CLI}}", crate::customization::CLI_NAME)
        .replace("{{PATHS}}", &paths_toml.to_string())
        .replace("{{REPO_PATH}}", &toml_string(repository))
        .replace("{{PRESET}}", DEFAULT_RETENTION_PRESET)
        .replace(
            "{{PASSWORD_FILE}}",
            &toml_string(&password_file.display().to_string()),
        )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The folders a new configuration backs up: the Documents folder, else home.
pub fn default_paths() -> Vec<PathBuf> {
    let Some(dirs) = directories::UserDirs::new() else {
        return Vec::new();
    };
    let documents = dirs
        .document_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dirs.home_dir().join("Documents"));
    if documents.is_dir() {
        vec![documents]
    } else {
        vec![dirs.home_dir().to_path_buf()]
    }
}

/// Creates `path` readable and writable by its owner alone, failing if it exists.
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Error::io(crate::t!("io-creating"), path, e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(crate::t!("io-writing"), path, e))
}
