//! The network a guest may reach: none by default; with `network.allow`, exactly the destinations
//! listed. Each entry is a host name (`api.example.com`), a name and its subdomains (`*.example.com`),
//! an IP address or a CIDR range, each optionally with `:port` (IPv6 in brackets: `[2001:db8::1]:443`).
//!
//! It is the engine's [`NetworkFilter`]: asked by name for every DNS question the guest sends (a name
//! no entry covers is never resolved) and by address and port for every connect and send (an address
//! is allowed when an entry names it, covers it, or covers a name the guest was told it has; a port
//! given in the entry must match). The engine refuses loopback, unspecified and cloud-metadata
//! addresses before asking, whatever the list says.
//!
//! Broad entries mean the internet, as SSRF guards read them: an address in a private block (RFC
//! 1918, CGNAT 100.64.0.0/10, unique-local fc00::/7, link-local, benchmarking 198.18.0.0/15) is
//! admitted only by an entry that lists it explicitly — the exact name it was resolved from, or an
//! address or range inside that block — and one of this host's own interface addresses only by the
//! exact name or that single address. So `0.0.0.0/0`, `::/0`, `*.example.com` and `10.0.0.0/7` reach
//! public addresses only, never the user's LAN or the services of the machine the sandbox runs on.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyperlight_unikraft::{Destination, Filter, NetworkFilter, NetworkPolicy};
use ipnet::IpNet;

use crate::error::{ErrorCode, SandboxError};

/// What one entry of the allow list covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    /// One host name, lower case.
    Name(String),
    /// The subdomains of a name (`*.example.com`: `a.example.com`, not `example.com`), lower case.
    Subdomains(String),
    /// An address range (a single address: the whole length), host bits cleared.
    Range(IpNet),
}

/// One entry of the allow list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Rule {
    target: Target,
    port: Option<u16>,
}

/// The destinations a sandbox's guests may reach (`network.allow`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AllowList {
    rules: Vec<Rule>,
    /// The entries as given, for messages and descriptions.
    entries: Vec<String>,
}

impl AllowList {
    /// The list of `entries`; an entry that is none of the forms above is [`ErrorCode::InvalidConfig`],
    /// naming it.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<AllowList, SandboxError> {
        let mut list = AllowList::default();
        for entry in entries {
            let entry = entry.as_ref().trim();
            let rule = parse_rule(entry).ok_or_else(|| {
                SandboxError::new(
                    ErrorCode::InvalidConfig,
                    format!(
                        "network.allow: {entry:?} is not a host name, *.domain, IP address or CIDR range \
                         (optionally with :port)"
                    ),
                )
            })?;
            list.rules.push(rule);
            list.entries.push(entry.to_string());
        }
        Ok(list)
    }

    /// Whether nothing is allowed (the default: every socket is refused).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The entries as given.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The engine's policy for this list: `None` when nothing is allowed (every socket refused).
    pub fn policy(&self) -> Option<NetworkPolicy> {
        (!self.is_empty()).then(|| NetworkPolicy::Filter(Filter::from_arc(Arc::new(self.clone()))))
    }

    /// Whether an entry covers the host name `name` (on `port`, when given).
    pub(crate) fn covers_name(&self, name: &str, port: Option<u16>) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.rules.iter().any(|rule| {
            let port_ok = rule.port.is_none() || port.is_none() || rule.port == port;
            port_ok
                && match &rule.target {
                    Target::Name(n) => *n == name,
                    Target::Subdomains(d) => name.len() > d.len() + 1 && name.ends_with(d.as_str()) && name[..name.len() - d.len()].ends_with('.'),
                    Target::Range(..) => false,
                }
        })
    }

    /// Whether an address or range entry covers `addr` (whatever kind of address it is).
    pub(crate) fn covers_address(&self, addr: SocketAddr) -> bool {
        let ip = canonical(addr.ip());
        self.rules.iter().any(|rule| {
            (rule.port.is_none() || rule.port == Some(addr.port())) && matches!(&rule.target, Target::Range(net) if net.contains(&ip))
        })
    }

    /// Whether a guest may reach `addr`, which it was told belongs to `names` (none for an address it
    /// used as such), with `own` this host's interface addresses. A public address: when an entry
    /// covers it or one of its names. A private or link-local one: only by an entry inside its block
    /// or the exact name. One of `own`: only by that single address or the exact name. (Loopback and
    /// metadata are refused before this is asked: [`never_reached`].)
    pub fn admits<S: AsRef<str>>(&self, addr: SocketAddr, names: &[S], own: &[IpAddr]) -> bool {
        let ip = canonical(addr.ip());
        let port_ok = |rule: &Rule| rule.port.is_none() || rule.port == Some(addr.port());
        let special = own.iter().any(|o| canonical(*o) == ip);
        let block = private_block(ip);
        if !special && block.is_none() {
            return self.covers_address(addr) || names.iter().any(|n| self.covers_name(n.as_ref(), Some(addr.port())));
        }
        let named = |n: &String| names.iter().any(|given| given.as_ref().trim_end_matches('.').eq_ignore_ascii_case(n));
        self.rules.iter().filter(|r| port_ok(r)).any(|rule| match &rule.target {
            Target::Name(n) => named(n),
            Target::Subdomains(_) => false,
            Target::Range(net) if special => net.prefix_len() == net.max_prefix_len() && net.contains(&ip),
            Target::Range(net) => net.contains(&ip) && block.is_some_and(|b| b.contains(net)),
        })
    }
}

