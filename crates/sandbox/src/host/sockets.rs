//! What a guest may do with host sockets beyond where it connects to: no inbound connections unless
//! a port is exposed, exposed ports served on loopback only, and a budget of sockets per guest.
//!
//! The engine (hyperlight-unikraft 0.20.1, `hostnet.rs`) registers the guest's `net_*` host functions
//! itself and offers no way to replace them; its `bind` admits port 0 always, and nothing of its own
//! refuses `listen` or `accept`, so a guest could serve on every host interface. Its socket table
//! holds up to 1,024 sockets per guest. So the addon is linked with `-Wl,--wrap=` for `socket`,
//! `bind`, `listen`, `accept`, `accept4`, `setsockopt`, `connect`, `sendto`, `recvfrom` and `close`
//! (see the binding's `build.rs`), as
//! [`crate::guest::stdin`] wraps `read`, and the engine's rustix is built with `use-libc` (the workspace's
//! `Cargo.toml`), so its calls go through the C library and so through these wrappers. On a thread
//! that drives no guest every wrapper goes straight to the real call.
//!
//! On a guest's thread ([`GuestThread`]; the engine runs a guest's host functions on the thread that
//! drives it, [`crate::guest::pinned`]):
//! - `listen` and `accept` fail with `EACCES` unless the socket was bound to an exposed port, and a
//!   `bind` of an exposed port binds loopback port 0 instead: the host picks the port, nothing
//!   outside this machine can reach it, and [`endpoint`] tells the embedder where it is. A `bind` to
//!   another non-zero port is refused by the engine already (its listen ports are the exposed ones).
//! - every socket made (`socket`, `accept`) counts against the guest's budget until it is closed;
//!   past it `EMFILE`, and nothing else in the process notices. Closing, including the engine's
//!   drop of every socket when it restores the guest, gives it back.
//! - each socket's kernel buffers are capped ([`SOCKET_BUFFER_BYTES`]), and so is a listen backlog
//!   ([`MAX_LISTEN_BACKLOG`]): the budget bounds what the kernel holds for a guest, not only the
//!   descriptor count.
//! - a datagram is delivered only from an address and port the socket sent to or connected to (as a
//!   port-restricted NAT does): an unconnected UDP socket is bound on every host interface, and
//!   without this anyone who learnt its port could send the guest commands. Others are dropped.
//!
//! The guest sees only the errno (Python: `PermissionError: [Errno 13]`): the engine's host
//! functions carry no message.

use std::cell::Cell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::error::{ErrorCode, SandboxError};

/// How many host sockets one guest may hold at once when `network.maxSockets` is not given: with
/// `maxConcurrency` guests at this many each, a 16-core machine stays inside a 4,096-descriptor
/// limit with room for the application's own.
pub const DEFAULT_MAX_SOCKETS: usize = 256;
/// The largest `network.maxSockets` accepted: the engine's own table holds no more per guest.
pub const MAX_SOCKETS_LIMIT: usize = 1024;
/// The most ports `network.expose` may list.
pub const MAX_EXPOSED_PORTS: usize = 16;
/// The send and receive buffer sizes each guest socket is given, and the most a guest may set
/// (`SO_SNDBUF`/`SO_RCVBUF`), in bytes; the kernel doubles them for its bookkeeping.
pub const SOCKET_BUFFER_BYTES: usize = 256 * 1024;
/// The longest queue of pending connections an exposed port's listening socket keeps.
pub const MAX_LISTEN_BACKLOG: i32 = 16;

/// A guest's socket rules: its budget and the ports it may serve on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SocketPolicy {
    /// How many host sockets the guest may hold at once.
    pub max_sockets: usize,
    /// The guest ports it may listen on (`network.expose`), each served on a loopback port the host
    /// picks. Sorted, no duplicates.
    pub expose: Vec<u16>,
}

impl Default for SocketPolicy {
    fn default() -> Self {
        SocketPolicy { max_sockets: DEFAULT_MAX_SOCKETS, expose: Vec::new() }
    }
}

impl SocketPolicy {
    /// The ports a guest may bind and serve on (the engine's listen ports; with none, every bind to a
    /// non-zero port is refused).
    pub fn exposed(&self) -> &[u16] {
        &self.expose
    }
}

/// Which guest a thread serves: a number no other guest of this process had.
pub type GuestId = u64;

thread_local! {
    /// The guest this thread drives; 0: none.
    static CURRENT: Cell<GuestId> = const { Cell::new(0) };
}

/// The next [`GuestId`].
static NEXT_GUEST: AtomicU64 = AtomicU64::new(1);
/// How many descriptors [`Registry::fds`] holds, read without the lock so a `close` of anything
/// else costs nothing while no guest holds a socket.
static TRACKED: AtomicUsize = AtomicUsize::new(0);
/// The wrappers [`check_isolation`]'s probes reached, one bit each.
static PROBED: AtomicU32 = AtomicU32::new(0);

