//! The sandbox's bound on connections against the process's file descriptor
//! limit (RLIMIT_NOFILE): a bound the limit cannot hold is never reached, as
//! accept fails first (EMFILE), so clients past it wait in the backlog
//! instead of getting their 503.
//!
//! At start-up the soft limit is raised as far as the bound needs (at most to
//! the hard limit). Then a bound given with `--max-connections` that still
//! does not fit is an error naming what would; the default is cut to what
//! fits, and the log says so.

/// What the bound needs: each connection `per_connection` descriptors, and
/// `fixed` more for the rest of the server.
pub struct Need {
    /// Descriptors a connection may hold (its socket, a Redis connection).
    pub per_connection: u64,
    /// Descriptors the server holds besides its connections.
    pub fixed: u64,
}

impl Need {
    fn of(&self, connections: usize) -> u64 {
        (connections as u64)
            .saturating_mul(self.per_connection)
            .saturating_add(self.fixed)
    }

    /// The most connections `limit` descriptors hold.
    fn fitting(&self, limit: u64) -> u64 {
        limit.saturating_sub(self.fixed) / self.per_connection.max(1)
    }
}

/// How many descriptors the process has open (one more than before the
/// call, its own look at /proc). Where there is no /proc, those taken below
/// the soft limit, found by copying standard error until the limit refuses;
/// the standard three if that cannot tell (standard error closed, or a soft
/// limit above `PROBE_MAX`, where the default bound has room to spare).
pub fn open_now() -> u64 {
    match std::fs::read_dir("/proc/self/fd") {
        Ok(fds) => fds.count() as u64,
        Err(_) => taken_below_limit().unwrap_or(3),
    }
}

/// Largest soft limit `taken_below_limit` probes up to.
const PROBE_MAX: u64 = 1 << 16;

/// Descriptors taken below the soft limit: the limit less the copies of
/// standard error that can be made before it refuses (EMFILE); each copy
/// takes the lowest free number from 3 up, so 0 to 2 count as taken.
#[cfg(unix)]
fn taken_below_limit() -> Option<u64> {
    use std::os::fd::AsFd;
    let soft = limit().soft.filter(|&soft| soft <= PROBE_MAX)?;
    let stderr = std::io::stderr();
    let mut copies = Vec::new();
    loop {
        match stderr.as_fd().try_clone_to_owned() {
            Ok(copy) => copies.push(copy),
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::MFILE.raw_os_error()) => break,
            Err(_) => return None,
        }
        if copies.len() as u64 >= soft {
            return None;
        }
    }
    Some(soft.saturating_sub(copies.len() as u64))
}

#[cfg(not(unix))]
fn taken_below_limit() -> Option<u64> {
    None
}

/// The process's limit on open descriptors, soft and hard (`None`: none).
#[derive(Clone, Copy)]
struct Limit {
    soft: Option<u64>,
    hard: Option<u64>,
}

#[cfg(unix)]
fn limit() -> Limit {
    let l = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    Limit {
        soft: l.current,
        hard: l.maximum,
    }
}

/// Raises the soft limit to `want`, or to the hard limit if lower; the limit
/// in force afterwards (as it was, if it could not be raised).
#[cfg(unix)]
fn raise(to: Limit, want: u64) -> Limit {
    let soft = Some(to.hard.map_or(want, |hard| hard.min(want)));
    let new = rustix::process::Rlimit {
        current: soft,
        maximum: to.hard,
    };
    match rustix::process::setrlimit(rustix::process::Resource::Nofile, new) {
        Ok(()) => limit(),
        Err(_) => to,
    }
}

#[cfg(not(unix))]
fn limit() -> Limit {
    Limit {
        soft: None,
        hard: None,
    }
}

#[cfg(not(unix))]
fn raise(to: Limit, _want: u64) -> Limit {
    to
}

fn shown(n: Option<u64>) -> String {
    n.map_or_else(|| "unlimited".into(), |n| n.to_string())
}

/// The bound on connections to serve with: `explicit` (from
/// `--max-connections`) or `default`, the soft descriptor limit raised
/// first if it is too low for it (at most to the hard limit).
pub fn bound(explicit: Option<usize>, default: usize, need: &Need) -> Result<usize, String> {
    let wanted = explicit.unwrap_or(default);
    let want = need.of(wanted);
    let mut now = limit();
    if now.soft.is_some_and(|soft| soft < want) {
        now = raise(now, want);
    }
    let Some(soft) = now.soft.filter(|&soft| soft < want) else {
        return Ok(wanted);
    };
    let fits = need.fitting(soft);
    let limit = format!(
        "the file descriptor limit is {soft} (hard limit {}; see ulimit -n)",
        shown(now.hard)
    );
    let each = format!(
        "{} a connection and {} more",
        need.per_connection, need.fixed
    );
    if fits == 0 {
        return Err(format!(
            "{limit}: not even one connection fits ({} descriptors: {each})",
            need.of(1)
        ));
    }
    if explicit.is_some() {
        return Err(format!(
            "--max-connections {wanted}: needs {want} file descriptors ({each}), but {limit}; at most {fits} fit"
        ));
    }
    // `fits` < `wanted` (a usize) here.
    let fits = usize::try_from(fits).unwrap_or(wanted);
    eprintln!(
        "sandbox: --max-connections {fits}: the default {wanted} needs {want} file descriptors ({each}), but {limit}"
    );
    Ok(fits)
}
