# English messages. Every key here must exist in every other language (a test checks).
# { -product } is the brand's name, { -cli } its command-line program.

## Times and periods
just-now = just now
ago-minutes = { $n ->
    [one] { $n } minute ago
   *[other] { $n } minutes ago
}
ago-hours = { $n ->
    [one] { $n } hour ago
   *[other] { $n } hours ago
}
ago-days = { $n ->
    [one] { $n } day ago
   *[other] { $n } days ago
}
ago-months = { $n ->
    [one] { $n } month ago
   *[other] { $n } months ago
}
ago-years = { $n ->
    [one] { $n } year ago
   *[other] { $n } years ago
}
period-weeks = { $n ->
    [one] { $n } week
   *[other] { $n } weeks
}
period-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
period-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
period-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
period-seconds = { $n ->
    [one] { $n } second
   *[other] { $n } seconds
}
upcoming-today = today { $time }
upcoming-tomorrow = tomorrow { $time }
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun

## Tray
tray-no-backup-yet = No backup run yet
tray-back-up-now = Back up now
tray-all-repositories = All repositories
tray-pause-hour = Pause backups for 1 hour
tray-pause-tomorrow = Pause backups until tomorrow
tray-resume = Resume backups
tray-open = Open { -product }
tray-quit = Quit

## Notifications
notice-too-old = { $repo }: the last backup is too old
notice-too-old-body = The last backup was made { $ago }. Open { -product } and back up now.
notice-settings-unavailable = The settings cannot be shown
notice-scheduler-refused = The scheduler refused
notice-file-cannot-open = The file cannot be opened

## Welcome
welcome-title = Welcome to { -product }
welcome-no-config = There is no configuration yet. Start with the default:
welcome-back-up = • back up { $paths }
welcome-into = • into an encrypted repository at { $repository } (no server needed)
welcome-password = • with a strong password generated for you and kept beside the configuration ({ $config })
welcome-keep-password = Keep a copy of that password somewhere safe: without it, nobody can read the backups, including you.
welcome-or-choose = Or choose each of these yourself: another folder, an external drive, a server or cloud storage, a schedule.
welcome-quit = Quit
welcome-open-repository = Open a repository…
welcome-step-by-step = Set up step by step…
welcome-defaults = Set up with these defaults

