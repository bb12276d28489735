//! `fetch` for the JavaScript guest, which has no network API of its own (QuickJS): the guest's
//! `fetch(url, init)` calls the host function [`HOST_FUNCTION`], and the host makes the request under
//! the sandbox's `network.allow` list — the same list, judged the same way, as the Python guest's
//! sockets.
//!
//! Every URL, the first and each redirect's, is parsed here (WHATWG URL, as Node and browsers parse
//! it) and admitted or refused here: `http:`/`https:` only, its host and port covered by the list, and
//! a name resolved here to the addresses the request may use, never loopback, link-local, metadata
//! or other addresses no list opens ([`network::never_reached`]). The embedder's [`FetchHandler`] (the
//! binding: Node's `http`/`https`) is handed the parts and those addresses, and connects to nothing
//! else, so a name that resolves differently a moment later cannot redirect it. Redirects are followed
//! here, one admitted hop at a time.
//!
//! Bodies cross as base64 and are at most [`MAX_FETCH_BYTES`] each way; a request body longer than
//! one host call arrives first in pieces ([`crate::host::host_calls::UPLOAD_FUNCTION`]). Each request waits no longer than the
//! run's deadline and gives up when the run is cancelled.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use url::{Host, Url};

use crate::host::network::{self, AllowList};

/// The host function the guest's `fetch` calls, with one request object.
pub const HOST_FUNCTION: &str = "lci.fetch";
/// The largest request body and the largest response body (decoded) one fetch carries, in bytes.
pub const MAX_FETCH_BYTES: usize = 16 * 1024 * 1024;
/// How many redirects a fetch follows before it fails, as browsers do.
pub const MAX_REDIRECTS: usize = 20;
/// The longest a host name's lookup may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);
/// Request headers the guest cannot set: the host sets them from the request itself (the fetch
/// standard's forbidden request headers that matter outside a browser).
const FORBIDDEN_HEADERS: &[&str] =
    &["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection"];

/// One HTTP exchange as the host is to make it: what to send, and the only addresses to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// `GET`, `POST`, …
    pub method: String,
    /// Whether it is `https:`.
    pub secure: bool,
    /// The host as the URL names it (a name, or an IP address without brackets): for the `Host`
    /// header and TLS's server name.
    pub host: String,
    /// The port to connect to.
    pub port: u16,
    /// The path and query.
    pub path: String,
    /// The admitted addresses of `host`; the handler connects to one of these and nothing else.
    pub addresses: Vec<IpAddr>,
    /// The request headers, in order.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// How long the exchange may take.
    pub timeout: Duration,
    /// The most response body bytes (decoded) to accept; more is an error.
    pub max_bytes: usize,
}

/// A response as the handler received it (a redirect is not followed by the handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The status code.
    pub status: u16,
    /// The status line's text.
    pub status_text: String,
    /// The response headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, decoded (`Content-Encoding` undone).
    pub body: Vec<u8>,
}

impl Outgoing {
    /// This request as the JSON text the binding's handler reads (the body in base64).
    pub fn to_json(&self) -> String {
        json!({
            "method": self.method,
            "protocol": if self.secure { "https:" } else { "http:" },
            "host": self.host,
            "port": self.port,
            "path": self.path,
            "addresses": self.addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            "headers": self.headers,
            "body": BASE64.encode(&self.body),
            "timeoutMs": self.timeout.as_millis() as u64,
            "maxBytes": self.max_bytes,
        })
        .to_string()
    }
}

impl Incoming {
    /// A response from the JSON text the binding's handler returns:
    /// `{ status, statusText, headers: [[name, value]…], body: base64 }`.
    pub fn from_json(text: &str) -> Result<Incoming, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("the host's response could not be read: {e}"))?;
        let status = v["status"].as_u64().filter(|s| (100..=999).contains(s)).ok_or("the host's response has no status")? as u16;
        let headers = string_pairs(&v["headers"]).ok_or("the host's response headers could not be read")?;
        let body = BASE64.decode(v["body"].as_str().unwrap_or_default()).map_err(|_| "the host's response body could not be read")?;
        Ok(Incoming { status, status_text: v["statusText"].as_str().unwrap_or_default().to_string(), headers, body })
    }
}

