//! Go's `time.LoadLocation`, on the IANA time zone database bundled with `jiff` (no I/O).

use jiff::tz::TimeZone;

use crate::error::LocationError;

/// A time zone as Go's `time.LoadLocation` finds it: its name and its rules.
///
/// ```
/// use argo_model::cron::Location;
///
/// let paris = Location::load("Europe/Paris")?;
/// assert_eq!(paris.name(), "Europe/Paris");
/// assert_eq!(paris.time_zone().iana_name(), Some("Europe/Paris"));
/// assert_eq!(Location::load("")?.name(), "UTC");
/// assert!(Location::load("europe/paris").is_err()); // names are case-sensitive
/// assert!(Location::load("Mars/Olympus").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    name: String,
    time_zone: TimeZone,
}

impl Location {
    /// `time.LoadLocation`: `""` and `UTC` are UTC; `Local` is the zone of the machine that
    /// runs Argo's controller, which is not known here: read as UTC; any other name must be in
    /// the IANA time zone database, spelled exactly.
    pub fn load(name: &str) -> Result<Self, LocationError> {
        let utc = |name: &str| Self {
            name: name.to_owned(),
            time_zone: TimeZone::UTC,
        };
        match name {
            "" | "UTC" => return Ok(utc("UTC")),
            "Local" => return Ok(utc("Local")),
            _ => {}
        }
        // No IANA name holds `..` or starts with a slash.
        if name.contains("..") || name.starts_with(['/', '\\']) {
            return Err(LocationError::InvalidName {
                name: name.to_owned(),
            });
        }
        match jiff::tz::db().get(name) {
            // The database finds names ignoring case; Go's (a file system's) does not.
            Ok(time_zone) if time_zone.iana_name() == Some(name) => Ok(Self {
                name: name.to_owned(),
                time_zone,
            }),
            _ => Err(LocationError::Unknown {
                name: name.to_owned(),
            }),
        }
    }

    /// Its name (`UTC` for `""`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its rules.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }
}