/// A descriptor no one can hold, passed by [`check_isolation`] to see each wrapper answer; as a
/// socket's address family it is one no system has.
const PROBE_FD: libc::c_int = -0x5eed;
const PROBE_SOCKET: u32 = 1;
const PROBE_BIND: u32 = 2;
const PROBE_LISTEN: u32 = 4;
const PROBE_ACCEPT: u32 = 8;
const PROBE_SETSOCKOPT: u32 = 16;
const PROBE_CLOSE: u32 = 32;
const PROBE_CONNECT: u32 = 64;
const PROBE_SENDTO: u32 = 128;
const PROBE_RECVFROM: u32 = 256;
const PROBE_ALL: u32 = 511;
/// The most peers one socket remembers sending to; datagrams from peers past these are dropped.
const MAX_PEERS: usize = 1024;

/// One guest's sockets.
#[derive(Debug)]
struct GuestSockets {
    policy: SocketPolicy,
    /// How many sockets it holds.
    open: usize,
    /// Its exposed ports that are bound: guest port → (the socket, the host address it is on, whether
    /// it listens).
    exposed: HashMap<u16, (libc::c_int, SocketAddr, bool)>,
}

/// A socket a guest holds.
#[derive(Debug, Clone)]
struct Held {
    guest: GuestId,
    /// The exposed port it is bound to, if it is.
    exposed: Option<u16>,
    /// Where it sent or connected to: the only sources its datagrams are taken from.
    peers: std::collections::HashSet<SocketAddr>,
}

#[derive(Default)]
struct Registry {
    guests: HashMap<GuestId, GuestSockets>,
    fds: HashMap<libc::c_int, Held>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Default::default);

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

