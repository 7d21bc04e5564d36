//! Where answers come from: the terminal (secrets without echo), or one line
//! each from standard input when it is not a terminal (tests, scripts).

use std::io::{BufRead, IsTerminal};

use zeroize::Zeroizing;

use super::say::Say;
use crate::exit::Exit;
use crate::Failure;

pub struct Input {
    interactive: bool,
    lines: Box<dyn BufRead>,
}

impl Input {
    /// Standard input; interactive when it is a terminal.
    pub fn stdin() -> Self {
        let stdin = std::io::stdin();
        Self {
            interactive: stdin.is_terminal(),
            lines: Box::new(stdin.lock()),
        }
    }

    /// One line of text, shown as typed.
    pub fn line(&mut self, say: &mut Say, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        say.prompt(prompt)?;
        let text = self.read(prompt)?;
        if !self.interactive {
            say.echo(text.as_str())?;
        }
        Ok(text)
    }

    /// A secret (PIN, password, security code): no echo on a terminal, and
    /// never shown in a transcript.
    pub fn secret(&mut self, say: &mut Say, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        say.prompt(prompt)?;
        if self.interactive {
            let typed = rpassword::read_password().map_err(|e| {
                Failure::new(
                    Exit::BadInput,
                    "prompt",
                    format!("could not read the answer: {e}"),
                )
            })?;
            return Ok(Zeroizing::new(typed));
        }
        let text = self.read(prompt)?;
        // Not even its length is shown.
        say.echo("(hidden)")?;
        Ok(text)
    }

    fn read(&mut self, prompt: &str) -> Result<Zeroizing<String>, Failure> {
        let mut line = Zeroizing::new(String::new());
        let n = self.lines.read_line(&mut line).map_err(|e| {
            Failure::new(
                Exit::BadInput,
                "stdin",
                format!("could not read standard input: {e}"),
            )
        })?;
        if n == 0 {
            return Err(Failure::new(
                Exit::NotFinished,
                "input_ended",
                format!("the input ended before the answer to \"{prompt}\": stopped"),
            ));
        }
        let end = line.trim_end_matches(['\r', '\n']).len();
        line.truncate(end);
        Ok(line)
    }
}