/// Makes the HTTP exchanges: the embedder's side (the napi binding hands them to Node).
pub trait FetchHandler: Send + Sync {
    /// Sends `request` to one of its addresses, without following a redirect, and returns the
    /// response or why there was none. It must give up, with an error, once `stopped()` is true.
    fn send(&self, request: &Outgoing, stopped: &dyn Fn() -> bool) -> Result<Incoming, String>;
}

/// Looks up a host name's addresses.
pub type Resolver = fn(&str, u16) -> std::io::Result<Vec<IpAddr>>;

/// A sandbox's `fetch`: its allow list and who makes the requests.
pub struct Fetcher {
    allow: AllowList,
    handler: Arc<dyn FetchHandler>,
    resolve: Resolver,
}

/// What a guest asks `fetch` for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The absolute URL.
    pub url: String,
    /// The method; `GET` when empty.
    pub method: String,
    /// The request headers, in order.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
    /// What to do with a redirect.
    pub redirect: Redirect,
}

/// The `redirect` option of `fetch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirect {
    /// Follow it (the default).
    Follow,
    /// Fail.
    Error,
    /// Return the redirect response itself.
    Manual,
}

/// The response a fetch ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The last response.
    pub response: Incoming,
    /// The URL it came from.
    pub url: String,
    /// Whether a redirect was followed to get it.
    pub redirected: bool,
}

impl Fetcher {
    /// Requests under `allow`, made by `handler`, names looked up by the system resolver.
    pub fn new(allow: AllowList, handler: Arc<dyn FetchHandler>) -> Fetcher {
        Fetcher { allow, handler, resolve: system_resolve }
    }

    /// With another way to look up names (tests).
    pub fn with_resolver(mut self, resolve: Resolver) -> Fetcher {
        self.resolve = resolve;
        self
    }

    /// Makes `request`, following redirects as it asks, each hop admitted by the allow list; fails
    /// with a message for the guest's `TypeError`.
    pub fn fetch(&self, request: FetchRequest, deadline: Instant, stopped: &dyn Fn() -> bool) -> Result<Exchange, String> {
        let mut url = Url::parse(&request.url).map_err(|e| format!("{:?} is not an absolute URL ({e})", request.url))?;
        let mut method = normalize_method(&request.method)?;
        let mut headers = allowed_headers(request.headers)?;
        let mut body = request.body;
        let mut redirected = false;
        for hop in 0..=MAX_REDIRECTS {
            let (host, port, addresses) = self.admit(&url, deadline)?;
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() || stopped() {
                return Err("the run was stopped".into());
            }
            let outgoing = Outgoing {
                method: method.clone(),
                secure: url.scheme() == "https",
                host,
                port,
                path: format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()),
                addresses,
                headers: headers.clone(),
                body: body.clone(),
                timeout: remaining,
                max_bytes: MAX_FETCH_BYTES,
            };
            let response = self.handler.send(&outgoing, stopped)?;
            if response.body.len() > MAX_FETCH_BYTES {
                return Err(format!("the response body is larger than {MAX_FETCH_BYTES} bytes"));
            }
            let location = [301, 302, 303, 307, 308]
                .contains(&response.status)
                .then(|| response.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v.clone()))
                .flatten();
            let Some(location) = location.filter(|_| request.redirect != Redirect::Manual) else {
                return Ok(Exchange { response, url: url.to_string(), redirected });
            };
            if request.redirect == Redirect::Error {
                return Err(format!("{url} redirects to {location:?} and the request's redirect mode is \"error\""));
            }
            if hop == MAX_REDIRECTS {
                return Err(format!("more than {MAX_REDIRECTS} redirects"));
            }
            let next = url.join(&location).map_err(|e| format!("{url} redirects to {location:?}, which is not a URL ({e})"))?;
            // As the fetch standard: a 303, and a 301/302 of a POST, become a GET without a body.
            if (response.status == 303 && method != "HEAD") || ([301, 302].contains(&response.status) && method == "POST") {
                method = "GET".into();
                body.clear();
                headers.retain(|(k, _)| !k.to_ascii_lowercase().starts_with("content-"));
            }
            // Credentials meant for one origin are not sent to another.
            if next.origin() != url.origin() {
                headers.retain(|(k, _)| !["authorization", "cookie", "proxy-authorization"].contains(&k.to_ascii_lowercase().as_str()));
            }
            url = next;
            redirected = true;
        }
        unreachable!("the loop returns by its last hop")
    }

    /// The host, port and addresses `url` may be fetched from, or why not.
    fn admit(&self, url: &Url, deadline: Instant) -> Result<(String, u16, Vec<IpAddr>), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{url}: only http: and https: URLs can be fetched"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{url}: a URL with credentials cannot be fetched (send an Authorization header)"));
        }
        let port = url.port_or_known_default().ok_or_else(|| format!("{url} has no port"))?;
        let refused = |what: String| format!("{what} is not on this sandbox's network allow list ({})", self.allow.entries().join(", "));
        let never = |ip: IpAddr| format!("{ip} is a loopback, link-local or metadata address, which the sandbox never reaches");
        match url.host() {
            Some(Host::Ipv4(ip)) => self.admit_address(IpAddr::V4(ip), port, refused, never),
            Some(Host::Ipv6(ip)) => self.admit_address(IpAddr::V6(ip), port, refused, never),
            Some(Host::Domain(name)) => {
                if !self.allow.covers_name(name, Some(port)) {
                    return Err(refused(format!("{name}:{port}")));
                }
                let wait = deadline.saturating_duration_since(Instant::now()).min(RESOLVE_TIMEOUT);
                let addresses = resolve_within(self.resolve, name, port, wait)?;
                // As the guest's sockets are judged: a private or this host's own address only when the
                // exact name is listed (network::AllowList::admits).
                let own = network::own_addresses();
                let reachable: Vec<IpAddr> = addresses
                    .iter()
                    .copied()
                    .filter(|ip| !network::never_reached(*ip) && self.allow.admits(SocketAddr::new(*ip, port), &[name], &own))
                    .collect();
                if reachable.is_empty() {
                    return Err(format!(
                        "{name} resolves only to addresses the sandbox never reaches (loopback, link-local, metadata) or that only an exact entry opens (private ones, this host's own): {addresses:?}"
                    ));
                }
                Ok((name.to_string(), port, reachable))
            }
            None => Err(format!("{url} has no host")),
        }
    }

    fn admit_address(
        &self,
        ip: IpAddr,
        port: u16,
        refused: impl Fn(String) -> String,
        never: impl Fn(IpAddr) -> String,
    ) -> Result<(String, u16, Vec<IpAddr>), String> {
        if network::never_reached(ip) {
            return Err(never(ip));
        }
        let addr = SocketAddr::new(ip, port);
        if !self.allow.admits(addr, &[] as &[&str], &network::own_addresses()) {
            return Err(match self.allow.covers_address(addr) {
                // Covered by a broad entry, which means the public internet only.
                true => format!("{addr} is a private address or this host's own, which only an exact entry opens (list it, or a range inside its block)"),
                false => refused(addr.to_string()),
            });
        }
        Ok((ip.to_string(), port, vec![ip]))
    }
}