impl NetworkFilter for AllowList {
    fn allows_name(&self, name: &str) -> bool {
        self.covers_name(name, None)
    }

    fn allows(&self, destination: &Destination<'_>) -> bool {
        self.admits(destination.addr, destination.names, &own_addresses())
    }
}

/// The blocks an address in which is not the public internet (loopback, unspecified and metadata
/// are [`never_reached`] instead): RFC 1918, CGNAT (RFC 6598), benchmarking (RFC 2544), IPv4 and
/// IPv6 link-local, IPv6 unique-local (RFC 4193) and the deprecated site-local.
const PRIVATE_BLOCKS: [&str; 9] =
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "198.18.0.0/15", "169.254.0.0/16", "fc00::/7", "fe80::/10", "fec0::/10"];

/// The private block `ip` is in, if it is in one.
fn private_block(ip: IpAddr) -> Option<IpNet> {
    PRIVATE_BLOCKS.iter().map(|b| b.parse::<IpNet>().expect("a valid block")).find(|b| b.contains(&ip))
}

/// `ip`, an IPv4-mapped IPv6 address as the IPv4 address it maps.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// How long this host's interface addresses are reused before they are listed again.
const OWN_ADDRESSES_FRESH: Duration = Duration::from_secs(5);

/// This host's interface addresses (getifaddrs), listed at most every [`OWN_ADDRESSES_FRESH`]:
/// asked for every connect, and an interface that comes up is seen within seconds.
pub fn own_addresses() -> Arc<Vec<IpAddr>> {
    static CACHE: Mutex<Option<(Instant, Arc<Vec<IpAddr>>)>> = Mutex::new(None);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((at, list)) = cache.as_ref() {
        if at.elapsed() < OWN_ADDRESSES_FRESH {
            return list.clone();
        }
    }
    let list = Arc::new(interface_addresses());
    *cache = Some((Instant::now(), list.clone()));
    list
}

fn interface_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return found;
    }
    let mut at = head;
    while !at.is_null() {
        let ifa = unsafe { &*at };
        if !ifa.ifa_addr.is_null() {
            match libc::c_int::from(unsafe { (*ifa.ifa_addr).sa_family }) {
                libc::AF_INET => {
                    let sin = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in>() };
                    found.push(IpAddr::V4(u32::from_be(sin.sin_addr.s_addr).into()));
                }
                libc::AF_INET6 => {
                    let sin6 = unsafe { &*ifa.ifa_addr.cast::<libc::sockaddr_in6>() };
                    found.push(IpAddr::V6(sin6.sin6_addr.s6_addr.into()));
                }
                _ => {}
            }
        }
        at = ifa.ifa_next;
    }
    unsafe { libc::freeifaddrs(head) };
    found
}

/// Whether `ip` is never reached whatever the list says, as the engine refuses it for guest sockets:
/// loopback and the unspecified address (a connect to it reaches loopback), link-local addresses
/// (169.254.0.0/16 and fe80::/10, where clouds serve instance metadata), AWS's IPv6 metadata address
/// fd00:ec2::254, and multicast and broadcast, which are no one's single host.
pub fn never_reached(ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || match ip {
            IpAddr::V4(v4) => v4.is_link_local() || v4.is_broadcast(),
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80 || v6 == std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254),
        }
}

