//! Who may read `/metrics`.

use std::net::SocketAddr;

use crate::http_auth;
use crate::secret::Secret;

/// The access rule of `/metrics`: with a token configured, the request must
/// carry it as `Authorization: Bearer TOKEN`; without one, only peers on
/// loopback get the metrics. Everyone else gets the ordinary 404 page.
///
/// Behind a reverse proxy on the same machine every visitor's peer address is
/// loopback, so such a deployment needs the token (or the proxy must block
/// the path).
#[derive(Clone, Debug)]
pub struct MetricsAccess {
    token: Option<Secret<String>>,
    /// Behind a proxy every peer is the proxy: loopback says nothing.
    behind_proxy: bool,
}

impl MetricsAccess {
    /// The rule for the configured token, if any, and whether the portal
    /// sits behind a reverse proxy (`PORTAL_TRUST_FORWARDED_FOR`).
    pub fn new(token: Option<Secret<String>>, behind_proxy: bool) -> Self {
        Self {
            token,
            behind_proxy,
        }
    }

    /// Whether a request with this `Authorization` value from this peer may
    /// read the metrics.
    pub fn allows(&self, authorization: Option<&str>, peer: Option<SocketAddr>) -> bool {
        match &self.token {
            Some(token) => authorization
                .and_then(http_auth::bearer_token)
                .is_some_and(|given| {
                    http_auth::same_bytes(given.as_bytes(), token.expose().as_bytes())
                }),
            None if self.behind_proxy => false,
            None => peer.is_some_and(|peer| peer.ip().is_loopback()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(address: &str) -> Option<SocketAddr> {
        Some(address.parse().unwrap())
    }

    #[test]
    fn without_a_token_only_loopback_peers_are_allowed() {
        let access = MetricsAccess::new(None, false);

        assert!(access.allows(None, peer("127.0.0.1:5000")));
        assert!(access.allows(None, peer("[::1]:5000")));
        assert!(!access.allows(None, peer("203.0.113.9:5000")));
        assert!(!access.allows(None, None));
    }

    #[test]
    fn behind_a_proxy_without_a_token_nobody_is_allowed() {
        let access = MetricsAccess::new(None, true);

        assert!(!access.allows(None, peer("127.0.0.1:5000")));
    }

    #[test]
    fn with_a_token_only_the_right_bearer_is_allowed_wherever_it_comes_from() {
        let access = MetricsAccess::new(Some(Secret::new("s3cret-token".into())), true);

        assert!(access.allows(Some("Bearer s3cret-token"), peer("203.0.113.9:1")));
        assert!(!access.allows(Some("Bearer s3cret-tokem"), peer("127.0.0.1:1")));
        assert!(!access.allows(Some("Basic s3cret-token"), peer("127.0.0.1:1")));
        assert!(!access.allows(None, peer("127.0.0.1:1")));
    }
}
