use super::parse::{Bounds, DOM, DOW, HOURS, MINUTES, MONTHS, all, get_bits, get_field, get_range};
use super::*;
use crate::error::chain_message;

const STAR: u64 = Field::STAR;

fn bounds(min: u64, max: u64) -> Bounds {
    Bounds {
        min,
        max,
        names: &[],
    }
}

fn spec(schedule: &str) -> Spec {
    match parse_standard(schedule).unwrap().kind {
        Kind::Spec(spec) => spec,
        Kind::Every(d) => panic!("{schedule}: every {d}"),
    }
}

/// The whole message, as Go's wrapped errors print it.
fn message(schedule: &str) -> String {
    chain_message(&parse_standard(schedule).unwrap_err())
}

/// robfig/cron v3 `parser_test.go` `TestRange`.
#[test]
fn robfig_test_range() {
    let cases: [(&str, u64, u64, u64, &str); 20] = [
        ("5", 0, 7, 1 << 5, ""),
        ("0", 0, 7, 1 << 0, ""),
        ("7", 0, 7, 1 << 7, ""),
        ("5-5", 0, 7, 1 << 5, ""),
        ("5-6", 0, 7, 1 << 5 | 1 << 6, ""),
        ("5-7", 0, 7, 1 << 5 | 1 << 6 | 1 << 7, ""),
        ("5-6/2", 0, 7, 1 << 5, ""),
        ("5-7/2", 0, 7, 1 << 5 | 1 << 7, ""),
        ("5-7/1", 0, 7, 1 << 5 | 1 << 6 | 1 << 7, ""),
        ("*", 1, 3, 1 << 1 | 1 << 2 | 1 << 3 | STAR, ""),
        ("*/2", 1, 3, 1 << 1 | 1 << 3, ""),
        ("5--5", 0, 0, 0, "too many hyphens"),
        ("jan-x", 0, 0, 0, "failed to parse int from"),
        ("2-x", 1, 5, 0, "failed to parse int from"),
        ("*/-12", 0, 0, 0, "negative number"),
        ("*//2", 0, 0, 0, "too many slashes"),
        ("1", 3, 5, 0, "below minimum"),
        ("6", 3, 5, 0, "above maximum"),
        ("5-3", 3, 5, 0, "beyond end of range"),
        ("*/0", 0, 0, 0, "should be a positive number"),
    ];
    for (expr, min, max, expected, err) in cases {
        match get_range(expr, &bounds(min, max)) {
            Ok(bits) => assert_eq!((bits, ""), (expected, err), "{expr}"),
            Err(e) => assert!(
                !err.is_empty() && e.to_string().contains(err),
                "{expr}: {e}"
            ),
        }
    }
}

/// `TestField`, and `*/1` (keeps the star bit: only a step above 1 clears it).
#[test]
fn robfig_test_field() {
    for (expr, min, max, expected) in [
        ("5", 1, 7, 1 << 5),
        ("5,6", 1, 7, 1 << 5 | 1 << 6),
        ("5,6,7", 1, 7, 1 << 5 | 1 << 6 | 1 << 7),
        ("1,5-7/2,3", 1, 7, 1 << 1 | 1 << 5 | 1 << 7 | 1 << 3),
        ("*/1", 1, 3, 1 << 1 | 1 << 2 | 1 << 3 | STAR),
        (",,", 1, 3, 0),
    ] {
        assert_eq!(
            get_field(expr, &bounds(min, max)).unwrap().bits(),
            expected,
            "{expr}"
        );
    }
}

/// `TestAll` and `TestBits`.
#[test]
fn robfig_test_all_and_bits() {
    for (r, expected) in [
        (&MINUTES, 0x0fff_ffff_ffff_ffff),
        (&HOURS, 0xff_ffff),
        (&DOM, 0xffff_fffe),
        (&MONTHS, 0x1ffe),
        (&DOW, 0x7f),
    ] {
        assert_eq!(all(r).bits(), expected | STAR);
    }
    for (min, max, step, expected) in [
        (0, 0, 1, 0x1),
        (1, 1, 1, 0x2),
        (1, 5, 2, 0x2a),
        (1, 4, 2, 0xa),
    ] {
        assert_eq!(get_bits(min, max, step), expected);
    }
}

