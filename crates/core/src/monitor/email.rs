//! Mail about events: SMTP with STARTTLS, TLS or none, with or without
//! authentication; the subject and body name the brand, the machine, the
//! repository, the result and its key numbers. Recipients are chosen per event.

use std::{path::PathBuf, time::Duration};

use lettre::{
    Message, SmtpTransport, Transport,
    message::{Mailbox, header::ContentType},
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Tls, TlsParameters},
    },
};
use serde::{Deserialize, Serialize};

use super::{Event, Report};
use crate::{
    config::{Secret, schema::EmailSettings},
    customization::PRODUCT_NAME,
    error::{Error, Result},
    humanize,
};

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Security {
    None,
    StartTls,
    Tls,
}

/// Mail settings, resolved (password read) from the config.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Email {
    pub server: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    #[serde(default, with = "crate::config::secrets::exposed_opt")]
    pub password: Option<Secret>,
    pub ca_file: Option<PathBuf>,
    pub insecure_tls: bool,
    pub from: String,
    pub recipients: Vec<(String, Vec<String>)>,
    pub timeout: Duration,
}

impl Email {
    /// The settings, or `None` when there is no server; an error names what is wrong.
    pub fn resolve(s: &EmailSettings, timeout: Duration) -> Result<Option<Email>> {
        let Some(server) = s.smtp_server.clone().filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let security = match s.security.as_deref().unwrap_or("starttls") {
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            "none" => Security::None,
            other => {
                return Err(Error::Usage(crate::t!("mon-bad-security", value = other)));
            }
        };
        let port = s.smtp_port.unwrap_or(match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        });
        let password = super::secret(&s.password_env, &s.password_file)?;
        // the login when it is an address, else the product at this machine
        let from = s.from.clone().unwrap_or_else(|| {
            let address = s
                .username
                .clone()
                .filter(|u| u.contains('@'))
                .unwrap_or_else(|| {
                    format!(
                        "{}@{}",
                        crate::customization::SHORT_NAME,
                        gethostname::gethostname().to_string_lossy()
                    )
                });
            format!("{PRODUCT_NAME} <{address}>")
        });
        let list = |v: &Option<Vec<String>>| v.clone().unwrap_or_default();
        let recipients = vec![
            (
                Event::BackupSuccess.name().to_string(),
                list(&s.on_backup_success),
            ),
            (
                Event::BackupFailure.name().to_string(),
                list(&s.on_backup_failure),
            ),
            (
                Event::OperationSuccess.name().to_string(),
                list(&s.on_operation_success),
            ),
            (
                Event::OperationFailure.name().to_string(),
                list(&s.on_operation_failure),
            ),
            (
                Event::BackupTooOld.name().to_string(),
                list(&s.on_backup_too_old),
            ),
        ];
        Ok(Some(Email {
            server,
            port,
            security,
            username: s.username.clone(),
            password,
            ca_file: s.ca_file.clone(),
            insecure_tls: s.insecure_tls.unwrap_or(false),
            from,
            recipients,
            timeout,
        }))
    }

    /// Who gets mail about `event`.
    pub fn recipients(&self, event: Event) -> &[String] {
        self.recipients
            .iter()
            .find(|(e, _)| e == event.name())
            .map(|(_, r)| r.as_slice())
            .unwrap_or_default()
    }

    fn transport(&self) -> std::result::Result<SmtpTransport, String> {
        let tls = || -> std::result::Result<TlsParameters, String> {
            let mut b = TlsParameters::builder(self.server.clone());
            if let Some(ca) = &self.ca_file {
                let pem = super::read_ca(ca)?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    crate::t!(
                        "mon-ca-not-pem",
                        path = ca.display().to_string(),
                        cause = e.to_string()
                    )
                })?;
                b = b.add_root_certificate(cert);
            }
            if self.insecure_tls {
                b = b.dangerous_accept_invalid_certs(true);
            }
            b.build().map_err(|e| e.to_string())
        };
        let mut b = SmtpTransport::builder_dangerous(&self.server)
            .port(self.port)
            .timeout(Some(self.timeout));
        b = match self.security {
            Security::None => b.tls(Tls::None),
            Security::StartTls => b.tls(Tls::Required(tls()?)),
            Security::Tls => b.tls(Tls::Wrapper(tls()?)),
        };
        if let Some(user) = &self.username {
            let pw = self
                .password
                .as_ref()
                .map(|p| p.expose().to_string())
                .unwrap_or_default();
            b = b.credentials(Credentials::new(user.clone(), pw));
        }
        Ok(b.build())
    }

    /// Sends one mail to `to`.
    pub fn send(
        &self,
        to: &[String],
        subject: &str,
        body: &str,
    ) -> std::result::Result<(), String> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                crate::t!(
                    "mon-bad-from",
                    from = self.from.as_str(),
                    cause = e.to_string()
                )
            })?;
        let mut message = Message::builder().from(from).subject(subject);
        for r in to {
            let mailbox: Mailbox = r.parse().map_err(|e: lettre::address::AddressError| {
                crate::t!(
                    "mon-bad-address",
                    address = r.as_str(),
                    cause = e.to_string()
                )
            })?;
            message = message.to(mailbox);
        }
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport()?.send(&message).map(|_| ()).map_err(|e| {
            crate::t!(
                "mon-mail-not-sent",
                to = to.join(", "),
                server = format!("{}:{}", self.server, self.port),
                cause = crate::redact::redact(&e.to_string())
            )
        })
    }
}

