//! A refusal as an HTTP answer: its status and the contract's error body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::rules::error::ApiError;

impl IntoResponse for ApiError {
    /// The JSON body, and the code in the response's extensions (for the
    /// check that a route answers only the codes it declares).
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = self.code.clone();
        let mut response = (status, axum::Json(self.body())).into_response();
        response.extensions_mut().insert(code);
        response
    }
}
