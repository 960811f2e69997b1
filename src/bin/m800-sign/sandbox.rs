//! `m800-sign sandbox`: a local stand-in for the push endpoint. Every request is
//! checked with the library's verifier (clock window and replay store included)
//! and answered like the API.
//!
//! Each connection has its own thread (at most `--max-connections` open, as
//! many as the file descriptor limit holds: see `descriptors`; past
//! them, up to `MAX_REFUSING` more are answered 503 at once, any more closed),
//! one request, and one deadline for the whole request (`--request-timeout`,
//! seconds), however the bytes trickle in, and `OWN_BYTES` of buffer its own
//! (past them, all requests share `SHARED_BYTES`). The
//! replay store is the in-memory cache (shared by the threads), or Redis with
//! `--replay-store redis://HOST:PORT`, so that several sandboxes share nonces.

use crate::args::{Args, Spec};
use crate::{clipped, json_string, Credentials};
use m800_sign::http::HttpRequest;
use m800_sign::verify::{Freshness, ReplayCache, ReplaySlot, ReplayStore, Verifier};
use m800_sign::{Error, Signer};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SPEC: Spec = Spec {
    values: &[
        "key",
        "secret-file",
        "listen",
        "window",
        "slots",
        "max-requests",
        "replay-store",
        "max-connections",
        "request-timeout",
    ],
    switches: &[],
};

/// Default in-memory cache: room for 10,000 requests inside one window at
/// under a sixth of the slots (2 MiB).
const DEFAULT_SLOTS: usize = 65_536;
/// Default bound on open connections.
const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default deadline for a whole request, in seconds.
const DEFAULT_REQUEST_TIMEOUT_S: u64 = 10;
/// Largest `--request-timeout`, in seconds: one day.
const MAX_REQUEST_TIMEOUT_S: u64 = 86_400;
/// Pause after a failed accept (e.g. out of file descriptors).
const ACCEPT_RETRY: Duration = Duration::from_millis(50);
/// Stack of a connection thread.
const THREAD_STACK: usize = 256 * 1024;
/// Connections past the bound answered 503 at the same time, each by a
/// thread of its own; any more are closed at once.
const MAX_REFUSING: usize = 16;
/// How long a 503 waits for the request it refuses to be read away.
const REFUSAL_DRAIN: Duration = Duration::from_secs(1);
/// File descriptors the sandbox needs besides its connections and those
/// open at start-up (the standard streams, any it inherited): the 503
/// threads' connections, the listener, and a margin (a Redis connection
/// opened to check the URL, a connection accepted only to be closed).
const MORE_DESCRIPTORS: u64 = MAX_REFUSING as u64 + 4;

/// Largest request the sandbox reads.
const MAX_REQUEST: usize = 1 << 20;
/// Bytes read from a connection at a time.
const READ_CHUNK: usize = 8192;
/// Bytes of a request every connection may buffer of its own (a push is a
/// few hundred).
const OWN_BYTES: usize = 16 << 10;
/// Past `OWN_BYTES`, the bytes all requests being read may buffer together:
/// 64 requests of the largest size (1024 connections each with 1 MiB would
/// be a gigabyte).
const SHARED_BYTES: usize = 64 << 20;

struct Reply {
    status: u16,
    body: String,
    log: String,
}

fn error_reply(status: u16, code: u32, message: &str, log: String) -> Reply {
    Reply {
        status,
        body: format!(
            "{{\"error\":{{\"status\":{status},\"code\":{code},\"message\":{}}}}}",
            json_string(message)
        ),
        log,
    }
}

/// The API-style error code of a verification failure, each failure its own
/// (PROTOCOL.md section 3): the sandbox's first ten, and past them 40110 plus
/// the failure's stable number ([`Error::code`], its C status value).
fn code(e: &Error) -> u32 {
    match e {
        Error::MalformedAuthorization => 40101,
        Error::UnsupportedScheme => 40102,
        Error::UnknownKey => 40103,
        Error::MissingDate => 40104,
        Error::InvalidDate => 40105,
        Error::DateTooOld { .. } => 40106,
        Error::DateInFuture { .. } => 40107,
        Error::SignatureMismatch => 40108,
        Error::ReplayedNonce => 40109,
        Error::ReplayStoreFull => 40110,
        other => 40110 + u32::from(other.code()),
    }
}