## Setup wizard
wizard-step-what = What to back up
wizard-step-where = Where the backups go
wizard-step-password = The password
wizard-step-when = When to back up
wizard-step-ready = Ready
wizard-keep-days = Every backup of the last { $days } days
wizard-keep-gfs = Daily for a week, weekly for a month, monthly for a year, then yearly
wizard-keep-all = Keep every backup
wizard-need-folder = Choose at least one folder to back up.
wizard-test-first = Test the connection first.
wizard-testing-connection = Testing the connection…
wizard-type-existing-password = Type the password of the existing repository.
wizard-password-wrong = This password does not open the repository.
wizard-checking-password = Checking the password…
wizard-check-password-first = Check the password first.
wizard-password-short = Use at least 8 characters (a long passphrase is best).
wizard-password-weak = This password is too easy to guess: make it longer, or let one be generated.
wizard-passwords-differ = The two passwords differ.
wizard-confirm-kept = Confirm that you have kept the password somewhere safe.
wizard-hours-range = Every how many hours? A number from 1 to 168.
wizard-name-chars = Name the repository with letters, digits, - and _.
wizard-time-problem = The time: { $problem }
wizard-name-taken = There is already a repository named { $name }.
wizard-heading-add = Add a repository — { $step }
wizard-heading-welcome = Welcome to { -product } — { $step }
wizard-working = Working…
wizard-connect = Connect
wizard-create = Create the repository
wizard-next = Next
wizard-cancel = Cancel
wizard-back = Back
wizard-choose-folders = Choose the folders to back up:
wizard-remove = Remove
wizard-another-folder = Another folder (its full path)
wizard-add = Add
wizard-leave-out = Leave out:
wizard-where-question = Where should the backups go?
wizard-test-connection = Test connection
wizard-testing = Testing…
wizard-existing-type-password = A repository already exists there: type its password.
wizard-password-of-repository = Password of the repository
wizard-check-password = Check password
wizard-password-opens = The password opens the repository.
wizard-encrypted = Backups are encrypted with a password. Nobody can read them without it.
wizard-generate = Generate a strong password for me
wizard-copy = Copy
wizard-type-own = I will type my own
wizard-password = Password
wizard-password-again = The same password again
wizard-lose-password = If you lose this password, your backups are lost: nobody can recover it, not even us.
wizard-keep-elsewhere = Keep it somewhere other than this computer: print the recovery sheet, or save it in a password manager.
wizard-save-sheet = Save recovery sheet…
wizard-kept = I have kept the password somewhere safe
wizard-every-day-at = Every day at
wizard-every = Every
wizard-hours = hours
wizard-by-itself = Back up by itself:
wizard-only-manual = Only when I click Back up now
wizard-skip-recent = Skip a scheduled backup when a recent one exists (e.g. made by hand)
wizard-which-keep = Which backups to keep:
wizard-repo-name = Name of the repository
wizard-first-backup = Make the first backup now
wizard-ssh-keys = The server is reached with your SSH keys (ssh-agent or ~/.ssh): no password is stored.
wizard-counting = Counting what the folders hold…
wizard-estimate = { $files ->
    [one] About { $files } file, { $size } to back up (the first backup reads it all; later ones only what changed).
   *[other] About { $files } files, { $size } to back up (the first backup reads it all; later ones only what changed).
}
wizard-fixed-destination = To { $location }, as { $company } set it up for this computer.
wizard-test-existing = Connected: a repository already exists at { $location }. It will be used (you give its password next).
wizard-test-missing-folder = The folder { $location } does not exist yet: it will be created with the repository.
wizard-test-empty = Connected: { $location } is empty, a new repository will be created there.
wizard-test-failed = Failed: { $problem }
wizard-strength-0 = very weak
wizard-strength-1 = weak
wizard-strength-2 = fair
wizard-strength-3 = strong
wizard-strength-4 = very strong
wizard-strength = Strength: { $level }
wizard-keyring-checking = Checking whether the system keyring can keep it…
wizard-kept-keyring = It will be kept in this computer's keyring, so backups run without asking for it.
wizard-kept-file = It will be kept in a file readable by you alone, beside the configuration: { $why }. To keep it in the keyring instead, unlock or start the keyring, then run this setup again.
wizard-sheet-saved = Saved to { $path } — print it, then keep it safe.
wizard-schedule-note = Scheduled backups run while this app is open; to have them run with the window closed too, turn on “Keep backing up when this window is closed” on the main screen (or run `{ -cli } service install --user`). A missed one runs when the computer is back on.
wizard-summary-back-up = Back up: { $paths }
wizard-summary-leave-out = Leave out: { $what }
wizard-summary-nothing = nothing
wizard-summary-into-existing = Into: { $location } (the existing repository)
wizard-summary-into-new = Into: { $location } (a new encrypted repository)
wizard-summary-password-keyring = Password: kept in this computer's keyring
wizard-summary-password-file = Password: kept in a file readable by you alone
wizard-summary-when = When: { $when }
wizard-summary-manual = when you click Back up now
wizard-summary-keep = Keep: { $what }