/// `TestParseSchedule` and `TestStandardSpecSchedule`: the cases of the standard parser, and
/// the descriptors.
#[test]
fn robfig_test_parse_schedule() {
    let every5min = Spec {
        minute: Field(1 << 5),
        hour: all(&HOURS),
        dom: all(&DOM),
        month: all(&MONTHS),
        dow: all(&DOW),
    };
    let midnight = Spec {
        minute: Field(1),
        hour: Field(1),
        ..every5min
    };
    let annual = Spec {
        dom: Field(1 << 1),
        month: Field(1 << 1),
        ..midnight
    };
    assert_eq!(spec("5 * * * *"), every5min);
    let utc = parse_standard("CRON_TZ=UTC  5 * * * *").unwrap();
    assert_eq!(utc.location.as_ref().map(Location::name), Some("UTC"));
    assert_eq!(utc.kind, Kind::Spec(every5min));
    let tokyo = parse_standard("TZ=Asia/Tokyo @midnight").unwrap();
    assert_eq!(
        tokyo.location.as_ref().map(Location::name),
        Some("Asia/Tokyo")
    );
    assert_eq!(tokyo.kind, Kind::Spec(midnight));
    assert_eq!(parse_standard("@midnight").unwrap().location, None);
    for (descriptor, expected) in [
        ("@midnight", midnight),
        ("@daily", midnight),
        ("@yearly", annual),
        ("@annually", annual),
        (
            "@monthly",
            Spec {
                dom: Field(1 << 1),
                ..midnight
            },
        ),
        (
            "@weekly",
            Spec {
                dow: Field(1),
                ..midnight
            },
        ),
        (
            "@hourly",
            Spec {
                hour: all(&HOURS),
                ..midnight
            },
        ),
    ] {
        assert_eq!(spec(descriptor), expected, "{descriptor}");
    }
    let every = |s: &str| parse_standard(s).unwrap().kind;
    assert_eq!(
        every("@every 5m"),
        Kind::Every(SignedDuration::from_mins(5))
    );
    // `Every`: at least a second, whole seconds.
    assert_eq!(
        every("@every 1.5s"),
        Kind::Every(SignedDuration::from_secs(1))
    );
    assert_eq!(
        every("@every 10ms"),
        Kind::Every(SignedDuration::from_secs(1))
    );
    assert_eq!(
        every("@every -1h"),
        Kind::Every(SignedDuration::from_secs(1))
    );
}