/// Why a request could not be read; each is answered with its own status.
#[derive(Debug, PartialEq)]
enum ReadError {
    /// Not complete within the deadline: 408.
    Timeout,
    /// No end of the head within `MAX_REQUEST` bytes: 431.
    HeadTooLarge,
    /// A `Content-Length` that takes the request past `MAX_REQUEST`: 413.
    BodyTooLarge,
    /// More bytes than the budget shared by all requests holds: 503.
    Busy,
    /// The connection failed (nothing can be answered).
    Io(String),
}

impl ReadError {
    fn reply(&self) -> Reply {
        // Each its own code: the status times 100, but for the budget's 503
        // (50300 is past the bound on connections, 50302 no thread).
        let (status, code, message) = match self {
            ReadError::Timeout => (
                408,
                40800,
                "request timeout: not complete within the deadline",
            ),
            ReadError::HeadTooLarge => (431, 43100, "request head larger than 1 MiB"),
            ReadError::BodyTooLarge => (413, 41300, "request larger than 1 MiB"),
            ReadError::Busy => (
                503,
                50301,
                "busy: the requests being read hold all the memory set aside for them",
            ),
            ReadError::Io(e) => (400, 40000, e.as_str()),
        };
        error_reply(status, code, message, format!("{status} {message}"))
    }
}

/// A connection's part of the `SHARED_BYTES` budget, given back when dropped.
struct Budget<'b> {
    shared: &'b AtomicUsize,
    held: usize,
}

impl Budget<'_> {
    /// Makes room in `raw` for `more` bytes: its capacity doubled as far as
    /// needed, and what the capacity takes past `OWN_BYTES` taken from the
    /// shared budget first; `Busy` when the budget cannot hold it.
    fn grow(&mut self, raw: &mut Vec<u8>, more: usize) -> Result<(), ReadError> {
        let len = raw.len().saturating_add(more);
        if len <= raw.capacity() {
            return Ok(());
        }
        // At most what a request of the largest size and the read that
        // takes it past may hold.
        let capacity = len
            .next_power_of_two()
            .clamp(OWN_BYTES, MAX_REQUEST + READ_CHUNK)
            .max(len);
        let need = capacity.saturating_sub(OWN_BYTES);
        if need > self.held {
            let extra = need - self.held;
            // Taken only if it fits (compare and swap): an add undone on
            // refusal would, for that moment, refuse another that fits.
            self.shared
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                    used.checked_add(extra)
                        .filter(|&total| total <= SHARED_BYTES)
                })
                .map_err(|_| ReadError::Busy)?;
            self.held = need;
        }
        raw.try_reserve_exact(capacity - raw.len())
            .map_err(|_| ReadError::Busy)
    }
}

impl Drop for Budget<'_> {
    fn drop(&mut self) {
        self.shared.fetch_sub(self.held, Ordering::SeqCst);
    }
}

/// Finds where an HTTP head ends (after CRLF CRLF) in a buffer that grows as
/// bytes arrive, looking only at the new bytes (and the three before them),
/// so that a head trickled in small pieces costs linear time.
#[derive(Default)]
struct HeadEnd {
    scanned: usize,
}

impl HeadEnd {
    /// Where the parser can answer, once `raw` (every byte so far) holds it:
    /// the head's end, or else the end of a line break other than CRLF (a
    /// bare CR or LF), after which no head can end as the parser requires.
    fn find(&mut self, raw: &[u8]) -> Option<usize> {
        let from = self.scanned.saturating_sub(3);
        self.scanned = raw.len();
        let new = raw.get(from..)?;
        let end = new.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
        // A pair with a CR not followed by LF, or an LF not after a CR (the
        // first byte's LF, with nothing before it, is bare too).
        let bare_lf_first = (from == 0 && new.first() == Some(&b'\n')).then_some(1);
        let bare = bare_lf_first.or_else(|| {
            new.windows(2)
                .position(|w| matches!(w, [a, b] if (*a == b'\r') != (*b == b'\n')))
                .map(|i| i + 2)
        });
        [end, bare].into_iter().flatten().min().map(|i| from + i)
    }
}

