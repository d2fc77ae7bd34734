//! The moment the server begins to stop (SIGTERM or Ctrl-C), shared by everything that must
//! react to it: the app's listener stops accepting, push connections end (so browsers
//! reconnect, to another server behind the load balancer), the metrics listener stops, and
//! requests in flight get a bounded time to finish.

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

/// Longest wait for the database pool to close once the app has stopped: a connection still
/// checked out by a request cut off at the end of the grace time is not waited for.
pub const POOL_CLOSE: Duration = Duration::from_secs(2);

/// A shared "stop now" flag; cheap to clone.
#[derive(Clone, Debug)]
pub struct Shutdown {
    flag: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A flag nothing has raised yet.
    pub fn new() -> Self {
        Self {
            flag: Arc::new(watch::channel(false).0),
        }
    }

    /// A flag raised by the first SIGTERM or Ctrl-C.
    pub fn on_signal() -> Self {
        let shutdown = Self::new();
        let raise = shutdown.clone();
        tokio::spawn(async move {
            crate::startup::shutdown_signal().await;
            raise.begin();
        });
        shutdown
    }

    /// Raises the flag (again is harmless).
    pub fn begin(&self) {
        self.flag.send_replace(true);
    }

    /// Resolves once the flag is raised.
    pub async fn begun(self) {
        let mut receiver = self.flag.subscribe();
        // The sender lives in `self`, so waiting cannot fail for want of one.
        let _ = receiver.wait_for(|raised| *raised).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_flag_raised_once() {
        let shutdown = Shutdown::new();
        let waiting = tokio::spawn(shutdown.clone().begun());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "nothing raised it yet");
        shutdown.begin();
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("the waiter wakes")
            .expect("joins");
        // Waiting after the fact returns at once.
        tokio::time::timeout(Duration::from_secs(1), shutdown.begun())
            .await
            .expect("already raised");
    }
}