/// The guest's `/etc/resolv.conf` when it may reach the network: the host's, so names resolve as they do
/// here (the engine lets DNS questions for allowed names through to these resolvers only).
pub fn resolv_conf() -> Option<String> {
    std::fs::read_to_string("/etc/resolv.conf").ok().filter(|c| c.contains("nameserver"))
}

fn parse_rule(entry: &str) -> Option<Rule> {
    if entry.is_empty() || entry.chars().any(char::is_whitespace) {
        return None;
    }
    // A bare address or range first: an IPv6 one has colons of its own.
    if let Some(target) = parse_range(entry) {
        return Some(Rule { target, port: None });
    }
    let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse::<u16>().ok().filter(|p| *p != 0)?),
        };
        return Some(Rule { target: parse_range(addr)?, port });
    } else if let Some((host, port)) = entry.rsplit_once(':') {
        (host, Some(port.parse::<u16>().ok().filter(|p| *p != 0)?))
    } else {
        (entry, None)
    };
    if let Some(target) = parse_range(host) {
        return Some(Rule { target, port });
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let (wild, name) = match host.strip_prefix("*.") {
        Some(domain) => (true, domain.to_string()),
        None => (false, host),
    };
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
        return None;
    }
    Some(Rule { target: if wild { Target::Subdomains(name) } else { Target::Name(name) }, port })
}

