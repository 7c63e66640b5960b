//! Reading single values, and the one-line errors that name the variable.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// A setting that is missing or malformed: one line naming the variable.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(pub(super) String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

pub(super) fn parse_addr(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: &str,
) -> Result<SocketAddr, ConfigError> {
    var(name)
        .as_deref()
        .unwrap_or(default)
        .trim()
        .parse()
        .map_err(|_| malformed(name, "an address with a port, e.g. 127.0.0.1:8080"))
}

pub(super) fn parse_bool(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: bool,
) -> Result<bool, ConfigError> {
    match var(name)
        .map(|value| value.trim().to_ascii_lowercase())
        .as_deref()
    {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(_) => Err(malformed(name, "true or false")),
    }
}

/// A whole number of `unit`s within `range`, or `default` when unset.
fn parse_bounded(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, ConfigError> {
    let Some(value) = var(name) else {
        return Ok(default);
    };
    match value.trim().parse::<u64>() {
        Ok(number) if range.contains(&number) => Ok(number),
        _ => Err(malformed(
            name,
            &format!("{unit} between {} and {}", range.start(), range.end()),
        )),
    }
}

/// A duration given in milliseconds, up to ten minutes.
pub(super) fn millis(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u64,
) -> Result<Duration, ConfigError> {
    let millis = parse_bounded(name, var, default, 1..=600_000, "milliseconds")?;
    Ok(Duration::from_millis(millis))
}

/// A count up to a million, 0 included.
pub(super) fn count(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u32,
) -> Result<u32, ConfigError> {
    let count = parse_bounded(
        name,
        var,
        u64::from(default),
        0..=1_000_000,
        "a whole number",
    )?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// A duration given in minutes, up to a year.
pub(super) fn minutes(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u64,
) -> Result<Duration, ConfigError> {
    let minutes = parse_bounded(name, var, default, 1..=525_600, "minutes")?;
    Ok(Duration::from_secs(minutes * 60))
}

pub(super) fn missing(name: &str, when: &str) -> ConfigError {
    ConfigError(format!("{name} is not set; it is required {when}"))
}

pub(super) fn malformed(name: &str, expected: &str) -> ConfigError {
    ConfigError(format!("{name} is malformed: expected {expected}"))
}
