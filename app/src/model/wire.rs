//! Reading the server's answers from JSON values.
//!
//! The answers the browser reads (the panel, a page of orders, a link's outcome, the error)
//! deserialize through [`serde_json::Value`] (`#[serde(try_from = "serde_json::Value")]`)
//! with these helpers, rather than with derived deserializers: the wasm has the `Value`
//! reader anyway (for the host's messages), and each derived deserializer would cost it
//! about a kilobyte of its own code. Each reads exactly what the type's derived `Serialize`
//! writes, as the tests beside each type check; anything else is an error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A server function's answer that is one string (rendered HTML, a token): written as the JSON
/// string a `String` is written as, and read through a JSON value like the other answers (a
/// `String` answer would bring serde's typed reader, and with its error messages a float
/// printer, into the wasm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Text(pub String);

impl TryFrom<Value> for Text {
    type Error = WireError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        match value {
            Value::String(text) => Ok(Text(text)),
            _ => Err("expected text".into()),
        }
    }
}

/// The strings of a JSON array of strings; an error for anything else.
pub fn texts(value: Value) -> Result<Vec<String>, WireError> {
    let Value::Array(items) = value else {
        return Err("expected a list".into());
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(text) => Ok(text),
            _ => Err("expected a list of text".to_owned()),
        })
        .collect()
}

/// Why an answer could not be read.
pub type WireError = String;

/// The field `name` of the object `value` (`Null` when absent, as serde reads a missing
/// `Option` field); an error when `value` is no object.
pub fn field<'a>(value: &'a Value, name: &str) -> Result<&'a Value, WireError> {
    match value {
        Value::Object(object) => Ok(object.get(name).unwrap_or(&Value::Null)),
        _ => Err(format!("expected an object with `{name}`")),
    }
}

/// The text in field `name`.
pub fn text(value: &Value, name: &str) -> Result<String, WireError> {
    optional_text(value, name)?.ok_or_else(|| format!("missing text `{name}`"))
}

/// The text in field `name`, if any (absent or `null`: none).
pub fn optional_text(value: &Value, name: &str) -> Result<Option<String>, WireError> {
    match field(value, name)? {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        _ => Err(format!("`{name}` is not text")),
    }
}

/// The whole number in field `name`, if any (absent or `null`: none).
pub fn optional_number(value: &Value, name: &str) -> Result<Option<i64>, WireError> {
    match field(value, name)? {
        Value::Null => Ok(None),
        other => other
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("`{name}` is not a whole number")),
    }
}

/// The whole number in field `name`.
pub fn number(value: &Value, name: &str) -> Result<i64, WireError> {
    optional_number(value, name)?.ok_or_else(|| format!("missing number `{name}`"))
}

/// The truth value in field `name`.
pub fn flag(value: &Value, name: &str) -> Result<bool, WireError> {
    field(value, name)?
        .as_bool()
        .ok_or_else(|| format!("`{name}` is not true or false"))
}

/// An enum value as serde writes it by default: a unit variant as its name (`"Email"`), any
/// other as an object with one field, its name (`{"Written":{…}}`). Gives the variant's name
/// and its content (`Null` for a unit variant).
pub fn variant(value: &Value) -> Result<(&str, &Value), WireError> {
    match value {
        Value::String(name) => Ok((name, &Value::Null)),
        Value::Object(object) if object.len() == 1 => object
            .iter()
            .next()
            .map(|(name, content)| (name.as_str(), content))
            .ok_or_else(|| "expected a variant".to_owned()),
        _ => Err("expected a variant".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_strictly_and_absent_options_are_none() {
        let value = json!({"a": "x", "n": 7, "t": true, "null": null, "f": 1.5});
        assert_eq!(text(&value, "a"), Ok("x".into()));
        assert!(text(&value, "n").is_err());
        assert!(text(&value, "gone").is_err());
        assert_eq!(optional_text(&value, "gone"), Ok(None));
        assert_eq!(optional_text(&value, "null"), Ok(None));
        assert_eq!(number(&value, "n"), Ok(7));
        assert!(number(&value, "f").is_err());
        assert!(number(&value, "a").is_err());
        assert_eq!(optional_number(&value, "null"), Ok(None));
        assert_eq!(flag(&value, "t"), Ok(true));
        assert!(flag(&value, "n").is_err());
        assert!(flag(&value, "gone").is_err());
        assert!(field(&json!([1]), "a").is_err());
    }

    #[test]
    fn text_is_written_and_read_as_a_json_string() {
        let written = serde_json::to_string(&Text("<p>x</p>".into())).unwrap();
        assert_eq!(written, serde_json::to_string("<p>x</p>").unwrap());
        assert_eq!(
            serde_json::from_str::<Text>(&written).unwrap(),
            Text("<p>x</p>".into())
        );
        assert!(serde_json::from_str::<Text>("1").is_err());
        assert_eq!(texts(json!(["a", "b"])), Ok(vec!["a".into(), "b".into()]));
        assert!(texts(json!(["a", 1])).is_err());
        assert!(texts(json!({"a": 1})).is_err());
    }

    #[test]
    fn variants_are_names_or_one_field_objects() {
        assert_eq!(variant(&json!("Email")), Ok(("Email", &Value::Null)));
        let tagged = json!({"Written": {"field": "f"}});
        assert_eq!(variant(&tagged), Ok(("Written", &json!({"field": "f"}))));
        assert!(variant(&json!({"a": 1, "b": 2})).is_err());
        assert!(variant(&json!({})).is_err());
        assert!(variant(&json!(3)).is_err());
    }
}