/// The run a fetch arrives for (on the thread that drives it: [`crate::host::host_calls`]).
pub struct FetchingRun<'a> {
    /// Its fetch; `None`: the network is off.
    pub fetcher: Option<Arc<Fetcher>>,
    /// The body it uploaded in pieces since its last call; the call takes it.
    pub upload: &'a mut String,
    /// When the run must end: no request waits longer.
    pub deadline: Instant,
    /// Whether it must stop now.
    pub stopped: &'a dyn Fn() -> bool,
}

/// The host function the guest's `fetch` calls (`[request]` as JSON) for `run` (`None`: no run is in
/// progress): the response as JSON text.
pub fn host_function(call: &str, run: Option<FetchingRun<'_>>) -> Result<String, String> {
    let parsed: Value = serde_json::from_str(call).map_err(|_| "the fetch request could not be read".to_string())?;
    let request = &parsed[0];
    {
        let run = run.ok_or("no run is in progress")?;
        let uploaded = std::mem::take(run.upload);
        let Some(fetcher) = run.fetcher.clone() else {
            return Err("the network is off: this sandbox may reach no hosts (SandboxConfig.network.allow)".to_string());
        };
        // The body in base64: in the request, or uploaded in pieces just before it.
        let body = match (request["body"].as_str(), request["uploaded"].as_bool()) {
            (_, Some(true)) => uploaded,
            (Some(text), _) => text.to_string(),
            (None, _) => String::new(),
        };
        let body = BASE64.decode(body).map_err(|_| "the request body could not be read")?;
        if body.len() > MAX_FETCH_BYTES {
            return Err(format!("the request body is larger than {MAX_FETCH_BYTES} bytes"));
        }
        let redirect = match request["redirect"].as_str().unwrap_or("follow") {
            "follow" => Redirect::Follow,
            "error" => Redirect::Error,
            "manual" => Redirect::Manual,
            other => return Err(format!("{other:?} is not a redirect mode (follow, error, manual)")),
        };
        let request = FetchRequest {
            url: request["url"].as_str().unwrap_or_default().to_string(),
            method: request["method"].as_str().unwrap_or("GET").to_string(),
            headers: string_pairs(&request["headers"]).ok_or("the request headers could not be read")?,
            body,
            redirect,
        };
        let exchange = fetcher.fetch(request, run.deadline, run.stopped)?;
        Ok(json!({
            "status": exchange.response.status,
            "statusText": exchange.response.status_text,
            "headers": exchange.response.headers,
            "url": exchange.url,
            "redirected": exchange.redirected,
            "body": BASE64.encode(&exchange.response.body),
        })
        .to_string())
    }
}

