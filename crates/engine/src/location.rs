//! Repository locations: turns what users write (a path, `rest:`, `rclone:`,
//! `opendal:SERVICE`, and restic's `sftp:` and `s3:` forms) into the repository
//! string and options rustic_backend understands.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// A location ready for `rustic_backend::BackendOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `rest:…`, `opendal:sftp`, a local path …
    pub repository: String,
    pub options: BTreeMap<String, String>,
}

impl Location {
    /// The local folder, when the repository is on a local file system.
    pub fn local_path(&self) -> Option<std::path::PathBuf> {
        let r = self.repository.as_str();
        if let Some(p) = r.strip_prefix("local:") {
            return Some(p.into());
        }
        match r.split_once(':') {
            Some((scheme, _)) if ["rest", "rclone", "opendal"].contains(&scheme) => None,
            _ => Some(r.into()),
        }
    }
}

/// Parses `uri` and merges the user's backend options (which win over those
/// derived from the URI).
pub fn parse(uri: &str, user_options: &BTreeMap<String, String>) -> Result<Location> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(Error::Usage(crate::t!("engine-location-empty")));
    }
    let mut options = BTreeMap::new();
    let repository = if let Some(rest) = uri.strip_prefix("sftp:") {
        sftp_options(rest, &mut options)?;
        "opendal:sftp".to_string()
    } else if let Some(rest) = uri.strip_prefix("s3:") {
        s3_options(rest, &mut options)?;
        "opendal:s3".to_string()
    } else if let Some(url) = uri.strip_prefix("rest:") {
        // the REST backend takes its account in the URL only; as options (which
        // may come from the keyring) they keep the password out of the location
        let mut user_options = user_options.clone();
        let username = user_options.remove("username");
        let password = user_options.remove("password");
        let url = match (username, password) {
            (None, None) => url.to_string(),
            (username, password) => with_userinfo(url, username, password)?,
        };
        options.extend(user_options);
        return Ok(Location {
            repository: format!("rest:{url}"),
            options,
        });
    } else {
        uri.to_string()
    };
    options.extend(user_options.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(Location {
        repository,
        options,
    })
}

/// `http://host/…` with `user:password@` put in (percent-encoded).
fn with_userinfo(url: &str, username: Option<String>, password: Option<String>) -> Result<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(Error::Usage(crate::t!("engine-bad-rest", url = url)));
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    if rest[..authority_end].contains('@') {
        return Err(Error::Usage(crate::t!("engine-rest-two-accounts")));
    }
    let Some(username) = username else {
        return Err(Error::Usage(crate::t!("engine-rest-password-needs-user")));
    };
    let userinfo = match password {
        Some(p) => {
            // an error quoting the URL must not show it, in either form
            crate::redact::register(&p);
            crate::redact::register(&percent_encode(&p));
            format!("{}:{}", percent_encode(&username), percent_encode(&p))
        }
        None => percent_encode(&username),
    };
    Ok(format!("{scheme}://{userinfo}@{rest}"))
}

/// Everything but RFC 3986's unreserved characters, percent-encoded.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `sftp:user@host:/path` (restic) or `sftp://user@host:port/path`.
fn sftp_options(rest: &str, options: &mut BTreeMap<String, String>) -> Result<()> {
    let bad = || Error::Usage(crate::t!("engine-bad-sftp", rest = rest));
    let (userhost, port, path) = if let Some(url) = rest.strip_prefix("//") {
        let (authority, path) = url.split_once('/').ok_or_else(bad)?;
        let (userhost, port) = match authority.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => (h, Some(p)),
            _ => (authority, None),
        };
        (userhost, port, format!("/{path}"))
    } else {
        let (userhost, path) = rest.split_once(':').ok_or_else(bad)?;
        (userhost, None, path.to_string())
    };
    let (user, host) = match userhost.split_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, userhost),
    };
    if host.is_empty() || path.is_empty() {
        return Err(bad());
    }
    let endpoint = match port {
        Some(p) => format!("ssh://{host}:{p}"),
        None => host.to_string(),
    };
    options.insert("endpoint".into(), endpoint);
    options.insert("root".into(), path);
    if let Some(u) = user {
        options.insert("user".into(), u.to_string());
    }
    Ok(())
}

