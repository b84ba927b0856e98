# English messages of the command line and of the layers below it (errors,
# configuration checks, jobs, the scheduler, monitoring). Every key here must exist
# in every other language (a test checks).
# { -product } is the brand's name, { -cli } its command-line program. Configuration
# keys, command-line flags and the text of other programs stay as they are.

## Errors (error.rs)
err-not-initialised = no repository at { $location }{ $hint }. Run `{ -cli } init` (with the same repository options) to create one.
err-io = { $doing } { $path }: { $cause }
err-engine = { $doing }: { $message }
err-disk-full = the disk is full ({ $cause }): free some space and run it again

## Opening and creating repositories (engine/mod.rs)
engine-bad-location = cannot use the repository location { $location }: { $cause }
engine-location-unreachable = the repository location { $location } cannot be reached: { $cause }
engine-hint-no-folder = {" "}(the folder does not exist: if it is on a removable or network drive, is that drive connected and mounted?)
engine-hint-not-initialised = : it has not been initialised
engine-unreachable = repository `{ $repo }` cannot be reached at any of its locations:
    {"  "}{ $failures }
    Check the network, the server and the address; add fallback-uris for mirrors.
engine-key-damaged = the key file { $key } is damaged ({ $cause }), and no other key could be tried. If you have another password for this repository, try it; otherwise put back the key file from a copy of the repository
engine-wrong-password = wrong password for the repository at { $location }: no key in the repository opens with it. Check the password source (password-file, password-command, password-env or NPBACKUP_PASSWORD).
engine-opening = opening the repository at { $location }
engine-preparing = preparing repository { $location }
engine-no-location = no repository location given
engine-probe-unreachable = { $location } cannot be reached: { $cause }
engine-password-too-short = the password is too short: use at least 8 characters (a long passphrase is best)
engine-already-exists = a repository already exists at { $location }; nothing was changed
engine-init-unreachable = cannot reach { $location } to create the repository: { $cause }
engine-creating = creating the repository at { $location }

## Repository locations (engine/location.rs)
engine-location-empty = the repository location is empty
engine-bad-rest = `rest:{ $url }` is not a REST location: write rest:http://host:8000/path
engine-rest-two-accounts = the REST location already names an account (user@host): give the account either in the location or as the backend options username and password, not both
engine-rest-password-needs-user = the backend option `password` of a REST location needs `username` too
engine-bad-sftp = `sftp:{ $rest }` is not an SFTP location: write sftp:user@host:/path or sftp://user@host:port/path
engine-bad-s3 = `s3:{ $rest }` is not an S3 location: write s3:https://host/bucket[/prefix]

## Repository operations (engine/ops.rs)
engine-retention-too-long = retention duration too large: { $cause }
engine-bad-tag-list = bad tag list `{ $tags }`: { $cause }
engine-reading-snapshots = reading the snapshots
engine-forget-needs-what = forget needs snapshot ids, --tag, or a retention policy
engine-policy-keeps-nothing = the retention policy keeps nothing: set at least one keep-* rule (or use a preset such as gfs)
engine-bad-group-by = bad group-by: { $cause }
engine-applying-policy = applying the retention policy
engine-saving-snapshots = saving snapshots
engine-removing-snapshots = removing snapshots
engine-bad-limit = bad { $option } `{ $value }`: { $cause }
engine-planning-prune = planning the prune
engine-pruning = pruning
engine-disk-full = the disk is full (no space left on it): what was saved before is intact. Free some space (or move the repository to a larger disk) and run it again. In detail: { $cause }
engine-bad-read-data-subset = bad read-data-subset `{ $value }`: { $cause }
engine-checking = checking the repository
engine-checking-at = checking { $location }
engine-check-errors = { $n ->
    [one] { $n } error found:
   *[other] { $n } errors found:
}
    {"  "}{ $errors }
    To repair: { $repairs }, then check again.
# What check finds (engine/findings.rs). $pack, $blob, $tree: the first characters of an id.
check-hint = hint: { $message }
check-then = , then{" "}
check-mixed-pack = pack { $pack } holds both folders and file data, as restic wrote packs before 0.8.0 (2017): nothing is wrong, and `{ -cli } prune` repacks it into separate packs
check-pack-in-several-indexes = pack { $pack } is listed by { $n } index files: nothing is lost, and `{ -cli } repair index` lists it once
check-pack-not-indexed = pack { $pack } is in no index file (an interrupted backup leaves such packs, and so does a damaged index): `{ -cli } repair index` adds it to the index, and `{ -cli } prune` removes it when nothing needs it
check-pack-missing = pack { $pack } is listed in the index but missing from the repository
check-pack-missing-deleted = pack { $pack }, already marked for removal, is missing from the repository
check-pack-size = pack { $pack } has { $size } bytes, but the index says { $index_size }
check-pack-time = pack { $pack } is marked for removal without a time: `{ -cli } prune` corrects it
check-index-offsets = the index gives wrong places for the blobs of pack { $pack }
check-file-data-missing = the file { $file } needs data ({ $blob }) that no index file lists
check-folder-missing = the folder { $folder } ({ $tree }) is not in the index
check-folder-not-indexed = a folder of a snapshot ({ $tree }) is in no index file, so the check of the snapshots stopped there
check-folders-unreadable = the snapshots' folders cannot all be read: { $cause }
check-file-damaged = the file { $file } is damaged in the snapshot (its list of data is missing or empty)
check-folder-damaged = the folder { $folder } is damaged in the snapshot (it has no contents list)
check-pack-unreadable = pack { $pack } cannot be read: { $cause }
check-pack-damaged = pack { $pack } is damaged: its contents do not match its name or its header
check-blob-damaged = the data { $blob } in pack { $pack } is damaged
check-cache = the local cache differs from the repository (it is refreshed on the next run): { $what }
engine-repairing-index = repairing the index
engine-reading-index = reading the index
engine-repairing-snapshots = repairing snapshots
engine-listing-keys = listing the keys
engine-reading-key = reading a key
engine-new-password-too-short = the new password is too short: use at least 8 characters
engine-adding-key = adding a key
engine-no-key-matches = no key matches `{ $id }`
engine-key-ambiguous = `{ $id }` matches { $n } keys: give more characters
engine-key-in-use = key { $id } is the one in use: it cannot be removed (open the repository with another password to remove it)
engine-bad-key-id = bad key id: { $cause }
engine-removing-key = removing the key
engine-copy-chunker-differs = { $from } and { $to } were created with different chunker settings: copied data would not deduplicate with what the target holds. Copy into a repository created for it (same chunker parameters), or back up into { $to } directly.
engine-comparing-for-copy = comparing the snapshots of both repositories
engine-reading-index-of = reading the index of { $location }
engine-copying-into = copying snapshots into { $location }