## Destinations
dest-local = A folder or external drive
dest-sftp = An SSH server (SFTP)
dest-rest = A REST server (rest-server, rustic_server)
dest-s3 = S3-compatible storage (AWS, MinIO, Wasabi…)
dest-b2 = Backblaze B2
dest-azure = Azure Blob Storage
dest-rclone = An rclone remote
dest-uri = Another location (written as a URI)
field-folder = Folder
field-user = User
field-server = Server
field-port-optional = Port (optional)
field-folder-on-the-server = Folder on the server
field-address = Address
field-user-optional = User (optional)
field-its-password-optional = Its password (optional)
field-endpoint = Endpoint
field-bucket = Bucket
field-folder-in-the-bucket-optional = Folder in the bucket (optional)
field-region-optional = Region (optional)
field-access-key-id = Access key ID
field-secret-access-key = Secret access key
field-bucket-id = Bucket ID
field-application-key-id = Application key ID
field-application-key = Application key
field-storage-account = Storage account
field-container = Container
field-account-key = Account key
field-folder-in-the-container-optional = Folder in the container (optional)
field-remote-and-folder = Remote and folder
field-location = Location
setup-needed = { $field } is needed
setup-whole-path = Folder: give the whole path, starting with /
setup-address-scheme = Address: start it with https:// (or http://)
setup-password-needs-user = User: a password needs its user
setup-endpoint-scheme = Endpoint: start it with https:// (or http://)
setup-port = Port: `{ $port }` is not a port number
setup-rclone-form = Remote and folder: write it as rclone does, REMOTE:folder
exclude-caches = Caches (browser and app caches, node_modules, __pycache__)
exclude-temporary = Temporary files (*.tmp, *.swp, partial downloads)
exclude-system = System files (Thumbs.db, .DS_Store, trash folders)

## Main window
action-backup = Backup
doing-backup = Backing up
action-forget = Forget
doing-forget = Forgetting snapshots
action-check = Check
doing-check = Checking the repository
action-housekeeping = Housekeeping
doing-housekeeping = Housekeeping
action-prune = Prune
doing-prune = Pruning
action-unlock = Stale-lock removal
doing-unlock = Removing stale locks
action-init = Repository creation
doing-init = Creating the repository
action-test-email = Test e-mail
doing-test-email = Sending a test e-mail
action-restore = Restore
doing-restore = Restoring
action-unlock-button = Remove stale locks
action-test-email-button = Send a test e-mail
about-check = Reads the repository's structure and reports damage. Safe to run at any time.
about-housekeeping = Check, then forget snapshots by the retention policy, then prune.
about-prune = Frees the space of data no snapshot uses any more.
about-unlock = Removes locks left by jobs that are no longer running (after a crash).
about-test-email = Sends a mail to the recipients of this repository's monitoring settings.
operations = Operations
operations-on = On repository { $repo }. The result shows in the window when the operation ends.
no-repository = No repository is configured.
repository = Repository
refresh = Refresh
operations-button = Operations
settings-cannot-read = { $path } cannot be read: { $cause }
settings-button = Settings
add-repository = Add repository…
about = About
back-up-now = Back up now
create-repository = Create the repository
keep-them = Keep them
forget = Forget
copy-to-clipboard = Copy to clipboard
config-unreadable = The configuration could not be read
config-correct = Correct what is listed below in the file, then reload.
reload = Reload
show-log = Show log
close = Close
forget-selected = Forget selected
forget-selected-n = Forget selected ({ $n })
browse-this = Browse this snapshot
browse-and-restore = Browse and restore
repository-allows = This repository allows: { $what }
reading-snapshots = Reading the snapshot list…
snapshot-count = { $n ->
    [one] { $n } snapshot
   *[other] { $n } snapshots
}
no-snapshots = No snapshots yet.
last-backup = Last backup: { $time } ({ $ago })
no-backup-yet = No backup of this computer yet.
this-computer = this computer
checking-repository = Checking the repository…
backed-up = Backed up { $ago }
last-backup-of = Last backup of { $host }: { $time }
too-old-after = {" "}· backups older than { $limit } count as too old
too-old = The last backup is too old: { $ago }
too-old-detail = Last backup of { $host }: { $time }; backups should be younger than { $limit }.
back-up-to-be-safe = Back up now to be safe again.
never-backed-up = Never backed up
never-backed-up-detail = This repository has no backup of { $host } yet. Back up now to make the first one.
doing-ellipsis = { $doing }…
forget-question = { $n ->
    [one] Forget { $n } snapshot from { $repo }?
   *[other] Forget { $n } snapshots from { $repo }?
}
forget-explained = { $n ->
    [one] This snapshot will be removed from the list; its files can no longer be restored from it. The space only it uses is freed by the next prune.
   *[other] These snapshots will be removed from the list; their files can no longer be restored from them. The space only they use is freed by the next prune.
}
job-finished = { $noun } finished
job-warned = { $noun } finished with warnings
job-cancelled = { $noun } was cancelled
job-failed = { $noun } failed
job-failed-because = { $noun } failed: { $why }
job-cancelled-detail = Nothing was lost: the next run picks up where this one stopped.
time-left = about { $left } left
doing-starting = { $doing }: starting
cancelling = Cancelling…
cancel = Cancel

