//! The client's address behind reverse proxies, for rate limits and the audit log.
//!
//! `X-Forwarded-For` is only believed from the peers an admin named
//! (`ORDERPANE_TRUSTED_PROXIES`): anyone else could write any address into it. Each proxy
//! appends the address it received the request from, so the list is read from the right,
//! skipping trusted proxies; the first address that is not one is the client. Without
//! trusted proxies, the peer is the client.

use std::{net::IpAddr, sync::Arc};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The networks whose `X-Forwarded-For` the server believes.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// Reads a comma-separated list of addresses and networks (`10.0.0.0/8, 192.0.2.1`).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let network = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "trusted proxy {item:?} is not an IP address or network like 10.0.0.0/8"
                    )
                })?;
            networks.push(network);
        }
        Ok(Self(Arc::new(networks)))
    }

    /// True when no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `ip` is one of the trusted proxies (so what it says about a request, such as
    /// its `X-Forwarded-For` or its request id, may be believed).
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client of a request that came from `peer` with these headers.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        // Every X-Forwarded-For header, in order, as one list.
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // An unreadable entry: whatever is left of it was written by someone we
                // cannot vouch for, so the last trusted hop's word is where it stops.
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", value.parse().expect("header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        let forged = headers(&["198.51.100.9"]);
        assert_eq!(
            none.client_ip(ip("203.0.113.5"), &forged),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1").expect("parses");
        // The client forged a first entry; the proxies appended the real ones.
        let chain = headers(&["1.1.1.1, 203.0.113.7", "10.1.2.3"]);
        assert_eq!(
            proxies.client_ip(ip("192.0.2.1"), &chain),
            ip("203.0.113.7")
        );
        // An untrusted peer's header is ignored.
        assert_eq!(
            proxies.client_ip(ip("198.51.100.1"), &chain),
            ip("198.51.100.1")
        );
        // IPv4-mapped IPv6 peers count as their IPv4 address.
        assert_eq!(
            proxies.client_ip(ip("::ffff:10.0.0.1"), &headers(&["203.0.113.8"])),
            ip("203.0.113.8")
        );
        // No header: the proxy itself.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &headers(&["203.0.113.9, nonsense"])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_bad_entry_is_named() {
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
    }
}