/// `s3:https://host[:port]/bucket[/prefix]` or `s3:host/bucket[/prefix]` (restic).
fn s3_options(rest: &str, options: &mut BTreeMap<String, String>) -> Result<()> {
    let (scheme, rest) = match rest.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("https", rest),
    };
    let mut parts = rest.splitn(3, '/');
    let host = parts.next().unwrap_or_default();
    let bucket = parts.next().unwrap_or_default();
    let prefix = parts.next().unwrap_or_default();
    if host.is_empty() || bucket.is_empty() {
        return Err(Error::Usage(crate::t!("engine-bad-s3", rest = rest)));
    }
    let endpoint = if host == "s3.amazonaws.com" {
        format!("https://{host}")
    } else {
        format!("{scheme}://{host}")
    };
    options.insert("endpoint".into(), endpoint);
    options.insert("bucket".into(), bucket.to_string());
    options.insert("root".into(), format!("/{prefix}"));
    options.insert("region".into(), "us-east-1".into());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rest_accounts_from_options_go_into_the_url() {
        let opts = BTreeMap::from([
            ("username".to_string(), "alice".to_string()),
            ("password".to_string(), "p@ss:w/rd".to_string()),
            ("timeout".to_string(), "1m".to_string()),
        ]);
        let l = parse("rest:http://host:8000/alice", &opts).unwrap();
        assert_eq!(
            l.repository,
            "rest:http://alice:p%40ss%3Aw%2Frd@host:8000/alice"
        );
        assert_eq!(
            l.options,
            BTreeMap::from([("timeout".to_string(), "1m".to_string())])
        );
        assert!(parse("rest:http://bob@host/x", &opts).is_err());
        let only_password = BTreeMap::from([("password".to_string(), "x".to_string())]);
        assert!(parse("rest:http://host/x", &only_password).is_err());
        assert_eq!(
            parse("rest:http://host/x", &BTreeMap::new())
                .unwrap()
                .repository,
            "rest:http://host/x"
        );
    }

    #[test]
    fn sftp_restic_form() {
        let l = parse("sftp:bob@nas:/srv/repo", &BTreeMap::new()).unwrap();
        assert_eq!(l.repository, "opendal:sftp");
        assert_eq!(
            l.options,
            opts(&[("endpoint", "nas"), ("root", "/srv/repo"), ("user", "bob")])
        );
    }

    #[test]
    fn sftp_url_form_with_port_and_user_options_win() {
        let l = parse(
            "sftp://bob@127.0.0.1:2222/srv/repo",
            &opts(&[("key", "/k")]),
        )
        .unwrap();
        assert_eq!(
            l.options,
            opts(&[
                ("endpoint", "ssh://127.0.0.1:2222"),
                ("key", "/k"),
                ("root", "/srv/repo"),
                ("user", "bob")
            ])
        );
    }

    #[test]
    fn s3_form() {
        let l = parse("s3:http://127.0.0.1:9000/bkt/machines/a", &BTreeMap::new()).unwrap();
        assert_eq!(l.repository, "opendal:s3");
        assert_eq!(l.options["endpoint"], "http://127.0.0.1:9000");
        assert_eq!(l.options["bucket"], "bkt");
        assert_eq!(l.options["root"], "/machines/a");
        assert!(parse("s3:host", &BTreeMap::new()).is_err());
    }

    #[test]
    fn local_paths() {
        assert_eq!(
            parse("/srv/r", &BTreeMap::new()).unwrap().local_path(),
            Some("/srv/r".into())
        );
        assert_eq!(
            parse("local:/srv/r", &BTreeMap::new())
                .unwrap()
                .local_path(),
            Some("/srv/r".into())
        );
        assert_eq!(
            parse("rest:http://h/", &BTreeMap::new())
                .unwrap()
                .local_path(),
            None
        );
    }
}