## Backups (engine/backup.rs)
engine-bad-time = `{ $time }` is not a time: write 2024-05-01T10:00:00Z or "2024-05-01 10:00:00"
engine-backing-up-stdin = backing up standard input to { $location }
engine-removing-too-small = removing the too-small snapshot
# (keep the key `minimum-backup-size` in this message: the job process looks for it)
engine-too-small = the backup processed only { $processed } but minimum-backup-size is { $minimum }: no snapshot was kept. Check that the source is mounted and readable.
engine-bad-tag = invalid tag `{ $tag }`: { $cause }
engine-preparing-snapshot = preparing the snapshot
engine-command-unparsable = stdin-command `{ $command }` cannot be parsed: { $cause }
engine-command-cannot-start = cannot start stdin-command `{ $command }`: { $cause }
engine-backing-up-command = backing up the output of `{ $command }` to { $location }
engine-removing-failed-command-snapshot = removing the snapshot of a failed command
engine-command-failed = stdin-command `{ $command }` failed ({ $cause }): its output was not kept as a snapshot
engine-vma-staging = laying out the vzdump archive `{ $archive }` for its backup
engine-vma-unreadable = cannot read the vzdump archive `{ $archive }`: { $cause }
engine-vma-bad = `{ $archive }` is not a readable VMA archive { $cause }: nothing was backed up
engine-vma-duplicate = `{ $archive }` names two of its files `{ $name }`: nothing was backed up
engine-vzdump-none = no vzdump archive of a QEMU guest (vzdump-qemu-….vma, .vma.zst, .vma.gz or .vma.lzo) in { $paths }: nothing was backed up
engine-vma-incomplete = `{ $archive }` holds { $have } of the { $all } clusters of `{ $device }` (cluster { $first } is missing): the dump was cut short, nothing was backed up
engine-libvirt-no-virsh = cannot run virsh ({ $cause }): install libvirt's client (Debian: apt install libvirt-clients)
engine-libvirt-failed = `{ $command }` failed: { $cause }
engine-libvirt-still-on-overlay = the domain still uses the overlay
engine-libvirt-merge-failed = could not merge the overlay `{ $overlay }` back into `{ $disk }` ({ $domain }, { $target }): { $cause }. The domain keeps running on the overlay and the overlay was kept: merge it with `virsh blockcommit { $domain } { $target } --active --pivot`, then delete it
engine-libvirt-cancelled = the backup was cancelled: no domain was put on an overlay
engine-libvirt-no-domains = no domain to back up: name them with backup.domains (or backup --libvirt DOMAIN)
engine-libvirt-bad-pattern = `{ $pattern }` is not a domain name or pattern: { $cause }
engine-libvirt-no-match = no libvirt domain is named `{ $pattern }` (there are: { $known })
engine-libvirt-leftover-shut-off = { $domain } is shut off on the overlay `{ $overlay }` of an interrupted backup ({ $target }): merge it into `{ $disk }` (qemu-img commit, then point the disk at `{ $disk }` with virsh edit { $domain }), or start the domain so that the next backup merges it
engine-libvirt-leftover-merged = { $domain } still ran on `{ $overlay }` from an interrupted backup: merged back into `{ $disk }`
engine-libvirt-disk-skipped = { $domain }: the disk { $target } ({ $kind }) is not backed up: only disks held in files are
engine-libvirt-overlay-exists = { $domain }: `{ $overlay }` exists already: is another backup of this domain running? Nothing was changed
engine-libvirt-not-quiesced = { $domain }: the guest agent did not answer, so its disks are read without freezing its file systems (as after a power cut): { $cause }
engine-backing-up-libvirt = backing up the domains { $domains } to { $location }
engine-libvirt-name-taken = a domain named `{ $name }` exists already: nothing was restored (choose another name with --as)
engine-sqlite-missing = the SQLite database `{ $database }` does not exist (backup.database names the database file)
engine-sqlite-copying = making an online copy of the SQLite database `{ $database }`
engine-sqlite-no-tool = cannot copy the SQLite database `{ $database }`: sqlite3 does not run ({ $cause }); install it (Debian: apt install sqlite3)
engine-sqlite-copy-failed = sqlite3 could not copy `{ $database }` ({ $cause }): nothing was kept as a snapshot
engine-backing-up-sqlite = backing up the copy of `{ $database }` to { $location }
engine-nothing-to-back-up = nothing to back up: give paths on the command line or set backup.paths in the config
engine-missing-sources = these source paths do not exist, so nothing was backed up: { $paths }
engine-source-is-repository = the source { $source } is the repository { $repository } (or inside it): a repository cannot back itself up
engine-repository-inside-source = the repository { $repository } lies inside the source { $source }: leaving it out of the backup
engine-bad-sources = cannot use the source paths: { $cause }
engine-backing-up = backing up to { $location }
engine-re-include-ignored = ignoring the re-include pattern `{ $pattern }`: only exclusions are supported
io-resolving = resolving
io-reading-exclude-file = reading the exclude file

