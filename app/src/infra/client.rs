//! Who is asking: the client address of a request, which may sit behind reverse proxies, and
//! the key its limits are counted under.
//!
//! [`client_addr`] is the one place that decides it. The server's middleware calls it once per
//! request and stores the answer as the [`ClientAddr`] extension; handlers, server functions
//! and the session layer read that extension (`RequestMeta::from_parts`), never the socket or
//! the headers themselves.

use http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr};

/// The client address of a request, as [`client_addr`] decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The reverse proxies whose forwarding headers are believed (`--trusted-proxy`). Empty: no
/// header is believed and the TCP peer is the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(networks)
    }

    /// Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (`192.0.2.1`, a /32 or /128).
    pub fn parse_one(text: &str) -> Result<IpNet, String> {
        let text = text.trim();
        text.parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map(|net| net.trunc())
            .map_err(|_| format!("not an address or CIDR network: {text:?}"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn networks(&self) -> &[IpNet] {
        &self.0
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports for an
/// IPv4 peer) as the IPv4 address they are, so that one client has one address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client address of a request that came from `peer` (the TCP peer) with `headers`.
///
/// Only when `peer` is a trusted proxy are forwarding headers read, in this order:
/// 1. `X-Forwarded-For`, walked right to left: each trusted address is a proxy of ours that
///    appended the one before it; the rightmost untrusted address is the client (what lies to
///    its left was written by the client and may be forged). If every address is trusted, the
///    leftmost is the client.
/// 2. `Forwarded` (RFC 7239) `for=` parameters, walked the same way (quoted IPv6 in brackets,
///    with or without a port; `unknown` and obfuscated names count as malformed).
/// 3. `X-Real-IP`, a single address set by the proxy.
///
/// A header that is present but malformed (or holds an element that is not an address) is not
/// guessed at: the peer is the client. Without trusted proxies, or from an untrusted peer, the
/// headers are ignored.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if trusted.is_empty() || !trusted.contains(peer) {
        return peer;
    }
    let forwarded_for = header_list(headers, "x-forwarded-for");
    if !forwarded_for.is_empty() {
        return walk(forwarded_for.iter().map(|e| parse_xff_element(e)), trusted).unwrap_or(peer);
    }
    let forwarded = header_list(headers, "forwarded");
    if !forwarded.is_empty() {
        return walk(
            forwarded.iter().map(|e| parse_forwarded_element(e)),
            trusted,
        )
        .unwrap_or(peer);
    }
    let real_ip = header_list(headers, "x-real-ip");
    if let [single] = real_ip.as_slice() {
        return strip_port(single).map(canonical).unwrap_or(peer);
    }
    peer
}

/// All the comma-separated elements of every instance of a header, in order (several header
/// lines are one list, RFC 9110 §5.3). Empty when absent; `[""]`-like entries are kept so that
/// they make the header malformed.
fn header_list(headers: &HeaderMap, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for value in headers.get_all(name) {
        match value.to_str() {
            Ok(text) => out.extend(text.split(',').map(|e| e.trim().to_string())),
            // Not visible ASCII: a malformed header, which makes the whole list unusable.
            Err(_) => out.push(String::new()),
        }
    }
    out
}

/// Walks the hops right to left; `None` when any hop up to the client is malformed.
fn walk(
    hops: impl DoubleEndedIterator<Item = Option<IpAddr>>,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let mut leftmost = None;
    for hop in hops.rev() {
        let ip = canonical(hop?);
        if !trusted.contains(ip) {
            return Some(ip);
        }
        leftmost = Some(ip);
    }
    leftmost
}

/// One `X-Forwarded-For` element: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`), as some proxies write it.
fn parse_xff_element(element: &str) -> Option<IpAddr> {
    strip_port(element)
}

/// One `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`): its `for=` node.
fn parse_forwarded_element(element: &str) -> Option<IpAddr> {
    let node = element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| value.trim())
    })?;
    let node = match node.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"')?,
        None => node,
    };
    strip_port(node)
}

/// An address with an optional port: `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:80`.
fn strip_port(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        let port_ok = after.is_empty()
            || after
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        return port_ok
            .then(|| addr.parse::<Ipv6Addr>().ok().map(IpAddr::V6))
            .flatten();
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip);
    }
    // IPv4 with a port (an unbracketed IPv6 address has parsed above or is malformed).
    let (addr, port) = text.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    addr.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The key a client's limits are counted under: an IPv4 address as it is; an IPv6 address
