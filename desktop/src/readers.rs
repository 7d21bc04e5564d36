//! Finding PC/SC readers and choosing one.

use std::ffi::CString;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use pcsc::{Context, ReaderState, Scope, State};
use serde::Serialize;

use crate::exit::Exit;

/// Why no reader (or no card) could be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReaderError {
    /// pcscd is not running (or not reachable).
    #[error(
        "the PC/SC service is not running: start it (`sudo systemctl start pcscd`, \
         or run `pcscd` as root) and try again, or use --reader sim:PATH for a simulated \
         card's state file"
    )]
    NoService,
    /// pcscd runs but knows no reader.
    #[error("no card reader found: connect a card reader and try again")]
    NoReader,
    /// No reader has a card (`reader` is `None`), or the chosen one has none.
    #[error("{}", no_card_message(.reader))]
    NoCard { reader: Option<String> },
    /// `--reader` names no reader (or an index beyond the list).
    #[error(
        "card reader \"{0}\" not found: run `mynapoint readers` to list the readers \
         and pass a name or an index, or use --reader sim:PATH for a simulated card's \
         state file"
    )]
    NotFound(String),
    /// `--reader` matches several readers.
    #[error(
        "\"{0}\" matches more than one card reader: run `mynapoint readers` and pass \
         the full name or the index"
    )]
    Ambiguous(String),
    /// Anything else PC/SC reported.
    #[error("PC/SC error: {0}")]
    Pcsc(pcsc::Error),
}

fn no_card_message(reader: &Option<String>) -> String {
    match reader {
        Some(name) => {
            format!("no card on the reader \"{name}\": place the card on the reader and try again")
        }
        None => "no card on any reader: place the card on the reader and try again".into(),
    }
}

impl ReaderError {
    /// The exit status this error leads to.
    pub fn exit(&self) -> Exit {
        match self {
            ReaderError::NoService
            | ReaderError::NoReader
            | ReaderError::NotFound(_)
            | ReaderError::Ambiguous(_) => Exit::NoReader,
            ReaderError::NoCard { .. } => Exit::NoCard,
            ReaderError::Pcsc(_) => Exit::CardError,
        }
    }

    /// A stable machine-readable name for `--json` output.
    pub fn kind(&self) -> &'static str {
        match self {
            ReaderError::NoService => "no_pcsc_service",
            ReaderError::NoReader => "no_reader",
            ReaderError::NoCard { .. } => "no_card",
            ReaderError::NotFound(_) => "reader_not_found",
            ReaderError::Ambiguous(_) => "reader_ambiguous",
            ReaderError::Pcsc(_) => "pcsc_error",
        }
    }

    /// Maps a PC/SC error met while talking to the service or a reader.
    /// `reader` is the reader involved, if any.
    pub fn from_pcsc(error: pcsc::Error, reader: Option<&str>) -> Self {
        use pcsc::Error as E;
        match error {
            E::NoService | E::ServiceStopped => ReaderError::NoService,
            E::NoReadersAvailable => ReaderError::NoReader,
            E::UnknownReader | E::ReaderUnavailable => {
                ReaderError::NotFound(reader.unwrap_or_default().to_owned())
            }
            E::NoSmartcard | E::RemovedCard => ReaderError::NoCard {
                reader: reader.map(str::to_owned),
            },
            other => ReaderError::Pcsc(other),
        }
    }
}

/// One reader as `mynapoint readers` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    /// Position in the list (what `--reader N` refers to).
    pub index: usize,
    /// The PC/SC reader name.
    pub name: String,
    /// Whether a card sits on (or in) the reader.
    pub card_present: bool,
}

/// Which reader the user asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReaderChoice {
    /// The first reader with a card.
    #[default]
    FirstWithCard,
    /// The reader at this index in `mynapoint readers`.
    Index(usize),
    /// The reader with this name: an exact match, or else the one reader whose
    /// name contains it (case-insensitively).
    Name(String),
    /// Not a PC/SC reader: the simulated card whose state file is at this path
    /// (`sim:PATH`).
    Sim(std::path::PathBuf),
}

impl FromStr for ReaderChoice {
    type Err = String;

    /// `sim:PATH` is a simulated card; all digits is an index; anything else is
    /// a name. `sim:` without a path and an empty value are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("sim:") {
            if path.trim().is_empty() {
                return Err(
                    "`sim:` needs the path of a simulated card's state file: sim:PATH \
                     (make one with `cardsim create --state card.json`)"
                        .into(),
                );
            }
            return Ok(ReaderChoice::Sim(path.into()));
        }
        if s.is_empty() {
            return Err(
                "give a reader's index or name (see `mynapoint readers`), or sim:PATH for a \
                 simulated card"
                    .into(),
            );
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse() {
                return Ok(ReaderChoice::Index(i));
            }
        }
        Ok(ReaderChoice::Name(s.to_owned()))
    }
}