## Restores (engine/restore.rs)
engine-restore-cancelled = the restore was cancelled
mount-cancelled = the mount was cancelled
mount-linux-only = mounting a repository as a folder is available on Linux only
mount-no-fuse-device = FUSE is not available here: /dev/fuse does not exist (load the kernel's fuse module, or in a container give it the device)
mount-no-fusermount = FUSE is not available to this user: fusermount3 was not found (install the fuse3 package)
mount-not-a-folder = { $path } is not an existing folder: create it (empty), or give another folder to mount into
mount-stale-removed = { $path } held a mount left by a run that was killed, answering nothing: it was taken away
mount-refused = mounting at { $path } was refused: { $cause }
mount-serving = serving the mount at
mount-stale = { $path } holds a mount that no longer answers and it could not be removed: run `fusermount3 -uz { $path }` (or `umount -l`) and try again
engine-target-not-folder = the restore target { $target } exists and is not a folder
engine-include-outside-base = `{ $path }` is not inside `{ $base }`, the folder the restore starts from
engine-not-in-snapshot = `{ $path }` does not exist in snapshot { $snapshot }
engine-reading-snapshot = reading the snapshot
engine-file-in-the-way = a file is in the way of this folder
engine-cannot-create-folder = cannot create the folder: { $cause }
engine-folder-in-the-way = a folder is in the way
engine-folder-in-the-way-of-file = a folder is in the way of this file
engine-finding-data = finding the data of { $path } in the index (run check)
engine-pack-unreadable = reading pack { $pack } failed: { $cause }
engine-blob-damaged = blob { $blob } in pack { $pack } is damaged (run check)
engine-xattr-not-set = the extended attribute { $name } cannot be set: { $cause }
engine-nul-in-path = a NUL in the path
engine-device-needs-root = device files can only be restored by an administrator (root)
engine-specials-unix-only = symbolic links and special files are restored on Unix only
io-creating-restore-target = creating the restore target
io-creating-folder = creating the folder
engine-phase-restoring = restoring

## Browsing (engine/browse.rs, engine/session.rs, engine/treeindex.rs)
browse-reading-snapshots-of = reading the snapshots of { $location }
browse-no-snapshot-id = no snapshot `{ $id }` in this repository (was it forgotten?)
browse-id-ambiguous = `{ $id }` matches several snapshots: give more characters
browse-no-contents = `{ $path }` has no contents
browse-not-a-folder = `{ $path }` is a { $kind }, not a folder
browse-in-no-snapshot = `{ $path }` is in no snapshot of this repository
browse-empty-pattern = search for what? The pattern is empty
browse-bad-pattern = `{ $pattern }` is not a valid pattern: { $cause }
browse-no-latest = `latest`: the repository { $location } has no snapshot yet
browse-no-latest-filtered = `latest`: the repository { $location } has no snapshot matching the filter yet
browse-not-an-id = `{ $id }` is not a snapshot id: use `latest` or the hexadecimal id (or its first characters) from `snapshots`
browse-no-match = no snapshot matches `{ $id }` in { $location }
browse-several-match = `{ $id }` matches { $n } snapshots ({ $ids }): give more characters of the id
browse-dump-not-a-file = `{ $path }` is a { $kind } in snapshot { $snapshot }: dump writes the content of one file (use `restore --include` for folders)
browse-reading-from-snapshot = reading `{ $path }` from the snapshot
browse-listing-index-files = listing the index files of { $location }
browse-index-file-unreadable = the index file { $id } of { $location } cannot be read: { $cause } (run check)
browse-folder-unreadable = the folder { $id } of the repository cannot be read: { $cause } (run check)
browse-why-not-indexed = it is in no index file
browse-why-no-decrypt = it does not decrypt with this repository's key
browse-why-no-decompress = it does not decompress ({ $cause })
browse-why-wrong-content = its content does not match its id
browse-why-not-a-tree = it is not a folder ({ $cause })
browse-why-unknown-format = its format is unknown
browse-why-bad-id = `{ $id }` is not an id
browse-reading-pack = reading the pack { $id }
browse-pack-short = the pack { $id } is shorter than the index says (run check)

## Statistics, encryption (engine/stats.rs, engine/crypto.rs)
engine-listing-files = listing the repository files
engine-key-shape = the repository key has an unexpected shape
engine-no-randomness = no randomness to encrypt with: { $cause }
engine-cannot-encrypt = cannot encrypt

## Repository locks (engine/repolock.rs)
engine-lock-holder = host { $host }, pid { $pid }, user { $user }, since { $since }
engine-not-a-url = not a URL ({ $cause })
engine-no-http = cannot set up HTTP: { $cause }
engine-bad-lock-url = bad lock URL: { $cause }
engine-rest-answered = the REST server answered { $status }
engine-listing-locks = listing the repository locks
engine-reading-lock = reading a repository lock
engine-writing-lock = writing the repository lock
engine-removing-lock = removing the repository lock
engine-lock-storage-unreachable = cannot reach the `{ $scheme }` storage for locks: { $cause }
engine-cannot-encode-lock = cannot encode the lock: { $cause }
engine-lock-not-removed = could not remove our lock { $name } from the repository: { $cause }; `restic unlock` removes it
engine-no-restic-locking = restic-compatible locking is not available for { $location }: do not run restic's prune on it while this job runs
engine-locked = the repository { $location } is locked by another program ({ $holder }). Wait for it to finish; if that program is gone, `restic unlock` removes a stale lock.
engine-locked-exclusively = the repository { $location } is locked exclusively by another program ({ $holder }). Wait for it to finish; if that program is gone, `restic unlock` removes a stale lock.
engine-writing-our-lock = writing our lock into the repository
engine-lock-not-refreshed = could not refresh our repository lock: { $cause }
io-listing-locks = listing the locks in
io-reading-lock = reading the lock
io-creating = creating
io-writing-lock = writing the lock
io-removing-lock = removing the lock
io-starting-lock-runtime = starting the lock runtime

## Passwords (config/secrets.rs)
config-password-inline = inline password (in the config file)
config-password-none = none
config-password-file-unreadable = cannot read the password file { $path }: { $cause }
config-password-file-empty = the password file { $path } is empty
config-password-env-unset = the environment variable { $var } (password-env) is not set or empty
config-no-password = no password given: set password-keyring, password-file, password-command or password-env for the repository, or NPBACKUP_PASSWORD / --password-file / --password-command
config-password-command-unparsable = password-command `{ $command }` cannot be parsed: { $cause }
config-password-command-empty = password-command is empty
config-password-command-cannot-start = password-command `{ $command }` could not start: { $cause }
config-password-command-failed = password-command `{ $command }` failed ({ $status }): { $stderr }
config-password-command-not-utf8 = password-command `{ $command }` printed non-UTF-8 output
config-password-command-nothing = password-command `{ $command }` printed nothing
# $what: "file" or "folder"
config-writable-by-others = the config { $what } { $path } is writable by other users
config-owned-by-another = the config { $what } { $path } belongs to another user (uid { $uid })
config-unsafe-for-commands = { $problem }, so the commands it names (pre/post, stdin-command, password-command) will not be run. Fix it with `chmod go-w { $path }` (and `chown` to yourself or root).
io-checking = checking

## The OS keyring (config/keyring.rs)
config-keyring-no-dbus = no D-Bus session is running here, so there is no Secret Service (GNOME Keyring, KWallet, KeePassXC) to keep secrets in
config-keyring-no-secret-service = the Secret Service cannot be reached: { $cause }
config-keyring-no-windows = the Windows Credential Manager cannot be used: { $cause }
config-keyring-no-macos = the macOS Keychain cannot be used: { $cause }
config-keyring-no-platform = this platform has no keyring this program can use
config-keyring-unavailable = the OS keyring cannot be used: { $why }; use password-file, password-command or password-env instead
config-keyring-entry-needs-name = a keyring entry needs a name (password-keyring = "NAME")
config-keyring-no-entry = the keyring holds no secret named '{ $key }' (service '{ $service }'): store it with `{ -cli } keyring set`
config-keyring-refused = the keyring refused access to '{ $key }' (is it locked?): { $cause }; unlock it, or use password-file, password-command or password-env instead
config-keyring-no-store = no keyring store is set up
config-keyring-entry-error = keyring entry '{ $key }': { $cause }
config-keyring-entry-empty = the keyring entry '{ $key }' is empty
config-keyring-empty-secret = an empty secret cannot be stored
config-keyring-why-none = no keyring answers in this session (a Secret Service such as GNOME Keyring, KWallet or KeePassXC)
config-keyring-why-locked = the keyring did not answer or refused access (it may be locked)
config-keyring-why-forgets = the keyring did not keep a test entry
# what a keyring entry holds, in its label in the keyring's manager
config-keyring-what-secret = secret
config-keyring-what-probe = a test entry, removed at once

## Permissions (config/permissions.rs)
config-op-list = listing
config-op-backup = backing up
config-op-restore = restoring
config-op-check = checking
config-op-unlock = removing stale locks
config-op-modify = changing the repository (forget, prune, keys…)
config-op-configure = changing the configuration and its secrets
config-op-denied = repository `{ $repo }` does not allow { $op } (its permissions are "{ $level }": { $allows }). The administrator of this machine can change that.
config-allows-backup = back up and list
config-allows-restore = back up, list, restore and check
config-allows-restore-only = list, browse and restore
config-allows-full = everything
config-bad-permission = `{ $value }` is not a permission level: use backup, restore, restore-only or full
config-manager-password-too-short = the manager password is too short: use at least 8 characters
config-manager-password-unhashable = cannot hash the manager password: { $cause }
config-manager-hash-unreadable = security.manager-password-hash is not an argon2 hash ({ $cause }): set it again with `{ -cli } permissions manager-password`

## Reading and checking the configuration (config/mod.rs)
config-unreadable-file = cannot read the configuration file: { $cause }. Create one with `{ -cli } config init`.
config-not-toml = not valid TOML: { $cause }
config-no-repository = { $file } defines no repository: add a [repos.NAME] table
config-several-repositories = { $file } defines several repositories ({ $names }): choose one with --repo NAME
config-unknown-repository = no repository named `{ $name }` in { $file } (known: { $known })
config-defaults-broken = built-in defaults are broken: { $cause }
config-unknown-group = unknown group `{ $group }`: define [groups.{ $group }] or use one of: { $known }
config-no-uri = no `uri`: say where the repository lives, e.g. uri = "/mnt/backup/repo" or "rest:http://host:8000/repo"
config-several-password-sources = more than one password source ({ $keys }): keep exactly one
config-inline-password-unsafe = an inline password is accepted only when the config file is readable by its owner alone: run `chmod 600 { $file }`, or use password-file, password-command or password-env instead
config-not-argon2 = not an argon2 hash: set it with `{ -cli } permissions manager-password`
config-must-be-table = must be a table: { $table }
config-must-be-tables = must be a table of tables: { $table }
config-group-in-group = a group cannot belong to another group: remove this key
config-built-in-defaults = <built-in defaults>
# $serde: serde's sentence ("unknown field `x`, expected one of `a`, `b`"); $key and
# $expected: the same, taken apart, for a language that words it its own way
config-unknown-key = { $serde } (check the spelling; keys are kebab-case)
config-unknown-key-no-fields = none
io-reading = reading
io-opening = opening

## Editing and creating the configuration (config/edit.rs, config/template.rs, config/vars.rs)
config-already-exists = { $file } already exists; nothing was changed (edit it, or choose another file with -c)
config-cannot-generate-password = cannot generate a password: { $cause }
config-var-unclosed = `{ $input }`: `${"{"}` without a closing `{"}"}`
config-var-unknown = unknown variable ${"{"}{ $name }{"}"}: use HOSTNAME, MACHINE_ID, MACHINE_GROUP, TENANT, REPO_NAME, REPO_GROUP or the name of a set environment variable
io-reading-config = reading the configuration
io-keeping-previous-config = keeping the previous configuration
io-writing-config = writing the configuration
io-creating-config-folder = creating the config folder
io-writing = writing

## Values of the configuration (config/schema.rs, config/when.rs)
config-bad-preset = `{ $value }` is not a retention preset: use "14d", "30d", "90d", "gfs" or "keep-all"
config-expected-scalar = expected a string, number or boolean, found { $found }
config-bad-size = `{ $value }` is not a size: write it like "500 MB", "2 GiB" or a number of bytes
config-expected-size = expected a size like "500 MB", found { $found }
config-bad-rate = `{ $value }` is not a bandwidth: write it like "2 MiB/s", "500 KiB/s" or a number of bytes per second (more than 0; leave it out for no limit)
config-bad-pack-size = a pack size of `{ $value }` is outside 4 MiB to 128 MiB (what restic accepts too)
config-bad-duration = `{ $value }` is not a duration ({ $cause }): write it like "30m", "12h" or "7d"
config-bad-compression = `{ $value }` is not a compression: use "auto", "off", "max" or a level from 1 to 22
config-expected-compression = expected "auto", "off", "max" or a level, found { $found }
config-bad-schedule = `{ $value }` is not a schedule: write "every 6h", "daily at 02:30", "mon,wed,fri at 21:00", "weekdays at 18:00", "cron 0 */4 * * *" or "manual"
config-interval-too-short = `{ $value }`: the shortest interval is one minute ("every 1m")
config-bad-cron = `{ $value }` is not a cron expression ({ $cause })
config-not-toml-value = not a TOML value: { $cause }
config-write-bool = write true or false
config-not-whole-number = `{ $value }` is not a whole number
config-choose-one-of = choose one of: { $choices }
config-secret-not-edited-here = a secret is not edited here: use the keyring, a password file or a command

## Setting up a repository (config/setup.rs)
config-location-incomplete = the location is incomplete: { $why }
config-destination-incomplete = the destination is incomplete: { $why }
config-bad-repo-name = `{ $name }` cannot name a repository: use letters, digits, - and _
config-repo-name-taken = { $file } already has a repository named `{ $name }`: choose another name
config-password-file-exists = { $path } already exists: it may hold another repository's password, so it is left alone; choose another name
config-password-kept-keyring = in the keyring (entry '{ $entry }')
config-password-kept-file = in { $path } (readable by you alone)
config-keyring-what-password = password of repository { $repo }
config-keyring-what-option = { $option } of repository { $repo }
io-writing-password-file = writing the password file
config-recovery-sheet = { -product } — recovery information
    Written { $when } on { $host }.

    Keep this sheet somewhere safe and away from this computer (printed, or in a
    password manager). Without the password nobody can read the backups, not even you.

    Repository:  { $location }
    Password:    { $password }

    To get files back on any computer:
    - install { -product }, choose "Open a repository" and give the two lines above; or
    - with restic (restic.net): restic -r { $location } snapshots,
    {"  "}then restic -r { $location } restore latest --target ~/restored
    - from the command line: { -cli } -r { $location } snapshots
config-viewer-no-file = (viewer: no configuration file)

## Jobs (jobs/*)
job-lock-holder = a { $kind } job (pid { $pid }, job { $job }) since { $since }
job-lock-holder-unknown = another job
job-busy = the repository { $location } is busy: { $who } is writing to it. Try again when it has finished, or pass --wait to queue.
job-busy-waited = the repository { $location } is busy: { $who } is writing to it. Try again when it has finished (waited in vain).
job-cannot-encode-reply = cannot encode a reply: { $cause }
job-malformed-request = ignoring a malformed request: { $cause }
job-spec-unreadable = cannot read the job spec from stdin: { $cause }
job-spec-malformed = malformed job spec: { $cause }
job-no-signals = cannot catch termination signals: a cancelled job may leave its lock behind
job-interrupted = the job was interrupted
job-was-cancelled = the job was cancelled
job-timed-out = the job timed out after { $limit }
job-cannot-encode-result = cannot encode the result: { $cause }
job-no-smtp-server = repository `{ $repo }` has no monitoring.email.smtp-server
job-no-read-lock = could not lock the repository for reading: { $cause }
job-restore-failures = { $n ->
    [one] { $n } item could not be restored: { $path }: { $reason }
   *[other] { $n } items could not be restored; the first: { $path }: { $reason }
}
job-housekeeping-stopped = housekeeping stopped at { $step } (nothing after it ran): { $cause }
job-verifying-new-password = verifying the new password
job-new-password-unverified = { $cause }; the old password still works (the new key { $key } was added but not verified)
job-dump-needs-a-file = a job process cannot write a file to standard output (its events go there): give it a file
job-not-under-lock = { $kind } does not run under a lock
job-history-not-recorded = could not record this run in { $path }: { $cause }
job-pre-failed-fatal = { $why }: the backup did not run (pre-exec-failure-is-fatal)
job-pre-failed = { $why }; backing up anyway
job-post-failed-fatal = { $why } (post-exec-failure-is-fatal); the snapshot itself was saved
job-using-fallback = the primary location of `{ $repo }` is unreachable; using fallback #{ $n }: { $location }
job-watcher-stopped = the job watcher stopped: { $cause }
job-cannot-encode-request = cannot encode the request: { $cause }
job-the-browsing-session = the browsing session
job-session-no-input = the session has no input
job-cannot-encode-job = cannot encode the job: { $cause }
job-no-pipe = the job process has no stdin, stdout or stderr
job-unknown-status = unknown status
job-no-result = the job process ended without a result ({ $how })
job-no-result-stderr = the job process ended without a result ({ $how }):
    { $stderr }
# $what: "pre" or "post" (the commands before and after a backup)
job-hook-cannot-start = { $what } command `{ $command }` could not start: { $cause }
job-hook-timed-out = { $what } command `{ $command }` was stopped after its time limit of { $limit }
job-hook-error = { $what } command `{ $command }`: { $cause }
job-hook-failed = { $what } command `{ $command }` failed ({ $status })
job-too-small = this backup is too small: { $size } processed against { $mean } on average over the last { $runs } runs (is a source missing or unmounted?)
job-too-large = this backup is too large: { $size } processed against { $mean } on average over the last { $runs } runs
job-too-many-changed = too many changed files: { $changed } against { $mean } on average over the last { $runs } runs (mass changes can mean encryption by malware)
io-locking = locking
io-creating-lock-folder = creating the lock folder
io-opening-lock-file = opening the lock file
io-writing-lock-file = writing the lock file
io-naming = naming
io-finding-program = finding this program
io-sending-request = sending a request to
io-starting-job = starting the job process
io-sending-job = sending the job to

## Planning jobs (jobs/plan.rs)
job-repo-credentials = repository `{ $repo }`: { $cause }
job-option-credentials = repository `{ $repo }`, backend option { $option }: { $cause }
job-command-source-without-command = backup.source is "command" but no backup.stdin-command is set
job-database-source-without-database = backup.source is "{ $source }" but no backup.database names the database (a name, "all", or for sqlite the database file)
job-dumpall-is-plain = backup.database = "all" is dumped by pg_dumpall, which writes SQL text only: leave out backup.dump-format or set it to "plain"
job-database-not-a-name = backup.database = "{ $database }" is not a database name (a connection string or an option): set the server with db-host, db-port and db-user, the password in the tool's own file
job-nothing-to-back-up = repository `{ $repo }` has nothing to back up: set backup.paths in { $file }
job-no-retention = repository `{ $repo }` has no retention policy: set [retention] (e.g. preset = "gfs") for it or its group

## Monitoring: mail, pings, metrics, webhooks (monitor/*)
mon-bad-security = monitoring.email.security is `{ $value }`: use starttls, tls or none
mon-ca-unreadable = cannot read { $path }: { $cause }
mon-ca-not-pem = { $path } holds no PEM certificate: { $cause }
mon-bad-from = monitoring.email.from `{ $from }` is not an address: { $cause }
mon-bad-address = `{ $address }` is not an e-mail address: { $cause }
mon-mail-not-sent = the mail to { $to } could not be sent through { $server }: { $cause }
mon-no-recipient = no recipient: name one, or set monitoring.email.on-backup-failure (or another on-* list)
mon-test-subject = test mail
mon-test-body = This is a test mail from { -product } on { $machine }, repository { $repo }.
    If you read this, mail about backups will reach you.
mon-backup-succeeded = backup succeeded
mon-backup-failed = backup FAILED
# $action: the job's kind (backup, check, prune…)
mon-operation-succeeded = { $action } succeeded
mon-operation-failed = { $action } FAILED
mon-backup-too-old = the last backup is TOO OLD
mon-mail-first-line = { -product } on { $machine }, repository { $repo }: { $what }.
mon-mail-files = Files: { $new } new, { $changed } changed, { $unchanged } unchanged
mon-mail-added = Added: { $added } ({ $stored } stored); processed { $processed }
mon-mail-duration = Duration: { $duration }
mon-mail-warnings = Warnings: { $n }
mon-mail-log-end = The end of the log:
mon-ping-failed = the health check ping to { $url } failed: { $cause }
mon-cannot-push = cannot push metrics: { $cause }
mon-push-refused = the push gateway { $gateway } refused the metrics: HTTP { $status }
mon-push-unreachable = the push gateway { $gateway } is unreachable: { $cause }
mon-not-pushed = the metrics were not pushed: none of the { $n } push gateway(s) took them
mon-webhook-failed = the webhook { $url } failed after { $n ->
    [one] { $n } attempt
   *[other] { $n } attempts
}: { $cause }
mon-bad-method = monitoring.webhooks: method `{ $method }` for { $url }: use POST or GET
mon-unknown-event = monitoring.webhooks: unknown event `{ $event }`: use { $known }
mon-textfile-failed = the metrics could not be written to { $dir }: { $cause }

## The scheduler (schedule/*)
sched-waiting-mains = waiting for mains power (the computer runs on battery)
sched-waiting-unmetered = waiting for an unmetered network (the connection is metered)
sched-bad-task = `{ $value }` is not a scheduled task: use backup, housekeeping or check
sched-finished-in = finished in { $seconds } s
sched-finished-snapshot = , snapshot { $id }
sched-finished-warnings = { $n ->
    [one] , { $n } warning: { $warnings }
   *[other] , { $n } warnings: { $warnings }
}
sched-cancelled = cancelled
sched-failed = failed: { $why }
sched-no-reason = no reason given
sched-no-tomorrow = cannot work out tomorrow's date
sched-pause-too-long = `{ $value }` is too long a pause
sched-cannot-encode-state = cannot encode the scheduler's state: { $cause }
sched-no-home = cannot find your home folder
sched-windows-user = on Windows the scheduler is a system service: run `service install --system` as an administrator (without it, the desktop app runs the schedule while it is open)
sched-windows-not-a-service = `daemon run --service` is for the service manager, which did not start this process ({ $cause }): use `daemon run` in a console
sched-windows-failed = the service manager refused: { $cause } (run this as an administrator)
sched-windows-installed = installed the { $name } service (as LocalSystem, started at boot, restarted after a failure)
sched-windows-started = started the { $name } service
sched-windows-not-installed = the { $name } service is not installed: `service install --system`
sched-windows-removed = removed the { $name } service (it goes once it has stopped)
sched-windows-installed-as = installed: the { $name } service
sched-system-needs-root = a system service is installed by root: run this with sudo, or use --user
sched-wrote = wrote { $path }
sched-started-user = enabled and started { $unit } (user service): it starts at each login
sched-started-system = enabled and started { $unit } (system service): it starts at boot
sched-linger = to run it while you are logged out too: loginctl enable-linger
sched-not-started = not started: { $command }
sched-note = note: { $note }
sched-removed = removed { $path }
sched-no-service = no service installed ({ $path } is absent)
sched-not-installed = not installed ({ $path } is absent): `{ $command }`
sched-unknown = unknown ({ $cause })
sched-installed = installed: { $path }
sched-enabled = enabled: { $state }
sched-running = running: { $state }
sched-no-systemctl = cannot run systemctl ({ $cause }): is this a systemd system?
sched-command-failed = `{ $command }` failed: { $cause }
sched-launchctl-failed = `{ $command }` failed
sched-loaded = loaded: it starts at each login
daemon-the-daemon = the daemon
daemon-the-scheduler = the scheduler
daemon-not-scheduled = repository `{ $repo }` is not scheduled: { $cause }
daemon-config-unusable-kept = { $file } cannot be used (the previous settings stay in force):
    { $cause }
daemon-config-unusable = { $file } cannot be used (nothing is scheduled until it is fixed):
    { $cause }
daemon-no-config = the configuration could not be read
daemon-cut-short = cut short by the scheduler's shutdown
daemon-not-started = not started: { $why }
# $task: backup, housekeeping or check
daemon-busy = repository `{ $repo }` is busy with its { $task }
daemon-stopping = the scheduler is stopping
daemon-task-started = { $task } started
config-unknown-repository-short = no repository named `{ $name }` in { $file }
daemon-paused-until = scheduled runs paused until { $when }
daemon-resumed = scheduled runs resumed
daemon-cancelling = cancelling the { $task } of `{ $repo }`
daemon-nothing-runs = nothing runs for `{ $repo }`
daemon-watching = watching
daemon-skipped-recent = skipped: the last backup is { $age } old, younger than skip-if-recent { $limit }
daemon-already-running = a scheduler is already running for this user (it answers on { $socket }): stop it first, or ask it with `daemon status`
daemon-other-user = this scheduler belongs to another user
daemon-not-a-request = not a request: { $cause }
daemon-not-running = no scheduler is running (tried { $tried }): start it with `{ -cli } daemon` or `{ -cli } service install`
daemon-hung-up = the scheduler hung up
daemon-answer-unreadable = the scheduler's answer cannot be read ({ $cause }): { $answer }
daemon-answer-odd = the scheduler answered oddly ({ $cause })
io-writing-scheduler-state = writing the scheduler's state
io-listening-signals = listening for signals in
io-creating-socket-folder = creating the daemon's socket folder
io-opening-socket = opening the daemon's socket
io-restricting-socket = restricting the daemon's socket
io-talking-to = talking to
io-removing = removing

## The command line: output (cli/output.rs)
# an error on stderr
cli-error = error: { $message }
cli-warning = warning: { $message }
cli-note = note: { $message }
cli-cannot-encode-json = cannot encode the result as JSON: { $cause }
cli-config-problems = { $n ->
    [one] error: the configuration has { $n } problem:
   *[other] error: the configuration has { $n } problems:
}

## The command line: repository commands (cli/commands.rs)
cli-daemon-service-windows-only = `daemon run --service` runs the scheduler under the Windows service manager: use `daemon run` here
cli-no-config = no configuration file found (looked for { $variable }, { $user } and { $system }). Create one with `{ -cli } config init`, or name a repository with -r URI.
cli-init-created = created repository { $id } at { $location } (format version { $version }, compression { $compression })
cli-init-keep-password = Keep the password safe: without it the backups cannot be read by anyone, including you.
# the backup summary: the labels are padded so that the values line up
cli-backup-files = Files:       { $new } new, { $changed } changed, { $unmodified } unmodified
cli-backup-dirs = Dirs:        { $new } new, { $changed } changed, { $unmodified } unmodified
cli-backup-added = Added:       { $added } ({ $stored } stored)
cli-backup-processed = Processed:   { $files ->
    [one] { $files } file
   *[other] { $files } files
}, { $size } in { $duration }
cli-backup-saved = snapshot { $id } saved to { $location }
cli-vma-name-folder = --vma-name names one archive: a dump folder's guests keep their own names (qemu-100, …)
cli-backup-dry-run = dry run: nothing was written
cli-backup-skipped = skipped: the last backup is { $age } old, younger than minimum-backup-age { $limit } (use --force to back up anyway)
cli-column-id = ID
cli-column-time = Time
cli-column-host = Host
cli-column-tags = Tags
cli-column-files = Files
cli-column-size = Size
cli-column-paths = Paths
cli-column-snapshot = Snapshot
cli-column-snapshot-time = Snapshot time
cli-column-modified = Modified
cli-column-path = Path
cli-column-user = User
cli-column-created = Created
cli-column-repository = Repository
cli-column-permissions = Permissions
cli-column-allows = Allows
cli-snapshot-count = { $n ->
    [one] { $n } snapshot
   *[other] { $n } snapshots
}
# the kinds of entries `ls` lists (at most 7 characters keep the columns aligned)
cli-kind-file = file
cli-kind-dir = dir
cli-kind-symlink = symlink
cli-kind-dev = dev
cli-kind-chardev = chardev
cli-kind-fifo = fifo
cli-kind-socket = socket
cli-find-nothing = no file matches `{ $pattern }`
cli-restore-some-failed = { $n ->
    [one] 1 item could not be restored (the rest was)
   *[other] { $n } items could not be restored (the rest was)
}
cli-restore-conflicts = { $n ->
    [one] 1 existing item was left untouched (--overwrite never)
   *[other] { $n } existing items were left untouched (--overwrite never)
}
cli-restore-vm-target-not-empty = `{ $path }` is not empty: restore-vm writes into a new or empty folder, so that nothing is replaced
cli-restore-vm-failed = { $n ->
    [one] 1 file
   *[other] { $n } files
} could not be restored (first: `{ $path }`: { $reason }): the domain was not defined
cli-restore-vm-files = { $files ->
    [one] 1 file
   *[other] { $files } files
} ({ $size }) restored into { $target }
cli-restore-vm-defined = the domain { $name } is defined on them ({ $definition }): start it with virsh start { $name }
cli-restore-vm-not-defined = its definition is { $definition }: define it with virsh define { $definition }
cli-restore-done = restored { $files ->
    [one] { $files } file
   *[other] { $files } files
} ({ $size }) from snapshot { $snapshot } into { $target }; { $unchanged } already up to date
cli-restore-would = would restore { $files ->
    [one] { $files } file
   *[other] { $files } files
} ({ $size }) from snapshot { $snapshot } into { $target }; { $unchanged } already up to date
cli-restore-not-overwritten = not overwritten (already exist):
cli-restore-not-restored = not restored:
cli-restore-failure = { $path }: { $reason }
cli-stdout = stdout
cli-diff-counts = { $added } added, { $removed } removed, { $changed } changed, { $metadata } metadata only, { $types } type changed
cli-unlock-none = no stale lock in { $location }
cli-unlock-removed = removed the stale lock of { $holder }
cli-stats-repository = Repository:       { $location } (format version { $version })
cli-stats-snapshots = Snapshots:        { $n }
cli-stats-restore-size = Restore size:     { $latest } (latest snapshot), { $all } (all snapshots)
cli-stats-stored = Stored size:      { $size }
cli-stats-raw = Raw data:         { $size } in { $blobs ->
    [one] { $blobs } blob
   *[other] { $blobs } blobs
}
cli-stats-packed = Packed data:      { $size } (compression ratio { $ratio })
cli-stats-packs = Packs:            { $n }
cli-recent-needs-max-age = give --max-age (e.g. 1d), or set repo.minimum-backup-age in the config
cli-recent-yes = recent: latest snapshot { $id } at { $time } ({ $ago }); limit { $limit }
cli-recent-too-old = too old: latest snapshot { $id } at { $time } ({ $ago }); limit { $limit }
cli-recent-none = too old: no snapshot at all
cli-too-old-message = The latest backup ({ $time }) is { $age } old; the limit is { $limit }.
cli-too-old-no-backup = There is no backup at all.
cli-no-config-folder = cannot tell where your config folder is: pass -c FILE
cli-no-data-folder = cannot tell where your data folder is: pass --repository-path
cli-config-wrote = wrote { $path }
cli-config-repository = {"  "}repository:    { $location }
cli-config-password-file = {"  "}password file: { $path } (keep a copy somewhere safe)
cli-config-backing-up = {"  "}backing up:    { $paths }
cli-config-next = next: `{ -cli } init`, then `{ -cli } backup`
cli-config-ok = { $n ->
    [one] { $file }: OK ({ $n } repository: { $names })
   *[other] { $file }: OK ({ $n } repositories: { $names })
}
cli-show-heading = # repository `{ $name }` ({ $file })
cli-show-heading-group = # repository `{ $name }` ({ $file }), group `{ $group }`
cli-layer-own = own
cli-layer-default = default
cli-layer-group = group { $name }
cli-layer-inherited = inherited: { $from }
cli-config-path-none = no configuration file (would be created at { $path })
cli-import-exists = { $path } exists: choose another file with --output (nothing was written)
cli-import-no-keyring = the secrets cannot go to a keyring: { $why }. Use --secrets files to keep them in owner-only files
cli-import-secret = secret → { $to }
cli-import-dropped = not carried over: { $why }
cli-import-done = { $n ->
    [one] NPBackup { $version } configuration imported into { $path }: { $n } repository, { $dropped } key(s) not carried over (listed above). Check it with `{ -cli } config check`.
   *[other] NPBackup { $version } configuration imported into { $path }: { $n } repositories, { $dropped } key(s) not carried over (listed above). Check it with `{ -cli } config check`.
}
cli-import-dry-run = { $n ->
    [one] Dry run: nothing written. NPBackup { $version } configuration, { $n } repository, { $dropped } key(s) not carried over; it would go to { $path }.
   *[other] Dry run: nothing written. NPBackup { $version } configuration, { $n } repositories, { $dropped } key(s) not carried over; it would go to { $path }.
}
cli-man-written = man pages written to { $path }
io-writing-to = writing to
io-writing-man-pages = writing man pages into

## The command line: maintenance (cli/maintenance.rs)
cli-bad-preset = `{ $name }` is not a retention preset: use 14d, 30d, 90d, gfs or keep-all
cli-nothing-to-forget = nothing to forget: give snapshot ids, --tag, keep flags (--keep-daily 7 …), --preset, or set [retention] in the config
# the first column of `forget`: what becomes of each snapshot
cli-forget-keep = keep
cli-forget-remove = remove
cli-forget-done = { $kept } kept, removed { $removed }
cli-forget-would = { $kept } kept, would remove { $removed }
cli-reason-named = named
cli-reason-tagged = tagged
cli-reason-not-selected = not selected
cli-prune-mixed = { $n ->
    [one] { $n } pack of folders and file data together (restic before 0.8.0) was repacked into separate packs
   *[other] { $n } packs of folders and file data together (restic before 0.8.0) were repacked into separate packs
}
cli-prune-missing = { $n ->
    [one] { $n } missing pack that nothing needed was removed from the index
   *[other] { $n } missing packs that nothing needed were removed from the index
}
cli-prune-unfinished = { $n ->
    [one] { $n } file left by a write that never finished (a process killed, or a full disk) was removed ({ $size })
   *[other] { $n } files left by writes that never finished (a process killed, or a full disk) were removed ({ $size })
}
cli-prune-unfinished-would = { $n ->
    [one] would remove { $n } file left by a write that never finished ({ $size })
   *[other] would remove { $n } files left by writes that never finished ({ $size })
}
cli-prune-done = removed { $packs ->
    [one] { $packs } pack
   *[other] { $packs } packs
} ({ $removed }), repacked { $repacked ->
    [one] { $repacked } pack
   *[other] { $repacked } packs
} ({ $repacked_size }); { $unused } left unused
cli-prune-would = would remove { $packs ->
    [one] { $packs } pack
   *[other] { $packs } packs
} ({ $removed }), repacked { $repacked ->
    [one] { $repacked } pack
   *[other] { $repacked } packs
} ({ $repacked_size }); { $unused } left unused
cli-check-ok = no errors were found
cli-check-ok-data = no errors were found (data read and verified)
cli-check-tidy = nothing is damaged; to tidy up: { $repairs }
cli-repair-done = repair finished
cli-repair-dry-run = repair finished (dry run)
cli-housekeeping-needs-policy = housekeeping needs a retention policy: set [retention] (e.g. preset = "gfs") for the repository or its group
cli-new-password-needed = give the new password with --new-password-file FILE or $NPBACKUP_NEW_PASSWORD
cli-key-added = added key { $id }
cli-key-removed = removed key { $id }
cli-keyring-what-repository-password = repository password
cli-passwd-changed = password changed: key { $added } added and verified, key { $removed } removed.
cli-passwd-keyring-updated = the keyring entry '{ $entry }' holds the new password
cli-passwd-keyring-not-updated = the keyring entry '{ $entry }' could not be updated ({ $cause }): store the new password with `{ -cli } keyring set` now
cli-passwd-update-source = Update your password file or keyring now.
cli-copy-password-needed = give the target's password with --to-password-file or $NPBACKUP_TO_PASSWORD
cli-copy-needs-target = copy needs --to NAME or --to-repository URI
cli-copy-done = { $n ->
    [one] copied { $n } snapshot; { $already } already there
   *[other] copied { $n } snapshots; { $already } already there
}

## The command line: the keyring (cli/keyring.rs)
cli-keyring-unusable = the OS keyring cannot be used: { $why }. Nothing was changed.
cli-keyring-needs-repo = the keyring commands change the configuration: name a configured repository with --repo, not a location with -r
cli-keyring-status = keyring: { $store } (entries under the service '{ $service }')
cli-keyring-status-unavailable = keyring: not available: { $why }
    {"  "}use password-file, password-command or password-env instead
cli-keyring-status-repo = { $name }: password from { $source }
cli-terminal-unreadable = cannot read from the terminal: { $cause }
cli-stdin-unreadable = cannot read standard input: { $cause }
cli-no-secret = no secret was given
# prompts (the answer is typed after them)
cli-ask-repo-password = Password of repository { $repo }:{" "}
cli-ask-option = Value of { $option } for repository { $repo }:{" "}
cli-keyring-nothing-stored = { $cause } Nothing was stored and the configuration is unchanged.
cli-keyring-not-tried = the password could not be tried on the repository ({ $cause }); it was stored as given
cli-keyring-not-kept = the keyring did not keep the entry '{ $entry }'; the configuration is unchanged
cli-keyring-set = the password of repository { $repo } is in the keyring as '{ $entry }'
cli-keyring-set-verified = the password of repository { $repo } is in the keyring as '{ $entry }' (it opens the repository)
cli-keyring-config-now = { $file } now says password-keyring = "{ $entry }" (the previous version is kept as { $backup })
cli-keyring-file-unused = the password file { $path } is no longer used: delete it once you have a copy of the password somewhere safe
cli-keyring-option-set = { $option } of repository { $repo } is in the keyring as '{ $entry }'; { $file } now says { $option } = "{ $value }"
cli-keyring-not-in-keyring = repository { $repo } does not take its password from the keyring (it uses { $source })
cli-file-exists = { $path } already exists; choose a new file (nothing was changed)
cli-keyring-unset = the password of repository { $repo } is now in { $path } and the keyring entry '{ $entry }' is removed

## The command line: permissions (cli/permissions.rs)
cli-ask-manager-password = Manager password:{" "}
cli-ask-new-manager-password = New manager password:{" "}
cli-ask-same-again = The same again:{" "}
cli-wrong-manager-password = wrong manager password: nothing was changed
cli-manager-password-set = manager password: set
cli-manager-password-not-set = manager password: not set
cli-unknown-group = no group named `{ $group }` in { $file } (known: { $known })
cli-no-manager-password = no manager password is set, so anyone who can edit { $file } can change this back; set one with `{ -cli } permissions manager-password`
cli-permissions-set = { $table } now has permissions "{ $level }" ({ $allows }); repositories with it: { $repos }
cli-passwords-differ = the two passwords differ: nothing was changed
cli-manager-password-removed = the manager password is removed
cli-manager-password-stored = the manager password is set (its argon2 hash is in { $file })

## The command line: the scheduler (cli/daemon.rs)
cli-daemon-no-config = no configuration file found: create one with `{ -cli } config init`, or name one with -c
cli-daemon-no-state-folder = cannot find a folder for the scheduler's state
cli-daemon-runtime = the scheduler's runtime
cli-daemon-refused = the scheduler refused
cli-daemon-said-nothing = the scheduler said nothing
cli-daemon-running = Scheduler running (pid { $pid }), configuration { $file }
cli-daemon-paused = Paused until { $when } (runs asked for by hand still go)
cli-daemon-problem = Problem: { $problem }
cli-daemon-nothing-scheduled = Nothing is scheduled: set schedule.backup (e.g. "daily at 02:30") in the configuration.
cli-daemon-running-now = running now
cli-daemon-due-now = due now
cli-daemon-next = next { $when }
cli-daemon-not-scheduled = not scheduled
cli-daemon-last = ; last { $when }: { $result }
cli-daemon-never-ran = ; never ran
cli-daemon-started-scheduled = started (scheduled)
cli-daemon-started-asked = started (asked for)
cli-daemon-event-paused = paused until { $when }
cli-daemon-event-resumed = resumed
cli-daemon-event-reloaded = configuration read: { $n } scheduled task(s)
cli-daemon-event-problem = problem: { $problem }
io-starting = starting

## The command line: monitoring (cli/monitoring.rs)
cli-cannot-notify = cannot notify: { $cause }
cli-notice-not-recorded = cannot record the notice in { $path }: { $cause }
cli-test-email-needs-config = send-test-email needs a configured repository (its monitoring.email settings)
cli-test-email-sent = sent a test mail to { $to }
io-writing-metrics = writing the metrics

## The command line: several repositories, jobs (cli/multi.rs, cli/jobrun.rs)
cli-empty-group = no repository belongs to the group `{ $group }`
cli-program-not-found = cannot find this program: { $cause }
cli-multi-heading = == repository { $name } ==
cli-multi-no-result = no result
cli-multi-cannot-run = cannot run the command for `{ $name }`: { $cause }
cli-job-failed-silently = the job failed without saying why
cli-dump-no-events = dump writes the file to standard output: --json-events cannot share it
cli-job-no-result = the job gave no result
cli-bad-snapshot-time = a snapshot has a time this version cannot read: { $cause }
cli-unexpected-job-result = unexpected job result: { $cause }
# beside the progress bar: the time left
cli-eta = ETA { $left }
io-starting-job-runtime = starting the job runtime

## The web interface (web/, cli/web.rs)
config-bad-role = `{ $value }` is not a role: use admin, operator or viewer
config-web-user-not-argon2 = the web user `{ $user }` has no argon2 hash: set their password again with `{ -cli } web user add { $user } --role …`
web-password-too-short = a web password needs at least { $min } characters
web-password-unhashable = the password could not be hashed: { $cause }
web-no-randomness = the system gave no random numbers: { $cause }
web-role-too-low = { $user } is { $role }: this needs { $needed }
web-bad-token = this token is not known (it may have been removed)
web-log-in-first = log in first
web-session-ended = the session has ended: log in again
web-bad-csrf = the request did not carry this session's CSRF token: reload the page and try again
web-config-not-private = { $file } holds the web interface's accounts and grants access to every backed-up file: it must be readable by its owner only (chmod 600 { $file })
web-no-such-repository = there is no repository `{ $name }`
web-no-such-job = there is no job `{ $job }` (this server forgets a job when it restarts)
web-insecure-http = serving plain HTTP on { $address }: passwords and files cross the network unencrypted
web-refuses-plain-http = { $address } can be reached from other machines: serve it over TLS, or add --insecure-http to serve plain HTTP anyway
web-tls-needs-both = [web] tls-cert and tls-key go together: set both (HTTPS) or neither (plain HTTP on this machine only)
web-tls-bad-cert = { $file } is not a usable PEM certificate chain: { $cause }
web-tls-no-pem-certificate = it holds no "BEGIN CERTIFICATE" block
web-tls-bad-key = { $file } is not a usable PEM private key: { $cause }
web-tls-key-mismatch = the certificate { $cert } and the key { $key } cannot be served together: { $cause }
web-bad-path = `{ $path }` is not a path inside a snapshot: it may not hold `.`, `..` or NUL
web-bad-snapshot-id = `{ $id }` is not a snapshot id: give its hexadecimal id (or its first characters), or `latest`
web-browse-timed-out = the repository took too long to answer: try again, or look at the server's log
web-bad-format = `{ $format }` is not a download format: use file, zip, tar or tar.gz
web-downloads-linux-only = downloads are served on Linux only, for now
web-download-started = { $by } downloads { $path } from { $repo }
web-previous-page = ‹ Newer
web-next-page = Older ›
web-page-of = page { $page } of { $pages }
web-snapshots-of = Snapshots of { $repo }
web-snapshot-title = Snapshot { $snapshot } of { $repo }
web-column-time = Time
web-column-id = ID
web-column-host = Host
web-column-paths = Paths
web-column-tags = Tags
web-column-files = Files
web-column-size = Size
web-column-name = Name
web-column-modified = Modified
web-empty-folder = This folder is empty.
web-download-folder = Download this folder:
web-browse = Browse snapshots
web-no-such-scope = there are no settings `{ $scope }`: use machine, group:NAME or repo:NAME
web-inherited-value = (inherited: { $value })
web-settings-changed = { $user } changed the settings of { $scope } in { $file }
web-settings-read-only = Only an administrator can change these settings.
web-restore-review = Review of a restore
web-restore-into = Into: { $target }
web-compare-from = compare from this snapshot
web-compare-to = compare to this snapshot
web-compare-button = Compare
web-compare-hint = Pick a snapshot in the first column's left button (from) and one in its right button (to), then Compare.
web-compare-title = Changes from { $from } to { $to }
web-size-before = Before
web-size-after = After
web-maintenance = Maintenance
web-restore-tick = Tick the files and folders to restore; with none ticked, the folder shown is restored.
web-history = history
web-find-in = Find in { $repo }
web-download = download
web-changed = changed
web-unchanged = unchanged
web-restore-target-not-absolute = `{ $path }` is not a full path: restore into a folder given from the root (such as /home/ann/restored)
web-bad-overwrite = `{ $value }` is not a choice for existing files: use if-changed, never or always
web-not-a-review = job `{ $job }` is not a restore review that succeeded: review the restore again
web-no-such-operation = there is no operation `{ $operation }`: use check, housekeeping, prune or unlock
web-no-scheduler = No scheduler runs this configuration: start it with `{ -cli } daemon run` (or install it as a service) to back up on schedule.
web-schedule-changed = { $by } set the schedule's pause to { $hours } hours (0: resumed)
web-schedule = Schedule
web-paused-until = Scheduled runs are paused until { $when }.
web-schedule-running = Scheduled runs are on.
web-resume = Resume
web-pause = Pause
web-pause-hours = give the pause in hours, above 0 (or resume)
web-column-when = When
web-column-next = Next run
web-next-backup = next backup { $when }
export-the-download = the download
export-not-a-file = { $path } is a folder: download it as zip, tar or tar.gz
export-vma-not-a-folder = `{ $path }` is not a folder: a VMA archive is made from a folder that backup --vma wrote (/vzdump/NAME)
export-vma-no-disk = `{ $path }` holds no disk image (NAME.raw): it is not a folder that backup --vma wrote
export-vma-too-many = `{ $path }` holds more than 255 disk images, more than a VMA archive can hold
export-vma-config-too-big = `{ $path }` is larger than 64 KiB, more than a VMA archive holds for a configuration file
export-size-differs = { $path } gave { $read } bytes where the snapshot records { $expected }: the repository may be damaged (run a check)
web-no-accounts = no web user or token exists yet: add one with `{ -cli } web user add NAME --role admin`
io-listening = listening on
io-serving = serving on
web-unreadable-result = the job returned a result this version cannot read
web-job-failed = the job failed without saying why
web-job-started = { $by } started { $kind } { $job } on { $repo }
web-dashboard = Dashboard
web-jobs = Jobs
web-log-in = Log in
web-log-out = Log out
web-user = User
web-password = Password
web-too-many-attempts = Too many attempts: wait a minute before trying again.
web-bad-login = Wrong user or password.
web-login-throttled = login of { $user } from { $from } refused: too many attempts
web-login-failed = failed login of { $user } from { $from }
web-logged-in = { $user } logged in from { $from }
web-no-repositories = No repository is configured.
web-job-running = Job { $job } is running
web-back-up-now = Back up now
web-snapshot-count = { $count ->
    [one] { $count } snapshot
   *[other] { $count } snapshots
}
web-column-job = Job
web-column-repository = Repository
web-column-kind = What
web-column-by = By
web-column-started = Started
web-column-state = State
web-job-state-running = running
web-job-state-succeeded = succeeded
web-job-state-cancelled = cancelled
web-job-state-failed = failed
web-job-title = { $kind } of { $repo }
web-cancel = Cancel
web-job-took = Done in { $seconds }.
cli-web-bad-address = `{ $address }` is not an address: write it as IP:PORT, e.g. 127.0.0.1:8642
cli-web-runtime = the web server's runtime
cli-web-serving = serving the web interface on { $url } (Ctrl-C stops it)
cli-web-bad-name = `{ $name }` is not a usable name: use letters, digits, '-', '_', '.' and '@'
cli-web-ask-password = Password for { $user }:{" "}
cli-web-ask-password-again = The same password again:{" "}
cli-web-passwords-differ = the two passwords differ: nothing was changed
cli-web-user-saved = web user { $user } saved ({ $role })
cli-web-token-exists = a token named `{ $name }` exists: remove it first, or choose another name
cli-web-token-created = token { $name } created ({ $role }); it is shown once, below; only its hash is kept
cli-web-no-such-account = there is no `{ $name }` to remove
cli-web-removed = { $name } removed
cli-web-token-line = token { $name }

## The fleet: enrolment, provisioning, check-ins
job-fleet-report-unsaved = the report for the fleet server could not be saved in { $path }: { $cause }
fleet-http-client = cannot set up HTTPS for the fleet server: { $cause }
fleet-bad-url = '{ $url }' is not a fleet server's address: { $cause }
fleet-url-needs-http = it must start with https:// (or http:// on this machine)
fleet-state-damaged = the fleet enrolment in { $path } is damaged ({ $cause }): run `fleet leave` and enrol again
fleet-identity-damaged = this machine's fleet keys in { $path } are damaged ({ $cause }): run `fleet leave` and enrol again
fleet-already-enrolled = this machine is enrolled already (machine { $machine } of { $server }): run `fleet leave` first to enrol again
fleet-no-server = no fleet server address was given
fleet-unreachable = no fleet server answered ({ $attempts }); the last good configuration stays in use and reports wait for the next check-in
fleet-identity-label = fleet identity (private keys)
fleet-secret-label = fleet secret { $name }
fleet-secret-bad-name = the server sent a secret named '{ $name }', which cannot name a secret
fleet-secret-not-text = the secret '{ $name }' from the server is not text
fleet-secret-unopened = the secret '{ $name }' from the server could not be opened: { $cause }
fleet-not-a-fleet-server = the server answered { $status } without saying why: is this address a fleet server?
fleet-refused = { $server } refused: { $error }
fleet-bad-answer = { $server } answered something that is not the fleet protocol: { $cause }
fleet-no-state-dir = this platform has no folder for the fleet enrolment (no home folder?)
fleet-not-enrolled = this machine is not enrolled in a fleet server (`fleet enrol https://SERVER TOKEN`)
fleet-never = never
fleet-no-config-yet = the server has no configuration for this machine's group yet
fleet-config-up-to-date = the configuration is up to date (version { $version })
fleet-config-applied = configuration version { $version } applied (the previous one is kept as last-good.toml)
fleet-config-refused = configuration version { $version } was refused here and not applied: { $error }
fleet-no-config-path = no configuration file to provision: give -c FILE
fleet-enrolled = enrolled as { $machine } in group '{ $group }' at { $server }
fleet-status-machine = machine { $machine }, group '{ $group }'
fleet-status-servers = servers (in order): { $servers }
fleet-status-config = configuration version { $version } in { $file }, last synced { $when }
fleet-status-checkin = last check-in { $when } (every { $minutes } min); { $n ->
    [one] 1 report waiting
   *[other] { $n } reports waiting
}
fleet-status-error = last problem: { $error }
fleet-checked-in = checked in at { $server }; { $n ->
    [0] nothing to run
    [one] 1 command run
   *[other] { $n } commands run
}
fleet-left = this machine left { $server } (the server still lists it until an administrator revokes it)

## upgrade
upgrade-no-server = no upgrade server: list one in [upgrade] servers of { $path }
upgrade-no-password = the upgrade account '{ $user }' has no password: set [upgrade] password-env or password-file
upgrade-no-keys = this build trusts no release key: add one to [upgrade] trusted-keys (`npbackup-server release key show` prints it)
upgrade-refused = { $server } refused this machine's upgrade account ({ $cause })
upgrade-unreachable = no upgrade server answered: { $tried }
upgrade-bad-version = { $server } offered '{ $version }', which is not a version
upgrade-not-newer = refused version { $version }: it is not newer than this one ({ $current })
upgrade-older-than-seen = refused version { $version }: this machine has seen { $seen } signed, so { $version } would be a downgrade
upgrade-refused-file = refused the file from { $server }: { $cause }
upgrade-packaged = the programs in { $dir } belong to the package { $package }: upgrade it with the package manager (apt)
upgrade-no-rights = cannot replace the programs in { $dir }: run the upgrade as the user who installed them (root for a system-wide install)
upgrade-rolled-back = version { $version } was installed but failed its check, so the previous programs are back in place: { $cause }
upgrade-bad-archive = the release { $file } is not a readable archive of programs: { $cause }
upgrade-up-to-date = { $version } is the newest version for this machine ({ $server })
upgrade-available = version { $version } is available from { $server } ({ $size }); `npbackup-cli upgrade` installs it
upgrade-installed = upgraded to version { $version }: { $files }
upgrade-disabled = upgrades are turned off here (NPBACKUP_NO_UPGRADE is set)
cli-export-exists = `{ $path }` exists already: give export a new file name (nothing is overwritten)
cli-mounted = { $n ->
    [one] { $n } snapshot
   *[other] { $n } snapshots
} shown read-only at { $path } (by id under ids/, by time under snapshots/, by host under hosts/, by tag under tags/). Ctrl-C or `umount { $path }` ends it.
cli-unmounted = { $path } unmounted
cli-exported = { $files ->
    [one] { $files } file ({ $size }) written to { $path }
   *[other] { $files } files ({ $size }) written to { $path }
}
engine-libvirt-other-job = { $domain } has a backup job running that is not ours (virsh domjobinfo { $domain }): nothing was changed; run the backup again when it has ended
engine-libvirt-leftover-job = { $domain }: ended the backup job an interrupted backup had left running
engine-libvirt-nbd = { $domain }: cannot read the disk { $target } from libvirt's backup job: { $cause }
engine-libvirt-no-qemu-img = cannot run qemu-img ({ $cause }): install it (Debian: apt install qemu-utils)
engine-libvirt-no-backup-job = { $domain }: libvirt cannot run a backup job for it, so its disks are put on overlays while they are read (and every backup reads them whole): { $cause }
engine-libvirt-image-exists = `{ $path }` exists already: the restored disk was left as the guest's raw bytes beside it
engine-libvirt-waiting = { $domain }: another backup of this domain is running: waiting for it to end
engine-vzdump-guest-left-out = { $guest } is not in this snapshot (the other guests are): { $cause }
engine-libvirt-read-failed = a disk could not be read ({ $cause }): no snapshot was kept, so that none lacks a disk; run the backup again
engine-libvirt-busy = { $domain }: another backup of it is running (process { $pid }): nothing was changed; run this one again when it has ended
engine-libvirt-still-frozen = { $domain }: its file systems could not be thawed after the backup began ({ $cause }): thaw them with `virsh domfsthaw { $domain }` now
