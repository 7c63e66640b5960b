//! Checking and normalising what visitors type into the account forms.

/// The longest email address accepted (RFC 5321's path limit).
const MAX_EMAIL_LEN: usize = 254;
/// Display names are shown in the page header; keep them short.
const MAX_NAME_CHARS: usize = 80;
/// A password shorter than this is refused.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer passwords add nothing but hashing cost.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Trims and lower-cases an email address, checking it has a plausible shape.
pub fn normalise_email(input: &str) -> Result<String, &'static str> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter your email address.");
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err("This email address is too long.");
    }

    let Some((local, domain)) = email.split_once('@') else {
        return Err("Enter an email address like name@example.com.");
    };
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:\\[]".contains(c));
    if !plausible {
        return Err("Enter an email address like name@example.com.");
    }
    Ok(email)
}

/// Trims a display name and checks its length and characters.
pub fn normalise_display_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    if name.is_empty() {
        return Err("Enter your name.");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err("Use at most 80 characters for your name.");
    }
    if name
        .chars()
        .any(|c| c.is_control() || is_direction_control(c))
    {
        return Err("Your name cannot contain control characters.");
    }
    Ok(name.to_string())
}

/// Characters that reorder the text around them, which could make a name
/// display as something else.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks a new password's length (it is used exactly as typed).
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    if password.trim().is_empty() && !password.is_empty() {
        return Err("Your password cannot be only spaces.");
    }
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err("Use at least 12 characters for your password.");
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err("Use at most 256 characters for your password.");
    }
    Ok(())
}

/// Accepts `next` only as a path on this portal, so that sign-in cannot be
/// used to send visitors to another site.
pub fn local_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let starts_locally = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
    let harmless = next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    (starts_locally && harmless && next.len() <= 512).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_email("  Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "ann@@x.com",
            "ann@x..com",
            "<a>@x.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn names_that_reorder_text_are_refused() {
        assert!(normalise_display_name("Ann\u{202E}nimda").is_err());
        assert!(normalise_display_name("Анна Иванова").is_ok());
    }

    #[test]
    fn a_password_of_spaces_only_is_refused() {
        assert!(check_new_password(&" ".repeat(16)).is_err());
        assert!(check_new_password("  spaces around  ").is_ok());
    }

    #[test]
    fn passwords_must_be_between_12_and_256_characters() {
        assert!(check_new_password("elevenchars").is_err());
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn only_local_paths_are_accepted_as_next() {
        assert_eq!(local_path("/pa"), Some("/pa"));
        assert_eq!(local_path("/pa?tab=documents"), Some("/pa?tab=documents"));
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "",
            "pa",
            "/pa\r\nSet-Cookie: x",
            "/ evil",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(hostile), None, "{hostile:?} was accepted");
        }
    }
}
