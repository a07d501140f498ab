//! Live updates in the browser: a counter that goes up whenever the server says something
//! changed. Pages put it in their data's key, so a change refetches the data through the
//! server function (and its access rules). Without JavaScript nothing of this runs, and a page
//! is up to date on every load.
//!
//! The browser reconnects a dropped stream by itself, and the server then says "changed" at
//! once (it knows a reconnection by `Last-Event-ID`). A reconnection the server refused (the
//! database down, every process restarting) closes the stream for good: then a new one is
//! opened after a pause that doubles up to [`RETRY_MAX_MS`], and the page refetches once it
//! is back.
use leptos::prelude::*;

/// The longest pause between attempts to reopen a refused stream.
#[cfg(feature = "hydrate")]
const RETRY_MAX_MS: u64 = 30_000;

/// Listens to the server-sent events at `url` while the calling component is on the page.
pub fn use_live_updates(url: String) -> ReadSignal<u32> {
    let (changes, set_changes) = signal(0u32);
    #[cfg(feature = "hydrate")]
    {
        use futures::StreamExt;
        use gloo_net::eventsource::futures::EventSource;
        use send_wrapper::SendWrapper;
        use std::{cell::RefCell, rc::Rc};

        // The stream open now, closed when the component leaves the page; `None` once it has.
        let current: Rc<RefCell<Option<EventSource>>> = Rc::new(RefCell::new(None));
        let gone = Rc::new(std::cell::Cell::new(false));
        let (task_current, task_gone) = (current.clone(), gone.clone());
        leptos::task::spawn_local(async move {
            let mut pause_ms = 1_000;
            let mut reopened = false;
            while !task_gone.get() {
                let Ok(mut source) = EventSource::new(&url) else { return };
                let (Ok(ready), Ok(changed)) = (source.subscribe("ready"), source.subscribe("changed")) else {
                    return;
                };
                *task_current.borrow_mut() = Some(source);
                let mut events = futures::stream::select(ready.map(|e| (true, e)), changed.map(|e| (false, e)));
                while let Some((is_ready, Ok(_))) = events.next().await {
                    // A stream reopened after a refusal may have missed changes: refetch once.
                    if !is_ready || reopened {
                        set_changes.update(|n| *n += 1);
                    }
                    if is_ready {
                        pause_ms = 1_000;
                        reopened = false;
                    }
                }
                task_current.borrow_mut().take();
                if task_gone.get() {
                    return;
                }
                sleep(pause_ms).await;
                pause_ms = (pause_ms * 2).min(RETRY_MAX_MS);
                reopened = true;
            }
        });
        let cleanup = SendWrapper::new((current, gone));
        on_cleanup(move || {
            let (current, gone) = cleanup.take();
            gone.set(true);
            // Closing the stream ends the loop above, and with it the task.
            let source = current.borrow_mut().take();
            if let Some(source) = source {
                source.close();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, set_changes);
    changes
}

#[cfg(feature = "hydrate")]
async fn sleep(ms: u64) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(ms),
    );
    let _ = wait.await;
}
