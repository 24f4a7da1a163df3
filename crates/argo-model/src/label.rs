//! Kubernetes label values (`validation.IsValidLabelValue`): at most 63 characters of
//! `[A-Za-z0-9._-]`, with a letter or digit at both ends; empty is valid.
//!
//! ```
//! use argo_model::label;
//!
//! assert!(label::is_value("spaceflights_mini"));
//! assert!(!label::is_value("_x y_"));
//! assert_eq!(label::replace_invalid_chars("_x y_"), "_x-y_");
//! ```

/// The longest label value, in characters (all ASCII).
pub const MAX_VALUE_LEN: usize = 63;

/// Whether `c` may stand in a label value (`[A-Za-z0-9._-]`).
///
/// ```
/// assert!(argo_model::label::is_value_char('.'));
/// assert!(!argo_model::label::is_value_char('/'));
/// ```
#[must_use]
pub fn is_value_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Whether `s` is a valid label value: at most [`MAX_VALUE_LEN`] characters of
/// [`is_value_char`], starting and ending with a letter or digit (or empty).
///
/// ```
/// use argo_model::label::is_value;
///
/// assert!(is_value("") && is_value("a.b_c-1"));
/// assert!(!is_value("-a") && !is_value(&"a".repeat(64)));
/// ```
#[must_use]
pub fn is_value(s: &str) -> bool {
    let ends_ok = |c: Option<char>| c.is_none_or(|c| c.is_ascii_alphanumeric());
    s.len() <= MAX_VALUE_LEN
        && ends_ok(s.chars().next())
        && ends_ok(s.chars().last())
        && s.chars().all(is_value_char)
}

/// `s` with every character that may not stand in a label value (see [`is_value_char`])
/// replaced by `-`; the ends and the length are left as they are.
///
/// ```
/// assert_eq!(argo_model::label::replace_invalid_chars("a@b ü"), "a-b--");
/// ```
#[must_use]
pub fn replace_invalid_chars(s: &str) -> String {
    s.chars()
        .map(|c| if is_value_char(c) { c } else { '-' })
        .collect()
}