fn normalize_method(method: &str) -> Result<String, String> {
    let upper = method.to_ascii_uppercase();
    let method = if ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"].contains(&upper.as_str()) { upper } else { method.to_string() };
    match method.as_str() {
        "" => Ok("GET".into()),
        "CONNECT" | "TRACE" | "TRACK" => Err(format!("{method} is a forbidden method")),
        m if http::Method::from_bytes(m.as_bytes()).is_err() => Err(format!("{m:?} is not a valid HTTP method")),
        _ => Ok(method),
    }
}

fn allowed_headers(headers: Vec<(String, String)>) -> Result<Vec<(String, String)>, String> {
    let mut kept = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(format!("{name:?} is not a valid header name"));
        }
        if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(format!("the value of header {name:?} is not valid"));
        }
        let lower = name.to_ascii_lowercase();
        if !FORBIDDEN_HEADERS.contains(&lower.as_str()) && !lower.starts_with("proxy-") {
            kept.push((name, value));
        }
    }
    Ok(kept)
}

fn string_pairs(v: &Value) -> Option<Vec<(String, String)>> {
    v.as_array()?
        .iter()
        .map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
        .collect()
}

fn system_resolve(name: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
    Ok((name, port).to_socket_addrs()?.map(|a| a.ip()).collect())
}