impl fmt::Display for ReaderChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReaderChoice::FirstWithCard => f.write_str("the first reader with a card"),
            ReaderChoice::Index(i) => write!(f, "{i}"),
            ReaderChoice::Name(n) => f.write_str(n),
            ReaderChoice::Sim(p) => write!(f, "sim:{}", p.display()),
        }
    }
}

/// Connects to the PC/SC service.
pub fn establish() -> Result<Context, ReaderError> {
    Context::establish(Scope::User).map_err(|e| ReaderError::from_pcsc(e, None))
}

/// Lists every reader with whether it holds a card.
///
/// An empty list is not an error here; [`choose`] turns it into
/// [`ReaderError::NoReader`].
pub fn list(ctx: &Context) -> Result<Vec<ReaderInfo>, ReaderError> {
    match list_once(ctx) {
        // A reader was unplugged between listing and asking its state.
        Err(pcsc::Error::UnknownReader) => list_once(ctx),
        other => other,
    }
    .map_err(|e| ReaderError::from_pcsc(e, None))
}

fn list_once(ctx: &Context) -> Result<Vec<ReaderInfo>, pcsc::Error> {
    let names = match ctx.list_readers_owned() {
        Ok(names) => names,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut states: Vec<ReaderState> = names
        .into_iter()
        .map(|n| ReaderState::new(n, State::UNAWARE))
        .collect();
    // With UNAWARE as the known state the call answers at once.
    ctx.get_status_change(Duration::from_secs(2), &mut states)?;
    Ok(states
        .iter()
        .enumerate()
        .map(|(index, s)| ReaderInfo {
            index,
            name: s.name().to_string_lossy().into_owned(),
            card_present: card_present(s.event_state()),
        })
        .collect())
}

/// Whether a reader state says a card is there.
pub fn card_present(state: State) -> bool {
    state.contains(State::PRESENT)
}

/// Picks the reader `choice` names from `readers`.
///
/// The chosen reader must hold a card: a reader without one gives
/// [`ReaderError::NoCard`].
pub fn choose<'a>(
    readers: &'a [ReaderInfo],
    choice: &ReaderChoice,
) -> Result<&'a ReaderInfo, ReaderError> {
    if readers.is_empty() {
        return Err(ReaderError::NoReader);
    }
    let chosen = match choice {
        ReaderChoice::FirstWithCard => {
            return readers
                .iter()
                .find(|r| r.card_present)
                .ok_or(ReaderError::NoCard { reader: None });
        }
        ReaderChoice::Index(i) => readers
            .get(*i)
            .ok_or_else(|| ReaderError::NotFound(i.to_string()))?,
        ReaderChoice::Name(name) => find_by_name(readers, name)?,
        ReaderChoice::Sim(path) => {
            return Err(ReaderError::NotFound(format!("sim:{}", path.display())))
        }
    };
    if chosen.card_present {
        Ok(chosen)
    } else {
        Err(ReaderError::NoCard {
            reader: Some(chosen.name.clone()),
        })
    }
}

fn find_by_name<'a>(readers: &'a [ReaderInfo], name: &str) -> Result<&'a ReaderInfo, ReaderError> {
    if let Some(r) = readers.iter().find(|r| r.name == name) {
        return Ok(r);
    }
    let needle = name.to_lowercase();
    if needle.is_empty() {
        return Err(ReaderError::NotFound(name.to_owned()));
    }
    let mut matches = readers
        .iter()
        .filter(|r| r.name.to_lowercase().contains(&needle));
    match (matches.next(), matches.next()) {
        (Some(r), None) => Ok(r),
        (Some(_), Some(_)) => Err(ReaderError::Ambiguous(name.to_owned())),
        (None, _) => Err(ReaderError::NotFound(name.to_owned())),
    }
}

/// Connects to the service, lists the readers and picks one with a card.
pub fn pick(choice: &ReaderChoice) -> Result<(Context, ReaderInfo), ReaderError> {
    let ctx = establish()?;
    let readers = list(&ctx)?;
    let chosen = choose(&readers, choice)?.clone();
    Ok((ctx, chosen))
}