impl Registry {
    fn track(&mut self, fd: libc::c_int, guest: GuestId) {
        if self.fds.insert(fd, Held { guest, exposed: None, peers: Default::default() }).is_none() {
            TRACKED.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Forgets `fd` and gives its place in its guest's budget back.
    fn release(&mut self, fd: libc::c_int) {
        let Some(held) = self.fds.remove(&fd) else { return };
        TRACKED.fetch_sub(1, Ordering::SeqCst);
        if let Some(g) = self.guests.get_mut(&held.guest) {
            g.open = g.open.saturating_sub(1);
            if let Some(port) = held.exposed {
                if g.exposed.get(&port).is_some_and(|(owner, ..)| *owner == fd) {
                    g.exposed.remove(&port);
                }
            }
        }
    }
}

/// While alive, this thread drives one guest: its socket calls obey `policy` and count against its
/// budget. Made and dropped on the guest's thread.
pub struct GuestThread {
    id: GuestId,
    /// Not `Send`: it marks the thread it was made on.
    _here: std::marker::PhantomData<*const ()>,
}

impl GuestThread {
    /// Marks this thread as driving a new guest under `policy`.
    pub fn enter(policy: &SocketPolicy) -> GuestThread {
        let id = NEXT_GUEST.fetch_add(1, Ordering::SeqCst);
        registry().guests.insert(id, GuestSockets { policy: policy.clone(), open: 0, exposed: HashMap::new() });
        CURRENT.with(|c| c.set(id));
        GuestThread { id, _here: std::marker::PhantomData }
    }

    /// The guest's number, for [`endpoint`] and [`held_by`].
    pub fn id(&self) -> GuestId {
        self.id
    }
}

impl Drop for GuestThread {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(0));
        let mut reg = registry();
        reg.guests.remove(&self.id);
        // Sockets still open (a guest dropped before its engine) stop counting for anyone.
        let left: Vec<libc::c_int> = reg.fds.iter().filter(|(_, h)| h.guest == self.id).map(|(fd, _)| *fd).collect();
        for fd in left {
            reg.fds.remove(&fd);
            TRACKED.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

thread_local! {
    /// The mark of the guest this thread was started for ([`mark_this_thread`]): dropped when the
    /// thread ends, after the guest it drove (a local of the thread's loop), so the engine's sockets
    /// are closed while they still count against their guest.
    static MARK: std::cell::RefCell<Option<GuestThread>> = const { std::cell::RefCell::new(None) };
}

/// Marks this thread, for as long as it lives, as the one that drives a new guest under `policy`
/// (each guest has a thread of its own: [`crate::guest::pinned`]), and returns the guest's id.
pub fn mark_this_thread(policy: &SocketPolicy) -> GuestId {
    let mark = GuestThread::enter(policy);
    let id = mark.id();
    MARK.with(|m| *m.borrow_mut() = Some(mark));
    id
}

/// How many host sockets guest `id` holds now.
pub fn held_by(id: GuestId) -> usize {
    registry().guests.get(&id).map_or(0, |g| g.open)
}

/// Where guest `id` serves its exposed `port` on this host (loopback, a port the host picked):
/// [`ErrorCode::PortNotExposed`] when the port is not in `network.expose`,
/// [`ErrorCode::PortNotListening`] when nothing in the guest listens on it (yet).
pub fn endpoint(id: Option<GuestId>, policy: &SocketPolicy, port: u16) -> Result<SocketAddr, SandboxError> {
    if !policy.expose.contains(&port) {
        return Err(SandboxError::new(
            ErrorCode::PortNotExposed,
            format!("port {port} is not exposed; list it in network.expose (exposed: {:?})", policy.expose),
        ));
    }
    let found = id.and_then(|id| {
        let reg = registry();
        reg.guests.get(&id).and_then(|g| g.exposed.get(&port)).filter(|(.., listening)| *listening).map(|(_, addr, _)| *addr)
    });
    found.ok_or_else(|| {
        SandboxError::new(ErrorCode::PortNotListening, format!("nothing in the session's guest listens on port {port} yet"))
    })
}

fn current() -> GuestId {
    CURRENT.try_with(Cell::get).unwrap_or(0)
}

fn fail(errno: libc::c_int) -> libc::c_int {
    unsafe { *libc::__errno_location() = errno };
    -1
}

extern "C" {
    fn __real_socket(domain: libc::c_int, ty: libc::c_int, protocol: libc::c_int) -> libc::c_int;
    fn __real_bind(fd: libc::c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> libc::c_int;
    fn __real_listen(fd: libc::c_int, backlog: libc::c_int) -> libc::c_int;
    fn __real_accept(fd: libc::c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> libc::c_int;
    fn __real_accept4(fd: libc::c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t, flags: libc::c_int) -> libc::c_int;
    fn __real_setsockopt(fd: libc::c_int, level: libc::c_int, name: libc::c_int, value: *const libc::c_void, len: libc::socklen_t) -> libc::c_int;
    fn __real_close(fd: libc::c_int) -> libc::c_int;
    fn __real_connect(fd: libc::c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> libc::c_int;
    fn __real_sendto(
        fd: libc::c_int,
        buf: *const libc::c_void,
        len: libc::size_t,
        flags: libc::c_int,
        addr: *const libc::sockaddr,
        addr_len: libc::socklen_t,
    ) -> libc::ssize_t;
    fn __real_recvfrom(
        fd: libc::c_int,
        buf: *mut libc::c_void,
        len: libc::size_t,
        flags: libc::c_int,
        addr: *mut libc::sockaddr,
        addr_len: *mut libc::socklen_t,
    ) -> libc::ssize_t;
}

/// Takes a place in guest `id`'s budget; `false` (and nothing taken) when it is used up.
fn reserve(id: GuestId) -> bool {
    let mut reg = registry();
    match reg.guests.get_mut(&id) {
        Some(g) if g.open >= g.policy.max_sockets => false,
        Some(g) => {
            g.open += 1;
            true
        }
        // A guest thread whose registration is gone (being dropped): nothing to count against.
        None => true,
    }
}

fn unreserve(id: GuestId) {
    if let Some(g) = registry().guests.get_mut(&id) {
        g.open = g.open.saturating_sub(1);
    }
}

/// A new guest socket: counted, and its buffers capped.
fn adopt(id: GuestId, fd: libc::c_int) {
    let size = SOCKET_BUFFER_BYTES as libc::c_int;
    for name in [libc::SO_SNDBUF, libc::SO_RCVBUF] {
        // A socket that takes no buffer size (not an internet one) keeps its own.
        unsafe { __real_setsockopt(fd, libc::SOL_SOCKET, name, (&size as *const libc::c_int).cast(), 4) };
    }
    registry().track(fd, id);
}

/// `socket(2)` of this binary: on a guest's thread, within its budget (`EMFILE` past it).
///
/// # Safety
/// As `socket(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_socket(domain: libc::c_int, ty: libc::c_int, protocol: libc::c_int) -> libc::c_int {
    if domain == PROBE_FD & 0xffff {
        PROBED.fetch_or(PROBE_SOCKET, Ordering::SeqCst);
        return fail(libc::EAFNOSUPPORT);
    }
    let id = current();
    if id == 0 {
        return __real_socket(domain, ty, protocol);
    }
    if !reserve(id) {
        return fail(libc::EMFILE);
    }
    let fd = __real_socket(domain, ty, protocol);
    if fd < 0 {
        unreserve(id);
    } else {
        adopt(id, fd);
    }
    fd
}

/// The host address an exposed port is served on instead of what the guest asked: loopback, port 0
/// (the host picks), in the socket's family.
fn loopback_for(asked: &SocketAddr, mapped: bool) -> SocketAddr {
    match asked {
        SocketAddr::V4(_) => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        // A dual-stack socket answers on IPv4 loopback, which is what `127.0.0.1` endpoints reach;
        // a v6-only one on ::1.
        SocketAddr::V6(_) if mapped => SocketAddr::new(IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()), 0),
        SocketAddr::V6(_) => SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
    }
}

/// `bind(2)` of this binary: on a guest's thread, a bind of an exposed port binds loopback on a port
/// the host picks; any other non-zero port is refused.
///
/// # Safety
/// As `bind(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_bind(fd: libc::c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_BIND, Ordering::SeqCst);
        return fail(libc::EBADF);
    }
    let id = current();
    if id == 0 || addr.is_null() {
        return __real_bind(fd, addr, len);
    }
    let Some(asked) = read_sockaddr(addr, len) else { return __real_bind(fd, addr, len) };
    if asked.port() == 0 {
        return __real_bind(fd, addr, len);
    }
    let exposed = {
        let reg = registry();
        let Some(g) = reg.guests.get(&id) else { return fail(libc::EACCES) };
        if !g.policy.expose.contains(&asked.port()) {
            return fail(libc::EACCES);
        }
        if g.exposed.contains_key(&asked.port()) {
            return fail(libc::EADDRINUSE);
        }
        asked.port()
    };
    let mut bound = -1;
    for mapped in [true, false] {
        let (storage, slen) = write_sockaddr(&loopback_for(&asked, mapped));
        bound = __real_bind(fd, (&storage as *const libc::sockaddr_storage).cast(), slen);
        if bound == 0 || asked.is_ipv4() {
            break;
        }
    }
    if bound != 0 {
        return bound;
    }
    let Some(host) = local_address(fd) else { return fail(libc::EADDRNOTAVAIL) };
    let mut reg = registry();
    if let Some(held) = reg.fds.get_mut(&fd) {
        held.exposed = Some(exposed);
    }
    if let Some(g) = reg.guests.get_mut(&id) {
        g.exposed.insert(exposed, (fd, host, false));
    }
    0
}

/// `addr` as a peer is compared: an IPv4-mapped IPv6 address as IPv4.
fn peer_form(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V6(v6) => SocketAddr::new(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4), addr.port()),
        IpAddr::V4(_) => addr,
    }
}