/// `resolve(name, port)`, given at most `wait` (a lookup cannot be cancelled: it finishes on its own
/// thread, unheeded).
fn resolve_within(resolve: Resolver, name: &str, port: u16, wait: Duration) -> Result<Vec<IpAddr>, String> {
    let (tx, rx) = mpsc::channel();
    let owned = name.to_string();
    std::thread::spawn(move || {
        let _ = tx.send(resolve(&owned, port));
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(addresses)) => Ok(addresses),
        Ok(Err(e)) => Err(format!("{name} could not be resolved ({e})")),
        Err(_) => Err(format!("{name} could not be resolved in time")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Answers from a script of responses and records what it was asked.
    struct Scripted {
        responses: Mutex<Vec<Incoming>>,
        sent: Mutex<Vec<Outgoing>>,
    }

    impl FetchHandler for Scripted {
        fn send(&self, request: &Outgoing, _: &dyn Fn() -> bool) -> Result<Incoming, String> {
            self.sent.lock().unwrap().push(request.clone());
            let mut responses = self.responses.lock().unwrap();
            if responses.is_empty() {
                return Err("no more responses".into());
            }
            Ok(responses.remove(0))
        }
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Incoming {
        Incoming {
            status,
            status_text: String::new(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// Names under example.test resolve to documentation addresses; evil.example.test to loopback.
    fn fake_resolve(name: &str, _: u16) -> std::io::Result<Vec<IpAddr>> {
        match name {
            "evil.example.test" => Ok(vec!["127.0.0.1".parse().unwrap(), "169.254.169.254".parse().unwrap()]),
            "mixed.example.test" => Ok(vec!["127.0.0.1".parse().unwrap(), "192.0.2.7".parse().unwrap()]),
            "lan.example.test" => Ok(vec!["192.168.1.20".parse().unwrap()]),
            n if n.ends_with("example.test") => Ok(vec!["192.0.2.1".parse().unwrap()]),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such name")),
        }
    }

    fn fetcher(allow: &[&str], responses: Vec<Incoming>) -> (Fetcher, Arc<Scripted>) {
        let handler = Arc::new(Scripted { responses: Mutex::new(responses), sent: Mutex::new(Vec::new()) });
        let fetcher = Fetcher::new(AllowList::parse(allow).unwrap(), handler.clone()).with_resolver(fake_resolve);
        (fetcher, handler)
    }

    fn get(url: &str) -> FetchRequest {
        FetchRequest { url: url.into(), method: "get".into(), headers: vec![], body: vec![], redirect: Redirect::Follow }
    }

    fn fetch(f: &Fetcher, request: FetchRequest) -> Result<Exchange, String> {
        f.fetch(request, Instant::now() + Duration::from_secs(30), &|| false)
    }

    #[test]
    fn an_allowed_url_is_sent_to_its_checked_addresses_only() {
        let (f, sent) = fetcher(&["api.example.test:8080"], vec![response(200, &[], "hi")]);
        let ex = fetch(&f, get("http://API.example.test:8080/a/b?x=1#frag")).unwrap();
        assert_eq!(ex.response.body, b"hi");
        let sent = sent.sent.lock().unwrap();
        assert_eq!(sent[0].host, "api.example.test");
        assert_eq!((sent[0].port, sent[0].path.as_str(), sent[0].method.as_str()), (8080, "/a/b?x=1", "GET"));
        assert_eq!(sent[0].addresses, vec!["192.0.2.1".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn unlisted_names_other_ports_and_unlisted_addresses_are_refused_before_anything_is_sent() {
        let (f, sent) = fetcher(&["api.example.test:8080", "192.0.2.9"], vec![]);
        for url in ["http://api.example.test:8081/", "http://other.example.test:8080/", "https://api.example.test/", "http://192.0.2.10/"] {
            let e = fetch(&f, get(url)).unwrap_err();
            assert!(e.contains("not on this sandbox's network allow list"), "{url}: {e}");
        }
        assert!(fetch(&f, get("http://192.0.2.9:1234/")).is_err_and(|e| e.contains("no more responses")), "a listed address on any port is sent");
        assert_eq!(sent.sent.lock().unwrap().len(), 1);
    }

    #[test]
    fn loopback_and_metadata_are_refused_even_when_listed_or_resolved_to() {
        let (f, sent) = fetcher(&["127.0.0.1", "169.254.169.254", "[::1]", "evil.example.test", "mixed.example.test"], vec![]);
        for url in ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0x7f.1/", "http://evil.example.test/"] {
            let e = fetch(&f, get(url)).unwrap_err();
            assert!(e.contains("never reaches"), "{url}: {e}");
        }
        assert!(sent.sent.lock().unwrap().is_empty());
        let _ = fetch(&f, get("http://mixed.example.test/"));
        assert_eq!(sent.sent.lock().unwrap()[0].addresses, vec!["192.0.2.7".parse::<IpAddr>().unwrap()], "only the reachable address is used");
    }

    #[test]
    fn broad_entries_reach_no_private_address_an_exact_one_does() {
        let (broad, sent) = fetcher(&["0.0.0.0/0", "*.example.test"], vec![]);
        for url in ["http://192.168.1.20/", "http://10.0.0.1:8080/", "http://lan.example.test/"] {
            let e = fetch(&broad, get(url)).unwrap_err();
            assert!(e.contains("only an exact entry opens"), "{url}: {e}");
        }
        assert!(sent.sent.lock().unwrap().is_empty());
        let (exact, sent) = fetcher(&["lan.example.test", "10.0.0.1"], vec![]);
        let _ = fetch(&exact, get("http://lan.example.test/"));
        let _ = fetch(&exact, get("http://10.0.0.1/"));
        assert_eq!(sent.sent.lock().unwrap().len(), 2, "an exact name or address opens a private one");
    }

    #[test]
    fn a_redirect_is_followed_only_to_an_allowed_place() {
        let (f, _) = fetcher(
            &["a.example.test", "b.example.test"],
            vec![response(302, &[("Location", "http://b.example.test/next")], ""), response(200, &[], "done")],
        );
        let ex = fetch(&f, get("http://a.example.test/start")).unwrap();
        assert_eq!((ex.url.as_str(), ex.redirected, ex.response.body.as_slice()), ("http://b.example.test/next", true, &b"done"[..]));

        let (f, sent) = fetcher(&["a.example.test"], vec![response(301, &[("location", "http://127.0.0.1/admin")], "")]);
        assert!(fetch(&f, get("http://a.example.test/")).unwrap_err().contains("never reaches"));
        assert_eq!(sent.sent.lock().unwrap().len(), 1, "the refused hop is never sent");
    }

    #[test]
    fn redirect_modes_method_rewrites_and_credentials_across_origins() {
        let (f, _) = fetcher(&["a.example.test"], vec![response(302, &[("location", "/x")], "")]);
        let mut req = get("http://a.example.test/");
        req.redirect = Redirect::Manual;
        assert_eq!(fetch(&f, req.clone()).unwrap().response.status, 302);
        let (f, _) = fetcher(&["a.example.test"], vec![response(302, &[("location", "/x")], "")]);
        req.redirect = Redirect::Error;
        assert!(fetch(&f, req).unwrap_err().contains("\"error\""));

        let (f, sent) = fetcher(
            &["a.example.test", "b.example.test"],
            vec![response(303, &[("location", "http://b.example.test/")], ""), response(200, &[], "")],
        );
        let post = FetchRequest {
            method: "POST".into(),
            headers: vec![("Authorization".into(), "Bearer x".into()), ("Content-Type".into(), "text/plain".into()), ("X-A".into(), "1".into())],
            body: b"data".to_vec(),
            ..get("http://a.example.test/")
        };
        fetch(&f, post).unwrap();
        let second = &sent.sent.lock().unwrap()[1];
        assert_eq!((second.method.as_str(), second.body.len()), ("GET", 0));
        assert_eq!(second.headers, vec![("X-A".to_string(), "1".to_string())], "no body headers after a 303, no credentials to another origin");
    }

    #[test]
    fn too_many_redirects_fail() {
        let loops = (0..=MAX_REDIRECTS).map(|_| response(307, &[("location", "/again")], "")).collect();
        let (f, _) = fetcher(&["a.example.test"], loops);
        assert!(fetch(&f, get("http://a.example.test/")).unwrap_err().contains("redirects"));
    }

    #[test]
    fn bad_requests_are_refused_with_a_reason() {
        let (f, _) = fetcher(&["a.example.test"], vec![]);
        for (req, says) in [
            (get("/relative"), "not an absolute URL"),
            (get("file:///etc/passwd"), "only http: and https:"),
            (get("ftp://a.example.test/"), "only http: and https:"),
            (get("http://user:pw@a.example.test/"), "credentials"),
            (FetchRequest { method: "CONNECT".into(), ..get("http://a.example.test/") }, "forbidden method"),
            (FetchRequest { headers: vec![("X".into(), "a\r\nInjected: 1".into())], ..get("http://a.example.test/") }, "not valid"),
            (FetchRequest { method: "GE T".into(), ..get("http://a.example.test/") }, "not a valid HTTP method"),
            (FetchRequest { headers: vec![("X Y".into(), "1".into())], ..get("http://a.example.test/") }, "not a valid header name"),
            (FetchRequest { headers: vec![("".into(), "1".into())], ..get("http://a.example.test/") }, "not a valid header name"),
        ] {
            let e = fetch(&f, req).unwrap_err();
            assert!(e.contains(says), "{e} should say {says}");
        }
    }

    #[test]
    fn forbidden_headers_are_dropped() {
        let (f, sent) = fetcher(&["a.example.test"], vec![response(200, &[], "")]);
        let headers = vec![("Host".into(), "evil.test".into()), ("Content-Length".into(), "1".into()), ("Accept".into(), "*/*".into())];
        fetch(&f, FetchRequest { headers, ..get("http://a.example.test/") }).unwrap();
        assert_eq!(sent.sent.lock().unwrap()[0].headers, vec![("Accept".to_string(), "*/*".to_string())]);
    }

    #[test]
    fn the_handlers_json_round_trips() {
        let r = Incoming::from_json(r#"{"status":201,"statusText":"Created","headers":[["a","b"]],"body":"aGk="}"#).unwrap();
        assert_eq!(r, Incoming { status: 201, status_text: "Created".into(), headers: vec![("a".into(), "b".into())], body: b"hi".to_vec() });
        let (f, sent) = fetcher(&["a.example.test"], vec![response(200, &[], "")]);
        fetch(&f, FetchRequest { body: b"hi".to_vec(), method: "PUT".into(), ..get("https://a.example.test/p") }).unwrap();
        let v: Value = serde_json::from_str(&sent.sent.lock().unwrap()[0].to_json()).unwrap();
        assert_eq!((v["protocol"].as_str(), v["port"].as_u64(), v["body"].as_str()), (Some("https:"), Some(443), Some("aGk=")));
    }
}
