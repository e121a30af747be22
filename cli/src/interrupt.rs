//! Ctrl-C and SIGTERM while `apply` runs: the running statement is cancelled on the server
//! (its transaction then rolls back), no further statement starts, and `apply` says what is
//! committed and how to finish. Outside a running apply, the signal ends the process at once
//! (an open transaction rolls back as its connection closes).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Set once a signal arrived.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// What cancels the statement running on the apply's connection, while one may run.
type Canceller = Box<dyn Fn() + Send>;
static CANCEL: Mutex<Option<Canceller>> = Mutex::new(None);

/// Installs the handler (once, at start).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let cancel = CANCEL.lock().ok().and_then(|mut c| c.take());
        match cancel {
            Some(cancel) => {
                eprintln!("\ninterrupted: cancelling the running statement");
                cancel();
            }
            None => {
                eprintln!("\ninterrupted");
                std::process::exit(130);
            }
        }
    });
}

/// Whether a signal arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// While the returned guard lives, a signal calls `cancel` instead of ending the process.
pub fn cancelling_with(cancel: impl Fn() + Send + 'static) -> Guard {
    if let Ok(mut c) = CANCEL.lock() {
        *c = Some(Box::new(cancel));
    }
    Guard
}

/// Takes the canceller away again when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut c) = CANCEL.lock() {
            *c = None;
        }
    }
}
