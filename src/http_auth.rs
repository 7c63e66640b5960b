//! Small pieces of HTTP authentication shared by the PricePlan client, the
//! sandbox and `/metrics`: the Basic credentials header and a comparison
//! that takes the same time wherever two values differ.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The value of an `Authorization` header for HTTP Basic authentication.
pub fn basic_header(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// The credentials part of a `Basic` `Authorization` value, if it is one.
pub fn basic_credentials(header: &str) -> Option<&str> {
    let (scheme, credentials) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("basic")
        .then(|| credentials.trim())
}

/// The token of a `Bearer` `Authorization` value, if it is one.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether two values are equal, looking at every byte of `expected` even
/// after a difference, so that the time taken tells little about the secret.
pub fn same_bytes(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = given.len() ^ expected.len();
    for (i, byte) in expected.iter().enumerate() {
        let other = given.get(i).copied().unwrap_or(!*byte);
        difference |= usize::from(byte ^ other);
    }
    difference == 0
}

/// Standard base64 with padding (RFC 4648), as Basic authentication needs.
fn base64(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let group = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (group >> (18 - 6 * i)) & 0x3f;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];

        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn the_basic_header_encodes_user_and_password() {
        let header = basic_header("Aladdin", "open sesame");

        assert_eq!(header, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(
            basic_credentials(&header),
            Some("QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
    }

    #[test]
    fn schemes_are_told_apart_without_regard_to_case() {
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(basic_credentials("Bearer abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }

    #[test]
    fn same_bytes_needs_equal_length_and_content() {
        assert!(same_bytes(b"token", b"token"));
        assert!(!same_bytes(b"token", b"tokem"));
        assert!(!same_bytes(b"tok", b"token"));
        assert!(!same_bytes(b"token-and-more", b"token"));
        assert!(!same_bytes(b"", b"token"));
    }
}