/// Reads one request before `deadline`: the head, then as many body bytes as
/// it announces. The bytes are parsed once, by the caller, when complete.
/// Bytes read past the request (the next, pipelined request, which this
/// one-request connection does not serve) are cut off. The flag tells that
/// the client may still be sending: bytes were cut off, or the head is
/// refused (the parser names why) before the body it announced is read.
fn read_request(
    stream: &mut TcpStream,
    deadline: Instant,
    budget: &mut Budget<'_>,
) -> Result<(Vec<u8>, bool), ReadError> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; READ_CHUNK];
    let mut head = HeadEnd::default();
    // The whole request's length, once the head is complete.
    let mut total = None;
    while total.is_none_or(|total| raw.len() < total) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ReadError::Timeout);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| ReadError::Io(format!("read: {e}")))?;
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(ReadError::Timeout)
            }
            Err(e) => return Err(ReadError::Io(format!("read: {e}"))),
        };
        if n == 0 {
            // The peer closed: the parser names what is missing.
            return Ok((raw, false));
        }
        budget.grow(&mut raw, n)?;
        raw.extend_from_slice(chunk.get(..n).unwrap_or_default());
        let ended = if total.is_none() {
            head.find(&raw)
        } else {
            None
        };
        if let Some(head_len) = ended {
            // A head that ends past the limit is too large whatever follows
            // it (its end may come in the read that crosses the limit).
            if head_len > MAX_REQUEST {
                return Err(ReadError::HeadTooLarge);
            }
            // The head is complete: the library's parser says how long the
            // request is (or, when it is parsed, what is wrong with it).
            let Ok(length) = HttpRequest::length(&raw) else {
                return Ok((raw, true));
            };
            total = Some(length);
        }
        match total {
            None if raw.len() > MAX_REQUEST => return Err(ReadError::HeadTooLarge),
            Some(total) if total > MAX_REQUEST => return Err(ReadError::BodyTooLarge),
            _ => {}
        }
    }
    let more = total.is_some_and(|total| raw.len() > total);
    if let Some(total) = total {
        raw.truncate(total);
    }
    Ok((raw, more))
}

/// The in-memory cache, shared by the connection threads (locked for the
/// check only). A poisoned lock refuses.
struct SharedCache<'c>(&'c Mutex<ReplayCache<Vec<ReplaySlot>>>);

impl ReplayStore for SharedCache<'_> {
    fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness {
        match self.0.lock() {
            Ok(mut cache) => cache.check_and_record(key, nonce, keep_until, now),
            Err(_) => Freshness::Full,
        }
    }
}

/// Where the sandbox records nonces.
enum Store {
    Memory(Mutex<ReplayCache<Vec<ReplaySlot>>>),
    /// Idle connections to Redis, taken by one thread at a time.
    #[cfg(feature = "redis")]
    Redis {
        template: Box<m800_sign::verify::RedisReplayStore>,
        idle: Mutex<Vec<m800_sign::verify::RedisReplayStore>>,
    },
}

impl Store {
    fn open(spec: Option<&str>, slots: usize) -> Result<Store, String> {
        match spec {
            None | Some("memory") => {
                // Allocated with a fallible reserve: a count too large for
                // memory is an error, not an abort.
                let mut cache = Vec::new();
                cache.try_reserve_exact(slots).map_err(|_| {
                    format!(
                        "--slots {slots}: cannot allocate {slots} slots of {} bytes",
                        std::mem::size_of::<ReplaySlot>()
                    )
                })?;
                cache.resize(slots, ReplaySlot::EMPTY);
                Ok(Store::Memory(Mutex::new(ReplayCache::new(cache))))
            }
            Some(url) if url.starts_with("redis://") => Self::redis(url),
            Some(other) => Err(format!(
                "--replay-store: '{other}' is neither 'memory' nor a redis://HOST:PORT URL"
            )),
        }
    }

    #[cfg(feature = "redis")]
    fn redis(url: &str) -> Result<Store, String> {
        let template = m800_sign::verify::RedisReplayStore::open(url)
            .map_err(|e| format!("--replay-store {url}: {e}"))?;
        Ok(Store::Redis {
            template: Box::new(template),
            idle: Mutex::new(Vec::new()),
        })
    }

    #[cfg(not(feature = "redis"))]
    fn redis(url: &str) -> Result<Store, String> {
        Err(format!(
            "--replay-store {url}: this m800-sign was built without the redis feature"
        ))
    }

    /// Runs `f` with a store of its own for one verification.
    fn with<R>(&self, f: impl FnOnce(&mut dyn ReplayStore) -> R) -> R {
        match self {
            Store::Memory(cache) => f(&mut SharedCache(cache)),
            #[cfg(feature = "redis")]
            Store::Redis { template, idle } => {
                let taken = idle.lock().ok().and_then(|mut idle| idle.pop());
                let mut store = taken.unwrap_or_else(|| (**template).clone());
                let r = f(&mut store);
                if let Ok(mut idle) = idle.lock() {
                    idle.push(store);
                }
                r
            }
        }
    }
}

