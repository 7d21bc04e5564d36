//! The field commands that log the terminal in: login, sync, upload,
//! not-on-roster, add-registration.

use std::io::Write;

use mynapoint_contract::grant::{AddRegistrationRequest, Participant, ParticipantSource};
use mynapoint_core::field::{LoginSummary, StoredProject};
use serde::Serialize;
use serde_json::json;

use super::{failure, read_stdin_line, Online};
use crate::cli::{FieldAddRegistration, FieldOnline, FieldProject, FieldSync};
use crate::exit::Exit;
use crate::{block_on, open_card, print_json, Failure};

#[derive(Serialize)]
struct ProjectOut<'a> {
    project_id: &'a str,
    point_id: &'a str,
    name: &'a str,
    department: &'a str,
    points_per_grant: u32,
    open: bool,
    roster_version: u64,
    roster_entries: u64,
}

fn project_out(p: &StoredProject) -> ProjectOut<'_> {
    ProjectOut {
        project_id: &p.project.project_id,
        point_id: &p.project.point_id,
        name: &p.project.name,
        department: &p.project.department,
        points_per_grant: p.project.points_per_grant,
        open: p.project.open,
        roster_version: p.roster_version,
        roster_entries: p.roster_len,
    }
}

fn w(out: &mut dyn Write, line: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    writeln!(out, "{line}").map_err(Failure::output)
}

fn print_projects(out: &mut dyn Write, projects: &[StoredProject]) -> Result<(), Failure> {
    for p in projects {
        let state = if p.project.open { "open" } else { "closed" };
        w(
            out,
            format_args!(
                "  {}  {} ({}) — {} points per person, {state}; roster: {} entries (version {})",
                p.project.project_id,
                p.project.name,
                p.project.department,
                p.project.points_per_grant,
                p.roster_len,
                p.roster_version
            ),
        )?;
    }
    Ok(())
}

/// `field login`.
pub fn login(options: &FieldOnline, out: &mut dyn Write) -> Result<(), Failure> {
    let (online, summary) = Online::open(options)?;
    report_login(out, &summary, options.device.json)?;
    drop(online);
    Ok(())
}

fn report_login(out: &mut dyn Write, s: &LoginSummary, json: bool) -> Result<(), Failure> {
    if json {
        return print_json(
            out,
            &json!({
                "terminal_id": s.terminal_id,
                "device_registered": s.device_registered,
                "municipality": s.municipality_name,
                "point_name": s.point_name,
                "projects": s.projects.iter().map(project_out).collect::<Vec<_>>(),
            }),
        );
    }
    let registered = if s.device_registered {
        " (this device is now registered to the terminal)"
    } else {
        ""
    };
    w(
        out,
        format_args!(
            "terminal {} logged in{registered}: {} — {}",
            s.terminal_id, s.municipality_name, s.point_name
        ),
    )?;
    w(out, format_args!("grant projects:"))?;
    print_projects(out, &s.projects)
}

/// `field sync`.
pub fn sync(args: &FieldSync, out: &mut dyn Write) -> Result<(), Failure> {
    let (online, summary) = Online::open(&args.online)?;
    let ids: Vec<String> = match &args.project {
        Some(p) => vec![p.clone()],
        None => summary
            .projects
            .iter()
            .filter(|p| p.project.open)
            .map(|p| p.project.project_id.clone())
            .collect(),
    };
    let mut synced = Vec::new();
    for id in &ids {
        let r = block_on(online.device.session.sync_roster(id)).map_err(|e| failure(&e))?;
        if !args.online.device.json {
            let how = if r.full { "whole roster" } else { "changes" };
            w(
                out,
                format_args!(
                    "project {}: {} {how} applied, {} participants (version {})",
                    r.project_id, r.changes, r.participants, r.version
                ),
            )?;
        }
        synced.push(json!({
            "project_id": r.project_id,
            "version": r.version,
            "full": r.full,
            "changes": r.changes,
            "participants": r.participants,
        }));
    }
    if args.online.device.json {
        print_json(out, &json!({ "synced": synced }))?;
    } else if ids.is_empty() {
        w(out, format_args!("no open project to sync"))?;
    }
    Ok(())
}

/// `field upload`.
pub fn upload(options: &FieldOnline, out: &mut dyn Write) -> Result<(), Failure> {
    let (online, _) = Online::open(options)?;
    let s = block_on(online.device.session.upload()).map_err(|e| failure(&e))?;
    let pending = block_on(online.device.session.pending_taps()).map_err(|e| failure(&e))?;
    if options.device.json {
        return print_json(
            out,
            &json!({
                "batches": s.batches,
                "granted": s.granted,
                "already_granted": s.already_granted,
                "not_on_roster": s.not_on_roster,
                "no_my_key_id": s.no_my_key_id,
                "refused": s.refused,
                "pending": pending,
            }),
        );
    }
    w(
        out,
        format_args!(
            "uploaded in {} batch(es): {} granted, {} already granted, {} not on the roster, \
             {} without a My Key ID, {} refused; {pending} tap(s) still to upload",
            s.batches, s.granted, s.already_granted, s.not_on_roster, s.no_my_key_id, s.refused
        ),
    )?;
    if s.not_on_roster + s.no_my_key_id > 0 {
        w(
            out,
            format_args!(
                "see `mynapoint field not-on-roster --project ID` for the participants to add"
            ),
        )?;
    }
    Ok(())
}

