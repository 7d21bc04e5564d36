//! A refusal of the rules: the contract's [`ErrorCode`] with its HTTP status
//! (a number: this layer knows no HTTP library), an English sentence and the
//! field at fault. The HTTP layer sends it as the contract's
//! [`ErrorResponse`] body (`http::answer`).

use mynapoint_contract::{ErrorBody, ErrorResponse, FieldProblem};

pub use mynapoint_contract::ErrorCode;

/// An error answered to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status of the answer (the code's usual one unless a route
    /// answers it with another, see [`ApiError::status`]).
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    /// `code` with its usual status ([`ErrorCode::http_status`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status: code.http_status(),
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Answers with `status` instead of the code's usual one.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// A server-side failure; the detail goes to the log, not the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "The server failed to process the request.",
        )
    }

    /// A refused field: `code`, the field's name, and `rule` (an English
    /// sentence stating the rule) followed by what is wrong.
    pub fn refused_field(
        code: ErrorCode,
        field: impl Into<String>,
        rule: &str,
        problem: FieldProblem,
    ) -> Self {
        ApiError::new(code, format!("{rule} ({})", describe(problem))).field(field)
    }

    pub fn body(&self) -> ErrorResponse {
        ErrorResponse {
            error: ErrorBody {
                code: self.code.clone(),
                message: self.message.clone(),
                field: self.field.clone(),
            },
        }
    }
}

/// English words for what is wrong with a value.
fn describe(problem: FieldProblem) -> String {
    match problem {
        FieldProblem::Empty => "it is empty".into(),
        FieldProblem::WrongLength { got, .. } => format!("it has {got} characters"),
        FieldProblem::FullWidth { position } => {
            format!("character {position} is full-width")
        }
        FieldProblem::LowerCase { position } => {
            format!("character {position} is lower-case")
        }
        FieldProblem::NotAllowed { position } => {
            format!("character {position} is not allowed")
        }
        FieldProblem::WrongCount { expected, got } => format!("{got} given, {expected} needed"),
        FieldProblem::WrongCheckDigit => "the check digit does not match".into(),
        FieldProblem::NotADate => "it is not a real date".into(),
        FieldProblem::InFuture => "it is after today".into(),
        FieldProblem::NotUnder15 => "the child is 15 or older".into(),
        FieldProblem::BadFormat | FieldProblem::Mismatch | FieldProblem::RejectedByPlatform => {
            "it does not have the required form".into()
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.code.as_str(),
            self.status,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
