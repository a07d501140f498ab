//! Live updates in the browser: a counter that goes up whenever the server says something
//! changed. Pages put it in their data's key, so a change refetches the data through the
//! server function (and its access rules). Without JavaScript nothing of this runs, and a page
//! is up to date on every load.
use leptos::prelude::*;

/// Listens to the server-sent events at `url` while the calling component is on the page.
pub fn use_live_updates(url: String) -> ReadSignal<u32> {
    let (changes, set_changes) = signal(0u32);
    #[cfg(feature = "hydrate")]
    {
        use futures::StreamExt;
        use gloo_net::eventsource::futures::EventSource;
        use send_wrapper::SendWrapper;

        if let Ok(mut source) = EventSource::new(&url) {
            if let Ok(mut events) = source.subscribe("changed") {
                leptos::task::spawn_local(async move {
                    while let Some(Ok(_)) = events.next().await {
                        set_changes.update(|n| *n += 1);
                    }
                });
            }
            // Closing the connection ends the stream above, and with it the task.
            let source = SendWrapper::new(source);
            on_cleanup(move || source.take().close());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, set_changes);
    changes
}
