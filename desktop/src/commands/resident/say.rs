//! How the resident commands talk to the person: numbered steps, what
//! happened, problems, and prompts.

use std::fmt::Display;
use std::io::Write;

use crate::Failure;

/// Writes the steps of a flow, numbered.
pub struct Say<'a> {
    out: &'a mut dyn Write,
    /// The titles of the steps so far, in order (step n is `titles[n - 1]`).
    titles: Vec<String>,
}

impl<'a> Say<'a> {
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            titles: Vec::new(),
        }
    }

    /// A numbered step. Going back to a step shown before (e.g. "no" at the
    /// review: the payment details again) shows it with its own number, and
    /// the steps after it count on from there.
    pub fn step(&mut self, title: impl Display) -> Result<(), Failure> {
        let title = title.to_string();
        let n = match self.titles.iter().position(|t| *t == title) {
            Some(i) => {
                self.titles.truncate(i + 1);
                i + 1
            }
            None => {
                self.titles.push(title.clone());
                self.titles.len()
            }
        };
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

#[cfg(test)]
mod tests {
    use super::Say;

    #[test]
    fn a_step_shown_again_keeps_its_number() {
        let mut out = Vec::new();
        let mut say = Say::new(&mut out);
        for title in ["card", "payment", "review", "payment", "review", "sign"] {
            say.step(title).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let numbered: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            numbered,
            [
                "1. card",
                "2. payment",
                "3. review",
                "2. payment",
                "3. review",
                "4. sign"
            ]
        );
    }
}
