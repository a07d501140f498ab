//! What the storm measures: the latency of every request by kind (HDR histograms in
//! microseconds), errors by kind and status, and the live events the open pages hear, set
//! against the manager actions that should have caused them.
use hdrhistogram::Histogram;
use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Kind {
    Report,
    LookupPage,
    LookupApi,
    StormPanel,
    Link,
    Restore,
    StreamOpen,
    TicketPage,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Report,
        Kind::LookupPage,
        Kind::LookupApi,
        Kind::StormPanel,
        Kind::Link,
        Kind::Restore,
        Kind::StreamOpen,
        Kind::TicketPage,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::LookupPage => "look-up, page",
            Kind::LookupApi => "look-up, function",
            Kind::StormPanel => "manager: storm panel",
            Kind::Link => "manager: link",
            Kind::Restore => "manager: restore",
            Kind::StreamOpen => "stream open",
            Kind::TicketPage => "ticket page data",
        }
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs to an hour, three significant figures.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// Count and quantiles of one kind, in milliseconds.
pub struct Summary {
    pub count: u64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

fn summary(h: &Histogram<u64>) -> Summary {
    let ms = |us: u64| us as f64 / 1000.0;
    Summary {
        count: h.len(),
        p50: ms(h.value_at_quantile(0.50)),
        p95: ms(h.value_at_quantile(0.95)),
        p99: ms(h.value_at_quantile(0.99)),
        max: ms(h.max()),
    }
}

pub struct Stats {
    latency: [Mutex<Histogram<u64>>; Kind::ALL.len()],
    errors: Mutex<BTreeMap<(Kind, String), u64>>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats { latency: std::array::from_fn(|_| Mutex::new(histogram())), errors: Mutex::default() }
    }
}

impl Stats {
    /// A request that succeeded (any 2xx or 3xx), from sending it to the end of its body.
    pub fn record(&self, kind: Kind, took: Duration) {
        self.latency[kind as usize].lock().unwrap().saturating_record(took.as_micros() as u64);
    }

    /// A request that failed: `what` is its status, or what went wrong on the connection.
    pub fn error(&self, kind: Kind, what: String) {
        *self.errors.lock().unwrap().entry((kind, what)).or_default() += 1;
    }

    pub fn summary(&self, kind: Kind) -> Summary {
        summary(&self.latency[kind as usize].lock().unwrap())
    }

    pub fn errors(&self) -> BTreeMap<(Kind, String), u64> {
        self.errors.lock().unwrap().clone()
    }

    pub fn error_count(&self) -> u64 {
        self.errors.lock().unwrap().values().sum()
    }
}

/// How soon after a page opened an event counts as one about its opening.
pub const AT_OPEN: Duration = Duration::from_secs(1);

struct Watched {
    opened: Instant,
    arrivals: Vec<Instant>,
}

/// The open ticket pages, what they heard, and what they should hear: after a manager's
/// action, one "changed" on the page of every ticket it changed.
#[derive(Default)]
pub struct Live {
    streams: Mutex<Vec<Watched>>,
    by_number: Mutex<HashMap<String, usize>>,
    /// (stream, action sent, action answered)
    expected: Mutex<Vec<(usize, Instant, Instant)>>,
    open: AtomicUsize,
}

/// What the pages heard, against what they should have.
pub struct Delivery {
    pub expected: usize,
    /// The delay from each change's answer to its event on the page (0 if the event came
    /// first): a lower bound of commit → page, since the commit comes before the answer.
    pub from_answer: Option<Summary>,
    /// The delay from sending each change to its event on the page: an upper bound of
    /// commit → page, which the target is checked against.
    pub from_sent: Option<Summary>,
    pub missed: usize,
    /// Events no manager action accounts for, heard within [`AT_OPEN`] of the page opening:
    /// its own report, announced to the process after the page had subscribed.
    pub at_open: usize,
    /// Other events no manager action accounts for.
    pub other: usize,
}

impl Live {
    /// A page's stream answered (its server subscribed before answering); returns its index.
    pub fn opened(&self, number: &str) -> usize {
        let mut streams = self.streams.lock().unwrap();
        streams.push(Watched { opened: Instant::now(), arrivals: Vec::new() });
        self.by_number.lock().unwrap().insert(number.to_owned(), streams.len() - 1);
        self.open.fetch_add(1, Ordering::Relaxed);
        streams.len() - 1
    }

    pub fn closed(&self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    pub fn heard(&self, stream: usize, events: usize) {
        let now = Instant::now();
        self.streams.lock().unwrap()[stream].arrivals.extend(std::iter::repeat_n(now, events));
    }

    /// An action sent at `sent` and answered at `answered` changed these tickets: each page
    /// watching one since before the action should hear it.
    pub fn expect(&self, numbers: &[String], sent: Instant, answered: Instant) -> usize {
        let streams = self.streams.lock().unwrap();
        let by_number = self.by_number.lock().unwrap();
        let mut expected = self.expected.lock().unwrap();
        let before = expected.len();
        for number in numbers {
            if let Some(&i) = by_number.get(number).filter(|&&i| streams[i].opened < sent) {
                expected.push((i, sent, answered));
            }
        }
        expected.len() - before
    }

    /// Matches each expected change with the first event its page heard after it was sent.
    pub fn delivery(&self) -> Delivery {
        let streams = self.streams.lock().unwrap();
        let mut expected = self.expected.lock().unwrap().clone();
        expected.sort_by_key(|(_, sent, _)| *sent);
        // Per stream, how many of its arrivals are matched or passed over.
        let mut used: Vec<usize> = vec![0; streams.len()];
        let mut matched: Vec<Vec<usize>> = vec![Vec::new(); streams.len()];
        let (mut from_answer, mut from_sent, mut missed) = (histogram(), histogram(), 0);
        for (i, sent, answered) in &expected {
            let arrivals = &streams[*i].arrivals;
            match arrivals.iter().skip(used[*i]).position(|a| a >= sent) {
                Some(at) => {
                    used[*i] += at + 1;
                    matched[*i].push(used[*i] - 1);
                    let arrival = arrivals[used[*i] - 1];
                    from_answer.saturating_record(arrival.saturating_duration_since(*answered).as_micros() as u64);
                    from_sent.saturating_record(arrival.saturating_duration_since(*sent).as_micros() as u64);
                }
                None => missed += 1,
            }
        }
        let (mut at_open, mut other) = (0, 0);
        for (stream, matched) in streams.iter().zip(&matched) {
            let unmatched = stream.arrivals.iter().enumerate().filter(|(n, _)| !matched.contains(n));
            for (_, arrival) in unmatched {
                if arrival.duration_since(stream.opened) < AT_OPEN {
                    at_open += 1;
                } else {
                    other += 1;
                }
            }
        }
        Delivery {
            expected: expected.len(),
            from_answer: (!from_answer.is_empty()).then(|| summary(&from_answer)),
            from_sent: (!from_sent.is_empty()).then(|| summary(&from_sent)),
            missed,
            at_open,
            other,
        }
    }
}
