//! `feedboard-demo`: parses the command line and runs [`feedboard_demo::run_demo`].

use std::io::Write;
use std::process::ExitCode;

use feedboard_demo::{parse_args, run_demo, Command, HELP};

#[tokio::main]
async fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            // A closed stdout (`| head`) is not an error worth a panic.
            let _ = write!(std::io::stdout(), "{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            let _ = writeln!(
                std::io::stdout(),
                "feedboard-demo {}",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Ok(Command::Run(config)) => match run_demo(config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("feedboard-demo: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("feedboard-demo: {e}");
            ExitCode::from(2)
        }
    }
}
