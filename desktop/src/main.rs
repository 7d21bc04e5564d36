use clap::Parser;

use mynapoint_desktop::cli::Cli;

fn main() -> std::process::ExitCode {
    // clap prints usage errors itself and exits with 2 (exit::Exit::Usage).
    let cli = Cli::parse();
    mynapoint_desktop::run(cli).into()
}
