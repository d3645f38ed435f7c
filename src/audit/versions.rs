//! Version data: Amazon MQ's end-of-support calendar for ActiveMQ and the
//! published ActiveMQ Classic security advisories, as dated tables. Every
//! row cites its source; a test fails when one does not.
//!
//! Update these tables when Amazon MQ announces a date or ActiveMQ
//! publishes an advisory, and move the `*_AS_OF` date.

use std::fmt;

/// When [`END_OF_SUPPORT`] was last checked against its source.
pub const END_OF_SUPPORT_AS_OF: Date = Date::new(2026, 12, 5);

/// When [`ADVISORIES`] was last checked against its sources.
pub const ADVISORIES_AS_OF: Date = Date::new(2026, 12, 5);

/// Amazon MQ's version support calendar for ActiveMQ.
pub const AMAZON_MQ_CALENDAR: &str =
    "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html#activemq-version-management-calendar";

/// One row of the end-of-support calendar: a minor version and the day
/// Amazon MQ stops supporting it.
#[derive(Clone, Copy, Debug)]
pub struct EndOfSupport {
    pub major: u32,
    pub minor: u32,
    pub date: Date,
    pub source: &'static str,
}

/// Amazon MQ for ActiveMQ: end of support by minor version. A minor that
/// is not listed (5.18, 5.19, 6.x) has no announced date: supported.
pub const END_OF_SUPPORT: &[EndOfSupport] = &[
    EndOfSupport {
        major: 5,
        minor: 15,
        date: Date::new(2024, 9, 16),
        source: AMAZON_MQ_CALENDAR,
    },
    EndOfSupport {
        major: 5,
        minor: 16,
        date: Date::new(2024, 11, 15),
        source: AMAZON_MQ_CALENDAR,
    },
    EndOfSupport {
        major: 5,
        minor: 17,
        date: Date::new(2025, 6, 16),
        source: AMAZON_MQ_CALENDAR,
    },
];

/// Affected versions `from ..< fixed` of one release line.
#[derive(Clone, Copy, Debug)]
pub struct Affected {
    /// First affected version (inclusive).
    pub from: Version,
    /// First fixed version of this line (exclusive end of the range).
    pub fixed: Version,
}

/// A published ActiveMQ Classic security advisory.
#[derive(Clone, Copy, Debug)]
pub struct Advisory {
    pub id: &'static str,
    /// What the flaw allows, in a few words.
    pub title: &'static str,
    /// Whether the advisory rates the flaw critical: its findings are
    /// errors, the others warnings.
    pub critical: bool,
    pub affected: &'static [Affected],
    /// The advisory (ActiveMQ's own page, or the CVE record).
    pub source: &'static str,
}

const fn v(major: u32, minor: u32, patch: u32) -> Version {
    Version {
        major,
        minor,
        patch: Some(patch),
    }
}

const fn range(from: Version, fixed: Version) -> Affected {
    Affected { from, fixed }
}

