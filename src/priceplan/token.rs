//! The one-time token that signs a customer in to the cabinet.

use std::fmt;

/// A one-time cabinet token: a bearer credential, so it never prints.
///
/// Only tokens made of URL-safe characters are accepted, so that the token
/// can be put into the cabinet's `/auth-key/TOKEN/` path as it is.
pub struct OneTimeToken(String);

impl OneTimeToken {
    /// Accepts a token from PricePlan's answer, or `None` when it has an odd shape.
    pub fn parse(value: &str) -> Option<Self> {
        let url_safe = |byte: u8| byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte);
        let valid = (8..=512).contains(&value.len()) && value.bytes().all(url_safe);
        valid.then(|| Self(value.to_string()))
    }

    /// A digest that tells tokens apart without keeping them.
    pub fn fingerprint(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes()).into()
    }

    /// The cabinet URL that consumes this token, under `cabinet_url`.
    pub fn sign_in_url(&self, cabinet_url: &str) -> String {
        format!("{cabinet_url}/auth-key/{}/", self.0)
    }
}

impl fmt::Debug for OneTimeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::OneTimeToken;

    #[test]
    fn a_url_safe_token_becomes_the_cabinet_sign_in_url() {
        let token = OneTimeToken::parse("AbC-123_xyz.9~").unwrap();

        let url = token.sign_in_url("https://sub-lk.priceplan.pro");

        assert_eq!(url, "https://sub-lk.priceplan.pro/auth-key/AbC-123_xyz.9~/");
    }

    #[test]
    fn tokens_that_could_change_the_url_are_refused() {
        for odd in [
            "",
            "short",
            "../../evil",
            "a/b/c/d/e/f",
            "tok en with space",
            "x?y=1&z=2z",
        ] {
            assert!(OneTimeToken::parse(odd).is_none(), "{odd} was accepted");
        }
    }

    #[test]
    fn a_token_never_shows_in_debug_output() {
        let token = OneTimeToken::parse("very-secret-token").unwrap();

        assert!(!format!("{token:?}").contains("very-secret"));
    }
}
