//! What a scheduled run may wait for, where the system tells: mains power (Linux:
//! the kernel's power-supply class in sysfs, which UPower reads too) and an
//! unmetered network (Linux: NetworkManager's `Metered` property, read with
//! `busctl`). Where the system cannot tell, nothing waits: an unknown is not a
//! reason to skip a backup.

use std::path::Path;

use super::Task;

/// Why `task` cannot run now, in words; `None` when it can.
pub fn blocked(task: &Task) -> Option<String> {
    if task.on_ac_power_only && on_battery(Path::new("/sys/class/power_supply")) == Some(true) {
        return Some(crate::t!("sched-waiting-mains"));
    }
    if task.not_on_metered_network && metered() == Some(true) {
        return Some(crate::t!("sched-waiting-unmetered"));
    }
    None
}

/// Whether the machine runs on battery: a battery is there and no mains supply is
/// online. `None` when there is no power-supply information (a desktop, a server,
/// another OS).
pub fn on_battery(class: &Path) -> Option<bool> {
    let entries = std::fs::read_dir(class).ok()?;
    let (mut mains_online, mut mains_seen, mut battery_seen) = (false, false, false);
    for e in entries.flatten() {
        let dir = e.path();
        let read = |f: &str| {
            std::fs::read_to_string(dir.join(f))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        match read("type").as_str() {
            "Mains" | "USB" => {
                mains_seen = true;
                mains_online |= read("online") == "1";
            }
            // a peripheral's battery (mouse, headset) says nothing of the computer
            "Battery" if read("scope") != "Device" => battery_seen = true,
            _ => {}
        }
    }
    if !battery_seen {
        return None;
    }
    Some(mains_seen && !mains_online || !mains_seen && discharging(class))
}

/// Without a mains supply entry, a battery that says it discharges.
fn discharging(class: &Path) -> bool {
    std::fs::read_dir(class)
        .map(|d| {
            d.flatten().any(|e| {
                std::fs::read_to_string(e.path().join("status"))
                    .is_ok_and(|s| s.trim() == "Discharging")
            })
        })
        .unwrap_or(false)
}

/// Whether NetworkManager says the connection is metered (`Metered`: 1 yes, 3
/// guessed yes). `None` without NetworkManager.
pub fn metered() -> Option<bool> {
    if cfg!(not(target_os = "linux")) {
        return None;
    }
    let out = std::process::Command::new("busctl")
        .args([
            "--system",
            "get-property",
            "org.freedesktop.NetworkManager",
            "/org/freedesktop/NetworkManager",
            "org.freedesktop.NetworkManager",
            "Metered",
        ])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    parse_metered(&String::from_utf8_lossy(&out.stdout))
}

/// Reads busctl's `u 1`.
fn parse_metered(text: &str) -> Option<bool> {
    let value: u32 = text.trim().strip_prefix("u ")?.trim().parse().ok()?;
    Some(matches!(value, 1 | 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supply(class: &Path, name: &str, files: &[(&str, &str)]) {
        let d = class.join(name);
        std::fs::create_dir_all(&d).expect("a supply");
        for (f, v) in files {
            std::fs::write(d.join(f), format!("{v}\n")).expect("a file");
        }
    }

    #[test]
    fn battery_and_mains_as_the_kernel_lists_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let class = dir.path();
        assert_eq!(on_battery(&class.join("missing")), None);
        // a desktop: mains only
        supply(class, "AC", &[("type", "Mains"), ("online", "1")]);
        assert_eq!(on_battery(class), None);
        // a mouse's battery does not make a laptop
        supply(
            class,
            "hidpp_battery_0",
            &[
                ("type", "Battery"),
                ("scope", "Device"),
                ("status", "Discharging"),
            ],
        );
        assert_eq!(on_battery(class), None);
        // a laptop on mains, then unplugged
        supply(
            class,
            "BAT0",
            &[("type", "Battery"), ("status", "Charging")],
        );
        assert_eq!(on_battery(class), Some(false));
        supply(class, "AC", &[("type", "Mains"), ("online", "0")]);
        assert_eq!(on_battery(class), Some(true));
    }

    #[test]
    fn metered_as_networkmanager_says_it() {
        assert_eq!(parse_metered("u 1\n"), Some(true));
        assert_eq!(parse_metered("u 3"), Some(true));
        assert_eq!(parse_metered("u 2"), Some(false));
        assert_eq!(parse_metered("u 4"), Some(false));
        assert_eq!(parse_metered("u 0"), Some(false));
        assert_eq!(parse_metered("garbage"), None);
    }
}
