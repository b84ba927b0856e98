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