/// by its /64, the smallest network a site is usually given (one host can pick any address in
/// it at will, so counting single IPv6 addresses would count nothing).
pub fn limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{network}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(
            list.iter()
                .map(|s| TrustedProxies::parse_one(s).unwrap())
                .collect(),
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const PROXY: &str = "10.0.0.5";

    fn from_proxy(pairs: &[(&str, &str)]) -> IpAddr {
        client_addr(
            ip(PROXY),
            &headers(pairs),
            &trusted(&["10.0.0.0/8", "2001:db8:ffff::/48"]),
        )
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("x-real-ip", "198.51.100.2"),
        ]);
        assert_eq!(
            client_addr(ip(PROXY), &h, &TrustedProxies::default()),
            ip(PROXY)
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_forward() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(
            client_addr(ip("192.0.2.9"), &h, &trusted(&["10.0.0.0/8"])),
            ip("192.0.2.9")
        );
    }

    #[test]
    fn forwarded_for_is_walked_right_to_left_skipping_trusted_hops() {
        // The client forged the first entry; our two proxies appended the rest.
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.1.1.1")]),
            ip("198.51.100.7")
        );
        // Several header lines are one list.
        assert_eq!(
            from_proxy(&[
                ("x-forwarded-for", "1.2.3.4"),
                ("x-forwarded-for", "198.51.100.8")
            ]),
            ip("198.51.100.8")
        );
        // Only trusted hops: the leftmost is the client.
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "10.9.9.9, 10.1.1.1")]),
            ip("10.9.9.9")
        );
        // Ports and brackets, as some proxies write them.
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "198.51.100.9:4711")]),
            ip("198.51.100.9")
        );
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "[2001:db8::1]:4711")]),
            ip("2001:db8::1")
        );
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "2001:db8::2")]),
            ip("2001:db8::2")
        );
    }

    #[test]
    fn malformed_forwarding_headers_fall_back_to_the_peer() {
        for bad in [
            "not-an-ip",
            "198.51.100.1,,10.1.1.1",
            "198.51.100.1, garbage",
            "",
            "198.51.100.1:",
            "[2001:db8::1",
            "2001:db8::1::2",
        ] {
            assert_eq!(
                from_proxy(&[("x-forwarded-for", bad)]),
                ip(PROXY),
                "{bad:?}"
            );
        }
        assert_eq!(
            from_proxy(&[("forwarded", "for=unknown")]),
            ip(PROXY),
            "RFC 7239 unknown"
        );
        assert_eq!(
            from_proxy(&[("forwarded", "for=_hidden")]),
            ip(PROXY),
            "obfuscated"
        );
        assert_eq!(from_proxy(&[("forwarded", "proto=https")]), ip(PROXY));
        assert_eq!(from_proxy(&[("x-real-ip", "nope")]), ip(PROXY));
        assert_eq!(
            from_proxy(&[("x-real-ip", "198.51.100.1, 198.51.100.2")]),
            ip(PROXY)
        );
    }

    #[test]
    fn a_garbage_entry_left_of_the_client_does_not_matter() {
        // The walk stops at the rightmost untrusted address; what the client wrote before it
        // is never read.
        assert_eq!(
            from_proxy(&[("x-forwarded-for", "garbage, 198.51.100.7")]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn rfc_7239_forwarded_with_quoted_ipv6_and_ports() {
        assert_eq!(
            from_proxy(&[("forwarded", "for=198.51.100.17;proto=https;by=10.0.0.5")]),
            ip("198.51.100.17")
        );
        assert_eq!(
            from_proxy(&[("forwarded", "for=\"[2001:db8:cafe::17]:4711\"")]),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            from_proxy(&[("forwarded", "For=\"[2001:db8:cafe::18]\"")]),
            ip("2001:db8:cafe::18")
        );
        assert_eq!(
            from_proxy(&[("forwarded", "for=\"198.51.100.18:80\"")]),
            ip("198.51.100.18")
        );
        assert_eq!(
            from_proxy(&[(
                "forwarded",
                "for=192.0.2.43, for=198.51.100.19;proto=http, for=10.2.2.2"
            )]),
            ip("198.51.100.19")
        );
        // X-Forwarded-For wins over Forwarded, which wins over X-Real-IP.
        assert_eq!(
            from_proxy(&[
                ("x-real-ip", "198.51.100.30"),
                ("forwarded", "for=198.51.100.31"),
                ("x-forwarded-for", "198.51.100.32"),
            ]),
            ip("198.51.100.32")
        );
        assert_eq!(
            from_proxy(&[
                ("x-real-ip", "198.51.100.30"),
                ("forwarded", "for=198.51.100.31")
            ]),
            ip("198.51.100.31")
        );
        assert_eq!(
            from_proxy(&[("x-real-ip", "198.51.100.30")]),
            ip("198.51.100.30")
        );
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        let h = headers(&[("x-forwarded-for", "198.51.100.40")]);
        assert_eq!(
            client_addr(ip("::ffff:10.0.0.5"), &h, &trusted(&["10.0.0.0/8"])),
            ip("198.51.100.40")
        );
        assert_eq!(
            client_addr(ip("::ffff:192.0.2.1"), &h, &TrustedProxies::default()),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn trusted_proxies_parse_networks_and_single_addresses() {
        assert_eq!(
            TrustedProxies::parse_one("10.1.2.3/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert_eq!(
            TrustedProxies::parse_one("192.0.2.1").unwrap().to_string(),
            "192.0.2.1/32"
        );
        assert_eq!(
            TrustedProxies::parse_one(" ::1 ").unwrap().to_string(),
            "::1/128"
        );
        assert!(TrustedProxies::parse_one("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse_one("proxy.internal").is_err());
    }

    #[test]
    fn limit_keys_are_the_ipv4_address_or_the_ipv6_64() {
        assert_eq!(limit_key(ip("203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_key(ip("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            limit_key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            limit_key(ip("2001:db8:1:2::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
    }
}