fn handle(raw: &[u8], verifier: &Verifier<&Signer>, store: &Store, now: u64) -> Reply {
    let http = match HttpRequest::parse(raw) {
        Ok(h) => h,
        Err(e) => {
            return error_reply(
                400,
                40000,
                &format!("{}: {e}", e.name()),
                format!("400 {}", e.name()),
            )
        }
    };
    // A request of up to 1 MiB does not put as much of the client's text in
    // the log (the request line is visible ASCII: characters are bytes).
    let line = format!(
        "{} {}",
        clipped(http.method(), m800_sign::limits::METHOD_MAX),
        clipped(http.target(), m800_sign::limits::URI_MAX)
    );
    let received = http.to_received();
    let verified = store.with(|store| verifier.verify(&received, now, Some(store)).map(|_| ()));
    if let Err(e) = verified {
        let message = crate::verify::refusal(verifier, &received, e);
        return error_reply(
            401,
            code(&e),
            &message,
            format!("{line} -> 401 {}", e.name()),
        );
    }
    if http.method() != "POST" || !http.target().starts_with("/api/1.0/push/") {
        return error_reply(
            404,
            40400,
            "no such endpoint: POST /api/1.0/push/{username}@{carrier}",
            format!("{line} -> 404"),
        );
    }
    if let Err(e) = m800_sign::push::parse_body(http.body()) {
        return error_reply(
            400,
            40001,
            &format!("malformed body: {}: {e}", e.name()),
            format!("{line} -> 400 {}", e.name()),
        );
    }
    let id = m800_sign::Nonce::fresh()
        .map(|n| n.as_str().to_string())
        .unwrap_or_default();
    Reply {
        status: 200,
        body: format!("{{\"requestId\":{}}}", json_string(&id)),
        log: format!("{line} -> 200 requestId={id}"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Everything a connection thread needs.
struct Server<'s> {
    verifier: Verifier<&'s Signer>,
    store: Store,
    timeout: Duration,
    /// Bytes taken from the `SHARED_BYTES` budget by requests being read.
    buffered: AtomicUsize,
}

fn respond(stream: &mut TcpStream, peer: &str, reply: &Reply) {
    eprintln!("{peer} {}", reply.log);
    let response = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        reply.status,
        reason(reply.status),
        reply.body.len(),
        reply.body
    );
    if let Err(e) = stream.write_all(response.as_bytes()) {
        eprintln!("{peer} write: {e}");
    }
}

/// One connection: one request, read before the deadline, parsed once.
fn serve(server: &Server<'_>, mut stream: TcpStream, peer: &str) -> Result<(), String> {
    let deadline = Instant::now() + server.timeout;
    let _ = stream.set_write_timeout(Some(server.timeout));
    // Whether the client may still be sending when it is answered: a head or
    // body too large, a head refused before its body came, or a request
    // pipelined behind this one.
    let mut budget = Budget {
        shared: &server.buffered,
        held: 0,
    };
    let (reply, unread) = match read_request(&mut stream, deadline, &mut budget) {
        Ok((raw, more)) => (
            handle(&raw, &server.verifier, &server.store, crate::now()?),
            more,
        ),
        Err(e) => (
            e.reply(),
            matches!(
                e,
                ReadError::HeadTooLarge | ReadError::BodyTooLarge | ReadError::Busy
            ),
        ),
    };
    drop(budget);
    respond(&mut stream, peer, &reply);
    if unread {
        // Closing with its bytes unread would reset the connection and lose
        // the answer, so read them away until it stops (or the deadline
        // passes).
        let _ = stream.shutdown(std::net::Shutdown::Write);
        drain(&mut stream, deadline);
    }
    Ok(())
}

/// Reads and drops what the client still sends, until it closes or the
/// deadline passes.
fn drain(stream: &mut TcpStream, deadline: Instant) {
    let mut sink = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        if matches!(stream.read(&mut sink), Ok(0) | Err(_)) {
            return;
        }
    }
}

/// The 503 a connection past the bound gets.
fn too_many() -> Reply {
    error_reply(
        503,
        50300,
        "too many open connections",
        "503 too many open connections".into(),
    )
}

