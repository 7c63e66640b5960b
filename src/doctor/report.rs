//! The doctor's report: one line per finding, written as text.

use std::fmt;

/// How a finding affects the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The check passed.
    Ok,
    /// Works, but worth changing.
    Warn,
    /// Will not work until changed; the doctor exits non-zero.
    Fail,
    /// Not checked; the line says how to check it.
    Skip,
}

/// What the doctor found, in order.
#[derive(Debug, Default)]
pub struct Report {
    lines: Vec<(Level, String)>,
    advice: Vec<String>,
}

impl Report {
    /// Adds a finding.
    pub fn add(&mut self, level: Level, line: impl Into<String>) {
        self.lines.push((level, line.into()));
    }

    /// Adds a line to the closing list of PricePlan-side settings.
    pub fn advise(&mut self, line: impl Into<String>) {
        self.advice.push(line.into());
    }

    /// Whether no finding is a failure.
    pub fn passed(&self) -> bool {
        self.failures() == 0
    }

    fn failures(&self) -> usize {
        self.lines
            .iter()
            .filter(|(level, _)| *level == Level::Fail)
            .count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (level, line) in &self.lines {
            let tag = match level {
                Level::Ok => "ok  ",
                Level::Warn => "WARN",
                Level::Fail => "FAIL",
                Level::Skip => "skip",
            };
            writeln!(f, "[{tag}] {line}")?;
        }
        if !self.advice.is_empty() {
            writeln!(f)?;
            writeln!(f, "Settings to check on the PricePlan side (back office):")?;
            for line in &self.advice {
                writeln!(f, "  - {line}")?;
            }
        }
        writeln!(f)?;
        match self.failures() {
            0 => write!(f, "doctor: no problem found"),
            1 => write!(f, "doctor: 1 problem found; see the FAIL line"),
            n => write!(f, "doctor: {n} problems found; see the FAIL lines"),
        }
    }
}
