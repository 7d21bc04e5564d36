//! `mynapoint-platform admin …`: the office PC's commands for the field
//! app, talking HTTP to a running platform (`--platform URL --token T`, or
//! `MYNAPOINT_PLATFORM` / `MYNAPOINT_ADMIN_TOKEN`). Each prints the
//! platform's JSON answer; a refusal is one line with the status, the
//! code, the field and the platform's sentence, and exit status 1.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use mynapoint_contract::grant::admin::{
    NewMunicipality, NewProject, NewTerminal, ParticipantRows, ProjectOpen, RosterRow, RosterRows,
};
use mynapoint_contract::grant::Participant;
use mynapoint_contract::{ErrorResponse, Secret};
use serde::Serialize;

/// Where the platform is and the administrator's token.
#[derive(Args)]
pub struct Target {
    /// The platform's base URL, e.g. http://127.0.0.1:8787.
    #[arg(
        long,
        env = "MYNAPOINT_PLATFORM",
        default_value = "http://127.0.0.1:8787"
    )]
    pub platform: String,
    /// The administrator token (prefer the environment variable).
    #[arg(long, env = "MYNAPOINT_ADMIN_TOKEN", hide_env_values = true)]
    pub token: String,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Municipalities and their point.
    #[command(subcommand)]
    Municipality(MunicipalityCommand),
    /// Grant projects.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Terminals (staff phones).
    #[command(subcommand)]
    Terminal(TerminalCommand),
    /// A project's roster (付与事業対象者名簿).
    #[command(subcommand)]
    Roster(RosterCommand),
    /// The participant master (対象者マスタ).
    #[command(subcommand)]
    Participant(ParticipantCommand),
    /// A person's grants and unexpired balances.
    Grants { my_key_id: String },
    /// Every e-mail of the outbox.
    Outbox,
    /// Have the platform's mailer send the waiting e-mails.
    MailDrain,
}

#[derive(Subcommand)]
pub enum MunicipalityCommand {
    Add {
        /// 6-digit local government code with its check digit.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        point_name: String,
        /// Days from a grant until its points expire.
        #[arg(long, default_value_t = 60)]
        expiry_days: u32,
    },
}

#[derive(Subcommand)]
pub enum ProjectCommand {
    /// Add a project (open).
    Add {
        #[arg(long)]
        municipality: String,
        /// 4 digits.
        #[arg(long)]
        project_id: String,
        /// 8 digits.
        #[arg(long)]
        point_id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        department: String,
        /// Points per grant.
        #[arg(long)]
        points: u32,
        #[arg(long, default_value = "")]
        remarks: String,
    },
    Open {
        project_id: String,
    },
    Close {
        project_id: String,
    },
}

#[derive(Subcommand)]
pub enum TerminalCommand {
    /// Add a terminal; its password is read from the first line of
    /// standard input.
    Add {
        /// 8 digits.
        #[arg(long)]
        terminal_id: String,
        #[arg(long)]
        municipality: String,
    },
    /// Forget the registered device (and the lock).
    ReRegister { terminal_id: String },
}

#[derive(Subcommand)]
pub enum RosterCommand {
    /// Add rows: `MY_KEY_ID` or `MY_KEY_ID:POINTS` arguments, and/or a CSV
    /// file with the header `my_key_id,points` (points may be empty).
    Add {
        #[arg(long)]
        project: String,
        #[arg(long)]
        csv: Option<PathBuf>,
        rows: Vec<String>,
    },
    Remove {
        #[arg(long)]
        project: String,
        my_key_id: String,
    },
}

#[derive(Subcommand)]
pub enum ParticipantCommand {
    /// Add or replace one row (or the rows of a CSV file whose header names
    /// the fields: my_key_id, municipality_code, name, birth_date, address,
    /// sex, phone, email, remarks).
    Add {
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long, required_unless_present = "csv")]
        my_key_id: Option<String>,
        #[arg(long, required_unless_present = "csv")]
        municipality: Option<String>,
        #[arg(long, required_unless_present = "csv")]
        name: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, required_unless_present = "csv")]
        birth_date: Option<String>,
        #[arg(long, required_unless_present = "csv")]
        address: Option<String>,
        /// 1 male, 2 female, 9 not applicable (JIS X 0303).
        #[arg(long, required_unless_present = "csv")]
        sex: Option<String>,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        remarks: String,
    },
}

/// A failed command: what to print.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

struct Client {
    base: String,
    token: String,
    http: reqwest::blocking::Client,
}

impl Client {
    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<String, CliError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .map_err(|e| CliError(format!("cannot reach the platform at {}: {e}", self.base)))?;
        let status = response.status().as_u16();
        let text = response.text().unwrap_or_default();
        if (200..300).contains(&status) {
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
            return Ok(serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Err(CliError(
            match serde_json::from_str::<ErrorResponse>(&text) {
                Ok(e) => format!(
                    "refused: {status} {}{}: {}",
                    e.error.code.as_str(),
                    e.error.field.map(|f| format!(" ({f})")).unwrap_or_default(),
                    e.error.message
                ),
                Err(_) => format!("refused: {status}: {text}"),
            },
        ))
    }
}

fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| CliError(format!("{} row {}: {e}", path.display(), i + 1))))
        .collect()
}

