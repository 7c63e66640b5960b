//! Web origins (`scheme://host[:port]`) as the "available domains" check compares them.

/// Normalises an origin: lower-case scheme and host, default port dropped, no path.
///
/// Returns `None` for anything that is not an `http` or `https` origin, and for values
/// carrying a path, query, user info or characters that have no place in an origin.
pub fn normalize(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/');
    let (scheme, authority) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if authority.is_empty() || !authority.chars().all(is_authority_char) {
        return None;
    }

    let authority = authority.to_ascii_lowercase();
    let default_port = if scheme == "http" { ":80" } else { ":443" };
    let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
    Some(format!("{scheme}://{authority}"))
}

/// The origin of a `Referer` header value (a full URL), normalised.
pub fn of_referer(referer: &str) -> Option<String> {
    let (scheme, rest) = referer.trim().split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    normalize(&format!("{scheme}://{}", &rest[..end]))
}

fn is_authority_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_loses_its_default_port_and_upper_case() {
        assert_eq!(
            normalize("HTTP://Example.ORG:80/").as_deref(),
            Some("http://example.org")
        );
        assert_eq!(
            normalize("https://127.0.0.1:8443").as_deref(),
            Some("https://127.0.0.1:8443")
        );
    }

    #[test]
    fn values_that_are_not_origins_are_refused() {
        for bad in [
            "",
            "*",
            "127.0.0.1",
            "ftp://x",
            "http://a/b",
            "http://u@h",
            "http://a b",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_referer_gives_its_origin_without_path_or_query() {
        let origin = of_referer("http://127.0.0.1:8080/cabinet?x=1");

        assert_eq!(origin.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            of_referer("https://h.example?q").as_deref(),
            Some("https://h.example")
        );
        assert_eq!(of_referer("null"), None);
    }
}
