use clap::Parser;
use server::cli::{Cli, Command};
use std::process::ExitCode;

// Both binaries use the same allocator, so the bare handler stays a fair limit.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init(&cli.global.log_level, cli.global.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Needs no database (and must not create the data directory).
    if let Some(Command::GenImport(args)) = cli.command {
        return server::ops::gen::run(args).map(|()| ExitCode::SUCCESS);
    }
    let url = server::database_url(cli.global.database_url.as_deref(), &cli.global.data_dir)?;
    match cli.command.unwrap_or(Command::Serve(Box::new(cli.serve))) {
        Command::Serve(args) => server::serve::run(&url, &cli.global, *args)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Migrate => {
            let keys = server::data_key::resolve(
                cli.global.data_key_file.as_deref(),
                &cli.global.data_dir,
                server::data_key::Use::Command,
            )?;
            let storage = server::open_storage(&url, keys).await?;
            storage.close().await;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::DemoData => {
            let keys = server::data_key::resolve(
                cli.global.data_key_file.as_deref(),
                &cli.global.data_dir,
                server::data_key::Use::Demo,
            )?;
            let storage = server::open_storage(&url, keys).await?;
            let state = server::app_state(storage.clone(), Default::default())?;
            let summary = server::demo::load(&state).await?;
            storage.close().await;
            println!(
                "demo data loaded: {} holders created, {} certificates changed, {} files attached",
                summary.holders_created, summary.certificates_changed, summary.files_attached
            );
            server::demo::print_logins();
            Ok(ExitCode::SUCCESS)
        }
        Command::DataKey(command) => server::data_key::run(command, &url, &cli.global)
            .await
            .map(|()| ExitCode::SUCCESS),
        command => server::ops::run(command, &url, &cli.global).await,
    }
}