## Results, problems, viewer
summary-backup = files: { $new } new, { $changed } changed, { $unchanged } unchanged · { $added } added ({ $stored } stored) · { $processed } processed in { $duration }
summary-forget = { $removed } removed, { $kept } kept
summary-prune = { $freed } freed; { $unused } still unused
summary-check = No errors were found.
summary-housekeeping = No errors found · { $removed ->
    [one] { $removed } snapshot forgotten
   *[other] { $removed } snapshots forgotten
} · { $freed } freed
summary-unlock = { $n ->
    [0] There was no stale lock.
    [one] Removed { $n } stale lock.
   *[other] Removed { $n } stale locks.
}
summary-init = The repository is ready for its first backup.
summary-restore = { $files ->
    [one] { $files } file
   *[other] { $files } files
} ({ $size }) restored into { $target } · { $unchanged } already up to date
summary-conflicts = { $n ->
    [one] { $n } existing item left untouched
   *[other] { $n } existing items left untouched
}, e.g. { $example }
summary-not-restored = Not restored: { $path }: { $reason }
summary-sent = Sent to { $to }.
no-job-yet = No job has run yet
made-by = Made by { $company }. Support: { $support }
problem-wrong-password = The repository did not accept the password
problem-unreachable = The repository cannot be reached
problem-not-initialised = There is no repository at this location yet
problem-locked = Another job is working on the repository
problem-config = The configuration needs attention
problem-other = The repository could not be read
advice-wrong-password = Check the password (or password file/command) set for this repository in the settings.
advice-unreachable = Check the network connection and that the server or disk is available, then refresh.
advice-not-initialised = Create it (here, or with { -cli } init), or correct its location in the settings.
advice-locked = Wait for the other job to finish; if none is running, remove the stale lock from Operations.
advice-config = Correct the setting named below, then refresh.
advice-other = See the details below and the log of the last job.
viewer-title = Open a repository
viewer-intro = Read-only: list the snapshots, browse them and restore files. Nothing is written to the repository, and no configuration is saved.
viewer-password-placeholder = The repository's password
viewer-opening = Opening…
viewer-open = Open
viewer-no-repository = There is no repository at { $location }.
viewer-wrong-password = This password does not open the repository at { $location }.