/// Notes that guest socket `fd` sends to (or connected to) `addr`.
unsafe fn remember_peer(fd: libc::c_int, addr: *const libc::sockaddr, len: libc::socklen_t) {
    if addr.is_null() {
        return;
    }
    let Some(peer) = read_sockaddr(addr, len) else { return };
    if let Some(held) = registry().fds.get_mut(&fd) {
        if held.peers.len() < MAX_PEERS {
            held.peers.insert(peer_form(peer));
        }
    }
}

/// Whether a datagram from `from` may reach guest socket `fd`: from a peer it sent to, or on an
/// exposed port (served on loopback only), or on a socket that is none of a guest's.
fn from_a_peer(fd: libc::c_int, from: SocketAddr) -> bool {
    match registry().fds.get(&fd) {
        Some(held) => held.exposed.is_some() || held.peers.contains(&peer_form(from)),
        None => true,
    }
}

/// `connect(2)` of this binary: on a guest's thread, the peer is remembered (see [`__wrap_recvfrom`]).
/// Whether it may be reached is the engine's allow list's to say, before this.
///
/// # Safety
/// As `connect(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_connect(fd: libc::c_int, addr: *const libc::sockaddr, len: libc::socklen_t) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_CONNECT, Ordering::SeqCst);
        return fail(libc::EBADF);
    }
    if current() != 0 {
        remember_peer(fd, addr, len);
    }
    __real_connect(fd, addr, len)
}

/// `sendto(2)` of this binary: on a guest's thread, the destination is remembered (see
/// [`__wrap_recvfrom`]).
///
/// # Safety
/// As `sendto(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_sendto(
    fd: libc::c_int,
    buf: *const libc::c_void,
    len: libc::size_t,
    flags: libc::c_int,
    addr: *const libc::sockaddr,
    addr_len: libc::socklen_t,
) -> libc::ssize_t {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_SENDTO, Ordering::SeqCst);
        return fail(libc::EBADF) as libc::ssize_t;
    }
    if current() != 0 {
        remember_peer(fd, addr, addr_len);
    }
    __real_sendto(fd, buf, len, flags, addr, addr_len)
}

