//! The network a guest may reach: none by default; with `network.allow`, exactly the destinations
//! listed. Each entry is a host name (`api.example.com`), a name and its subdomains (`*.example.com`),
//! an IP address or a CIDR range, each optionally with `:port` (IPv6 in brackets: `[2001:db8::1]:443`).
//!
//! It is the engine's [`NetworkFilter`]: asked by name for every DNS question the guest sends (a name
//! no entry covers is never resolved) and by address and port for every connect and send (an address
//! is allowed when an entry names it, covers it, or covers a name the guest was told it has; a port
//! given in the entry must match). The engine refuses loopback, unspecified and cloud-metadata
//! addresses before asking, whatever the list says.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hyperlight_unikraft::{Destination, Filter, NetworkFilter, NetworkPolicy};

use crate::error::{ErrorCode, SandboxError};

/// What one entry of the allow list covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    /// One host name, lower case.
    Name(String),
    /// The subdomains of a name (`*.example.com`: `a.example.com`, not `example.com`), lower case.
    Subdomains(String),
    /// An address range: the address and how many leading bits must match.
    Range(IpAddr, u8),
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

    /// Whether an address or range entry covers `addr`.
    pub(crate) fn covers_address(&self, addr: SocketAddr) -> bool {
        self.rules.iter().any(|rule| {
            (rule.port.is_none() || rule.port == Some(addr.port()))
                && matches!(rule.target, Target::Range(net, bits) if in_range(addr.ip(), net, bits))
        })
    }
}

impl NetworkFilter for AllowList {
    fn allows_name(&self, name: &str) -> bool {
        self.covers_name(name, None)
    }

    fn allows(&self, destination: &Destination<'_>) -> bool {
        let port = destination.addr.port();
        self.covers_address(destination.addr) || destination.names.iter().any(|n| self.covers_name(n, Some(port)))
    }
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

fn parse_range(text: &str) -> Option<Target> {
    let (addr, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(max);
    (bits <= max).then_some(Target::Range(ip, bits))
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits as u32) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits as u32) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> AllowList {
        AllowList::parse(entries).unwrap()
    }

    fn allows(list: &AllowList, addr: &str, names: &[&str]) -> bool {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        list.allows(&Destination::new(addr.parse().unwrap(), false, &names))
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
