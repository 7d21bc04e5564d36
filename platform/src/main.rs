//! `mynapoint-platform serve --config FILE` / `init-config FILE` /
//! `admin …` (the field app's administration, over HTTP).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use mynapoint_platform::cli;
use mynapoint_platform::config::Config;
use mynapoint_platform::server::{prepare, serve};
use mynapoint_platform::SystemClock;

#[derive(Parser)]
#[command(
    name = "mynapoint-platform",
    version,
    about = "The mynapoint reference platform server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (plain HTTP).
    Serve {
        /// TOML configuration (see `init-config`); defaults apply without it.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Listen address, overriding the configuration (default 127.0.0.1:8787).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// SQLite database file, overriding the configuration.
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Write a commented default configuration (never overwrites).
    InitConfig { file: PathBuf },
    /// Administration of the field app against a running platform.
    Admin {
        #[command(flatten)]
        target: cli::Target,
        #[command(subcommand)]
        command: Box<cli::AdminCommand>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mynapoint-platform: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::InitConfig { file } => {
            Config::write_default(&file)?;
            println!("wrote {}", file.display());
            Ok(())
        }
        Command::Admin { target, command } => {
            println!("{}", cli::run(target, *command)?);
            Ok(())
        }
        Command::Serve { config, listen, db } => {
            let mut settings = match &config {
                Some(path) => Config::load(path)?,
                None => Config::default(),
            };
            if let Some(listen) = listen {
                settings.listen = listen;
            }
            if let Some(db) = db {
                settings.database = Some(db);
            }
            settings.apply_env();
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let state = prepare(settings, Arc::new(SystemClock), config.as_deref())?;
                let running = serve(state).await?;
                println!("listening on {}", running.base_url());
                shutdown_signal().await;
                tracing::info!("shutting down");
                running.shutdown().await;
                Ok(())
            })
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