/// `recvfrom(2)` of this binary: on a guest's thread, a datagram from an address and port the socket
/// never sent to is dropped and the next one read (the engine's sockets are non-blocking: `EAGAIN`
/// when there is none).
///
/// # Safety
/// As `recvfrom(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_recvfrom(
    fd: libc::c_int,
    buf: *mut libc::c_void,
    len: libc::size_t,
    flags: libc::c_int,
    addr: *mut libc::sockaddr,
    addr_len: *mut libc::socklen_t,
) -> libc::ssize_t {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_RECVFROM, Ordering::SeqCst);
        return fail(libc::EBADF) as libc::ssize_t;
    }
    if current() == 0 || addr.is_null() || addr_len.is_null() {
        return __real_recvfrom(fd, buf, len, flags, addr, addr_len);
    }
    let room = *addr_len;
    loop {
        *addr_len = room;
        let n = __real_recvfrom(fd, buf, len, flags, addr, addr_len);
        if n < 0 {
            return n;
        }
        // A stream socket reports no source: its peer is the one it connected to or accepted.
        let Some(from) = read_sockaddr(addr, (*addr_len).min(room)) else { return n };
        if from_a_peer(fd, from) {
            return n;
        }
        if flags & libc::MSG_PEEK != 0 {
            // Take the peeked datagram off the queue, or the next peek would see it again.
            let mut scratch = [0u8; 1];
            __real_recvfrom(fd, scratch.as_mut_ptr().cast(), 1, libc::MSG_DONTWAIT, std::ptr::null_mut(), std::ptr::null_mut());
        }
    }
}

/// The exposed port `fd` is bound to, if it is a socket of guest `id` bound to one.
fn exposed_port(id: GuestId, fd: libc::c_int) -> Option<u16> {
    registry().fds.get(&fd).filter(|h| h.guest == id).and_then(|h| h.exposed)
}

/// `listen(2)` of this binary: on a guest's thread, refused (`EACCES`) unless the socket is bound to
/// an exposed port; its backlog capped.
///
/// # Safety
/// As `listen(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_listen(fd: libc::c_int, backlog: libc::c_int) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_LISTEN, Ordering::SeqCst);
        return fail(libc::EBADF);
    }
    let id = current();
    if id == 0 {
        return __real_listen(fd, backlog);
    }
    let Some(port) = exposed_port(id, fd) else { return fail(libc::EACCES) };
    let r = __real_listen(fd, backlog.clamp(1, MAX_LISTEN_BACKLOG));
    if r == 0 {
        if let Some(entry) = registry().guests.get_mut(&id).and_then(|g| g.exposed.get_mut(&port)) {
            entry.2 = true;
        }
    }
    r
}

/// An `accept` on a guest's thread: refused unless `fd` listens on an exposed port; the connection
/// counted against the budget.
unsafe fn guest_accept(id: GuestId, fd: libc::c_int, accept: impl FnOnce() -> libc::c_int) -> libc::c_int {
    if exposed_port(id, fd).is_none() {
        return fail(libc::EACCES);
    }
    if !reserve(id) {
        return fail(libc::EMFILE);
    }
    let conn = accept();
    if conn < 0 {
        unreserve(id);
    } else {
        adopt(id, conn);
    }
    conn
}

/// `accept(2)` of this binary: see [`__wrap_accept4`].
///
/// # Safety
/// As `accept(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_accept(fd: libc::c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t) -> libc::c_int {
    match current() {
        0 => __real_accept(fd, addr, len),
        id => guest_accept(id, fd, || __real_accept(fd, addr, len)),
    }
}

/// `accept4(2)` of this binary: on a guest's thread, refused (`EACCES`) unless the socket listens on
/// an exposed port, and within the guest's budget (`EMFILE` past it).
///
/// # Safety
/// As `accept4(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_accept4(fd: libc::c_int, addr: *mut libc::sockaddr, len: *mut libc::socklen_t, flags: libc::c_int) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_ACCEPT, Ordering::SeqCst);
        return fail(libc::EBADF);
    }
    match current() {
        0 => __real_accept4(fd, addr, len, flags),
        id => guest_accept(id, fd, || __real_accept4(fd, addr, len, flags)),
    }
}

/// `setsockopt(2)` of this binary: on a guest's thread, a buffer size is capped at
/// [`SOCKET_BUFFER_BYTES`] (the `FORCE` variants, which pass the system's limit, likewise).
///
/// # Safety
/// As `setsockopt(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_setsockopt(fd: libc::c_int, level: libc::c_int, name: libc::c_int, value: *const libc::c_void, len: libc::socklen_t) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_SETSOCKOPT, Ordering::SeqCst);
        return fail(libc::EBADF);
    }
    let buffer = matches!(name, libc::SO_SNDBUF | libc::SO_RCVBUF | libc::SO_SNDBUFFORCE | libc::SO_RCVBUFFORCE);
    if current() == 0 || level != libc::SOL_SOCKET || !buffer || value.is_null() || (len as usize) < 4 {
        return __real_setsockopt(fd, level, name, value, len);
    }
    let asked = value.cast::<libc::c_int>().read_unaligned();
    let capped = asked.clamp(0, SOCKET_BUFFER_BYTES as libc::c_int);
    let plain = if name == libc::SO_SNDBUFFORCE { libc::SO_SNDBUF } else if name == libc::SO_RCVBUFFORCE { libc::SO_RCVBUF } else { name };
    __real_setsockopt(fd, level, plain, (&capped as *const libc::c_int).cast(), 4)
}

