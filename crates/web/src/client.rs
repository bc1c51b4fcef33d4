//! Who is on the other end: the client's address, for login throttling and the public's rate
//! limits. It is the connection's peer, unless the peer is a proxy the install trusts
//! (`--trusted-proxy`), in which case it is the nearest address in `X-Forwarded-For` that is not
//! a trusted proxy itself. A header from anyone else is ignored, since a client can write
//! whatever it likes in it.

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// A proxy (or network of proxies) whose `X-Forwarded-For` is believed: `10.0.0.5` or
/// `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl std::str::FromStr for TrustedProxy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        s.parse::<IpNet>()
            .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
            .map(TrustedProxy)
            .map_err(|_| format!("\"{s}\" is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)"))
    }
}

impl TrustedProxy {
    fn contains(&self, ip: &IpAddr) -> bool {
        self.0.contains(ip)
    }
}

/// Whether the connection's peer is a trusted proxy.
pub(crate) fn peer_is_trusted(extensions: &axum::http::Extensions, trusted: &[TrustedProxy]) -> bool {
    extensions.get::<ConnectInfo<SocketAddr>>().is_some_and(|c| trusted.iter().any(|t| t.contains(&c.0.ip())))
}

/// The client's address for this request, if the connection has one (tests calling the router
/// directly have none).
pub(crate) fn client_address(parts: &Parts, trusted: &[TrustedProxy]) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // Walk the chain from the nearest hop back; the first hop we do not trust is the client.
    let hops: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect();
    Some(hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied().unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: &str, forwarded: Option<&str>) -> Parts {
        let mut req = Request::builder().uri("/");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts.extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40000)));
        parts
    }

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().map(|p| p.parse().unwrap()).collect()
    }

    #[test]
    fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
        let p = parts("203.0.113.9", Some("198.51.100.1"));
        assert_eq!(client_address(&p, &proxies(&["10.0.0.0/8"])), Some("203.0.113.9".parse().unwrap()));
        assert_eq!(client_address(&p, &[]), Some("203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let p = parts("10.0.0.2", Some("1.2.3.4, 198.51.100.7, 10.0.0.9"));
        assert_eq!(client_address(&p, &proxies(&["10.0.0.0/8"])), Some("198.51.100.7".parse().unwrap()));
        let single = parts("10.0.0.2", Some("198.51.100.7"));
        assert_eq!(client_address(&single, &proxies(&["10.0.0.2"])), Some("198.51.100.7".parse().unwrap()));
        let none = parts("10.0.0.2", None);
        assert_eq!(client_address(&none, &proxies(&["10.0.0.2"])), Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn a_trusted_proxy_is_an_address_or_a_network() {
        assert!("10.0.0.5".parse::<TrustedProxy>().is_ok());
        assert!("fd00::/8".parse::<TrustedProxy>().is_ok());
        assert!("proxy.local".parse::<TrustedProxy>().unwrap_err().contains("proxy.local"));
    }
}