/// Answers 503 from the accept loop, which must not wait for the client: a
/// connection no thread could be started for. The write does not block (the
/// short answer fits the empty send buffer), the bytes the client has sent
/// so far are read away without waiting (closing with them unread would
/// reset the connection and could lose the answer), and it is closed.
fn refuse_at_once(mut stream: TcpStream, peer: &str) {
    let _ = stream.set_nonblocking(true);
    let reply = error_reply(
        503,
        50302,
        "cannot start a thread for the connection",
        "503 no thread for the connection".into(),
    );
    respond(&mut stream, peer, &reply);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 8192];
    for _ in 0..8 {
        if !matches!(stream.read(&mut sink), Ok(n) if n > 0) {
            break;
        }
    }
}

/// Runs `f(value)` on a thread of its own in `scope`, or gives `value` back
/// with the error when no thread can be started (the closure, and what it
/// holds, dropped): the value moves to the thread only once it runs.
fn spawn_with<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    value: T,
    f: impl FnOnce(T) + Send + 'scope,
) -> Result<(), (T, std::io::Error)> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<T>(1);
    let spawned = std::thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn_scoped(scope, move || {
            if let Ok(value) = rx.recv() {
                f(value);
            }
        });
    match spawned {
        // The channel holds one value: sending does not wait.
        Ok(_) => {
            let _ = tx.send(value);
            Ok(())
        }
        Err(e) => Err((value, e)),
    }
}