/// `close(2)` of this binary: a guest's socket gives its place in the budget back first, so the
/// number cannot be taken by a new socket and then released in its stead.
///
/// # Safety
/// As `close(2)`.
#[no_mangle]
pub unsafe extern "C" fn __wrap_close(fd: libc::c_int) -> libc::c_int {
    if fd == PROBE_FD {
        PROBED.fetch_or(PROBE_CLOSE, Ordering::SeqCst);
        return 0;
    }
    if TRACKED.load(Ordering::SeqCst) > 0 {
        registry().release(fd);
    }
    __real_close(fd)
}

/// The internet address in `addr`, if it is one.
unsafe fn read_sockaddr(addr: *const libc::sockaddr, len: libc::socklen_t) -> Option<SocketAddr> {
    if (len as usize) < std::mem::size_of::<libc::sa_family_t>() {
        return None;
    }
    match libc::c_int::from((*addr).sa_family) {
        libc::AF_INET if len as usize >= std::mem::size_of::<libc::sockaddr_in>() => {
            let a = addr.cast::<libc::sockaddr_in>().read_unaligned();
            Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr))), u16::from_be(a.sin_port)))
        }
        libc::AF_INET6 if len as usize >= std::mem::size_of::<libc::sockaddr_in6>() => {
            let a = addr.cast::<libc::sockaddr_in6>().read_unaligned();
            Some(SocketAddr::new(IpAddr::V6(Ipv6Addr::from(a.sin6_addr.s6_addr)), u16::from_be(a.sin6_port)))
        }
        _ => None,
    }
}

