//! The job side of a browsing session (`JobKind::Browse`): opens the repository
//! once, then answers the `BrowseRequest`s that arrive on stdin, one `reply`
//! event each (a search sends one per snapshot), until stdin closes.

use std::{
    io::BufRead,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
};

use super::{
    BrowseOp, BrowseRequest, BrowseResult, ErrorInfo, JobEvent, result::BrowseReport, stream::emit,
};
use crate::{
    engine::{self, FindPattern, Session},
    error::Result,
};

fn reply(id: u64, done: bool, result: Result<BrowseResult>) {
    let (result, error) = match result {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(ErrorInfo::from(&e))),
    };
    emit(&JobEvent::Reply {
        id,
        done,
        result,
        error,
    });
}

/// Serves requests until stdin closes; the result counts them.
pub fn serve(open: engine::OpenRepo) -> Result<BrowseReport> {
    let session = Session::open(open)?;
    reply(
        0,
        true,
        Ok(BrowseResult::Opened(super::result::Opened {
            snapshots: session.snapshot_count(),
        })),
    );
    // stdin is read on its own thread, so that a newer search can stop an older one
    let newest_find = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::channel::<BrowseRequest>();
    let newest = newest_find.clone();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<BrowseRequest>(&line) {
                Ok(req) => {
                    if matches!(req.op, BrowseOp::Find { .. }) {
                        newest.fetch_max(req.id, Ordering::SeqCst);
                    }
                    if tx.send(req).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    super::stream::warn(crate::t!("job-malformed-request", cause = e.to_string()))
                }
            }
        }
    });
    let mut served = 0u64;
    for req in rx {
        served += 1;
        let id = req.id;
        match req.op {
            BrowseOp::Ls { snapshot, path } => reply(
                id,
                true,
                session.ls(&snapshot, &path).map(BrowseResult::Entries),
            ),
            BrowseOp::History { path } => {
                reply(id, true, session.history(&path).map(BrowseResult::History))
            }
            BrowseOp::Diff { from, to } => {
                reply(id, true, session.diff(&from, &to).map(BrowseResult::Diff))
            }
            BrowseOp::Find { pattern, snapshots } => {
                let stop = || newest_find.load(Ordering::SeqCst) > id;
                let done = session.find(
                    &pattern,
                    FindPattern::Search,
                    &snapshots,
                    &stop,
                    &mut |hits| {
                        if !hits.is_empty() {
                            reply(id, false, Ok(BrowseResult::Found(hits)));
                        }
                    },
                );
                match done {
                    Ok(()) => reply(
                        id,
                        true,
                        Ok(BrowseResult::FindDone(super::result::FindDone {
                            stopped: stop(),
                        })),
                    ),
                    Err(e) => reply(id, true, Err(e)),
                }
            }
        }
    }
    Ok(BrowseReport { requests: served })
}