/// ActiveMQ Classic security advisories with their affected ranges, as the
/// advisories state them.
pub const ADVISORIES: &[Advisory] = &[
    Advisory {
        id: "CVE-2023-46604",
        title: "remote code execution through OpenWire class deserialisation",
        critical: true,
        affected: &[
            range(v(0, 0, 0), v(5, 15, 16)),
            range(v(5, 16, 0), v(5, 16, 7)),
            range(v(5, 17, 0), v(5, 17, 6)),
            range(v(5, 18, 0), v(5, 18, 3)),
        ],
        source:
            "https://activemq.apache.org/security-advisories.data/CVE-2023-46604-announcement.txt",
    },
    Advisory {
        id: "CVE-2022-41678",
        title: "authenticated remote code execution through Jolokia",
        critical: false,
        affected: &[
            range(v(0, 0, 0), v(5, 16, 6)),
            range(v(5, 17, 0), v(5, 17, 4)),
        ],
        source:
            "https://activemq.apache.org/security-advisories.data/CVE-2022-41678-announcement.txt",
    },
    Advisory {
        id: "CVE-2024-32114",
        title: "Jolokia and REST API (/api) of the web console not protected by authentication",
        critical: false,
        affected: &[range(v(6, 0, 0), v(6, 1, 2))],
        source: "https://www.cve.org/CVERecord?id=CVE-2024-32114",
    },
    // The advisory's list of affected versions starts the 5.16 line at
    // 5.16.0 (its prose says "before 5.16.8"); the list is what is encoded.
    Advisory {
        id: "CVE-2025-27533",
        title: "denial of service by excessive memory allocation while unmarshalling OpenWire",
        critical: false,
        affected: &[
            range(v(5, 16, 0), v(5, 16, 8)),
            range(v(5, 17, 0), v(5, 17, 7)),
            range(v(5, 18, 0), v(5, 18, 7)),
            range(v(6, 0, 0), v(6, 1, 6)),
        ],
        source:
            "https://activemq.apache.org/security-advisories.data/CVE-2025-27533-announcement.txt",
    },
    Advisory {
        id: "CVE-2016-3088",
        title: "arbitrary file upload and execution through the fileserver web application",
        critical: false,
        affected: &[range(v(5, 0, 0), v(5, 14, 0))],
        source: "https://www.cve.org/CVERecord?id=CVE-2016-3088",
    },
];

/// An ActiveMQ version: `X.Y` (a minor, as Amazon MQ reports it since it
/// applies patches itself) or `X.Y.Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
}

impl Version {
    /// `5.17`, `5.17.2`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Version> {
        let mut parts = s.trim().split('.');
        let num = |p: Option<&str>| -> Option<u32> {
            let p = p?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6 {
                return None;
            }
            p.parse().ok()
        };
        let major = num(parts.next())?;
        let minor = num(parts.next())?;
        let patch = match parts.next() {
            None => None,
            some => Some(num(some)?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
        })
    }

    fn key(self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }

    /// The same minor's line, for messages: `5.17.x`.
    pub fn line(self) -> String {
        format!("{}.{}.x", self.major, self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(p) => write!(f, "{}.{}.{}", self.major, self.minor, p),
            None => write!(f, "{}.{}", self.major, self.minor),
        }
    }
}

impl Advisory {
    /// The range of this advisory that holds `version`, if any. A minor-only
    /// version is never affected: Amazon MQ patches it.
    pub fn affecting(&self, version: Version) -> Option<&Affected> {
        version.patch?;
        self.affected
            .iter()
            .find(|a| a.from.key() <= version.key() && version.key() < a.fixed.key())
    }
}

/// The advisories whose affected ranges hold `version`, with the range.
pub fn advisories_for(version: Version) -> Vec<(&'static Advisory, &'static Affected)> {
    ADVISORIES
        .iter()
        .filter_map(|a| a.affecting(version).map(|r| (a, r)))
        .collect()
}

/// Amazon MQ's end of support for the minor of `version`, if announced.
pub fn end_of_support(version: Version) -> Option<&'static EndOfSupport> {
    END_OF_SUPPORT
        .iter()
        .find(|e| e.major == version.major && e.minor == version.minor)
}

/// The oldest minor that has no end-of-support date: where to move.
pub fn first_supported_minor() -> String {
    let last = END_OF_SUPPORT
        .iter()
        .map(|e| (e.major, e.minor))
        .max()
        .unwrap_or((5, 17));
    format!("{}.{}", last.0, last.1 + 1)
}

/// A calendar day (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// Environment variable that sets the day `audit` compares end-of-support
/// dates with (`YYYY-MM-DD`), for reproducible runs and tests.
pub const TODAY_ENV: &str = "MQAUTHZ_TODAY";