fn write_sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(v4) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: v4.port().to_be(),
                sin_addr: libc::in_addr { s_addr: u32::from(*v4.ip()).to_be() },
                sin_zero: [0; 8],
            };
            unsafe { std::ptr::write_unaligned((&mut storage as *mut libc::sockaddr_storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr { s6_addr: v6.ip().octets() },
                sin6_scope_id: 0,
            };
            unsafe { std::ptr::write_unaligned((&mut storage as *mut libc::sockaddr_storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// The address `fd` is bound to, an IPv4-mapped one as IPv4 (what a client connects to).
fn local_address(fd: libc::c_int) -> Option<SocketAddr> {
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    if unsafe { libc::getsockname(fd, (&mut storage as *mut libc::sockaddr_storage).cast(), &mut len) } != 0 {
        return None;
    }
    let addr = unsafe { read_sockaddr((&storage as *const libc::sockaddr_storage).cast(), len) }?;
    Some(match addr.ip() {
        IpAddr::V6(v6) => SocketAddr::new(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4), addr.port()),
        IpAddr::V4(_) => addr,
    })
}

/// Fails unless the engine's socket calls go through the wrappers above (the binary was linked with
/// the `--wrap` flags and the engine's rustix calls the C library): without them a guest could
/// serve on every host interface and hold sockets without bound, so no guest may run.
pub fn check_isolation() -> Result<(), SandboxError> {
    use rustix::fd::BorrowedFd;
    // Each through rustix, as the engine calls them. (Not `close` through an `OwnedFd`: the
    // standard library checks, in debug builds, that a descriptor it closes is open.)
    unsafe {
        let probe = BorrowedFd::borrow_raw(std::hint::black_box(PROBE_FD));
        let family = rustix::net::AddressFamily::from_raw((PROBE_FD & 0xffff) as rustix::net::RawAddressFamily);
        let _ = rustix::net::socket(family, rustix::net::SocketType::DGRAM, None);
        let _ = rustix::net::bind(probe, &SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0));
        let _ = rustix::net::listen(probe, 1);
        let _ = rustix::net::acceptfrom_with(probe, rustix::net::SocketFlags::CLOEXEC);
        let _ = rustix::net::sockopt::set_socket_send_buffer_size(probe, 1);
        let somewhere = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 9);
        let _ = rustix::net::connect(probe, &somewhere);
        let _ = rustix::net::sendto(probe, b"", rustix::net::SendFlags::empty(), &somewhere);
        let _ = rustix::net::recvfrom(probe, &mut [0u8; 1], rustix::net::RecvFlags::empty());
        rustix::io::close(std::hint::black_box(PROBE_FD));
    }
    let seen = PROBED.load(Ordering::SeqCst);
    if seen == PROBE_ALL {
        return Ok(());
    }
    Err(SandboxError::new(
        ErrorCode::Engine,
        format!(
            "this build of the addon does not route the engine's socket calls through its wrappers \
             (probes answered: {seen:#b} of {PROBE_ALL:#b}; link with the project's build.rs and rustix's \
             use-libc feature), so guests could accept inbound connections; refusing to run guests"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream, UdpSocket};

    /// Runs `work` on a thread of its own marked as driving a guest under `policy`.
    fn as_guest<R: Send + 'static>(policy: SocketPolicy, work: impl FnOnce(GuestId) -> R + Send + 'static) -> R {
        std::thread::spawn(move || {
            let guest = GuestThread::enter(&policy);
            work(guest.id())
        })
        .join()
        .unwrap()
    }

    fn errno_of(e: &std::io::Error) -> i32 {
        e.raw_os_error().unwrap_or(0)
    }

    #[test]
    fn the_test_binary_routes_socket_calls_through_the_wrappers() {
        check_isolation().unwrap();
    }

    #[test]
    fn a_guest_cannot_listen_on_any_address() {
        as_guest(SocketPolicy::default(), |_| {
            for addr in ["0.0.0.0:0", "127.0.0.1:0", "[::]:0"] {
                let e = TcpListener::bind(addr).unwrap_err();
                assert_eq!(errno_of(&e), libc::EACCES, "{addr}: {e}");
            }
            // A bind to a port of its choosing is refused too, though the engine refuses it first.
            assert_eq!(errno_of(&UdpSocket::bind("0.0.0.0:8000").unwrap_err()), libc::EACCES);
            // Outbound use stays: an unbound UDP socket, a bind of port 0 for a client.
            UdpSocket::bind("0.0.0.0:0").unwrap();
        });
    }

    #[test]
    fn off_a_guest_thread_nothing_changes() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).unwrap();
        listener.accept().unwrap();
    }

    #[test]
    fn a_guest_stops_at_its_budget_with_emfile_and_close_gives_places_back() {
        let policy = SocketPolicy { max_sockets: 5, expose: vec![] };
        as_guest(policy, |id| {
            let mut held: Vec<UdpSocket> = (0..5).map(|_| UdpSocket::bind("0.0.0.0:0").unwrap()).collect();
            assert_eq!(held_by(id), 5);
            let e = UdpSocket::bind("0.0.0.0:0").unwrap_err();
            assert_eq!(errno_of(&e), libc::EMFILE);
            held.pop();
            held.pop();
            assert_eq!(held_by(id), 3);
            held.push(UdpSocket::bind("0.0.0.0:0").unwrap());
            assert_eq!(held_by(id), 4);
            drop(held);
            assert_eq!(held_by(id), 0);
        });
    }

    #[test]
    fn one_guests_budget_is_its_own() {
        let policy = SocketPolicy { max_sockets: 2, expose: vec![] };
        let (full, go) = std::sync::mpsc::channel::<()>();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let hog = std::thread::spawn(move || {
            as_guest(policy, move |_| {
                let _a = UdpSocket::bind("0.0.0.0:0").unwrap();
                let _b = UdpSocket::bind("0.0.0.0:0").unwrap();
                assert!(UdpSocket::bind("0.0.0.0:0").is_err());
                full.send(()).unwrap();
                finished.recv().unwrap();
            })
        });
        go.recv().unwrap();
        // Meanwhile another guest, and this thread (no guest), make sockets as usual.
        as_guest(SocketPolicy { max_sockets: 3, expose: vec![] }, |_| {
            let _s: Vec<_> = (0..3).map(|_| UdpSocket::bind("0.0.0.0:0").unwrap()).collect();
        });
        let _mine: Vec<_> = (0..10).map(|_| UdpSocket::bind("127.0.0.1:0").unwrap()).collect();
        done.send(()).unwrap();
        hog.join().unwrap();
    }

    #[test]
    fn buffer_sizes_are_capped() {
        as_guest(SocketPolicy::default(), |_| {
            let s = UdpSocket::bind("0.0.0.0:0").unwrap();
            let fd = std::os::fd::AsRawFd::as_raw_fd(&s);
            let big: libc::c_int = 64 << 20;
            unsafe { libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, (&big as *const libc::c_int).cast(), 4) };
            let mut got: libc::c_int = 0;
            let mut len = 4 as libc::socklen_t;
            unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, (&mut got as *mut libc::c_int).cast(), &mut len) };
            // Linux reports twice what was set.
            assert!(got as usize <= 2 * SOCKET_BUFFER_BYTES, "{got}");
        });
    }

    #[test]
    fn an_exposed_port_is_served_on_loopback_at_a_port_the_host_picks() {
        let policy = SocketPolicy { max_sockets: 8, expose: vec![8000] };
        let probe = policy.clone();
        let (ready, listening) = std::sync::mpsc::channel::<GuestId>();
        let server = std::thread::spawn(move || {
            as_guest(policy, move |id| {
                assert_eq!(endpoint(Some(id), &SocketPolicy { max_sockets: 8, expose: vec![8000] }, 8000).unwrap_err().code, ErrorCode::PortNotListening);
                let listener = TcpListener::bind("0.0.0.0:8000").unwrap();
                // Not a second time, and no other port.
                assert_eq!(errno_of(&TcpListener::bind("0.0.0.0:8000").unwrap_err()), libc::EADDRINUSE);
                assert_eq!(errno_of(&TcpListener::bind("0.0.0.0:8001").unwrap_err()), libc::EACCES);
                ready.send(id).unwrap();
                let (mut conn, _) = listener.accept().unwrap();
                std::io::Write::write_all(&mut conn, b"hi").unwrap();
                held_by(id)
            })
        });
        let id = listening.recv().unwrap();
        let addr = endpoint(Some(id), &probe, 8000).unwrap();
        assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_ne!(addr.port(), 8000);
        assert_eq!(endpoint(Some(id), &probe, 9000).unwrap_err().code, ErrorCode::PortNotExposed);
        let mut client = TcpStream::connect(addr).unwrap();
        let mut got = String::new();
        std::io::Read::read_to_string(&mut client, &mut got).unwrap();
        assert_eq!(got, "hi");
        // The listener and the connection it accepted, both counted.
        assert_eq!(server.join().unwrap(), 2);
    }

    #[test]
    fn a_dual_stack_socket_exposed_answers_on_ipv4_loopback() {
        let policy = SocketPolicy { max_sockets: 8, expose: vec![8080] };
        as_guest(policy.clone(), move |id| {
            let _l = TcpListener::bind("[::]:8080").unwrap();
            let addr = endpoint(Some(id), &policy, 8080).unwrap();
            assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
            TcpStream::connect(addr).unwrap();
        });
    }

    #[test]
    fn a_guest_takes_datagrams_only_from_where_it_sent_them() {
        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        let (peer_addr, stranger_port) = (peer.local_addr().unwrap(), stranger.local_addr().unwrap().port());
        let (bound, port) = std::sync::mpsc::channel::<u16>();
        let (sent, go) = std::sync::mpsc::channel::<()>();
        let guest = std::thread::spawn(move || {
            as_guest(SocketPolicy::default(), move |_| {
                let s = UdpSocket::bind("127.0.0.1:0").unwrap();
                s.send_to(b"ask", peer_addr).unwrap();
                bound.send(s.local_addr().unwrap().port()).unwrap();
                go.recv().unwrap();
                let mut buf = [0u8; 16];
                let (n, from) = s.recv_from(&mut buf).unwrap();
                s.set_nonblocking(true).unwrap();
                let more = s.recv_from(&mut buf).map(|(n, _)| n).map_err(|e| e.kind());
                (buf[..n].to_vec(), from, more)
            })
        });
        let guest_port = port.recv().unwrap();
        let (mut buf, target) = ([0u8; 16], SocketAddr::from(([127, 0, 0, 1], guest_port)));
        assert_eq!(peer.recv_from(&mut buf).unwrap().0, 3);
        // The stranger's datagram arrives first, and is dropped; the peer's answer is read.
        stranger.send_to(b"command", target).unwrap();
        peer.send_to(b"answer", target).unwrap();
        sent.send(()).unwrap();
        let (got, from, more) = guest.join().unwrap();
        assert_eq!((got.as_slice(), from), (&b"answer"[..], peer_addr));
        assert_eq!(more, Err(std::io::ErrorKind::WouldBlock), "nothing from port {stranger_port} is left");
    }

    #[test]
    fn config_is_checked_naming_the_field() {
        let p = SocketPolicy::from_numbers(Some(10.0), Some(&[8000.0, 80.0, 8000.0])).unwrap();
        assert_eq!(p, SocketPolicy { max_sockets: 10, expose: vec![80, 8000] });
        assert_eq!(SocketPolicy::from_numbers(None, None).unwrap(), SocketPolicy::default());
        for (n, ports, field) in [
            (Some(0.0), None, "maxSockets"),
            (Some(1e6), None, "maxSockets"),
            (Some(2.5), None, "maxSockets"),
            (None, Some(vec![0.0]), "expose"),
            (None, Some(vec![70000.0]), "expose"),
            (None, Some(vec![1.0; MAX_EXPOSED_PORTS + 1]), "expose"),
        ] {
            let e = SocketPolicy::from_numbers(n, ports.as_deref()).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            assert!(e.message.contains(field), "{}", e.message);
        }
    }
}
