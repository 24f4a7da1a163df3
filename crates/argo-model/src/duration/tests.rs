use super::*;

const NS: i64 = 1;
const US: i64 = 1_000;
const MS: i64 = 1_000_000;
const S: i64 = 1_000_000_000;
const M: i64 = 60 * S;
const H: i64 = 60 * M;

/// Go's `time/time_test.go` `parseDurationTests`, in nanoseconds.
#[test]
fn go_parse_duration_tests() {
    let cases: &[(&str, i64)] = &[
        // simple
        ("0", 0),
        ("5s", 5 * S),
        ("30s", 30 * S),
        ("1478s", 1478 * S),
        // sign
        ("-5s", -5 * S),
        ("+5s", 5 * S),
        ("-0", 0),
        ("+0", 0),
        // decimal
        ("5.0s", 5 * S),
        ("5.6s", 5 * S + 600 * MS),
        ("5.s", 5 * S),
        (".5s", 500 * MS),
        ("1.0s", S),
        ("1.00s", S),
        ("1.004s", S + 4 * MS),
        ("1.0040s", S + 4 * MS),
        ("100.00100s", 100 * S + MS),
        // different units
        ("10ns", 10 * NS),
        ("11us", 11 * US),
        ("12µs", 12 * US), // U+00B5
        ("12μs", 12 * US), // U+03BC
        ("13ms", 13 * MS),
        ("14s", 14 * S),
        ("15m", 15 * M),
        ("16h", 16 * H),
        // composite durations
        ("3h30m", 3 * H + 30 * M),
        ("10.5s4m", 4 * M + 10 * S + 500 * MS),
        ("-2m3.4s", -(2 * M + 3 * S + 400 * MS)),
        (
            "1h2m3s4ms5us6ns",
            H + 2 * M + 3 * S + 4 * MS + 5 * US + 6 * NS,
        ),
        ("39h9m14.425s", 39 * H + 9 * M + 14 * S + 425 * MS),
        // large value
        ("52763797000ns", 52_763_797_000 * NS),
        // more than 9 digits after decimal point, see https://golang.org/issue/6617
        ("0.3333333333333333333h", 20 * M),
        // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
        ("9007199254740993ns", (1 << 53) + 1),
        // largest duration that can be represented by int64 in nanoseconds
        ("9223372036854775807ns", i64::MAX),
        ("9223372036854775.807us", i64::MAX),
        ("9223372036s854ms775us807ns", i64::MAX),
        ("-9223372036854775808ns", i64::MIN),
        ("-9223372036854775.808us", i64::MIN),
        ("-9223372036s854ms775us808ns", i64::MIN),
        // largest negative round trip value, see https://golang.org/issue/48629
        ("-2562047h47m16.854775808s", i64::MIN),
        // huge string; issue 15011.
        ("0.100000000000000000000h", 6 * M),
        // This value tests the first overflow check in leadingFraction.
        (
            "0.830103483285477580700h",
            49 * M + 48 * S + 372_539_827 * NS,
        ),
    ];
    for &(text, nanos) in cases {
        assert_eq!(
            parse_duration(text),
            Ok(SignedDuration::from_nanos(nanos)),
            "{text}"
        );
    }
}

/// Go's `parseDurationErrorTests` (those a Rust string can hold: not invalid UTF-8), with the
/// whole message; and cases of the two earlier ports.
#[test]
fn go_parse_duration_error_tests() {
    let cases = [
        // invalid
        ("", r#"time: invalid duration """#),
        ("3", r#"time: missing unit in duration "3""#),
        ("-", r#"time: invalid duration "-""#),
        ("s", r#"time: invalid duration "s""#),
        (".", r#"time: invalid duration ".""#),
        ("-.", r#"time: invalid duration "-.""#),
        (".s", r#"time: invalid duration ".s""#),
        ("+.s", r#"time: invalid duration "+.s""#),
        ("1d", r#"time: unknown unit "d" in duration "1d""#),
        ("\u{FFFD}", r#"time: invalid duration "\xef\xbf\xbd""#),
        (
            "\u{FFFD} hello \u{FFFD} world",
            r#"time: invalid duration "\xef\xbf\xbd hello \xef\xbf\xbd world""#,
        ),
        // overflow
        (
            "9223372036854775810ns",
            r#"time: invalid duration "9223372036854775810ns""#,
        ),
        (
            "9223372036854775808ns",
            r#"time: invalid duration "9223372036854775808ns""#,
        ),
        (
            "-9223372036854775809ns",
            r#"time: invalid duration "-9223372036854775809ns""#,
        ),
        (
            "9223372036854776us",
            r#"time: invalid duration "9223372036854776us""#,
        ),
        ("3000000h", r#"time: invalid duration "3000000h""#),
        (
            "9223372036854775.808us",
            r#"time: invalid duration "9223372036854775.808us""#,
        ),
        (
            "9223372036854ms775us808ns",
            r#"time: invalid duration "9223372036854ms775us808ns""#,
        ),
        // earlier ports' cases
        ("1", r#"time: missing unit in duration "1""#),
        ("h", r#"time: invalid duration "h""#),
        ("1x", r#"time: unknown unit "x" in duration "1x""#),
        ("1h-2m", r#"time: unknown unit "h-" in duration "1h-2m""#),
        ("1..5h", r#"time: missing unit in duration "1..5h""#),
        ("1h 30m", r#"time: unknown unit "h " in duration "1h 30m""#),
        ("2562048h", r#"time: invalid duration "2562048h""#),
        ("5\n", r#"time: unknown unit "\x0a" in duration "5\x0a""#),
    ];
    for (text, message) in cases {
        let err = parse_duration(text).unwrap_err();
        assert_eq!(err.to_string(), message, "{text:?}");
    }
    assert!(matches!(
        parse_duration("1d"),
        Err(DurationError::UnknownUnit { unit, .. }) if unit == "d"
    ));
    assert_eq!(parse_duration("2562047h").unwrap().as_hours(), 2_562_047);
}

/// `wfv1.ParseStringToDuration`: an integer is seconds (Go's `strconv.Atoi`: a sign, digits);
/// anything else a Go duration.
#[test]
fn argo_parse_string_to_duration() {
    let secs = |t: &str| parse_string_to_duration(t).map(|d| d.as_secs_f64());
    assert_eq!(secs("10"), Ok(10.0));
    assert_eq!(secs("+10"), Ok(10.0));
    assert_eq!(secs("-3"), Ok(-3.0));
    assert_eq!(secs("1m30s"), Ok(90.0));
    assert_eq!(secs("300ms"), Ok(0.3));
    assert!(matches!(
        parse_string_to_duration("1.5"),
        Err(DurationError::MissingUnit { .. })
    ));
    assert!(parse_string_to_duration(" 10").is_err());
    assert!(parse_string_to_duration("3x").is_err());
}