/// Counts an open connection until dropped.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn run(argv: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    let args = Args::parse(&SPEC, argv)?;
    let creds = Credentials::load(&args)?;
    let signer = creds.signer()?;
    let listen = args.get("listen").unwrap_or("127.0.0.1:8800");
    let window = args
        .number::<u32>("window")?
        .unwrap_or(m800_sign::verify::DEFAULT_WINDOW_S);
    // Each count is at least 1: no slot refused every push, and 0 requests
    // or connections served one or none.
    let slots = args.count::<usize>("slots")?.unwrap_or(DEFAULT_SLOTS);
    let max_requests = args.count::<u64>("max-requests")?;
    let max_connections = args.count::<usize>("max-connections")?;
    let timeout_s = args
        .count::<u64>("request-timeout")?
        .unwrap_or(DEFAULT_REQUEST_TIMEOUT_S);
    if timeout_s > MAX_REQUEST_TIMEOUT_S {
        // Far beyond any use, and a deadline the clock could not hold
        // (`Instant + Duration` overflowing panicked in every connection).
        return Err(format!(
            "--request-timeout: at most {MAX_REQUEST_TIMEOUT_S} seconds (one day)"
        ));
    }
    let replay_store = args.get("replay-store");
    if args.get("slots").is_some() && !matches!(replay_store, None | Some("memory")) {
        return Err(
            "--slots: only with the in-memory replay store, not with --replay-store redis://"
                .into(),
        );
    }
    let store = Store::open(replay_store, slots)?;
    // With Redis, a connection may hold one to Redis too.
    let per_connection = if matches!(store, Store::Memory(_)) {
        1
    } else {
        2
    };
    let max_connections = crate::descriptors::bound(
        max_connections,
        DEFAULT_MAX_CONNECTIONS,
        &crate::descriptors::Need {
            per_connection,
            fixed: crate::descriptors::open_now().saturating_add(MORE_DESCRIPTORS),
        },
    )?;
    let listener = TcpListener::bind(listen).map_err(|e| format!("--listen {listen}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "m800-sign sandbox listening on http://{local} (key {})",
        signer.key()
    );
    std::io::stdout().flush().map_err(|e| e.to_string())?;

    let server = Server {
        verifier: Verifier::new(&signer).with_window(window),
        store,
        timeout: Duration::from_secs(timeout_s),
        buffered: AtomicUsize::new(0),
    };
    let open = Arc::new(AtomicUsize::new(0));
    let refusing = Arc::new(AtomicUsize::new(0));
    let mut accepted = 0u64;
    // Scoped threads: `run` returns (with --max-requests) once every
    // connection it accepted has been answered.
    std::thread::scope(|scope| {
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                Err(e) => {
                    // Out of descriptors (EMFILE) and the like last until a
                    // connection closes: retrying at once spun a core and
                    // flooded the log. The backlog holds new clients meanwhile.
                    eprintln!("accept: {e}");
                    std::thread::sleep(ACCEPT_RETRY);
                    continue;
                }
            };
            let peer = stream
                .peer_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            if open.fetch_add(1, Ordering::SeqCst) >= max_connections {
                open.fetch_sub(1, Ordering::SeqCst);
                // The 503 comes from a thread of its own, which then reads
                // the client's request away (closing with it unread would
                // reset the connection and lose the answer); this loop waits
                // for no client. Past MAX_REFUSING such threads: closed.
                if refusing.fetch_add(1, Ordering::SeqCst) >= MAX_REFUSING {
                    refusing.fetch_sub(1, Ordering::SeqCst);
                    continue;
                }
                let guard = Open(Arc::clone(&refusing));
                let spawned = spawn_with(scope, (stream, peer), move |(mut stream, peer)| {
                    let _guard = guard;
                    let _ = stream.set_write_timeout(Some(REFUSAL_DRAIN));
                    respond(&mut stream, &peer, &too_many());
                    let _ = stream.shutdown(std::net::Shutdown::Write);
                    drain(&mut stream, Instant::now() + REFUSAL_DRAIN);
                });
                if let Err(((stream, peer), e)) = spawned {
                    eprintln!("thread: {e}");
                    refuse_at_once(stream, &peer);
                }
                continue;
            }
            let guard = Open(Arc::clone(&open));
            let server = &server;
            let spawned = spawn_with(scope, (stream, peer), move |(stream, peer)| {
                let _guard = guard;
                if let Err(e) = serve(server, stream, &peer) {
                    eprintln!("{peer} {e}");
                }
            });
            if let Err(((stream, peer), e)) = spawned {
                // Out of threads (RLIMIT_NPROC, memory): a 503 now, not a
                // connection closed without a word.
                eprintln!("thread: {e}");
                refuse_at_once(stream, &peer);
                continue;
            }
            accepted = accepted.saturating_add(1);
            if max_requests.is_some_and(|max| accepted >= max) {
                break;
            }
        }
    });
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::{code, Budget, Error, HeadEnd, ReadError, MAX_REQUEST, OWN_BYTES, SHARED_BYTES};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    const REQUEST: &[u8] = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok";
    const HEAD_LEN: usize = REQUEST.len() - 2;

    /// The end is found however the bytes are split, the CRLF CRLF included.
    #[test]
    fn head_end_is_found_across_any_split() {
        for cut in 0..=REQUEST.len() {
            let mut head = HeadEnd::default();
            let first = head.find(&REQUEST[..cut]);
            let found = first.or_else(|| head.find(REQUEST));
            assert_eq!(found, Some(HEAD_LEN), "cut at {cut}");
        }
        let mut head = HeadEnd::default();
        let at = (1..=REQUEST.len()).find_map(|n| head.find(&REQUEST[..n]));
        assert_eq!(at, Some(HEAD_LEN), "byte by byte");
        assert_eq!(HeadEnd::default().find(b"GET / HTTP/1.1\r\n\r"), None);
    }

    /// Each verification failure its own code: the ten first ones as they
    /// were, the others (e.g. `invalid_nonce`, which shared 40100 with every
    /// field error) past them by their stable number.
    #[test]
    fn each_failure_has_its_own_code() {
        let failures = [
            Error::MalformedAuthorization,
            Error::UnsupportedScheme,
            Error::UnknownKey,
            Error::MissingDate,
            Error::InvalidDate,
            Error::DateTooOld {
                server_time: 0,
                skew_s: 0,
            },
            Error::DateInFuture {
                server_time: 0,
                skew_s: 0,
            },
            Error::SignatureMismatch,
            Error::ReplayedNonce,
            Error::ReplayStoreFull,
            Error::MissingAuthParam,
            Error::DuplicateAuthParam,
            Error::EmptyNonce,
            Error::NonceTooLong,
            Error::InvalidNonce,
            Error::EmptyMethod,
            Error::MethodTooLong,
            Error::InvalidMethod,
            Error::UriTooLong,
            Error::InvalidUri,
            Error::ContentTypeTooLong,
            Error::InvalidContentType,
            Error::InvalidSignatureEncoding,
            Error::EmptyKey,
            Error::KeyTooLong,
            Error::InvalidKey,
            Error::MissingHost,
        ];
        let codes: Vec<u32> = failures.iter().map(code).collect();
        assert_eq!(&codes[..10], (40101..=40110).collect::<Vec<_>>());
        assert_eq!(code(&Error::InvalidNonce), 40123);
        for (i, c) in codes.iter().enumerate() {
            assert!((40101..40200).contains(c), "{:?}: {c}", failures[i]);
            assert!(!codes[..i].contains(c), "{:?} repeats {c}", failures[i]);
        }
    }

    /// Each buffer's first `OWN_BYTES` are its own; past them capacity is
    /// taken from the shared budget before it is allocated, refused past
    /// `SHARED_BYTES`, and given back when the connection is done.
    #[test]
    fn buffers_past_their_own_bytes_share_one_budget() {
        let shared = AtomicUsize::new(0);
        let mut small = Budget {
            shared: &shared,
            held: 0,
        };
        let mut raw = Vec::new();
        small.grow(&mut raw, 500).unwrap();
        assert_eq!(
            (raw.capacity(), shared.load(Ordering::SeqCst)),
            (OWN_BYTES, 0)
        );
        let mut raws: Vec<Vec<u8>> = Vec::new();
        let mut budgets = Vec::new();
        // Buffers of the largest size, until one is refused.
        loop {
            let mut budget = Budget {
                shared: &shared,
                held: 0,
            };
            let mut raw = Vec::new();
            if budget.grow(&mut raw, MAX_REQUEST) == Err(ReadError::Busy) {
                break;
            }
            assert_eq!(raw.capacity(), MAX_REQUEST);
            raws.push(raw);
            budgets.push(budget);
        }
        // 64 MiB shared and 16 KiB of each its own: 65 of 1 MiB.
        assert_eq!(budgets.len(), 65);
        let taken = shared.load(Ordering::SeqCst);
        assert!(taken <= SHARED_BYTES, "{taken}");
        // Full: another is refused, the budget as it was.
        let mut late = Budget {
            shared: &shared,
            held: 0,
        };
        let mut raw = vec![0u8; OWN_BYTES];
        assert_eq!(late.grow(&mut raw, MAX_REQUEST / 2), Err(ReadError::Busy));
        assert_eq!(shared.load(Ordering::SeqCst), taken);
        drop(budgets);
        assert_eq!(shared.load(Ordering::SeqCst), 0);
        late.grow(&mut raw, MAX_REQUEST / 2).unwrap();
    }

    /// A bare LF or CR ends the wait (the parser then names it), however
    /// the bytes are split; a CRLF split between reads is no bare CR, and
    /// one in the body after the head's end does not count.
    #[test]
    fn a_bare_line_break_ends_the_wait() {
        for (raw, at) in [
            (&b"\n"[..], 1),
            (b"GET / HTTP/1.1\nHost: h\n\n", 15),
            (b"GET / HTTP/1.1\r\nHost: h\n\r\n", 24),
            (b"GET / HTTP/1.1\rHost: h\r\n\r\n", 16),
            (b"GET / HTTP/1.1\r\nHost: h\r\n\r\n\n\r", 27),
        ] {
            for cut in 0..=raw.len() {
                let mut head = HeadEnd::default();
                let found = head.find(&raw[..cut]).or_else(|| head.find(raw));
                assert_eq!(found, Some(at), "{raw:?} cut at {cut}");
            }
        }
        let mut head = HeadEnd::default();
        assert_eq!(head.find(b"GET / HTTP/1.1\r"), None);
        assert_eq!(head.find(b"GET / HTTP/1.1\r\nHost: h\r"), None);
    }

    /// 1 MiB of head arriving a byte at a time: each byte is looked at a
    /// bounded number of times (rescanning the buffer on every byte would
    /// take 5 * 10^11 comparisons, hours rather than milliseconds).
    #[test]
    fn a_head_trickled_byte_by_byte_costs_linear_time() {
        let mut raw = Vec::with_capacity(1 << 20);
        let mut head = HeadEnd::default();
        let started = Instant::now();
        for i in 0..(1usize << 20) {
            raw.push(match i % 3 {
                0 => b'a',
                1 => b'\r',
                _ => b'\n',
            });
            assert_eq!(head.find(&raw), None);
            if i % 4096 == 0 {
                let took = started.elapsed();
                assert!(took < Duration::from_secs(10), "{i} bytes took {took:?}");
            }
        }
        raw.extend_from_slice(b"\r\n");
        assert_eq!(head.find(&raw), None);
        raw.extend_from_slice(b"\r\n");
        assert_eq!(head.find(&raw), Some(raw.len()));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(10), "took {took:?}");
    }
}