impl Date {
    pub const fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// `YYYY-MM-DD`, a real day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i32 = s.get(0..4)?.parse().ok()?;
        let month: u32 = s.get(5..7)?.parse().ok()?;
        let day: u32 = s.get(8..10)?.parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The day `days` days after 1970-01-01.
    pub fn from_unix_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today (UTC), from the system clock.
    pub fn system_today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The run's day: [`TODAY_ENV`] when set, else the system clock. A set
    /// but invalid value is an error message.
    pub fn today() -> Result<Date, String> {
        match std::env::var(TODAY_ENV) {
            Ok(s) => Date::parse(&s)
                .ok_or_else(|| format!("{TODAY_ENV}=`{s}` is not a date; write it as YYYY-MM-DD")),
            Err(_) => Ok(Date::system_today()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cites(source: &str) -> bool {
        source.starts_with("https://") && source.len() > "https://".len() + 4
    }

    #[test]
    fn every_row_cites_its_source() {
        for e in END_OF_SUPPORT {
            assert!(cites(e.source), "{}.{} has no source", e.major, e.minor);
        }
        for a in ADVISORIES {
            assert!(cites(a.source), "{} has no source", a.id);
            assert!(
                a.source.contains(a.id),
                "{}: the source names another advisory",
                a.id
            );
            assert!(
                !a.affected.is_empty(),
                "{} lists no affected versions",
                a.id
            );
            for r in a.affected {
                assert!(r.from.key() < r.fixed.key(), "{}: empty range", a.id);
            }
        }
    }

    #[test]
    fn calendar_holds_the_documented_dates() {
        let d = |s| end_of_support(Version::parse(s).unwrap()).map(|e| e.date.to_string());
        assert_eq!(d("5.15").as_deref(), Some("2024-09-16"));
        assert_eq!(d("5.16.7").as_deref(), Some("2024-11-15"));
        assert_eq!(d("5.17").as_deref(), Some("2025-06-16"));
        assert_eq!(d("5.18"), None);
        assert_eq!(first_supported_minor(), "5.18");
    }

    #[test]
    fn cve_2023_46604_ranges() {
        let hit = |s: &str| {
            advisories_for(Version::parse(s).unwrap())
                .iter()
                .find(|(a, _)| a.id == "CVE-2023-46604")
                .map(|(_, r)| r.fixed.to_string())
        };
        assert_eq!(hit("5.15.15").as_deref(), Some("5.15.16"));
        assert_eq!(hit("5.15.16"), None);
        assert_eq!(hit("5.16.0").as_deref(), Some("5.16.7"));
        assert_eq!(hit("5.16.6").as_deref(), Some("5.16.7"));
        assert_eq!(hit("5.16.7"), None);
        assert_eq!(hit("5.17.5").as_deref(), Some("5.17.6"));
        assert_eq!(hit("5.17.6"), None);
        assert_eq!(hit("5.18.2").as_deref(), Some("5.18.3"));
        assert_eq!(hit("5.18.3"), None);
        assert_eq!(hit("6.0.0"), None);
        assert_eq!(hit("5.18"), None, "a minor-only version raises nothing");
    }

    #[test]
    fn other_advisories() {
        let ids = |s: &str| {
            let mut v: Vec<_> = advisories_for(Version::parse(s).unwrap())
                .iter()
                .map(|(a, _)| a.id)
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids("6.1.1"), ["CVE-2024-32114", "CVE-2025-27533"]);
        assert_eq!(ids("6.1.2"), ["CVE-2025-27533"]);
        assert_eq!(ids("6.1.6"), Vec::<&str>::new());
        assert_eq!(
            ids("5.17.3"),
            ["CVE-2022-41678", "CVE-2023-46604", "CVE-2025-27533"]
        );
        assert_eq!(ids("5.19.0"), Vec::<&str>::new());
        assert!(ids("5.13.4").contains(&"CVE-2016-3088"));
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(Version::parse("5.17.2").unwrap().to_string(), "5.17.2");
        assert_eq!(Version::parse(" 5.18 ").unwrap().patch, None);
        for bad in [
            "",
            "5",
            "5.",
            "5.x",
            "5.17.2.1",
            "v5.17",
            "5.17.-1",
            "5.17.2-SNAPSHOT",
        ] {
            assert!(Version::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(19_982).to_string(), "2024-09-16");
        assert_eq!(Date::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::parse("2024-02-29"), Some(Date::new(2024, 2, 29)));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01",
            "2024-01-32",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::new(2024, 9, 16) < Date::new(2024, 9, 17));
        assert!(Date::system_today() > Date::new(2024, 1, 1));
    }
}
