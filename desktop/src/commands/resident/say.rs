//! How the resident commands talk to the person: numbered steps, what
//! happened, problems, and prompts.

use std::fmt::Display;
use std::io::Write;

use crate::Failure;

/// Writes the steps of a flow, numbered.
pub struct Say<'a> {
    out: &'a mut dyn Write,
    step: usize,
}

impl<'a> Say<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self { out, step: 0 }
    }

    /// A new numbered step.
    pub fn step(&mut self, title: impl Display) -> Result<(), Failure> {
        self.step += 1;
        let n = self.step;
        writeln!(self.out, "\n{n}. {title}").map_err(Failure::output)
    }

    /// What happens or what came back, under the current step.
    pub fn line(&mut self, text: impl Display) -> Result<(), Failure> {
        writeln!(self.out, "   {text}").map_err(Failure::output)
    }

    /// Something refused or gone wrong (one line).
    pub fn problem(&mut self, text: impl Display) -> Result<(), Failure> {
        writeln!(self.out, "   ! {text}").map_err(Failure::output)
    }

    /// A line outside the steps.
    pub fn plain(&mut self, text: impl Display) -> Result<(), Failure> {
        writeln!(self.out, "{text}").map_err(Failure::output)
    }

    /// A question; the answer follows on the same line.
    pub fn prompt(&mut self, text: impl Display) -> Result<(), Failure> {
        write!(self.out, "   > {text}: ").map_err(Failure::output)?;
        self.out.flush().map_err(Failure::output)
    }

    /// Shows an answer read from a pipe after its prompt (a transcript).
    pub fn echo(&mut self, text: impl Display) -> Result<(), Failure> {
        writeln!(self.out, "{text}").map_err(Failure::output)
    }
}