## Browser
browser-choose-folder = Choose the folder to restore into.
browser-first-snapshot = This is the first snapshot: there is nothing before it to compare with.
browser-listing-failed = the folder's listing could not be read
browser-too-many = Only the first { $max } matches are shown: search for something more precise.
browser-history-failed = the history could not be read
browser-compare-failed = the comparison could not be read
browser-session-ended = The browsing session ended.
browser-tab-files = Files
browser-tab-search = Search
browser-tab-history = History
browser-tab-compare = Compare
browser-back = ← Back
browser-title = Browse { $repo }
browser-snapshot = Snapshot
browser-find-placeholder = Find files by name (e.g. report, *.pdf)
browser-everywhere = In every snapshot
browser-find = Find
browser-restore-all = Restore the whole snapshot…
browser-restore-n = { $n ->
    [one] Restore { $n } item…
   *[other] Restore { $n } items…
}
browser-tick = Tick files and folders to restore them.
browser-open = Open
job-waiting-for-keyring = waiting for the keyring…
job-waiting-for-password-command = waiting for the password command…
job-not-started-cancelled = cancelled before it started
browser-open-in-file-manager = Open in file manager
browser-opening-in-file-manager = Opening…
browser-cannot-open-in-file-manager = It cannot be shown in the file manager: { $reason }
browser-show-history = Show history
browser-empty = This snapshot is empty.
browser-opening = Opening the snapshot…
browser-searching = Searching…
browser-searching-n = { $n ->
    [one] Searching… { $n } path so far
   *[other] Searching… { $n } paths so far
}
browser-nothing-like = Nothing named like “{ $query }”.
browser-type-a-name = Type a name above and press Enter or Find.
browser-found = { $paths ->
    [one] { $paths } path
   *[other] { $paths } paths
} found, { $versions ->
    [one] { $versions } version
   *[other] { $versions } versions
}
browser-unchanged = {" "}(unchanged)
browser-restore = Restore
browser-pick-for-history = Pick a file or folder in Files, then “Show history”.
browser-history-of = History of { $path }
browser-reading-all = Reading every snapshot…
browser-history-summary = In { $snapshots ->
    [one] { $snapshots } snapshot
   *[other] { $snapshots } snapshots
}, { $versions ->
    [one] { $versions } different version
   *[other] { $versions } different versions
}
browser-changed = {" "}· changed
browser-restore-version = Restore this version
browser-changes-since = Changes since
browser-filter = Filter paths
browser-comparing = Comparing…
browser-no-differences = No differences.
browser-diff-counts = { $added } added, { $removed } removed, { $changed } changed
browser-whole-snapshot = the whole snapshot
browser-n-items = { $n ->
    [one] { $n } item
   *[other] { $n } items
}
browser-what = What: { $what }
browser-into-folder = Into a folder
browser-folder-placeholder = Folder to restore into (its full path)
choose = Choose…
browser-original = To where it was (original location)
browser-existing-files = Files that already exist there:
browser-overwrite-if-changed = Replace them when they changed (size or date)
browser-overwrite-never = Keep them (never overwrite)
browser-overwrite-always = Replace them whenever the content differs (reads them)
browser-reviewing = Looking at what the restore would do…
browser-review = { $files ->
    [one] { $files } file
   *[other] { $files } files
} ({ $size }) will be written{ $replaced ->
    [0] {""}
   *[other] , { $replaced } of them replacing existing files
}; { $unchanged } already up to date.
browser-review-conflicts = { $n ->
    [one] { $n } existing item will be left as it is: { $examples }
   *[other] { $n } existing items will be left as they are: { $examples }
}
browser-review-failed = { $n ->
    [one] { $n } item cannot be restored there.
   *[other] { $n } items cannot be restored there.
}
browser-restore-now = Restore now
browser-review-button = Review
browser-show = Show
browser-reading = {" "}(reading…)
browser-unreadable = {" "}(cannot be read)
browser-mark-added = + added
browser-mark-removed = − removed
browser-mark-changed = ~ changed
browser-mark-metadata = · metadata