/// `field not-on-roster`.
pub fn not_on_roster(args: &FieldProject, out: &mut dyn Write) -> Result<(), Failure> {
    let (online, _) = Online::open(&args.online)?;
    let list =
        block_on(online.device.session.not_on_roster(&args.project)).map_err(|e| failure(&e))?;
    if args.online.device.json {
        return print_json(out, &list);
    }
    if list.entries.is_empty() {
        return w(
            out,
            format_args!("project {}: nobody waits to be added", list.project_id),
        );
    }
    w(
        out,
        format_args!("project {}: tapped but not on the roster", list.project_id),
    )?;
    for e in &list.entries {
        match &e.my_key_id {
            Some(id) => w(
                out,
                format_args!(
                    "  My Key ID {id}: {} tap(s) waiting — add with `mynapoint field \
                     add-registration --project {} --my-key-id {id}`",
                    e.tap_ids.len(),
                    list.project_id
                ),
            )?,
            None => w(
                out,
                format_args!(
                    "  (no My Key ID): {} tap(s) waiting — the participant must get a My Key \
                     ID first (マイキーIDの設定), then be added",
                    e.tap_ids.len()
                ),
            )?,
        }
    }
    Ok(())
}

/// `field add-registration`.
pub fn add_registration(args: &FieldAddRegistration, out: &mut dyn Write) -> Result<(), Failure> {
    // Refuse a half-typed participant before asking for anything.
    let typed = typed_participant(args)?;
    let (online, login) = Online::open(&args.project.online)?;
    let municipality = args.municipality.clone().unwrap_or(login.municipality_code);
    let (source, participant) = if args.from_master {
        (ParticipantSource::Master, None)
    } else if let Some(choice) = &args.reader {
        let reader = crate::cli::ReaderArgs {
            reader: Some(choice.clone()),
            extended_length: false,
        };
        let code_b = read_stdin_line("照合番号B (14 digits)")?;
        let card = open_card(&reader)?;
        let face = block_on(online.device.session.read_card_face(card, &code_b))
            .map_err(|e| failure(&e))?;
        let mut p = face.participant(&args.my_key_id, &municipality);
        p.phone = args.phone.clone();
        p.email = args.email.clone();
        p.remarks = args.remarks.clone();
        (ParticipantSource::CardFace, Some(p))
    } else if let Some(mut p) = typed {
        p.municipality_code = municipality;
        (ParticipantSource::Typed, Some(p))
    } else {
        return Err(Failure::new(
            Exit::Usage,
            "registration_source",
            "say where the office data comes from: --from-master, --reader (card face with \
             照合番号B), or --name with --address, --birth-date and --sex",
        ));
    };
    let request = AddRegistrationRequest {
        my_key_id: args.my_key_id.clone(),
        source,
        participant,
    };
    let answer = block_on(
        online
            .device
            .session
            .add_registration(&args.project.project, &request),
    )
    .map_err(|e| failure(&e))?;
    if args.project.online.device.json {
        return print_json(out, &answer);
    }
    let granted = answer
        .outcomes
        .iter()
        .filter(|o| o.result == mynapoint_contract::grant::TapResult::Granted)
        .count();
    w(
        out,
        format_args!(
            "My Key ID {} is on the roster of project {} (version {}); {granted} grant(s) \
             made from {} waiting tap(s)",
            answer.my_key_id,
            answer.project_id,
            answer.roster_version,
            answer.outcomes.len()
        ),
    )
}

fn typed_participant(args: &FieldAddRegistration) -> Result<Option<Participant>, Failure> {
    let Some(name) = &args.name else {
        return Ok(None);
    };
    let birth = args.birth_date.clone().unwrap_or_default();
    let sex = args.sex.clone().unwrap_or_default();
    if !matches!(sex.as_str(), "1" | "2" | "9") {
        return Err(Failure::new(
            Exit::BadInput,
            "participant_sex",
            format!("--sex {sex:?}: write 1 (male), 2 (female) or 9 (not applicable)"),
        ));
    }
    let date_ok = birth.len() == 10
        && mynapoint_contract::date::CivilDate::parse_yyyymmdd(&birth.replace('-', "")).is_some()
        && birth.as_bytes()[4] == b'-'
        && birth.as_bytes()[7] == b'-';
    if !date_ok {
        return Err(Failure::new(
            Exit::BadInput,
            "participant_birth_date",
            format!("--birth-date {birth:?}: write a real date as YYYY-MM-DD"),
        ));
    }
    Ok(Some(Participant {
        my_key_id: args.my_key_id.clone(),
        municipality_code: String::new(),
        name: name.clone(),
        birth_date: birth,
        address: args.address.clone().unwrap_or_default(),
        sex,
        phone: args.phone.clone(),
        email: args.email.clone(),
        remarks: args.remarks.clone(),
    }))
}
