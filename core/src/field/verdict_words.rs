//! What a tap's verdict says to the participant and the staff, in Japanese
//! and English: every shell shows these words (the screen of one tap shows
//! only that tap).

use super::verdict::{TapVerdict, VerdictKind};
use crate::failure::Lang;

impl VerdictKind {
    /// The verdict's headline.
    pub fn headline(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (VerdictKind::OnRoster, Lang::Ja) => "受付しました(名簿に登録あり)",
            (VerdictKind::OnRoster, Lang::En) => "Accepted (on the roster)",
            (VerdictKind::NotOnRoster, Lang::Ja) => {
                "受付しました(名簿に登録なし:後で職員が確認します)"
            }
            (VerdictKind::NotOnRoster, Lang::En) => {
                "Accepted (not on the roster: staff will check it later)"
            }
            (VerdictKind::Duplicate, Lang::Ja) => "このカードは既に受付済みです",
            (VerdictKind::Duplicate, Lang::En) => "This card was already accepted",
            (VerdictKind::CertificateExpired, Lang::Ja) => {
                "カードの電子証明書の有効期限が切れています(受付は記録しました)"
            }
            (VerdictKind::CertificateExpired, Lang::En) => {
                "The card's certificate has expired (the tap is recorded)"
            }
            (VerdictKind::CardUnreadable, Lang::Ja) => {
                "カードを読み取れませんでした。もう一度かざしてください"
            }
            (VerdictKind::CardUnreadable, Lang::En) => {
                "The card could not be read: hold it to the reader again"
            }
            (VerdictKind::NotMyNumberCard, Lang::Ja) => "マイナンバーカードではありません",
            (VerdictKind::NotMyNumberCard, Lang::En) => "This is not a My Number Card",
        }
    }
}

impl TapVerdict {
    /// One line for the screen of this tap: the headline, and the points of
    /// an on-roster participant.
    pub fn message(&self, lang: Lang) -> String {
        let headline = self.kind.headline(lang);
        match (self.points, lang) {
            (Some(p), Lang::Ja) => format!("{headline} — {p}ポイント"),
            (Some(p), Lang::En) => format!("{headline} — {p} points"),
            (None, _) => headline.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_words_in_both_languages_and_points_are_shown() {
        let kinds = [
            VerdictKind::OnRoster,
            VerdictKind::NotOnRoster,
            VerdictKind::Duplicate,
            VerdictKind::CertificateExpired,
            VerdictKind::CardUnreadable,
            VerdictKind::NotMyNumberCard,
        ];
        let mut seen = std::collections::HashSet::new();
        for kind in kinds {
            for lang in [Lang::Ja, Lang::En] {
                assert!(seen.insert(kind.headline(lang)), "{kind:?} {lang:?}");
            }
        }
        let v = TapVerdict {
            kind: VerdictKind::OnRoster,
            tap_id: None,
            points: Some(300),
            failure: None,
        };
        assert!(v.message(Lang::En).ends_with("300 points"));
        assert!(v.message(Lang::Ja).ends_with("300ポイント"));
    }
}
