//! Integers as pydantic's lax mode reads them (argo-kedro 0.1.41 validated `argo.yml` with
//! pydantic): a non-negative integer, a float without fractional part, or a string of digits.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Lax {
    Int(u64),
    Float(f64),
    Text(String),
}

pub(super) fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    use serde::de::Error;
    let expected = "a non-negative integer";
    let n =
        match Lax::deserialize(d).map_err(|_| D::Error::custom(format!("expected {expected}")))? {
            Lax::Int(n) => n,
            Lax::Float(f) if f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => {
                // Exact: checked to be integral and within range just above.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let n = f as u64;
                n
            }
            Lax::Float(f) => return Err(D::Error::custom(format!("expected {expected}, got {f}"))),
            Lax::Text(s) => s
                .trim()
                .parse::<u64>()
                .map_err(|_| D::Error::custom(format!("expected {expected}, got {s:?}")))?,
        };
    u32::try_from(n).map_err(|_| D::Error::custom(format!("{n} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "lenient_u32")]
        n: u32,
    }

    fn parse(v: &serde_json::Value) -> Result<u32, serde_json::Error> {
        serde_json::from_value::<T>(serde_json::json!({ "n": v.clone() })).map(|t| t.n)
    }

    #[test]
    fn reads_like_pydantic() {
        assert_eq!(parse(&serde_json::json!(16)).ok(), Some(16));
        assert_eq!(parse(&serde_json::json!(16.0)).ok(), Some(16));
        assert_eq!(parse(&serde_json::json!("16")).ok(), Some(16));
        assert!(parse(&serde_json::json!(0.5)).is_err());
        assert!(parse(&serde_json::json!(-1)).is_err());
        assert!(parse(&serde_json::json!("x")).is_err());
        assert!(parse(&serde_json::json!(true)).is_err());
    }
}
