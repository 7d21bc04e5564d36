//! A request's JSON body, read field by field so every bad field gets its
//! own `field` and code instead of one generic deserialisation error. The
//! rules read their input through it, in the order they check it (which
//! decides the refusal a request with several faults gets).

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult, ErrorCode};

/// A JSON object body (an empty body reads as `{}`).
pub struct JsonBody(pub Map<String, Value>);

fn missing(field: &str) -> ApiError {
    ApiError::new(ErrorCode::FieldMissing, format!("`{field}` is required.")).field(field)
}

fn wrong_type(field: &str, expected: &str) -> ApiError {
    ApiError::new(
        ErrorCode::FieldType,
        format!("`{field}` must be {expected}."),
    )
    .field(field)
}

impl JsonBody {
    /// The body's bytes as a JSON object (an empty body reads as `{}`).
    pub fn parse(bytes: &[u8]) -> ApiResult<Self> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonBody(Map::new()));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(JsonBody(map)),
            Ok(_) => Err(ApiError::new(
                ErrorCode::InvalidJson,
                "The body must be a JSON object.",
            )),
            Err(e) => Err(ApiError::new(
                ErrorCode::InvalidJson,
                format!("The body is not valid JSON: {e}."),
            )),
        }
    }

    /// A required string.
    pub fn str(&self, field: &str) -> ApiResult<&str> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(missing(field)),
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(wrong_type(field, "a string")),
        }
    }

    /// An optional string (absent or null: `None`).
    pub fn opt_str(&self, field: &str) -> ApiResult<Option<&str>> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(field, "a string or null")),
        }
    }

    /// A required array of strings.
    pub fn str_array(&self, field: &str) -> ApiResult<Vec<&str>> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(missing(field)),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| wrong_type(field, "an array of strings"))
                })
                .collect(),
            Some(_) => Err(wrong_type(field, "an array of strings")),
        }
    }

    /// An optional object (absent or null: `None`).
    pub fn opt_object(&self, field: &str) -> ApiResult<Option<&Map<String, Value>>> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(wrong_type(field, "an object or null")),
        }
    }

    /// A required whole number in `min..=max`.
    pub fn u32_in(&self, field: &str, min: u32, max: u32) -> ApiResult<u32> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(missing(field)),
            Some(v) => v
                .as_u64()
                .filter(|n| (min as u64..=max as u64).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| wrong_type(field, &format!("a whole number from {min} to {max}"))),
        }
    }

    /// A required boolean.
    pub fn bool(&self, field: &str) -> ApiResult<bool> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(missing(field)),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(wrong_type(field, "true or false")),
        }
    }

    /// A required array (of anything).
    pub fn array(&self, field: &str) -> ApiResult<&Vec<Value>> {
        match self.0.get(field) {
            None | Some(Value::Null) => Err(missing(field)),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(wrong_type(field, "an array")),
        }
    }

    pub fn is_present(&self, field: &str) -> bool {
        !matches!(self.0.get(field), None | Some(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_with_their_names() {
        let body = JsonBody::parse(br#"{"a": "x", "b": 1, "c": ["p", "q"], "d": null}"#).unwrap();
        assert_eq!(body.str("a").unwrap(), "x");
        assert_eq!(body.str("b").unwrap_err().field.as_deref(), Some("b"));
        assert_eq!(body.str("z").unwrap_err().code, ErrorCode::FieldMissing);
        assert_eq!(body.str_array("c").unwrap(), vec!["p", "q"]);
        assert_eq!(body.opt_str("d").unwrap(), None);
        assert!(JsonBody::parse(b"").unwrap().0.is_empty());
        assert_eq!(
            JsonBody::parse(b"[1]").err().unwrap().code,
            ErrorCode::InvalidJson
        );
    }
}
