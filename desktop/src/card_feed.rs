//! One card after another, for continuous reading (`mynapoint field tap`).
//!
//! - A PC/SC reader: each insertion of a card is one arrival. After an
//!   arrival the next one waits for the card to leave (or for the reader's
//!   event counter to show it left and came back): a card left on the reader
//!   is not read twice, a removed and re-inserted card is a new arrival.
//! - `sim:PATH[,PATH…]`: each listed simulated card's state file is one
//!   arrival, in order; then the feed ends. The same path twice is the same
//!   card tapped twice.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mynapoint_core::card::{CardTransport, ReaderCapabilities};
use pcsc::{Context, ReaderState, State};

use crate::cli::ReaderArgs;
use crate::exit::Exit;
use crate::pcsc_transport::PcscTransport;
use crate::readers::{self, ReaderChoice, ReaderError};
use crate::Failure;

/// A card that arrived: its transport, and where it came from (the reader
/// name or the simulated card's path), for messages.
pub struct Arrival {
    pub transport: Arc<dyn CardTransport>,
    pub source: String,
}

/// Where cards arrive from.
pub enum CardFeed {
    Pcsc(PcscFeed),
    Sim(SimFeed),
}

impl CardFeed {
    /// The feed the reader options name. A PC/SC reader need not hold a card
    /// yet (`--reader` default: the first reader).
    pub fn open(args: &ReaderArgs) -> Result<Self, Failure> {
        match args.choice() {
            ReaderChoice::Sim(list) => Ok(CardFeed::Sim(SimFeed::new(
                &list.to_string_lossy(),
                args.extended_length,
            )?)),
            choice => Ok(CardFeed::Pcsc(PcscFeed::open(
                &choice,
                args.extended_length,
            )?)),
        }
    }

    /// The next card; `None` when a simulated list is used up.
    pub fn next_card(&mut self) -> Result<Option<Arrival>, Failure> {
        match self {
            CardFeed::Pcsc(feed) => feed.next_card().map(Some),
            CardFeed::Sim(feed) => feed.next_card(),
        }
    }
}

/// Simulated cards, one per arrival.
pub struct SimFeed {
    paths: Vec<PathBuf>,
    next: usize,
    extended_length: bool,
}

impl SimFeed {
    /// `list`: comma-separated state-file paths (none empty).
    pub fn new(list: &str, extended_length: bool) -> Result<Self, Failure> {
        let paths: Vec<PathBuf> = list.split(',').map(|p| PathBuf::from(p.trim())).collect();
        if paths.iter().any(|p| p.as_os_str().is_empty()) {
            return Err(Failure::new(
                Exit::BadInput,
                "bad_reader",
                format!("`sim:{list}`: an empty path in the list (sim:PATH[,PATH…])"),
            ));
        }
        Ok(Self {
            paths,
            next: 0,
            extended_length,
        })
    }

    fn next_card(&mut self) -> Result<Option<Arrival>, Failure> {
        let Some(path) = self.paths.get(self.next).cloned() else {
            return Ok(None);
        };
        self.next += 1;
        let card = cardsim::SimCard::open(&path).map_err(|e| {
            Failure::new(
                Exit::NoReader,
                "no_simulated_card",
                format!("cannot open the simulated card {}: {e}", path.display()),
            )
        })?;
        let caps = if self.extended_length {
            ReaderCapabilities::EXTENDED
        } else {
            ReaderCapabilities::SHORT_ONLY
        };
        Ok(Some(Arrival {
            transport: Arc::new(cardsim::SimTransport::with_capabilities(
                card.shared(),
                caps,
            )),
            source: path.display().to_string(),
        }))
    }
}

/// A PC/SC reader watched for card insertions.
pub struct PcscFeed {
    ctx: Context,
    state: ReaderState,
    reader: String,
    extended_length: bool,
    /// A card was handed out and has not been seen leaving yet.
    delivered: bool,
}

/// How long one wait for a reader event lasts before it is asked again.
const EVENT_WAIT: Duration = Duration::from_secs(1);

impl PcscFeed {
    fn open(choice: &ReaderChoice, extended_length: bool) -> Result<Self, Failure> {
        let ctx = readers::establish()?;
        let list = readers::list(&ctx)?;
        let reader = match readers::choose(&list, choice) {
            Ok(r) => r.name.clone(),
            // An empty reader is what continuous reading starts with.
            Err(ReaderError::NoCard { reader: Some(name) }) => name,
            Err(ReaderError::NoCard { reader: None }) => list[0].name.clone(),
            Err(e) => return Err(e.into()),
        };
        let state = ReaderState::new(readers::c_name(&reader)?, State::UNAWARE);
        Ok(Self {
            ctx,
            state,
            reader,
            extended_length,
            delivered: false,
        })
    }

    /// Asks the reader's state until it changes (or one wait passes).
    fn refresh(&mut self) -> Result<(), Failure> {
        self.state.sync_current_state();
        match self
            .ctx
            .get_status_change(EVENT_WAIT, std::slice::from_mut(&mut self.state))
        {
            Ok(()) | Err(pcsc::Error::Timeout) => Ok(()),
            Err(e) => Err(ReaderError::from_pcsc(e, Some(&self.reader)).into()),
        }
    }

    fn next_card(&mut self) -> Result<Arrival, Failure> {
        // The first question answers at once (the known state is UNAWARE).
        self.refresh()?;
        if self.delivered {
            let count = self.state.event_count();
            while readers::card_present(self.state.event_state())
                && self.state.event_count() == count
            {
                self.refresh()?;
            }
            self.delivered = false;
        }
        while !readers::card_present(self.state.event_state())
            || self.state.event_state().contains(State::MUTE)
        {
            self.refresh()?;
        }
        let transport = PcscTransport::connect(&self.ctx, &self.reader, self.extended_length)?;
        self.delivered = true;
        Ok(Arrival {
            transport: Arc::new(transport),
            source: self.reader.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sim_list_is_split_on_commas_and_refuses_empty_entries() {
        let feed = SimFeed::new("a.json, b.json,a.json", false).unwrap();
        assert_eq!(
            feed.paths,
            vec![
                PathBuf::from("a.json"),
                PathBuf::from("b.json"),
                PathBuf::from("a.json")
            ]
        );
        assert!(SimFeed::new("a.json,,b.json", false).is_err());
    }

    #[test]
    fn a_missing_simulated_card_is_a_no_reader_failure_and_the_list_ends() {
        let dir = std::env::temp_dir().join(format!("card-feed-{}", std::process::id()));
        let missing = dir.join("none.json");
        let mut feed = SimFeed::new(&missing.to_string_lossy(), false).unwrap();
        let err = feed.next_card().err().expect("a missing file is refused");
        assert_eq!(err.code, "no_simulated_card");
        assert!(matches!(feed.next_card(), Ok(None)));
    }
}