/// A reader name as PC/SC wants it.
pub(crate) fn c_name(name: &str) -> Result<CString, ReaderError> {
    CString::new(name).map_err(|_| ReaderError::NotFound(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readers() -> Vec<ReaderInfo> {
        vec![
            ReaderInfo {
                index: 0,
                name: "Virtual PCD 00 00".into(),
                card_present: false,
            },
            ReaderInfo {
                index: 1,
                name: "Virtual PCD 00 01".into(),
                card_present: true,
            },
            ReaderInfo {
                index: 2,
                name: "SONY FeliCa RC-S380/P 00 00".into(),
                card_present: true,
            },
        ]
    }

    #[test]
    fn sim_without_a_path_and_an_empty_reader_are_refused_with_the_form_named() {
        for bad in ["sim:", "sim:  ", ""] {
            let e = bad.parse::<ReaderChoice>().unwrap_err();
            assert!(e.contains("sim:PATH"), "{bad:?}: {e}");
        }
        assert!(ReaderError::NotFound("x".into())
            .to_string()
            .contains("sim:PATH"));
    }

    #[test]
    fn parses_index_or_name() {
        assert_eq!("0".parse::<ReaderChoice>().unwrap(), ReaderChoice::Index(0));
        assert_eq!(
            " 12 ".parse::<ReaderChoice>().unwrap(),
            ReaderChoice::Index(12)
        );
        assert_eq!(
            "RC-S380".parse::<ReaderChoice>().unwrap(),
            ReaderChoice::Name("RC-S380".into())
        );
        assert_eq!(
            "Virtual PCD 00 00".parse::<ReaderChoice>().unwrap(),
            ReaderChoice::Name("Virtual PCD 00 00".into())
        );
    }

    #[test]
    fn default_is_first_reader_with_a_card() {
        let r = readers();
        assert_eq!(choose(&r, &ReaderChoice::FirstWithCard).unwrap().index, 1);
        let empty: Vec<ReaderInfo> = r
            .into_iter()
            .map(|r| ReaderInfo {
                card_present: false,
                ..r
            })
            .collect();
        assert_eq!(
            choose(&empty, &ReaderChoice::FirstWithCard),
            Err(ReaderError::NoCard { reader: None })
        );
    }

    #[test]
    fn by_index() {
        let r = readers();
        assert_eq!(choose(&r, &ReaderChoice::Index(2)).unwrap().index, 2);
        assert_eq!(
            choose(&r, &ReaderChoice::Index(0)),
            Err(ReaderError::NoCard {
                reader: Some("Virtual PCD 00 00".into())
            })
        );
        assert_eq!(
            choose(&r, &ReaderChoice::Index(3)),
            Err(ReaderError::NotFound("3".into()))
        );
    }

    #[test]
    fn by_name_exact_then_unique_substring() {
        let r = readers();
        let name = |s: &str| ReaderChoice::Name(s.into());
        assert_eq!(choose(&r, &name("Virtual PCD 00 01")).unwrap().index, 1);
        assert_eq!(choose(&r, &name("rc-s380")).unwrap().index, 2);
        assert_eq!(
            choose(&r, &name("Virtual")),
            Err(ReaderError::Ambiguous("Virtual".into()))
        );
        assert_eq!(
            choose(&r, &name("ACR122")),
            Err(ReaderError::NotFound("ACR122".into()))
        );
    }

    #[test]
    fn no_reader_at_all() {
        assert_eq!(
            choose(&[], &ReaderChoice::FirstWithCard),
            Err(ReaderError::NoReader)
        );
        assert_eq!(
            choose(&[], &ReaderChoice::Index(0)),
            Err(ReaderError::NoReader)
        );
    }

    #[test]
    fn errors_map_to_exit_codes() {
        assert_eq!(ReaderError::NoService.exit(), Exit::NoReader);
        assert_eq!(ReaderError::NoReader.exit(), Exit::NoReader);
        assert_eq!(ReaderError::NotFound("x".into()).exit(), Exit::NoReader);
        assert_eq!(ReaderError::NoCard { reader: None }.exit(), Exit::NoCard);
        assert_eq!(
            ReaderError::from_pcsc(pcsc::Error::NoService, None),
            ReaderError::NoService
        );
        assert_eq!(
            ReaderError::from_pcsc(pcsc::Error::NoReadersAvailable, None),
            ReaderError::NoReader
        );
        assert_eq!(
            ReaderError::from_pcsc(pcsc::Error::NoSmartcard, Some("R")),
            ReaderError::NoCard {
                reader: Some("R".into())
            }
        );
        assert_eq!(
            ReaderError::from_pcsc(pcsc::Error::UnknownReader, Some("R")),
            ReaderError::NotFound("R".into())
        );
    }

    #[test]
    fn messages_are_one_plain_line() {
        for e in [
            ReaderError::NoService,
            ReaderError::NoReader,
            ReaderError::NoCard { reader: None },
            ReaderError::NoCard {
                reader: Some("R".into()),
            },
            ReaderError::NotFound("R".into()),
            ReaderError::Ambiguous("R".into()),
        ] {
            let m = e.to_string();
            assert!(!m.contains('\n'), "{m}");
            assert!(m.contains(": "), "message should say what to do: {m}");
        }
    }
}