/// An address (`10.0.0.1`) or a CIDR range (`10.0.0.0/8`); an IPv4-mapped IPv6 one as IPv4, as
/// addresses are judged.
fn parse_range(text: &str) -> Option<Target> {
    let net = match text.parse::<IpNet>() {
        Ok(net) => net.trunc(),
        Err(_) => IpNet::from(text.parse::<IpAddr>().ok()?),
    };
    let net = match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96).ok()?,
            None => net,
        },
        _ => net,
    };
    Some(Target::Range(net))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> AllowList {
        AllowList::parse(entries).unwrap()
    }

    /// This host's addresses in the tests below: one private, one public.
    const OWN: [&str; 2] = ["10.99.0.1", "203.0.113.7"];

    fn allows(list: &AllowList, addr: &str, names: &[&str]) -> bool {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let d = Destination::new(addr.parse().unwrap(), false, &names);
        let own: Vec<IpAddr> = OWN.iter().map(|a| a.parse().unwrap()).collect();
        list.admits(d.addr, d.names, &own)
    }

    #[test]
    fn broad_entries_reach_public_addresses_only() {
        for broad in [list(&["0.0.0.0/0", "::/0"]), list(&["*.example.com"]), list(&["10.0.0.0/7"])] {
            assert!(!allows(&broad, "10.99.0.1:8099", &["a.example.com"]), "the host's own address");
            assert!(!allows(&broad, "203.0.113.7:80", &["a.example.com"]), "the host's own public address");
            for private in ["10.1.2.3:80", "172.16.0.1:80", "192.168.1.1:80", "100.64.0.1:80", "198.18.0.1:80", "[fd12::1]:80", "[fe80::1]:80", "[::ffff:192.168.1.1]:80"] {
                assert!(!allows(&broad, private, &["a.example.com"]), "{private}");
            }
        }
        assert!(allows(&list(&["0.0.0.0/0"]), "93.184.216.34:443", &[]));
        assert!(allows(&list(&["::/0"]), "[2606:2800:220:1::1]:443", &[]));
        assert!(allows(&list(&["*.example.com"]), "93.184.216.34:443", &["www.example.com"]));
        // The bounds of the blocks: their neighbours are public.
        assert!(allows(&list(&["0.0.0.0/0"]), "172.32.0.1:80", &[]) && allows(&list(&["0.0.0.0/0"]), "100.128.0.1:80", &[]));
    }

    #[test]
    fn private_addresses_need_an_entry_inside_their_block_or_their_exact_name() {
        assert!(allows(&list(&["10.0.0.0/8"]), "10.1.2.3:80", &[]));
        assert!(allows(&list(&["192.168.1.0/24:8080"]), "192.168.1.9:8080", &[]) && !allows(&list(&["192.168.1.0/24:8080"]), "192.168.1.9:80", &[]));
        assert!(allows(&list(&["fd12::/16"]), "[fd12::1]:80", &[]));
        assert!(allows(&list(&["db.internal"]), "10.1.2.3:5432", &["db.internal"]));
        assert!(!allows(&list(&["*.internal"]), "10.1.2.3:5432", &["db.internal"]), "a wildcard never reaches a private address");
    }

    #[test]
    fn the_hosts_own_addresses_need_that_single_address_or_the_exact_name() {
        assert!(!allows(&list(&["10.0.0.0/8"]), "10.99.0.1:8099", &[]), "a range is not enough for the host itself");
        assert!(allows(&list(&["10.99.0.1"]), "10.99.0.1:8099", &[]));
        assert!(allows(&list(&["10.99.0.1:8099"]), "10.99.0.1:8099", &[]) && !allows(&list(&["10.99.0.1:8099"]), "10.99.0.1:22", &[]));
        assert!(allows(&list(&["203.0.113.7"]), "203.0.113.7:80", &[]) && !allows(&list(&["203.0.113.0/24"]), "203.0.113.7:80", &[]));
        assert!(allows(&list(&["myhost.lan"]), "10.99.0.1:80", &["myhost.lan"]));
    }

    #[test]
    fn this_hosts_addresses_are_listed_and_reused() {
        let first = own_addresses();
        assert!(first.iter().any(|ip| ip.is_loopback()), "{first:?}");
        assert!(Arc::ptr_eq(&first, &own_addresses()));
    }

    #[test]
    fn the_default_allows_nothing_and_has_no_policy() {
        let empty = AllowList::parse::<&str>(&[]).unwrap();
        assert!(empty.is_empty());
        assert!(empty.policy().is_none());
        assert!(list(&["example.com"]).policy().is_some());
    }

    #[test]
    fn a_name_entry_allows_its_questions_and_its_addresses_on_any_port_or_the_one_given() {
        let l = list(&["api.example.com", "pypi.org:443"]);
        assert!(l.allows_name("api.example.com") && l.allows_name("API.Example.com.") && l.allows_name("pypi.org"));
        assert!(!l.allows_name("example.com") && !l.allows_name("evil.api.example.com"));
        assert!(allows(&l, "93.184.216.34:8080", &["api.example.com"]));
        assert!(allows(&l, "151.101.0.223:443", &["pypi.org"]));
        assert!(!allows(&l, "151.101.0.223:80", &["pypi.org"]), "a listed name's other port is refused");
        assert!(!allows(&l, "93.184.216.34:443", &[]), "an address the guest was not told a listed name has is refused");
    }

    #[test]
    fn a_wildcard_covers_subdomains_only() {
        let l = list(&["*.example.com"]);
        assert!(l.allows_name("a.example.com") && l.allows_name("a.b.example.com"));
        assert!(!l.allows_name("example.com") && !l.allows_name("badexample.com"));
    }

    #[test]
    fn addresses_and_ranges_with_and_without_ports() {
        let l = list(&["10.99.0.1:8080", "192.168.0.0/16", "[2001:db8::1]:443", "2001:db8:1::/48"]);
        assert!(allows(&l, "10.99.0.1:8080", &[]));
        assert!(!allows(&l, "10.99.0.1:8081", &[]));
        assert!(!allows(&l, "10.99.0.2:8080", &[]));
        assert!(allows(&l, "192.168.7.9:1", &[]));
        assert!(allows(&l, "[2001:db8::1]:443", &[]) && !allows(&l, "[2001:db8::1]:80", &[]));
        assert!(allows(&l, "[2001:db8:1:ffff::5]:22", &[]) && !allows(&l, "[2001:db8:2::5]:22", &[]));
        assert!(allows(&l, "[::ffff:192.168.1.1]:5", &[]), "an IPv4-mapped address is judged as IPv4");
        assert!(!l.allows_name("10.99.0.1"));
    }

    #[test]
    fn loopback_metadata_and_unspecified_addresses_are_never_reached() {
        for ip in ["127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "224.0.0.1", "255.255.255.255"] {
            assert!(never_reached(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["10.99.0.1", "93.184.216.34", "2001:db8::1", "fd00:ec2::253"] {
            assert!(!never_reached(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn malformed_entries_are_invalid_config_naming_them() {
        for bad in ["", "http://example.com", "example.com:0", "example.com:99999", "10.0.0.0/33", "a b", "*.", "-x.com", "[::1", "host:port"] {
            let e = AllowList::parse(&[bad]).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig, "{bad:?}");
            assert!(e.message.contains(&format!("{bad:?}")), "{}", e.message);
        }
    }
}