/// Sends a test mail about repository `repo` to `to`, or to every recipient of
/// `mail`; returns who it went to.
pub fn send_test(mail: &Email, repo: &str, to: &[String]) -> Result<Vec<String>> {
    let mut recipients: Vec<String> = to.to_vec();
    if recipients.is_empty() {
        for (_, list) in &mail.recipients {
            for r in list {
                if !recipients.contains(r) {
                    recipients.push(r.clone());
                }
            }
        }
    }
    if recipients.is_empty() {
        return Err(Error::Usage(crate::t!("mon-no-recipient")));
    }
    let machine = gethostname::gethostname().to_string_lossy().to_string();
    let subject = format!(
        "[{PRODUCT_NAME}] {machine} / {repo}: {}",
        crate::t!("mon-test-subject")
    );
    let body = format!(
        "{}\n\n-- \n{}",
        crate::t!("mon-test-body", machine = machine.as_str(), repo = repo),
        crate::customization::VERSION_LINE
    );
    mail.send(&recipients, &subject, &body)
        .map_err(Error::Unreachable)?;
    Ok(recipients)
}

/// The subject and body of the mail about `event`.
pub fn compose(
    event: Event,
    labels: &std::collections::BTreeMap<String, String>,
    report: &Report,
    message: &str,
) -> (String, String) {
    let repo = labels.get("repo_name").cloned().unwrap_or_default();
    let machine = labels.get("instance").cloned().unwrap_or_default();
    let action = report.action.as_str();
    let what = match event {
        Event::BackupSuccess => crate::t!("mon-backup-succeeded"),
        Event::BackupFailure => crate::t!("mon-backup-failed"),
        Event::OperationSuccess => crate::t!("mon-operation-succeeded", action = action),
        Event::OperationFailure => crate::t!("mon-operation-failed", action = action),
        Event::BackupTooOld => crate::t!("mon-backup-too-old"),
    };
    let subject = format!("[{PRODUCT_NAME}] {machine} / {repo}: {what}");
    let mut body = vec![
        crate::t!(
            "mon-mail-first-line",
            machine = machine.as_str(),
            repo = repo.as_str(),
            what = what.as_str()
        ),
        String::new(),
    ];
    if !message.is_empty() {
        body.push(message.to_string());
        body.push(String::new());
    }
    if let Some(s) = &report.backup {
        body.push(crate::t!(
            "mon-mail-files",
            new = s.files_new,
            changed = s.files_changed,
            unchanged = s.files_unmodified
        ));
        body.push(crate::t!(
            "mon-mail-added",
            added = humanize::size(s.data_added),
            stored = humanize::size(s.data_added_packed),
            processed = humanize::size(s.total_bytes_processed)
        ));
    }
    if report.exec_seconds > 0.0 {
        body.push(crate::t!(
            "mon-mail-duration",
            duration = humanize::duration(Duration::from_secs_f64(report.exec_seconds.max(0.0)))
        ));
    }
    if report.warnings > 0 {
        body.push(crate::t!("mon-mail-warnings", n = report.warnings));
    }
    if !report.log_tail.is_empty() && !report.ok {
        body.push(String::new());
        body.push(crate::t!("mon-mail-log-end"));
        body.push(report.log_tail.clone());
    }
    body.push(String::new());
    body.push(format!("-- \n{}", crate::customization::VERSION_LINE));
    (subject, body.join("\n"))
}