#[derive(serde::Deserialize)]
struct CsvRosterRow {
    my_key_id: String,
    #[serde(default)]
    points: Option<u32>,
}

/// `MY_KEY_ID` or `MY_KEY_ID:POINTS`.
fn roster_arg(text: &str) -> Result<RosterRow, CliError> {
    let (id, points) = match text.split_once(':') {
        Some((id, p)) => (
            id,
            Some(
                p.parse()
                    .map_err(|_| CliError(format!("{text}: points must be a whole number")))?,
            ),
        ),
        None => (text, None),
    };
    Ok(RosterRow {
        my_key_id: id.to_owned(),
        points,
    })
}

/// Runs one admin command; returns what to print.
pub fn run(target: Target, command: AdminCommand) -> Result<String, CliError> {
    let client = Client {
        base: target.platform.trim_end_matches('/').to_owned(),
        token: target.token,
        http: reqwest::blocking::Client::new(),
    };
    use reqwest::Method;
    const NONE: Option<&()> = None;
    match command {
        AdminCommand::Municipality(MunicipalityCommand::Add {
            code,
            name,
            point_name,
            expiry_days,
        }) => {
            let body = NewMunicipality {
                code,
                name,
                point_name,
                expiry_days,
            };
            client.call(Method::POST, "/v1/admin/municipalities", Some(&body))
        }
        AdminCommand::Project(ProjectCommand::Add {
            municipality,
            project_id,
            point_id,
            name,
            department,
            points,
            remarks,
        }) => {
            let body = NewProject {
                municipality_code: municipality,
                project_id,
                point_id,
                name,
                department,
                points_per_grant: points,
                remarks,
            };
            client.call(Method::POST, "/v1/admin/projects", Some(&body))
        }
        AdminCommand::Project(ProjectCommand::Open { project_id }) => {
            let path = format!("/v1/admin/projects/{project_id}/open");
            client.call(Method::PUT, &path, Some(&ProjectOpen { open: true }))
        }
        AdminCommand::Project(ProjectCommand::Close { project_id }) => {
            let path = format!("/v1/admin/projects/{project_id}/open");
            client.call(Method::PUT, &path, Some(&ProjectOpen { open: false }))
        }
        AdminCommand::Terminal(TerminalCommand::Add {
            terminal_id,
            municipality,
        }) => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| CliError(format!("reading the password from standard input: {e}")))?;
            let password = Secret::new(line.trim_end_matches(['\r', '\n']));
            if password.expose().is_empty() {
                return Err(CliError(
                    "give the terminal's password on the first line of standard input".into(),
                ));
            }
            let body = NewTerminal {
                terminal_id,
                municipality_code: municipality,
                password,
            };
            client.call(Method::POST, "/v1/admin/terminals", Some(&body))
        }
        AdminCommand::Terminal(TerminalCommand::ReRegister { terminal_id }) => {
            let path = format!("/v1/admin/terminals/{terminal_id}/re-register");
            client.call(Method::POST, &path, NONE)
        }
        AdminCommand::Roster(RosterCommand::Add { project, csv, rows }) => {
            let mut all = rows
                .iter()
                .map(|r| roster_arg(r))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(path) = csv {
                all.extend(
                    read_csv::<CsvRosterRow>(&path)?
                        .into_iter()
                        .map(|r| RosterRow {
                            my_key_id: r.my_key_id,
                            points: r.points,
                        }),
                );
            }
            if all.is_empty() {
                return Err(CliError(
                    "no rows: give MY_KEY_ID[:POINTS] arguments or --csv FILE".into(),
                ));
            }
            let path = format!("/v1/admin/projects/{project}/roster");
            client.call(Method::POST, &path, Some(&RosterRows { rows: all }))
        }
        AdminCommand::Roster(RosterCommand::Remove { project, my_key_id }) => {
            let path = format!("/v1/admin/projects/{project}/roster/{my_key_id}");
            client.call(Method::DELETE, &path, NONE)
        }
        AdminCommand::Participant(ParticipantCommand::Add {
            csv,
            my_key_id,
            municipality,
            name,
            birth_date,
            address,
            sex,
            phone,
            email,
            remarks,
        }) => {
            let rows = match csv {
                Some(path) => read_csv::<Participant>(&path)?,
                None => vec![Participant {
                    my_key_id: my_key_id.unwrap_or_default(),
                    municipality_code: municipality.unwrap_or_default(),
                    name: name.unwrap_or_default(),
                    birth_date: birth_date.unwrap_or_default(),
                    address: address.unwrap_or_default(),
                    sex: sex.unwrap_or_default(),
                    phone,
                    email,
                    remarks,
                }],
            };
            client.call(
                Method::PUT,
                "/v1/admin/participants",
                Some(&ParticipantRows { rows }),
            )
        }
        AdminCommand::Grants { my_key_id } => {
            client.call(Method::GET, &format!("/v1/admin/grants/{my_key_id}"), NONE)
        }
        AdminCommand::Outbox => client.call(Method::GET, "/v1/admin/outbox", NONE),
        AdminCommand::MailDrain => client.call(Method::POST, "/v1/admin/outbox/drain", NONE),
    }
}
