//! The setup wizard: what to back up, where, the password, when, and a summary,
//! each step checked as it is filled in. Shown when there is no configuration,
//! and from "Add repository…". It holds the answers; the app performs what it
//! asks (a folder dialog, a size estimate, a connection test, writing the
//! configuration) and tells it the results.

use std::path::PathBuf;

use iced::{
    Alignment, Element, Length,
    widget::{
        Space, button, center, checkbox, column, container, pick_list, radio, row, scrollable,
        text, text_input,
    },
};

use super::theme::{self, Colours, bold};
use crate::t;
use crate::{
    config::{
        Secret, When,
        setup::{self, Destination, DestinationKind, ExcludePreset, NewRepository, PasswordStore},
    },
    engine::{Probe, RepoTarget},
    humanize,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    What,
    Where,
    Password,
    When,
    Summary,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::What,
        Step::Where,
        Step::Password,
        Step::When,
        Step::Summary,
    ];

    fn title(self) -> String {
        match self {
            Step::What => t!("wizard-step-what"),
            Step::Where => t!("wizard-step-where"),
            Step::Password => t!("wizard-step-password"),
            Step::When => t!("wizard-step-when"),
            Step::Summary => t!("wizard-step-ready"),
        }
    }

    fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

/// How often scheduled backups run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Often {
    Daily,
    Hours,
    Manual,
}

/// The state of the connection test.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    NotYet,
    Running,
    Done(Result<Probe, String>),
}

/// Who is asking for a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderFor {
    Source,
    Destination,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Whether the OS keyring can keep the password, once asked.
    KeyringChecked(Result<(), String>),
    Next,
    Back,
    Cancel,
    Suggested(usize, bool),
    NewPath(String),
    /// Take this completion into the path field.
    Complete(PathBuf),
    AddPath,
    RemovePath(usize),
    Choose(FolderFor),
    FolderChosen(FolderFor, Option<PathBuf>),
    Exclude(ExcludePreset, bool),
    Estimated(u64, u64),
    Kind(DestinationKind),
    Field(&'static str, String),
    Test,
    Generate(bool),
    Typed(String),
    TypedAgain(String),
    CopyPassword,
    SaveSheet,
    Kept(bool),
    Often(Often),
    Time(String),
    Hours(String),
    SkipRecent(bool),
    Retention(Retention),
    Name(String),
    FirstBackup(bool),
    Finish,
}

/// What the wizard needs the app to do.
#[derive(Debug, Clone)]
pub enum Event {
    PickFolder(FolderFor, PathBuf),
    /// Count what the chosen folders hold (an `Estimated` message answers).
    Estimate(Vec<PathBuf>, Vec<ExcludePreset>),
    /// Look at the destination (`on_probe` answers).
    Probe(Box<RepoTarget>),
    Copy(String),
    /// Write the recovery sheet (`on_sheet` answers).
    SaveSheet(String),
    /// Write the configuration; `exists` when the repository is already there; a
    /// first backup when asked.
    Finish {
        repo: Box<NewRepository>,
        exists: bool,
        first_backup: bool,
    },
    Cancel,
}

/// A retention preset as offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention(pub &'static str);

impl Retention {
    const ALL: [Retention; 5] = [
        Retention("14d"),
        Retention("30d"),
        Retention("90d"),
        Retention("gfs"),
        Retention("keep-all"),
    ];
}

impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self.0 {
            "14d" => t!("wizard-keep-days", days = 14),
            "30d" => t!("wizard-keep-days", days = 30),
            "90d" => t!("wizard-keep-days", days = 90),
            "gfs" => t!("wizard-keep-gfs"),
            _ => t!("wizard-keep-all"),
        })
    }
}

pub struct Wizard {
    pub step: Step,
    /// Adding a repository to an existing configuration.
    pub adding: bool,
    pub name: String,
    existing_names: Vec<String>,
    pub folder_dialog: bool,
    /// The brand's destination and retention may not be changed.
    fixed: bool,
    // what
    suggested: Vec<(PathBuf, bool)>,
    extra: Vec<PathBuf>,
    new_path: String,
    /// Folders whose path begins with what was typed (the path field's completion).
    completions: Vec<PathBuf>,
    excludes: Vec<ExcludePreset>,
    estimate: Option<(u64, u64)>,
    // where
    destination: Destination,
    test: Test,
    // password
    /// Whether the OS keyring can keep the password (`None`: still being asked, off
    /// the window's thread; a locked keyring may be asking its user to unlock it).
    keyring: Option<Result<(), String>>,
    generate: bool,
    generated: Secret,
    typed: String,
    typed_again: String,
    kept: bool,
    sheet: Option<Result<PathBuf, String>>,
    password_check: Test,
    // when
    often: Often,
    time: String,
    hours: String,
    skip_recent: bool,
    retention: Retention,
    // summary
    first_backup: bool,
    pub error: Option<String>,
    pub busy: bool,
}

