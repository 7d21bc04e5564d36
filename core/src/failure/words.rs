//! Names of the fields and secrets, and what is wrong with an entry, in
//! both languages (shared by the messages).

use crate::failure::Lang;
use crate::pin::PinKind;
use crate::resident::{Field, FieldProblem};

/// The name of a field as a person knows it.
pub(super) fn field_name(field: Field, lang: Lang) -> String {
    match (lang, field) {
        (Lang::En, Field::MyKeyId) => "the My Key ID".into(),
        (Lang::En, Field::Password) => "the My Page password".into(),
        (Lang::En, Field::PasswordConfirmation) => "the password typed again".into(),
        (Lang::En, Field::Email) => "the e-mail address".into(),
        (Lang::En, Field::EmailConfirmation) => "the e-mail address typed again".into(),
        (Lang::En, Field::BaseMunicipality) => "the base municipality code".into(),
        (Lang::En, Field::PaymentId) => "the payment ID".into(),
        (Lang::En, Field::SecurityCode { index }) => format!("security code {}", index + 1),
        (Lang::En, Field::PhoneLast4) => "the last 4 digits of the phone number".into(),
        (Lang::Ja, Field::MyKeyId) => "マイキーID".into(),
        (Lang::Ja, Field::Password) => "マイページのパスワード".into(),
        (Lang::Ja, Field::PasswordConfirmation) => "パスワード（確認用）".into(),
        (Lang::Ja, Field::Email) => "メールアドレス".into(),
        (Lang::Ja, Field::EmailConfirmation) => "メールアドレス（確認用）".into(),
        (Lang::Ja, Field::BaseMunicipality) => "基本自治体の市区町村コード".into(),
        (Lang::Ja, Field::PaymentId) => "決済サービスのID".into(),
        (Lang::Ja, Field::SecurityCode { index }) => format!("セキュリティコード{}", index + 1),
        (Lang::Ja, Field::PhoneLast4) => "電話番号の下4桁".into(),
    }
}

/// The name of the child's birth date.
pub(super) fn child_birth_date(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "the child's birth date",
        Lang::Ja => "お子さまの生年月日",
    }
}

/// The name of a secret of the card.
pub(super) fn pin_name(kind: Option<PinKind>, lang: Lang) -> &'static str {
    match (lang, kind) {
        (Lang::En, Some(PinKind::UserAuth) | None) => "the PIN (user authentication, 4 digits)",
        (Lang::En, Some(PinKind::CardInfo)) => "the card-info PIN (4 digits)",
        (Lang::En, Some(PinKind::CardInfoCodeB)) => "照合番号B (14 digits)",
        (Lang::Ja, Some(PinKind::UserAuth) | None) => "利用者証明用の暗証番号（数字4桁）",
        (Lang::Ja, Some(PinKind::CardInfo)) => "券面事項入力補助用の暗証番号（数字4桁）",
        (Lang::Ja, Some(PinKind::CardInfoCodeB)) => "照合番号B（数字14桁）",
    }
}

/// The secret's short name inside a sentence ("wrong PIN", "wrong 照合番号B").
pub(super) fn pin_short(kind: Option<PinKind>, lang: Lang) -> &'static str {
    match (lang, kind) {
        (Lang::En, Some(PinKind::UserAuth) | None) => "PIN",
        (Lang::En, Some(PinKind::CardInfo)) => "card-info PIN",
        (Lang::En, Some(PinKind::CardInfoCodeB)) => "照合番号B",
        (Lang::Ja, Some(PinKind::UserAuth) | None) => "暗証番号",
        (Lang::Ja, Some(PinKind::CardInfo)) => "券面事項入力補助用の暗証番号",
        (Lang::Ja, Some(PinKind::CardInfoCodeB)) => "照合番号B",
    }
}

fn length(min: u32, max: u32) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}-{max}")
    }
}

/// What is wrong with `name`'s entry and what to do, as one sentence.
pub(super) fn problem(name: &str, problem: FieldProblem, lang: Lang) -> String {
    use FieldProblem as P;
    match lang {
        Lang::En => match problem {
            P::Empty => format!("{name} is required: enter it"),
            P::WrongLength { min, max, got } => format!(
                "{name} must be {} characters long, {got} were entered: enter it again",
                length(min, max)
            ),
            P::FullWidth { position } => format!(
                "{name} has a full-width character at position {position}: type it in half-width characters"
            ),
            P::LowerCase { position } => format!(
                "{name} takes upper-case letters only (position {position} is lower case): enter it again"
            ),
            P::NotAllowed { position } => format!(
                "{name} has a character it does not take at position {position}: enter it again"
            ),
            P::Mismatch => format!("{name} differs from the first entry: enter both again"),
            P::BadFormat => {
                format!("{name} is not in the right form (e.g. name@example.jp): enter it again")
            }
            P::WrongCheckDigit => format!(
                "{name} has a wrong check digit (the 6th digit; e.g. 131016 for Chiyoda-ku): enter it again"
            ),
            P::WrongCount { expected, got } => {
                format!("{name} needs {expected} codes, {got} were entered: enter them again")
            }
            P::RejectedByPlatform => {
                format!("{name} was refused by the platform: check it and enter it again")
            }
            P::NotADate => format!("{name} is not a real date (YYYYMMDD): enter it again"),
            P::InFuture => format!("{name} is after today: enter it again"),
            P::NotUnder15 => format!(
                "{name} shows the child is not under 15 today: only a child under 15 applies this way"
            ),
        },
        Lang::Ja => match problem {
            P::Empty => format!("{name}を入力してください。"),
            P::WrongLength { min, max, got } => format!(
                "{name}は{}文字です（{got}文字入力されています）。入力し直してください。",
                length(min, max)
            ),
            P::FullWidth { position } => format!(
                "{name}の{position}文字目が全角です。半角で入力してください。"
            ),
            P::LowerCase { position } => format!(
                "{name}の{position}文字目が小文字です。英大文字で入力してください。"
            ),
            P::NotAllowed { position } => format!(
                "{name}の{position}文字目は使えない文字です。入力し直してください。"
            ),
            P::Mismatch => format!("{name}が1回目と違います。もう一度両方を入力してください。"),
            P::BadFormat => format!(
                "{name}の形式が正しくありません（例: name@example.jp）。入力し直してください。"
            ),
            P::WrongCheckDigit => format!(
                "{name}の検査数字（6桁目）が違います（例: 千代田区は131016）。入力し直してください。"
            ),
            P::WrongCount { expected, got } => format!(
                "{name}は{expected}個必要です（{got}個入力されています）。入力し直してください。"
            ),
            P::RejectedByPlatform => {
                format!("{name}は受け付けられませんでした。確認して入力し直してください。")
            }
            P::NotADate => {
                format!("{name}が正しい日付ではありません（YYYYMMDD）。入力し直してください。")
            }
            P::InFuture => format!("{name}が今日より後の日付です。入力し直してください。"),
            P::NotUnder15 => format!(
                "{name}によると、お子さまは今日の時点で15歳未満ではありません。この申込みは15歳未満の方だけです。"
            ),
        },
    }
}