## Settings
setting-backup-paths = Folders and files to back up
setting-backup-exclude = Leave out (globs)
setting-backup-iexclude = Leave out, ignoring case (globs)
setting-backup-exclude-file = Files of globs to leave out
setting-backup-iexclude-file = Files of globs to leave out, ignoring case
setting-backup-exclude-if-present = Leave out folders holding a file named
setting-backup-exclude-caches = Leave out folders with a CACHEDIR.TAG
setting-backup-one-file-system = Stay on one file system
setting-backup-exclude-larger-than = Leave out files larger than
setting-backup-source = What a backup reads
setting-backup-stdin-command = Command whose output is backed up
setting-backup-stdin-filename = File name of that output
setting-backup-database = Database (or SQLite file)
setting-backup-dump-format = PostgreSQL dump format
setting-backup-db-host = Database server
setting-backup-db-port = Database port
setting-backup-db-user = Database user
setting-backup-domains = Domains (KVM guests, by name or pattern)
setting-backup-libvirt-uri = libvirt connection (default: virsh's)
setting-backup-files-from = Files listing what to back up (one path or pattern a line)
setting-backup-files-from-verbatim = Files listing paths to back up, taken as they are
setting-backup-files-from-raw = Files listing paths separated by NUL bytes
setting-backup-tags = Tags
setting-backup-host = Host name in snapshots
setting-backup-minimum-backup-size = Smaller than this is an error
setting-group = Group it inherits from
setting-uri = Location
setting-fallback-uris = Fallback locations
setting-password = Password (in the file)
setting-password-keyring = Password: keyring entry
setting-password-file = Password: file
setting-password-command = Password: command
setting-password-env = Password: environment variable
setting-backend-options = Backend options
setting-permissions = Permissions
setting-schedule-backup = Back up
setting-schedule-housekeeping = Housekeeping
setting-schedule-check = Check
setting-schedule-check-read-data-subset = Check also reads
setting-schedule-skip-if-recent = Skip when the last backup is younger than
setting-schedule-on-ac-power-only = Only on mains power
setting-schedule-not-on-metered-network = Not on a metered network
setting-retention-preset = Keep (preset)
setting-retention-keep-last = Keep the last
setting-retention-keep-hourly = Keep hourly
setting-retention-keep-daily = Keep daily
setting-retention-keep-weekly = Keep weekly
setting-retention-keep-monthly = Keep monthly
setting-retention-keep-yearly = Keep yearly
setting-retention-keep-within = Keep all within
setting-retention-keep-within-hourly = Keep hourly within
setting-retention-keep-within-daily = Keep daily within
setting-retention-keep-within-weekly = Keep weekly within
setting-retention-keep-within-monthly = Keep monthly within
setting-retention-keep-within-yearly = Keep yearly within
setting-retention-keep-tags = Always keep snapshots tagged
setting-retention-group-by = Group snapshots by
setting-backup-pre-exec-commands = Before the backup
setting-backup-pre-exec-timeout = Time limit of each
setting-backup-pre-exec-failure-is-fatal = A failure cancels the backup
setting-backup-post-exec-commands = After the backup
setting-backup-post-exec-timeout = Time limit of each
setting-backup-post-exec-failure-is-fatal = A failure fails the job
setting-backup-post-exec-run-on-failure = Also after a failed backup
setting-monitoring-instance = Instance label
setting-monitoring-backup-job = Backup job label
setting-monitoring-labels = More labels
setting-monitoring-prometheus-textfile-dir = Textfile collector folder
setting-monitoring-push-urls = Push gateway URLs
setting-monitoring-push-username = Push gateway user
setting-monitoring-push-password-env = Its password: environment variable
setting-monitoring-push-password-file = Its password: file
setting-monitoring-push-ca-file = CA certificates for it
setting-monitoring-push-insecure-tls = Accept any certificate
setting-monitoring-timeout = Time limit of a push or ping
setting-monitoring-healthchecks-url = Healthchecks URL
setting-monitoring-webhooks = Webhooks
setting-monitoring-email-smtp-server = Mail: SMTP server
setting-monitoring-email-smtp-port = Mail: port
setting-monitoring-email-security = Mail: security
setting-monitoring-email-username = Mail: user
setting-monitoring-email-password-env = Mail: password variable
setting-monitoring-email-password-file = Mail: password file
setting-monitoring-email-ca-file = Mail: CA certificates
setting-monitoring-email-insecure-tls = Mail: accept any certificate
setting-monitoring-email-from = Mail: sender
setting-monitoring-email-on-backup-success = Mail when a backup succeeds, to
setting-monitoring-email-on-backup-failure = Mail when a backup fails, to
setting-monitoring-email-on-operation-success = Mail when an operation succeeds, to
setting-monitoring-email-on-operation-failure = Mail when an operation fails, to
setting-monitoring-email-on-backup-too-old = Mail when backups are too old, to
setting-repo-compression = Compression (at creation)
setting-repo-minimum-backup-age = Too old after
setting-repo-cache-dir = Cache folder
setting-repo-no-cache = No cache
setting-repo-priority = Priority
setting-repo-job-timeout = Time limit of a job
setting-repo-random-delay = Random delay of scheduled runs
setting-repo-storage-heuristics = Warn about unusual backups
setting-repo-upload-limit = Upload limit (per second)
setting-repo-download-limit = Download limit (per second)
setting-repo-pack-size = Pack size
setting-identity-machine-id = Machine ID
setting-identity-machine-group = Machine group
setting-identity-tenant = Tenant
setting-desktop-notify-on-success = Notify when a backup succeeds
setting-desktop-notify-when-too-old = Notify when backups are too old
setting-desktop-theme = Appearance
setting-desktop-language = Language
tab-sources = Sources & exclusions
tab-destination = Destination
tab-schedule = Schedule & retention
tab-commands = Pre/post commands
tab-monitoring = Monitoring
tab-advanced = Advanced
settings-title = Settings
settings-locked = A manager password protects these settings.
settings-manager-password = Manager password
settings-unlock = Unlock
settings-wrong-manager = Wrong manager password.
settings-of = Settings of
settings-scope-machine = This computer
settings-scope-group = Group { $name }
settings-scope-repo = Repository { $name }
settings-choose-scope = These settings belong to a group or a repository: choose one above.
settings-discard = Discard changes
settings-save = Save
settings-reset = Reset to inherited
settings-remove = Remove
settings-not-set = not set
settings-set-here = set here
settings-changed = changed here (not saved)
settings-added-to = set here (added to the list of { $from })
settings-inherited = inherited from { $from }
settings-from-group = group { $name }
settings-from-defaults = the defaults
settings-saved = Saved. The previous version is kept as { $path }.
settings-file-changed = The file changed on disk: this is what it says now.
settings-file-changed-dirty = The file changed on disk since these changes began: saving replaces what changed there.
settings-secret-set = (set in the file)
settings-none = (none)
settings-not-set-choice = (not set)

## Title, tray, schedule
dialog-restore-into = Restore into
dialog-back-up-folder = Back up this folder
dialog-keep-in = Keep the backups in
dialog-repository-folder = The repository's folder
notice-not-allowed = { $noun } is not allowed
title-viewer = { -product } — viewer (read-only)
tooltip-backed-up = backed up { $ago }
tooltip-never = never backed up
tooltip-checking = checking…
tooltip-last = Last: { $repo } — { $headline } ({ $ago })
schedule-by-window = run while this window is open: no scheduler service is running (turn on “Keep backing up when this window is closed” to run them with the window closed)
schedule-by-service = by the scheduler service
schedule-paused-until = paused until { $when }
schedule-due-now = due now
schedule-next = next { $when }
schedule-not-scheduled = not scheduled
schedule-line = Scheduled backups: { $when } · { $next } ({ $by })

## Snapshot table
column-time = Time
column-id = ID
column-host = Host
column-tags = Tags
column-files = Files
column-added = Added

## "Managed by my organisation": enrolment with a fleet server
welcome-managed-hint = Does your organisation manage this computer's backups?
welcome-managed = Managed by my organisation…
managed-title = Managed by my organisation
managed-intro = Your organisation's fleet server sets up your backups: it sends this computer its configuration and the repository password, and watches that backups happen. Enter the server's address and the enrolment token your administrator gave you.
managed-server = Server address (https://…)
managed-token = Enrolment token
managed-fallback = Second server (optional)
managed-enrol = Enrol this computer
managed-enrolling = Enrolling with the server…
managed-enrolled = This computer is enrolled as { $machine } in the group { $group }.
managed-config-later = Your organisation has not provided a configuration for this group yet: it arrives at the next check-in of the backup service (npbackup-cli service install, or `npbackup-cli fleet sync` now).
managed-config-refused = The configuration the server sent was not applied: { $error }. Your administrator has been told.
managed-no-state-folder = Cannot tell where this computer's settings go (is $HOME set?).
browser-showing = Showing { $path }, where this snapshot's folders are
browser-whole-tree = Show the whole snapshot
service-switch = Keep backing up when this window is closed
service-changing = changing…
service-off = off: scheduled backups run while this window is open
service-running = on: the scheduler service runs them, window open or not
service-stopped = installed, but not running ({ $state })
service-failed = The scheduler service could not be changed: { $why }
service-no-cli = { $program } is not installed beside this app: the scheduler service runs it (install the command-line package)