impl Wizard {
    /// A wizard for a first configuration (`existing` empty) or for one more
    /// repository beside `existing`. `keyring` says whether the OS keyring works
    /// (`None`: not known yet, `Message::KeyringChecked` tells);
    /// `destination` is where to start (the brand's preset, or a local folder), and
    /// `fixed` keeps the brand's destination and retention as they are.
    pub fn new(
        existing: Vec<String>,
        keyring: Option<Result<(), String>>,
        folder_dialog: bool,
        destination: Option<Destination>,
        retention: &str,
        fixed: bool,
    ) -> (Wizard, Vec<Event>) {
        let suggested: Vec<(PathBuf, bool)> = suggested_folders()
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, i == 0))
            .collect();
        let destination = destination.unwrap_or_else(|| Destination::new(DestinationKind::Local));
        let adding = !existing.is_empty();
        let name = if adding {
            (2..)
                .map(|i| format!("backup{i}"))
                .find(|n| !existing.contains(n))
                .unwrap_or_else(|| "backup".into())
        } else {
            "default".into()
        };
        let w = Wizard {
            step: Step::What,
            adding,
            name,
            existing_names: existing,
            folder_dialog,
            fixed,
            suggested,
            extra: Vec::new(),
            new_path: String::new(),
            completions: Vec::new(),
            excludes: ExcludePreset::ALL.to_vec(),
            estimate: None,
            destination,
            test: Test::NotYet,
            keyring,
            generate: true,
            generated: setup::generate_password().unwrap_or_else(|_| Secret::new("")),
            typed: String::new(),
            typed_again: String::new(),
            kept: false,
            sheet: None,
            password_check: Test::NotYet,
            often: Often::Daily,
            time: "12:30".into(),
            hours: "6".into(),
            skip_recent: true,
            retention: Retention::ALL
                .into_iter()
                .find(|r| r.0 == retention)
                .unwrap_or(Retention("30d")),
            first_backup: true,
            error: None,
            busy: false,
        };
        let first = vec![w.estimate_event()];
        (w, first)
    }

    fn paths(&self) -> Vec<PathBuf> {
        self.suggested
            .iter()
            .filter(|(_, on)| *on)
            .map(|(p, _)| p.clone())
            .chain(self.extra.iter().cloned())
            .collect()
    }

    fn estimate_event(&self) -> Event {
        Event::Estimate(self.paths(), self.excludes.clone())
    }

    /// The repository already exists at the destination (the test said so).
    fn exists(&self) -> bool {
        matches!(&self.test, Test::Done(Ok(p)) if p.exists)
    }

    fn password(&self) -> Secret {
        if self.generate && !self.exists() {
            self.generated.clone()
        } else {
            Secret::new(self.typed.clone())
        }
    }

    fn store(&self) -> PasswordStore {
        // not known yet: a file, which always works (the summary says which)
        if matches!(self.keyring, Some(Ok(()))) {
            PasswordStore::Keyring
        } else {
            PasswordStore::File
        }
    }

    fn schedule(&self) -> String {
        match self.often {
            Often::Daily => format!("daily at {}", self.time.trim()),
            Often::Hours => format!("every {}h", self.hours.trim()),
            Often::Manual => "manual".into(),
        }
    }

    fn skip_if_recent(&self) -> Option<String> {
        if !self.skip_recent {
            return None;
        }
        match self.often {
            Often::Daily => Some("20h".into()),
            Often::Hours => {
                let h: u32 = self.hours.trim().parse().unwrap_or(2);
                (h >= 2).then(|| format!("{}h", h - 1))
            }
            Often::Manual => None,
        }
    }

    /// What the answers become.
    pub fn new_repository(&self) -> NewRepository {
        NewRepository {
            name: self.name.trim().to_string(),
            paths: self.paths(),
            excludes: self.excludes.clone(),
            destination: self.destination.clone(),
            password: self.password(),
            store: self.store(),
            schedule: self.schedule(),
            skip_if_recent: self.skip_if_recent(),
            retention: self.retention.0.to_string(),
        }
    }

    /// Why the current step cannot be left forward (None: it can).
    pub fn problem(&self) -> Option<String> {
        match self.step {
            Step::What => {
                let paths = self.paths();
                if paths.is_empty() {
                    return Some(t!("wizard-need-folder"));
                }
                paths
                    .iter()
                    .find(|p| !p.exists())
                    .map(|p| format!("{} does not exist.", p.display()))
            }
            Step::Where => match (&self.destination.location(), &self.test) {
                (Err(m), _) => Some(m.clone()),
                (Ok(_), Test::NotYet) => Some(t!("wizard-test-first")),
                (Ok(_), Test::Running) => Some(t!("wizard-testing-connection")),
                (Ok(_), Test::Done(Err(e))) => Some(e.clone()),
                (Ok(_), Test::Done(Ok(_))) => None,
            },
            Step::Password => {
                if self.exists() {
                    return match &self.password_check {
                        _ if self.typed.is_empty() => Some(t!("wizard-type-existing-password")),
                        Test::Done(Ok(p)) if p.password_opens == Some(true) => None,
                        Test::Done(Ok(_)) => Some(t!("wizard-password-wrong")),
                        Test::Done(Err(e)) => Some(e.clone()),
                        Test::Running => Some(t!("wizard-checking-password")),
                        Test::NotYet => Some(t!("wizard-check-password-first")),
                    };
                }
                if !self.generate {
                    let (score, _) = setup::strength(&self.typed);
                    if self.typed.chars().count() < 8 {
                        return Some(t!("wizard-password-short"));
                    }
                    if score < setup::MIN_STRENGTH {
                        return Some(t!("wizard-password-weak"));
                    }
                    if self.typed != self.typed_again {
                        return Some(t!("wizard-passwords-differ"));
                    }
                }
                (!self.kept).then(|| t!("wizard-confirm-kept"))
            }
            Step::When => {
                if self.often == Often::Hours
                    && !self
                        .hours
                        .trim()
                        .parse::<u32>()
                        .is_ok_and(|h| (1..=168).contains(&h))
                {
                    return Some(t!("wizard-hours-range"));
                }
                self.schedule()
                    .parse::<When>()
                    .err()
                    .map(|e| t!("wizard-time-problem", problem = e))
            }
            Step::Summary => {
                let name = self.name.trim();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_alphanumeric() || "-_".contains(c))
                {
                    Some(t!("wizard-name-chars"))
                } else if self.existing_names.iter().any(|n| n == name) {
                    Some(t!("wizard-name-taken", name = name))
                } else {
                    None
                }
            }
        }
    }

    pub fn update(&mut self, message: Message) -> Vec<Event> {
        match message {
            Message::KeyringChecked(answer) => self.keyring = Some(answer),
            Message::Next => {
                if self.problem().is_none() {
                    self.step = match self.step {
                        Step::What => Step::Where,
                        Step::Where => Step::Password,
                        Step::Password => Step::When,
                        Step::When | Step::Summary => Step::Summary,
                    };
                }
            }
            Message::Back => {
                self.error = None;
                self.step = match self.step {
                    Step::What | Step::Where => Step::What,
                    Step::Password => Step::Where,
                    Step::When => Step::Password,
                    Step::Summary => Step::When,
                };
            }
            Message::Cancel => return vec![Event::Cancel],
            Message::Suggested(i, on) => {
                if let Some(s) = self.suggested.get_mut(i) {
                    s.1 = on;
                }
                return self.re_estimate();
            }
            Message::NewPath(p) => {
                self.completions = complete_folder(&p);
                self.new_path = p;
            }
            Message::Complete(p) => {
                self.new_path = format!("{}/", p.display());
                self.completions = complete_folder(&self.new_path);
            }
            Message::AddPath => {
                let typed = self.new_path.trim();
                let typed = if typed.len() > 1 {
                    typed.trim_end_matches('/')
                } else {
                    typed
                };
                let p = PathBuf::from(typed);
                if let Some(s) = self.suggested.iter_mut().find(|(s, _)| *s == p) {
                    // a suggested folder: tick it rather than list it twice
                    s.1 = true;
                    self.new_path.clear();
                    self.completions.clear();
                    return self.re_estimate();
                }
                if !typed.is_empty() && !self.extra.contains(&p) {
                    self.extra.push(p);
                    self.new_path.clear();
                    self.completions.clear();
                    return self.re_estimate();
                }
            }
            Message::RemovePath(i) => {
                if i < self.extra.len() {
                    self.extra.remove(i);
                    return self.re_estimate();
                }
            }
            Message::Choose(purpose) => {
                let start = match purpose {
                    FolderFor::Source => home(),
                    FolderFor::Destination => {
                        let p = PathBuf::from(self.destination.get("path"));
                        p.parent()
                            .filter(|p| p.exists())
                            .map(PathBuf::from)
                            .unwrap_or_else(home)
                    }
                };
                return vec![Event::PickFolder(purpose, start)];
            }
            Message::FolderChosen(purpose, folder) => {
                if let Some(folder) = folder {
                    match purpose {
                        FolderFor::Source => {
                            if !self.extra.contains(&folder)
                                && !self.suggested.iter().any(|(p, _)| *p == folder)
                            {
                                self.extra.push(folder);
                            }
                            return self.re_estimate();
                        }
                        FolderFor::Destination => {
                            self.destination
                                .values
                                .insert("path", folder.display().to_string());
                            self.test = Test::NotYet;
                        }
                    }
                }
            }
            Message::Exclude(preset, on) => {
                self.excludes.retain(|p| *p != preset);
                if on {
                    self.excludes.push(preset);
                }
                return self.re_estimate();
            }
            Message::Estimated(files, bytes) => self.estimate = Some((files, bytes)),
            Message::Kind(_) | Message::Field(..) | Message::Retention(_) if self.fixed => {}
            Message::Kind(kind) => {
                if kind != self.destination.kind {
                    self.destination = Destination::new(kind);
                    self.test = Test::NotYet;
                }
            }
            Message::Field(key, value) => {
                self.destination.values.insert(key, value);
                self.test = Test::NotYet;
                self.password_check = Test::NotYet;
            }
            Message::Test if self.step == Step::Password => return self.check_password(),
            Message::Test => {
                if let Ok(target) = self.destination.target(&self.name, &Secret::new("")) {
                    self.test = Test::Running;
                    return vec![Event::Probe(Box::new(target))];
                }
            }
            Message::Generate(on) => self.generate = on,
            Message::Typed(p) => {
                self.typed = p;
                self.password_check = Test::NotYet;
            }
            Message::TypedAgain(p) => self.typed_again = p,
            Message::CopyPassword => {
                return vec![Event::Copy(self.password().expose().to_string())];
            }
            Message::SaveSheet => {
                return vec![Event::SaveSheet(self.new_repository().recovery_sheet())];
            }
            Message::Kept(on) => self.kept = on,
            Message::Often(o) => self.often = o,
            Message::Time(t) => self.time = t,
            Message::Hours(h) => self.hours = h,
            Message::SkipRecent(on) => self.skip_recent = on,
            Message::Retention(r) => self.retention = r,
            Message::Name(n) => self.name = n,
            Message::FirstBackup(on) => self.first_backup = on,
            Message::Finish => {
                if self.step == Step::Summary && self.problem().is_none() && !self.busy {
                    self.busy = true;
                    self.error = None;
                    return vec![Event::Finish {
                        repo: Box::new(self.new_repository()),
                        exists: self.exists(),
                        first_backup: self.first_backup,
                    }];
                }
            }
        }
        Vec::new()
    }

    /// Asks for the password check of an existing repository.
    fn check_password(&mut self) -> Vec<Event> {
        match self
            .destination
            .target(&self.name, &Secret::new(self.typed.clone()))
        {
            Ok(target) if !self.typed.is_empty() => {
                self.password_check = Test::Running;
                vec![Event::Probe(Box::new(target))]
            }
            _ => Vec::new(),
        }
    }

    /// Whether the probe in flight is the password check (else the connection test).
    pub fn checking_password(&self) -> bool {
        self.password_check == Test::Running
    }

    fn re_estimate(&mut self) -> Vec<Event> {
        self.estimate = None;
        vec![self.estimate_event()]
    }

    /// A probe's answer.
    pub fn on_probe(&mut self, result: Result<Probe, String>) {
        if self.password_check == Test::Running {
            self.password_check = Test::Done(result);
        } else {
            self.test = Test::Done(result);
        }
    }

    /// Where the recovery sheet went.
    pub fn on_sheet(&mut self, result: Result<PathBuf, String>) {
        self.sheet = Some(result);
    }

    /// Writing the configuration failed: say why and let the user go on.
    pub fn on_failed(&mut self, error: String) {
        self.busy = false;
        self.error = Some(error);
    }

    pub fn view(&self) -> Element<'_, Message> {
        let steps = row(Step::ALL.iter().map(|s| {
            let label = text(format!("{}. {}", s.number(), s.title())).size(13);
            let label = if *s == self.step {
                label
                    .font(bold())
                    .style(theme::coloured(Colours::primary()))
            } else {
                label
            };
            label.into()
        }))
        .spacing(16);
        let heading = text(if self.adding {
            t!("wizard-heading-add", step = self.step.title())
        } else if self.step == Step::What {
            t!("wizard-heading-welcome", step = self.step.title())
        } else {
            self.step.title().to_string()
        })
        .size(22)
        .font(bold());
        let body = match self.step {
            Step::What => self.what_view(),
            Step::Where => self.where_view(),
            Step::Password => self.password_view(),
            Step::When => self.when_view(),
            Step::Summary => self.summary_view(),
        };
        let problem = self.problem();
        let note: Element<'_, Message> = match (&self.error, &problem) {
            (Some(e), _) => text(e.clone())
                .size(14)
                .style(theme::coloured(Colours::error()))
                .into(),
            (None, Some(p)) if self.step != Step::Summary || !self.busy => {
                text(p.clone()).size(13).into()
            }
            _ => Space::new().height(0).into(),
        };
        let forward: Element<'_, Message> = if self.step == Step::Summary {
            button(
                text(if self.busy {
                    t!("wizard-working")
                } else if self.exists() {
                    t!("wizard-connect")
                } else {
                    t!("wizard-create")
                })
                .size(15)
                .font(bold()),
            )
            .on_press_maybe((problem.is_none() && !self.busy).then_some(Message::Finish))
            .padding([8, 18])
            .style(button::primary)
            .into()
        } else {
            button(text(t!("wizard-next")).size(15).font(bold()))
                .on_press_maybe(problem.is_none().then_some(Message::Next))
                .padding([8, 18])
                .style(button::primary)
                .into()
        };
        let footer = row![
            button(text(t!("wizard-cancel")).size(14))
                .on_press(Message::Cancel)
                .style(theme::secondary),
            Space::new().width(Length::Fill),
            button(text(t!("wizard-back")).size(14))
                .on_press_maybe((self.step != Step::What).then_some(Message::Back))
                .style(theme::secondary),
            forward,
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let card = container(
            column![
                steps,
                heading,
                scrollable(body).height(Length::Fill),
                note,
                footer
            ]
            .spacing(14),
        )
        .padding(24)
        .max_width(820)
        .style(theme::card);
        center(card).padding(20).into()
    }

    fn what_view(&self) -> Element<'_, Message> {
        let mut col = column![text(t!("wizard-choose-folders")).size(15)].spacing(8);
        for (i, (p, on)) in self.suggested.iter().enumerate() {
            col = col.push(
                checkbox(*on)
                    .label(p.display().to_string())
                    .on_toggle(move |v| Message::Suggested(i, v))
                    .text_size(14),
            );
        }
        for (i, p) in self.extra.iter().enumerate() {
            col = col.push(
                row![
                    text(p.display().to_string()).size(14),
                    button(text(t!("wizard-remove")).size(12))
                        .on_press(Message::RemovePath(i))
                        .style(theme::secondary),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            );
        }
        let field = text_input(&t!("wizard-another-folder"), &self.new_path)
            .id("wizard-new-path")
            .on_input(Message::NewPath)
            .on_submit(Message::AddPath)
            .size(14)
            .padding(6);
        let mut add = row![
            field,
            button(text(t!("wizard-add")).size(14))
                .on_press(Message::AddPath)
                .style(theme::secondary)
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if self.folder_dialog {
            add = add.push(
                button(text("Choose…").size(14)).on_press(Message::Choose(FolderFor::Source)),
            );
        }
        col = col.push(add);
        if !self.completions.is_empty() {
            let mut list = column![].spacing(2);
            for c in &self.completions {
                list = list.push(
                    button(text(format!("{}/", c.display())).size(13))
                        .on_press(Message::Complete(c.clone()))
                        .padding([2, 8])
                        .style(button::text),
                );
            }
            col = col.push(list);
        }
        col = col.push(Space::new().height(6));
        col = col.push(text(t!("wizard-leave-out")).size(15));
        for p in ExcludePreset::ALL {
            col = col.push(
                checkbox(self.excludes.contains(&p))
                    .label(p.label())
                    .on_toggle(move |v| Message::Exclude(p, v))
                    .text_size(14),
            );
        }
        col = col.push(
            text(match self.estimate {
                None => t!("wizard-counting"),
                Some((files, bytes)) => t!(
                    "wizard-estimate",
                    files = crate::i18n::count(files),
                    size = humanize::size(bytes)
                ),
            })
            .size(14),
        );
        col.into()
    }

    fn where_view(&self) -> Element<'_, Message> {
        let mut col = column![text(t!("wizard-where-question")).size(15)].spacing(10);
        if self.fixed {
            col = col.push(
                text(t!(
                    "wizard-fixed-destination",
                    location = self.destination.get("uri"),
                    company = crate::customization::COMPANY
                ))
                .size(14),
            );
        } else {
            col = col.push(destination_form(
                &self.destination,
                Message::Kind,
                Message::Field,
                self.folder_dialog
                    .then_some(Message::Choose(FolderFor::Destination)),
            ));
        }
        col = col.push(
            row![
                button(text(t!("wizard-test-connection")).size(14))
                    .on_press_maybe(
                        (self.destination.location().is_ok() && self.test != Test::Running)
                            .then_some(Message::Test)
                    )
                    .style(theme::secondary),
                text(match &self.test {
                    Test::NotYet => String::new(),
                    Test::Running => t!("wizard-testing"),
                    Test::Done(Ok(p)) if p.exists => {
                        t!("wizard-test-existing", location = p.location.as_str())
                    }
                    Test::Done(Ok(p)) if p.missing_folder => {
                        t!("wizard-test-missing-folder", location = p.location.as_str())
                    }
                    Test::Done(Ok(p)) => t!("wizard-test-empty", location = p.location.as_str()),
                    Test::Done(Err(e)) => t!("wizard-test-failed", problem = e.as_str()),
                })
                .size(14)
                .style(match &self.test {
                    Test::Done(Ok(_)) => theme::coloured(Colours::ok()),
                    Test::Done(Err(_)) => theme::coloured(Colours::error()),
                    _ => theme::coloured(Colours::running()),
                }),
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        );
        col.into()
    }

    fn password_view(&self) -> Element<'_, Message> {
        let mut col = column![].spacing(10);
        if self.exists() {
            col = col.push(text(t!("wizard-existing-type-password")).size(15));
            col = col.push(
                row![
                    text_input(&t!("wizard-password-of-repository"), &self.typed)
                        .id("wizard-password")
                        .on_input(Message::Typed)
                        .on_submit(Message::Test)
                        .secure(true)
                        .size(14)
                        .padding(6),
                    button(text(t!("wizard-check-password")).size(14))
                        .on_press_maybe(
                            (!self.typed.is_empty() && self.password_check != Test::Running)
                                .then_some(Message::Test)
                        )
                        .style(theme::secondary),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
            if let Test::Done(Ok(p)) = &self.password_check
                && p.password_opens == Some(true)
            {
                col = col.push(
                    text(t!("wizard-password-opens"))
                        .size(14)
                        .style(theme::coloured(Colours::ok())),
                );
            }
        } else {
            col = col.push(text(t!("wizard-encrypted")).size(15));
            col = col.push(
                radio(
                    t!("wizard-generate"),
                    true,
                    Some(self.generate),
                    Message::Generate,
                )
                .size(16)
                .text_size(14),
            );
            if self.generate {
                col = col.push(
                    row![
                        text(self.generated.expose().to_string())
                            .size(16)
                            .font(iced::Font::MONOSPACE),
                        button(text(t!("wizard-copy")).size(13))
                            .on_press(Message::CopyPassword)
                            .style(theme::secondary),
                    ]
                    .spacing(12)
                    .align_y(Alignment::Center),
                );
            }
            col = col.push(
                radio(
                    t!("wizard-type-own"),
                    false,
                    Some(self.generate),
                    Message::Generate,
                )
                .size(16)
                .text_size(14),
            );
            if !self.generate {
                let (score, advice) = setup::strength(&self.typed);
                col = col.push(
                    text_input(&t!("wizard-password"), &self.typed)
                        .id("wizard-password")
                        .on_input(Message::Typed)
                        .secure(true)
                        .size(14)
                        .padding(6),
                );
                col = col.push(
                    text_input(&t!("wizard-password-again"), &self.typed_again)
                        .id("wizard-password-again")
                        .on_input(Message::TypedAgain)
                        .secure(true)
                        .size(14)
                        .padding(6),
                );
                if !self.typed.is_empty() {
                    let words = [
                        t!("wizard-strength-0"),
                        t!("wizard-strength-1"),
                        t!("wizard-strength-2"),
                        t!("wizard-strength-3"),
                        t!("wizard-strength-4"),
                    ];
                    let colour = if score >= setup::MIN_STRENGTH {
                        Colours::ok()
                    } else {
                        Colours::warning()
                    };
                    col = col.push(
                        text(format!(
                            "{}{}",
                            t!(
                                "wizard-strength",
                                level = words[usize::from(score.min(4))].as_str()
                            ),
                            if advice.is_empty() {
                                String::new()
                            } else {
                                format!(" — {advice}")
                            }
                        ))
                        .size(14)
                        .style(theme::coloured(colour)),
                    );
                }
            }
        }
        col = col.push(
            text(match &self.keyring {
                Some(Ok(())) => t!("wizard-kept-keyring"),
                Some(Err(why)) => t!("wizard-kept-file", why = why.as_str()),
                None => t!("wizard-keyring-checking"),
            })
            .size(13),
        );
        col = col.push(
            container(
                column![
                    text(t!("wizard-lose-password")).size(14).font(bold()),
                    text(t!("wizard-keep-elsewhere")).size(13),
                    row![
                        button(text(t!("wizard-save-sheet")).size(13))
                            .on_press(Message::SaveSheet)
                            .style(theme::secondary),
                        text(match &self.sheet {
                            None => String::new(),
                            Some(Ok(p)) => t!("wizard-sheet-saved", path = p.display().to_string()),
                            Some(Err(e)) => e.clone(),
                        })
                        .size(13),
                    ]
                    .spacing(10)
                    .align_y(Alignment::Center),
                    checkbox(self.kept)
                        .label(t!("wizard-kept"))
                        .on_toggle(Message::Kept)
                        .text_size(14),
                ]
                .spacing(8),
            )
            .padding(12)
            .style(theme::banner(Colours::warning())),
        );
        col.into()
    }

    fn when_view(&self) -> Element<'_, Message> {
        let daily = row![
            radio(
                t!("wizard-every-day-at"),
                Often::Daily,
                Some(self.often),
                Message::Often
            )
            .size(16)
            .text_size(14),
            text_input("12:30", &self.time)
                .id("wizard-time")
                .on_input(Message::Time)
                .size(14)
                .padding(6)
                .width(Length::Fixed(90.0)),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let hours = row![
            radio(
                t!("wizard-every"),
                Often::Hours,
                Some(self.often),
                Message::Often
            )
            .size(16)
            .text_size(14),
            text_input("6", &self.hours)
                .id("wizard-hours")
                .on_input(Message::Hours)
                .size(14)
                .padding(6)
                .width(Length::Fixed(70.0)),
            text(t!("wizard-hours")).size(14),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let mut col = column![
            text(t!("wizard-by-itself")).size(15),
            daily,
            hours,
            radio(
                t!("wizard-only-manual"),
                Often::Manual,
                Some(self.often),
                Message::Often
            )
            .size(16)
            .text_size(14),
        ]
        .spacing(10);
        if self.often != Often::Manual {
            col = col.push(
                checkbox(self.skip_recent)
                    .label(t!("wizard-skip-recent"))
                    .on_toggle(Message::SkipRecent)
                    .text_size(14),
            );
            col = col.push(text(t!("wizard-schedule-note")).size(13));
        }
        col = col.push(Space::new().height(6));
        col = col.push(text(t!("wizard-which-keep")).size(15));
        col = col.push(if self.fixed {
            Element::from(text(self.retention.to_string()).size(14))
        } else {
            pick_list(
                Retention::ALL.to_vec(),
                Some(self.retention),
                Message::Retention,
            )
            .text_size(14)
            .into()
        });
        col.into()
    }

    fn summary_view(&self) -> Element<'_, Message> {
        let r = self.new_repository();
        let location = self
            .destination
            .location()
            .map(|l| crate::config::secrets::mask_uri(&l.uri))
            .unwrap_or_default();
        let mut col = column![].spacing(8);
        if self.adding {
            col = col.push(
                row![
                    text(t!("wizard-repo-name")).size(14),
                    text_input("backup2", &self.name)
                        .id("wizard-name")
                        .on_input(Message::Name)
                        .size(14)
                        .padding(6)
                        .width(Length::Fixed(240.0)),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            );
        }
        let lines = [
            t!(
                "wizard-summary-back-up",
                paths = r
                    .paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            t!(
                "wizard-summary-leave-out",
                what = if r.excludes.is_empty() {
                    t!("wizard-summary-nothing")
                } else {
                    r.excludes
                        .iter()
                        .map(|e| {
                            e.label()
                                .split(" (")
                                .next()
                                .unwrap_or_default()
                                .to_lowercase()
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            if self.exists() {
                t!("wizard-summary-into-existing", location = location.as_str())
            } else {
                t!("wizard-summary-into-new", location = location.as_str())
            },
            match self.store() {
                PasswordStore::Keyring => t!("wizard-summary-password-keyring"),
                PasswordStore::File => t!("wizard-summary-password-file"),
            },
            t!(
                "wizard-summary-when",
                when = match self.often {
                    Often::Manual => t!("wizard-summary-manual"),
                    _ => self.schedule(),
                }
            ),
            t!(
                "wizard-summary-keep",
                what = self.retention.to_string().to_lowercase()
            ),
        ];
        for l in lines {
            col = col.push(text(l).size(14));
        }
        col = col.push(Space::new().height(6));
        col = col.push(
            checkbox(self.first_backup)
                .label(t!("wizard-first-backup"))
                .on_toggle(Message::FirstBackup)
                .text_size(14),
        );
        col.into()
    }
}

/// The kind of a destination and its fields (text fields with the field's key as
/// their id), with a folder dialog button for a local folder when `choose` is given.
pub fn destination_form<'a, M: Clone + 'a>(
    destination: &'a Destination,
    kind: fn(DestinationKind) -> M,
    field: fn(&'static str, String) -> M,
    choose: Option<M>,
) -> Element<'a, M> {
    let mut col = column![
        pick_list(DestinationKind::ALL.to_vec(), Some(destination.kind), kind).text_size(14),
    ]
    .spacing(10);
    for f in destination.kind.fields() {
        let key = f.key;
        let input = text_input(f.placeholder, destination.get_raw(key))
            .id(key)
            .on_input(move |v| field(key, v))
            .secure(f.secret)
            .size(14)
            .padding(6);
        let mut line = row![text(f.text()).size(14).width(Length::Fixed(230.0)), input]
            .spacing(10)
            .align_y(Alignment::Center);
        if destination.kind == DestinationKind::Local
            && let Some(choose) = &choose
        {
            line = line.push(button(text("Choose…").size(14)).on_press(choose.clone()));
        }
        col = col.push(line);
    }
    if destination.kind == DestinationKind::Sftp {
        col = col.push(text(t!("wizard-ssh-keys")).size(13));
    }
    col.into()
}

/// Up to eight folders whose path begins with `typed` (`~/` is the home folder),
/// hidden ones only when a dot was typed.
pub fn complete_folder(typed: &str) -> Vec<PathBuf> {
    let typed = match typed.strip_prefix("~/") {
        Some(rest) => format!("{}/{rest}", home().display()),
        None => typed.to_string(),
    };
    if !typed.starts_with('/') {
        return Vec::new();
    }
    let (dir, prefix) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => return Vec::new(),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.starts_with(prefix) && (prefix.starts_with('.') || !name.starts_with('.'))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out.truncate(8);
    out
}

fn home() -> PathBuf {
    directories::UserDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// The user's usual folders that exist: Documents first.
pub fn suggested_folders() -> Vec<PathBuf> {
    let Some(d) = directories::UserDirs::new() else {
        return Vec::new();
    };
    let home = d.home_dir().to_path_buf();
    let mut out: Vec<PathBuf> = Vec::new();
    for p in [
        d.document_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("Documents")),
        d.picture_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("Pictures")),
        d.desktop_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("Desktop")),
        d.audio_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("Music")),
        d.video_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join("Videos")),
    ] {
        if p.is_dir() && p != home && !out.contains(&p) {
            out.push(p);
        }
    }
    if out.is_empty() && home.is_dir() {
        out.push(home);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brand_that_fixes_the_destination_keeps_it() {
        let mut preset = Destination::new(DestinationKind::Uri);
        preset.values.insert(
            "uri",
            "rest:https://backup.acme.example/${MACHINE_ID}".into(),
        );
        let (mut w, _) = Wizard::new(
            Vec::new(),
            Some(Ok(())),
            false,
            Some(preset.clone()),
            "30d",
            true,
        );
        w.update(Message::Kind(DestinationKind::Local));
        w.update(Message::Field("uri", "/tmp/elsewhere".into()));
        w.update(Message::Retention(Retention("keep-all")));
        let r = w.new_repository();
        assert_eq!(r.destination, preset);
        assert_eq!(r.retention, "30d");
        // a brand that lets users choose starts there but allows another place
        let (mut w, _) = Wizard::new(Vec::new(), Some(Ok(())), false, Some(preset), "30d", false);
        w.update(Message::Kind(DestinationKind::Local));
        assert_eq!(w.new_repository().destination.kind, DestinationKind::Local);
    }

    #[test]
    fn the_path_field_completes_folders() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["Documents", "Downloads", ".hidden", "Music"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("Dfile"), "").unwrap();
        let base = dir.path().display().to_string();
        let names = |typed: &str| -> Vec<String> {
            complete_folder(typed)
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
                .collect()
        };
        assert_eq!(names(&format!("{base}/Do")), ["Documents", "Downloads"]);
        assert_eq!(
            names(&format!("{base}/")),
            ["Documents", "Downloads", "Music"]
        );
        assert_eq!(names(&format!("{base}/.h")), [".hidden"]);
        assert!(names("relative/path").is_empty());
        assert!(names(&format!("{base}/nothing/x")).is_empty());
    }
}
