//! The card a session frame is bound to, with the holder's card session
//! (entered PIN, retry counters, doubts) that every tap of the frame uses.

use std::sync::Arc;

use crate::card::{CardError, CardSession, CardTransport, CertSerial, Tap};
use crate::pin::Pin;

/// A frame's card: the serial of the user-authentication certificate it is
/// bound to (none until the flow binds it), and the one [`CardSession`]
/// its taps go through.
#[derive(Default)]
pub struct CardBinding {
    session: CardSession,
    bound: Option<CertSerial>,
}

/// Why a tap was not handed to the flow.
pub(super) enum BindingRefusal {
    /// The card could not be read far enough to know which card it is.
    Card(CardError),
    /// Another card than the bound one: the binding is wiped already.
    OtherCard,
}

impl CardBinding {
    /// The certificate serial this frame is bound to.
    pub fn bound(&self) -> Option<&CertSerial> {
        self.bound.as_ref()
    }

    /// Binds the frame to `serial` (the flow calls it once it has read the
    /// card it belongs to). From then on a tap of any other card ends the
    /// frame with a card change.
    pub fn bind(&mut self, serial: CertSerial) {
        self.bound = Some(serial);
    }

    /// The holder's card session: the prompt to show, whether a PIN is
    /// entered or in doubt.
    pub fn session(&self) -> &CardSession {
        &self.session
    }

    /// Keeps a typed PIN for the next VERIFY of a tap of this frame.
    pub fn enter_pin(&mut self, pin: Pin) {
        self.session.enter_pin(pin);
    }

    /// Whether anything of a card is held: a binding, or the card session's
    /// own (a tap read a card before the flow bound it).
    pub fn holds_card(&self) -> bool {
        self.bound.is_some() || self.session.bound_card().is_some()
    }

    /// Starts a tap and checks the card: another card than the bound one
    /// wipes the binding (PIN, counters, doubts, serial) before anything is
    /// done with it.
    pub(super) async fn tap(
        &mut self,
        transport: Arc<dyn CardTransport>,
    ) -> Result<Tap<'_>, BindingRefusal> {
        let tap = self
            .session
            .tap(transport)
            .await
            .map_err(BindingRefusal::Card)?;
        let report = tap.report();
        let other = self
            .bound
            .as_ref()
            .is_some_and(|b| report.card_changed || report.serial != *b);
        if other {
            tap.end_session();
            self.bound = None;
            return Err(BindingRefusal::OtherCard);
        }
        Ok(tap)
    }

    /// Forgets the card, the entered PIN and every doubt.
    pub(super) fn wipe(&mut self) {
        self.session.abort();
        self.bound = None;
    }
}
