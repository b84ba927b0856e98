//! Windows: the scheduler as a service of the service control manager, its named
//! pipe's access list, and installing, removing and querying the service.
//!
//! **Not built here**: the project's machines have no Windows standard library, so
//! this module has never been compiled; it is kept small, and written against the
//! sources of `windows-service` 0.8 and `windows-sys` 0.61 (see the README).
//!
//! The service runs as LocalSystem, from boot, with `daemon run --service`; the
//! service manager restarts it 30 s after a failure. Stop and shutdown reach the
//! daemon as `Control::Stop` (running jobs get the grace period, which the service
//! reports as its stop wait hint); "parameters changed" (`sc control NAME
//! paramchange`) reloads the configuration, as SIGHUP does on Unix.

use std::{
    ffi::{OsStr, OsString, c_void},
    path::Path,
    sync::OnceLock,
    time::Duration,
};

use tokio::sync::mpsc;
use windows_service::{
    define_windows_service,
    service::{
        ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
        ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod,
        ServiceInfo, ServiceStartType, ServiceState, ServiceStatus, ServiceType,
    },
    service_control_handler::{self, ServiceControlHandlerResult, ServiceStatusHandle},
    service_dispatcher,
    service_manager::{ServiceManager, ServiceManagerAccess},
};

use super::{
    daemon::{self, Control, Options},
    service::{windows_display_name, windows_service_name as service_name},
};
use crate::{
    customization::PRODUCT_NAME,
    error::{Error, Result},
};

/// Creates an instance of the daemon's named pipe, open to its owner (the user who
/// runs the daemon), SYSTEM and the administrators only, and to no remote client.
/// `first`: fail if the pipe exists already (another daemon, or a squatter).
pub fn create_pipe(
    name: &Path,
    first: bool,
) -> std::io::Result<tokio::net::windows::named_pipe::NamedPipeServer> {
    use windows_sys::Win32::{
        Foundation::LocalFree,
        Security::{
            Authorization::{
                ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
            },
            PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES,
        },
    };
    // protected DACL: generic-all for the owner (OW), SYSTEM (SY), administrators (BA)
    let sddl: Vec<u16> = "D:P(A;;GA;;;OW)(A;;GA;;;SY)(A;;GA;;;BA)\0"
        .encode_utf16()
        .collect();
    let mut descriptor: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
    // SAFETY: `sddl` is NUL-terminated UTF-16; on success `descriptor` points to a
    // LocalAlloc'ed security descriptor, freed below.
    let made = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            std::ptr::null_mut(),
        )
    };
    if made == 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut attributes = SECURITY_ATTRIBUTES {
        nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: descriptor,
        bInheritHandle: 0,
    };
    // SAFETY: `attributes` is a valid SECURITY_ATTRIBUTES that outlives the call.
    let server = unsafe {
        tokio::net::windows::named_pipe::ServerOptions::new()
            .first_pipe_instance(first)
            .reject_remote_clients(true)
            .create_with_security_attributes_raw(
                name.as_os_str(),
                &mut attributes as *mut SECURITY_ATTRIBUTES as *mut c_void,
            )
    };
    // SAFETY: `descriptor` came from ConvertStringSecurityDescriptorToSecurityDescriptorW.
    unsafe { LocalFree(descriptor) };
    server
}

/// The daemon's options, for `service_main` (which the service manager calls with
/// the service's start parameters, not the program's arguments).
static OPTIONS: OnceLock<Options> = OnceLock::new();

define_windows_service!(ffi_service_main, service_main);

/// Runs the scheduler under the service manager until it says stop. Called by
/// `daemon run --service`, as the installed service's command line says.
pub fn run_service(opts: Options) -> Result<()> {
    let _ = OPTIONS.set(opts);
    service_dispatcher::start(service_name(), ffi_service_main).map_err(|e| {
        Error::Unreachable(crate::t!(
            "sched-windows-not-a-service",
            cause = e.to_string()
        ))
    })
}

fn service_main(_arguments: Vec<OsString>) {
    let Some(opts) = OPTIONS.get().cloned() else {
        return;
    };
    if let Err(e) = serve(opts) {
        tracing::error!("the scheduler service stopped: {e}");
    }
}

fn status(state: ServiceState, wait_hint: Duration, exit_code: u32) -> ServiceStatus {
    ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted: if state == ServiceState::Running {
            ServiceControlAccept::STOP
                | ServiceControlAccept::SHUTDOWN
                | ServiceControlAccept::PARAM_CHANGE
        } else {
            ServiceControlAccept::empty()
        },
        exit_code: if exit_code == 0 {
            ServiceExitCode::NO_ERROR
        } else {
            ServiceExitCode::ServiceSpecific(exit_code)
        },
        checkpoint: 0,
        wait_hint,
        process_id: None,
    }
}

