//! The core's failures as the resident screens show them: one line (code
//! first) or the command's end. The fields' prompts are the core's
//! (`mynapoint_core::resident::labels`).

use mynapoint_core::failure::Failure as CoreFailure;
use mynapoint_core::resident::ResidentError;

use crate::Failure;

/// One line for a refusal the flow goes on from: the stable code (with the
/// refused field and its problem, or the problem of the PIN), then the
/// core's message, e.g. `invalid_field (payment_id, wrong_length): ...`.
pub fn line(e: &ResidentError) -> String {
    let failure = CoreFailure::from(e);
    let message = failure.message(crate::lang());
    match (failure.field, failure.problem) {
        (Some(field), Some(problem)) => format!(
            "{} ({}, {}): {message}",
            failure.code,
            field.code(),
            problem.code()
        ),
        (None, Some(problem)) => format!("{} ({}): {message}", failure.code, problem.code()),
        _ => format!("{}: {message}", failure.code),
    }
}

/// A resident outcome that stops the command (its code, hint, message and exit).
pub fn failure(e: ResidentError) -> Failure {
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;
    use mynapoint_core::resident::{Field, FieldError, FieldProblem};

    #[test]
    fn a_field_line_names_the_code_field_and_problem() {
        let e = ResidentError::Invalid(FieldError::new(
            Field::PaymentId,
            FieldProblem::WrongLength {
                min: 16,
                max: 16,
                got: 4,
            },
        ));
        let text = line(&e);
        assert!(
            text.starts_with("invalid_field (payment_id, wrong_length): "),
            "{text}"
        );
        assert!(text.contains("16 characters"), "{text}");
        assert!(line(&ResidentError::Network).starts_with("network: "));
    }

    #[test]
    fn platform_trouble_has_its_exit_code() {
        assert_eq!(failure(ResidentError::Network).exit, Exit::Platform);
        assert_eq!(failure(ResidentError::CardChanged).exit, Exit::NotFinished);
        assert_eq!(failure(ResidentError::Network).code, "network");
    }
}