/// What `ParseStandard` accepts beyond upstream's tests.
#[test]
fn parse_standard_accepts() {
    for ok in [
        "TZ=UTC  5 * * * *",
        "CRON_TZ=Asia/Tokyo 5 * * * *",
        "TZ= 5 * * * *",
        "5 5 * * *",
        "* * * * ?",
        "0-59/5 */2 1,15 jan-DEC sun-sat",
        "5/15 * * * *",
        ", * * * *",
        "*-5 * * * *",
        "+5 * * * *",
        "\t5 * * * *\n",
    ] {
        assert!(parse_standard(ok).is_ok(), "{ok}");
    }
    assert!(spec(", * * * *").minute.is_empty());
    let names = spec("0 0 * jan-MAR Mon,fri");
    assert_eq!(names.month.values().collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(names.dow.values().collect::<Vec<_>>(), [1, 5]);
    // A step above 1 clears the star; `*/1` and `?` keep it.
    assert!(!spec("* * */2 * *").dom.is_star());
    assert!(spec("* * */1 * ?").dom.is_star() && spec("* * * * ?").dow.is_star());
    // "N/step" runs to the maximum.
    assert_eq!(
        spec("50/5 * * * *").minute.values().collect::<Vec<_>>(),
        [50, 55]
    );
}

/// `TestParseScheduleErrors` and `TestStandardSpecSchedule` errors, and every refusal of
/// `getRange`, `normalizeFields` and `parseDescriptor`, with the whole message Argo prints
/// after "cron schedule ... is malformed: ".
#[test]
fn parse_standard_refuses_in_robfig_words() {
    for (schedule, expected) in [
        ("", "empty spec string"),
        (
            "* 5 j * * *",
            "expected exactly 5 fields, found 6: [* 5 j * * *]",
        ),
        (
            "5 j * * *",
            r#"failed to parse int from j: strconv.Atoi: parsing "j": invalid syntax"#,
        ),
        (
            "@every Xm",
            r#"failed to parse duration @every Xm: time: invalid duration "Xm""#,
        ),
        (
            "@every 5x",
            r#"failed to parse duration @every 5x: time: unknown unit "x" in duration "5x""#,
        ),
        ("@every", "unrecognized descriptor: @every"),
        ("@unrecognized", "unrecognized descriptor: @unrecognized"),
        ("@daily ", "unrecognized descriptor: @daily "),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("TZ=UTC ", "expected exactly 5 fields, found 0: []"),
        (
            "TZ=UTC",
            "a time zone prefix must be followed by a schedule",
        ),
        (
            "TZ=Nowhere/Land 0 2 * * *",
            "provided bad location Nowhere/Land: unknown time zone Nowhere/Land",
        ),
        (
            "TZ=../x 0 2 * * *",
            "provided bad location ../x: time: invalid location name",
        ),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* 24 * * *", "end of range (24) above maximum (23): 24"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("* * * 13 *", "end of range (13) above maximum (12): 13"),
        ("* * * * 7", "end of range (7) above maximum (6): 7"),
        (
            "5-3 * * * *",
            "beginning of range (5) beyond end of range (3): 5-3",
        ),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/5/2 * * * *", "too many slashes: */5/2"),
        (
            "*/0 * * * *",
            "step of range should be a positive number: */0",
        ),
        (
            "-5 * * * *",
            r#"failed to parse int from : strconv.Atoi: parsing "": invalid syntax"#,
        ),
        ("*/-1 * * * *", "negative number (-1) not allowed: -1"),
        (
            "0 2 L * *",
            r#"failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax"#,
        ),
        (
            "0 2 * JANUARY *",
            r#"failed to parse int from JANUARY: strconv.Atoi: parsing "JANUARY": invalid syntax"#,
        ),
        (
            "99999999999999999999 * * * *",
            r#"failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range"#,
        ),
        (
            "4294967296 * * * *",
            "end of range (4294967296) above maximum (59): 4294967296",
        ),
    ] {
        assert_eq!(message(schedule), expected, "{schedule:?}");
    }
    assert!(matches!(
        parse_standard("TZ=Mars/Base @daily"),
        Err(ParseError::Location {
            source: LocationError::Unknown { .. },
            ..
        })
    ));
}

/// Go's `time.LoadLocation`.
#[test]
fn go_load_location() {
    for ok in [
        "",
        "UTC",
        "Local",
        "America/New_York",
        "Etc/GMT+5",
        "US/Pacific",
    ] {
        assert!(Location::load(ok).is_ok(), "{ok}");
    }
    for bad in [
        "Not/A_Real_Timezone",
        "america/new_york",
        "utc",
        "../etc/passwd",
        "/UTC",
        "\\UTC",
    ] {
        assert!(Location::load(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Location::load("Asia/Tokyo").unwrap().time_zone(),
        &jiff::tz::TimeZone::get("Asia/Tokyo").unwrap()
    );
}

/// `validate.go` `CronWorkflow`: its wording, upstream's reason as the source.
#[test]
fn validate_go_checks() {
    let e = check_schedule("0 25 * * *").unwrap_err();
    assert_eq!(
        chain_message(&e),
        "cron schedule `0 25 * * *` is malformed: end of range (25) above maximum (23): 25"
    );
    let e = check_timezone("Not/A_Real_Timezone").unwrap_err();
    assert_eq!(
        chain_message(&e),
        "invalid timezone `Not/A_Real_Timezone`: unknown time zone Not/A_Real_Timezone"
    );
    assert!(check_concurrency_policy("").is_ok());
    assert!(matches!(
        check_concurrency_policy("Sometimes"),
        Err(CronError::ConcurrencyPolicy { .. })
    ));
}