fn serve(opts: Options) -> Result<()> {
    let failed = |e: windows_service::Error| {
        Error::Unreachable(crate::t!("sched-windows-failed", cause = e.to_string()))
    };
    let (from_manager, mut manager) = mpsc::unbounded_channel::<Control>();
    let handler = move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            let _ = from_manager.send(Control::Stop);
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::ParamChange => {
            let _ = from_manager.send(Control::Reload("the service manager"));
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let handle: ServiceStatusHandle =
        service_control_handler::register(service_name(), handler).map_err(failed)?;
    let stop_hint = opts.grace + Duration::from_secs(30);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io(crate::t!("io-starting"), crate::t!("cli-daemon-runtime"), e))?;
    handle
        .set_service_status(status(ServiceState::Running, Duration::ZERO, 0))
        .map_err(failed)?;
    let result = runtime.block_on(async move {
        let (to_daemon, controls) = mpsc::unbounded_channel();
        let daemon = daemon::run_controlled(opts, controls);
        tokio::pin!(daemon);
        loop {
            tokio::select! {
                result = &mut daemon => return result,
                Some(control) = manager.recv() => {
                    if control == Control::Stop {
                        // the jobs' grace period, and time to record how they ended
                        let _ = handle.set_service_status(status(ServiceState::StopPending, stop_hint, 0));
                    }
                    let _ = to_daemon.send(control);
                }
            }
        }
    });
    let code = if result.is_ok() { 0 } else { 1 };
    let _ = handle.set_service_status(status(ServiceState::Stopped, Duration::ZERO, code));
    result
}

/// Installs the service (LocalSystem, started at boot, restarted after a failure)
/// running `exe -c config daemon run --service`, and starts it unless `start` is false.
pub fn install(exe: &Path, config: &Path, start: bool) -> Result<Vec<String>> {
    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .map_err(denied)?;
    let info = ServiceInfo {
        name: OsString::from(service_name()),
        display_name: OsString::from(windows_display_name()),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: exe.to_path_buf(),
        launch_arguments: vec![
            OsString::from("-c"),
            config.as_os_str().to_os_string(),
            OsString::from("daemon"),
            OsString::from("run"),
            OsString::from("--service"),
        ],
        dependencies: vec![],
        account_name: None, // LocalSystem
        account_password: None,
    };
    let service = manager
        .create_service(
            &info,
            ServiceAccess::CHANGE_CONFIG | ServiceAccess::START | ServiceAccess::QUERY_STATUS,
        )
        .map_err(denied)?;
    service
        .set_description(format!(
            "{PRODUCT_NAME}: backups, housekeeping and checks on schedule"
        ))
        .map_err(denied)?;
    service
        .update_failure_actions(ServiceFailureActions {
            reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 3600)),
            reboot_msg: None,
            command: None,
            actions: Some(vec![
                ServiceAction {
                    action_type: ServiceActionType::Restart,
                    delay: Duration::from_secs(30),
                };
                3
            ]),
        })
        .map_err(denied)?;
    let mut said = vec![crate::t!("sched-windows-installed", name = service_name())];
    if start {
        service.start(&[] as &[&OsStr]).map_err(denied)?;
        said.push(crate::t!("sched-windows-started", name = service_name()));
    } else {
        said.push(crate::t!(
            "sched-not-started",
            command = format!("sc start {}", service_name())
        ));
    }
    Ok(said)
}

/// Stops the service (it lets running jobs finish within the grace period) and removes it.
pub fn uninstall() -> Result<Vec<String>> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(denied)?;
    let service = match manager.open_service(
        service_name(),
        ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE,
    ) {
        Ok(s) => s,
        Err(_) => {
            return Ok(vec![crate::t!(
                "sched-windows-not-installed",
                name = service_name()
            )]);
        }
    };
    let mut said = Vec::new();
    // marked for deletion first: it goes as soon as it has stopped
    service.delete().map_err(denied)?;
    if service
        .query_status()
        .map(|s| s.current_state != ServiceState::Stopped)
        .unwrap_or(false)
    {
        if let Err(e) = service.stop() {
            said.push(crate::t!("sched-note", note = e.to_string()));
        }
    }
    said.push(crate::t!("sched-windows-removed", name = service_name()));
    Ok(said)
}

/// Whether the service is installed and running, in words.
pub fn query() -> Result<Vec<String>> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(denied)?;
    let Ok(service) = manager.open_service(service_name(), ServiceAccess::QUERY_STATUS) else {
        return Ok(vec![crate::t!(
            "sched-windows-not-installed",
            name = service_name()
        )]);
    };
    let state = match service.query_status().map(|s| s.current_state) {
        Ok(ServiceState::Running) => "running",
        Ok(ServiceState::Stopped) => "stopped",
        Ok(ServiceState::StartPending) => "starting",
        Ok(ServiceState::StopPending) => "stopping",
        Ok(_) => "paused",
        Err(_) => "unknown",
    };
    Ok(vec![
        crate::t!("sched-windows-installed-as", name = service_name()),
        crate::t!("sched-running", state = state),
    ])
}

/// A service manager error, with the hint that it needs an administrator.
fn denied(e: windows_service::Error) -> Error {
    Error::Usage(crate::t!("sched-windows-failed", cause = e.to_string()))
}
