//! Where metrics go: a node_exporter textfile (written whole, then renamed into
//! place, so the collector never reads half a file) and push gateways, tried in
//! order until one takes them. Each repository and action is its own group on the
//! gateway (`…/metrics/job/J/instance/I/repo_name/R/action/A`), so a prune does
//! not wipe the backup's metrics.

use std::{collections::BTreeMap, path::Path};

use base64::Engine;

use super::Monitoring;

/// Writes `text` to `path` atomically, readable by all: node_exporter usually runs
/// as its own user, and the collector reads `*.prom` only, never the temporary name.
pub fn write_textfile(path: &Path, text: &str) -> std::io::Result<()> {
    crate::fsutil::write_atomic(path, text.as_bytes(), Some(0o644))
}

/// A name safe in a file name.
pub fn file_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The gateway URL for one group: `base` (with or without `/metrics/job/NAME`)
/// plus the grouping labels, base64-encoded so any value is safe in a path.
pub fn group_url(base: &str, labels: &BTreeMap<String, String>) -> String {
    let base = base.trim_end_matches('/');
    let mut url = if base.contains("/metrics/job/") {
        base.to_string()
    } else {
        format!("{base}/metrics/job/{}", crate::customization::SHORT_NAME)
    };
    for key in ["instance", "repo_name", "action"] {
        if let Some(v) = labels.get(key).filter(|v| !v.is_empty()) {
            let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
            url.push_str(&format!("/{key}@base64/{enc}"));
        }
    }
    url
}

/// Pushes `text` to the first gateway that accepts it; returns warnings (each
/// gateway that failed, and a final one if none took the metrics).
pub fn push(m: &Monitoring, labels: &BTreeMap<String, String>, text: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    let client = match client(m) {
        Ok(c) => c,
        Err(e) => return vec![crate::t!("mon-cannot-push", cause = e)],
    };
    for (i, base) in m.push_urls.iter().enumerate() {
        let url = group_url(base, labels);
        let shown = crate::config::secrets::mask_uri(base);
        let mut req = client
            .put(&url)
            .header("Content-Type", "text/plain; version=0.0.4")
            .body(text.to_string());
        if let Some(user) = &m.push_username {
            req = req.basic_auth(user, m.push_password.as_ref().map(|p| p.expose()));
        }
        match req.send() {
            Ok(r) if r.status().is_success() => {
                if i > 0 {
                    tracing::info!("metrics pushed to fallback gateway #{i}: {shown}");
                }
                return warnings;
            }
            Ok(r) => warnings.push(crate::t!(
                "mon-push-refused",
                gateway = shown.as_str(),
                status = r.status().to_string()
            )),
            Err(e) => warnings.push(crate::t!(
                "mon-push-unreachable",
                gateway = shown.as_str(),
                cause = crate::redact::redact(&e.to_string())
            )),
        }
    }
    warnings.push(crate::t!("mon-not-pushed", n = m.push_urls.len()));
    warnings
}

/// An HTTP client with the configured time limit and TLS trust.
pub fn client(m: &Monitoring) -> Result<reqwest::blocking::Client, String> {
    let mut b = reqwest::blocking::Client::builder()
        .timeout(m.timeout)
        .user_agent(crate::customization::VERSION_LINE);
    if let Some(ca) = &m.push_ca_file {
        let pem = super::read_ca(ca)?;
        for cert in reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            crate::t!(
                "mon-ca-not-pem",
                path = ca.display().to_string(),
                cause = e.to_string()
            )
        })? {
            b = b.add_root_certificate(cert);
        }
    }
    if m.push_insecure_tls {
        b = b.danger_accept_invalid_certs(true);
    }
    b.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_encoded_in_the_url() {
        let labels: BTreeMap<String, String> = [
            ("instance", "pc/1"),
            ("repo_name", "docs"),
            ("action", "backup"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let u = group_url("http://gw:9091/", &labels);
        assert!(
            u.starts_with("http://gw:9091/metrics/job/npbackup/instance@base64/"),
            "{u}"
        );
        assert!(u.ends_with("/action@base64/YmFja3Vw"), "{u}");
        let u = group_url("http://gw:9091/metrics/job/custom", &labels);
        assert!(
            u.starts_with("http://gw:9091/metrics/job/custom/instance@base64/"),
            "{u}"
        );
    }

    #[test]
    fn the_textfile_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.prom");
        write_textfile(&p, "a 1\n").unwrap();
        write_textfile(&p, "a 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a 2\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        assert!(write_textfile(&dir.path().join("missing/x.prom"), "a 1\n").is_err());
    }
}
