//! 日本語のメッセージ: 何が起きたか、次に何をするか。窓口で住民の方に
//! そのまま見せられる短い文にする。

use super::words::{child_birth_date, field_name, pin_name, pin_short, problem};
use super::{Failure, FailureCode as C, Lang};

const L: Lang = Lang::Ja;

pub(super) fn message(f: &Failure) -> String {
    let pin = pin_name(f.pin, L);
    let field = || match f.field {
        Some(field) => field_name(field, L),
        None => "入力内容".into(),
    };
    match f.code {
        C::CardRemoved => {
            "操作中にカードが離れました。カードをもう一度かざして（置いて）ください。".into()
        }
        C::CardTimeout => {
            "カードから応答がありませんでした。カードの位置を確かめて、もう一度かざしてください。"
                .into()
        }
        C::CardReset => {
            "カードがリセットされました（暗証番号の回数は減っていません）。もう一度かざしてください。"
                .into()
        }
        C::ReaderError => "カードリーダーでエラーが起きました。もう一度カードをかざしてください。".into(),
        C::NotMyNumberCard => {
            "マイナンバーカードではありません。マイナンバーカードをかざしてください。".into()
        }
        C::CardError => "カードを読み取れませんでした。もう一度かざしてください。".into(),
        C::NotVerified => {
            "暗証番号の確認がまだです。もう一度この手順をやり直してください。".into()
        }
        C::ReaderCannotCarrySignature => {
            "この端末（カードリーダー）では電子署名を読み取れません。別の端末をお使いください（暗証番号の回数は減っていません）。"
                .into()
        }
        C::UnconfirmedKeyReference => {
            "この操作には対応していません。カードには何も送っていません。".into()
        }
        C::PinNotEntered => format!("{pin}を入力してください。"),
        C::PinFormat => match f.problem {
            Some(p) => problem(pin, p, L),
            None => format!("暗証番号の形式が違います。{pin}を入力してください。"),
        },
        C::WrongPin => {
            let name = pin_short(f.pin, L);
            match f.tries_left {
                Some(n) => format!("{name}が違います。残り{n}回です。"),
                None => format!("{name}が違います。"),
            }
        }
        C::LastTryRefused => {
            "暗証番号の残りは1回です。間違えるとロックされます。確かな場合だけ入力するか、市区町村の窓口で初期化してください。"
                .into()
        }
        C::PinLocked => format!(
            "{}がロックされています。カードを持って市区町村の窓口で初期化してください。",
            pin_short(f.pin, L)
        ),
        C::PinMaybeCounted => {
            "暗証番号の確認中にカードが離れました。回数が減った可能性があります。もう一度かざして残り回数を確かめてください。"
                .into()
        }
        C::PinCounterChanged => match f.tries_left {
            Some(n) => format!(
                "暗証番号の残り回数が{n}回に変わりました（他のアプリで使われた可能性があります）。カードには何も送っていません。もう一度入力してください。"
            ),
            None => "暗証番号の残り回数が変わりました。もう一度入力してください。".into(),
        },
        C::CardChanged => {
            "別のカードがかざされたため、手続きを終了し入力内容を消去しました。最初からやり直してください。"
                .into()
        }
        C::IdleTimeout => {
            "一定時間操作がなかったため、手続きを終了し入力内容を消去しました。最初からやり直してください。"
                .into()
        }
        C::SessionEnded => "手続きは終了しています。最初からやり直してください。".into(),
        C::WrongStep => "この手順ではできない操作です。最初からやり直してください。".into(),
        C::TooManyAttempts => {
            "何度か試しましたが完了しませんでした。最初からやり直してください。".into()
        }
        C::SubmissionUnconfirmed => {
            "申込みは署名済みですが、受付を確認できませんでした。しばらくしてから申込状況を確認してください。"
                .into()
        }
        C::InvalidField => match f.problem {
            Some(p) => problem(&field(), p, L),
            None => format!("{}を入力し直してください。", field()),
        },
        C::InvalidChildBirthDate => match f.problem {
            Some(p) => problem(child_birth_date(L), p, L),
            None => format!("{}を入力し直してください。", child_birth_date(L)),
        },
        C::CertificateUntrusted => {
            "カードの電子証明書を確認できませんでした。市区町村の窓口にお問い合わせください。"
                .into()
        }
        C::CertificateExpired => {
            "カードの電子証明書の有効期限が切れています。市区町村の窓口で更新してください。"
                .into()
        }
        C::CertificateNotYetValid => {
            "カードの電子証明書がまだ有効になっていません。端末の日付を確かめるか、市区町村の窓口にお問い合わせください。"
                .into()
        }
        C::CertificateRevoked => {
            "カードの電子証明書が失効しています。市区町村の窓口にお問い合わせください。".into()
        }
        C::SignatureInvalid => {
            "カードの電子署名を確認できませんでした。もう一度この手順をやり直してください。"
                .into()
        }
        C::ChallengeRefused => {
            "ログインの有効時間が過ぎました。もう一度カードでログインしてください。".into()
        }
        C::PlatformSessionExpired => {
            "ログインの有効期限が切れました。最初からやり直し、カードでログインしてください。"
                .into()
        }
        C::PlatformMismatch => {
            "サーバーの応答がこのカードや入力内容と一致しないため、安全のため中止しました。最初からやり直してください。"
                .into()
        }
        C::NoMoreCandidates => {
            "候補は3つまでです。3つ目の候補が登録されました。".into()
        }
        C::CandidateNotOffered => {
            "そのマイキーIDは提示された候補ではありません。候補から選んでください。".into()
        }
        C::OwnChoiceExhausted => {
            "希望のマイキーIDが3回とも使用済みでした。自動で作るマイキーIDで続けてください。"
                .into()
        }
        C::MyKeyIdTaken => {
            "そのマイキーIDはすでに使われています。別のものを選んでください。".into()
        }
        C::MyKeyIdAlreadyIssued => {
            "この方はすでにマイキーIDをお持ちです。そのマイキーIDを使います。".into()
        }
        C::MyKeyIdRevoked => {
            "この方のマイキーIDは廃止されています。市区町村の窓口にお問い合わせください。".into()
        }
        C::MyKeyIdRequired => {
            "先にマイキーIDが必要です。最初からやり直して取得してください。".into()
        }
        C::MyKeyIdUnchanged => {
            "それは現在のマイキーIDです。別のものを選んでください。".into()
        }
        C::FreshLoginRequired => {
            "この手続きでマイキーIDを設定済みです。変更するには、もう一度カードをかざして暗証番号を入力してください。"
                .into()
        }
        C::RevocationNotConfirmed => {
            "確認のマイキーIDが入力されなかったため、失効していません。".into()
        }
        C::RepresentativeSignatureNeeded => {
            "お子さまのカードで署名しました。次に法定代理人のカードで署名します。".into()
        }
        C::RepresentativeIsApplicant => {
            "これはお子さまのカードです。法定代理人ご本人のカードをかざしてください。".into()
        }
        C::RepresentativeCardMismatch => {
            "先ほど読み取った法定代理人のカードではありません（署名していません）。そのカードをかざしてください。"
                .into()
        }
        C::RepresentativeNotRead => "先に法定代理人のカードを読み取ってください。".into(),
        C::RepresentativeCertificateUntrusted => {
            "法定代理人の電子証明書を確認できませんでした。市区町村の窓口にお問い合わせください。"
                .into()
        }
        C::RepresentativeCertificateExpired => {
            "法定代理人の電子証明書の有効期限が切れています。市区町村の窓口で更新してください。"
                .into()
        }
        C::RepresentativeCertificateNotYetValid => {
            "法定代理人の電子証明書がまだ有効になっていません。市区町村の窓口にお問い合わせください。"
                .into()
        }
        C::RepresentativeCertificateRevoked => {
            "法定代理人の電子証明書が失効しています。市区町村の窓口にお問い合わせください。"
                .into()
        }
        C::RepresentativeSignatureInvalid => {
            "法定代理人の電子署名を確認できませんでした。もう一度この手順をやり直してください。"
                .into()
        }
        C::PaymentAccountInUse => {
            "この決済サービスのアカウントは他の方の申込みで使われています。別のアカウントを入力してください。"
                .into()
        }
        C::ServiceUnknown => {
            "その決済サービスは見つかりません。別のサービスを選んでください。".into()
        }
        C::TermsVersionMismatch => {
            "決済サービスの利用規約が変わりました。もう一度読んで同意してください。".into()
        }
        C::AlreadyApplied => "この方の申込みはすでにあり、変更できません。".into(),
        C::NotApplied => "まだ申込みがありません。".into(),
        C::TerminalIdFormat => "端末IDは半角数字8桁です。もう一度入力してください。".into(),
        C::TerminalUnknown => "この端末IDは登録されていません。端末IDを確かめてください。".into(),
        C::TerminalPasswordWrong => match f.tries_left {
            Some(n) => format!(
                "端末のパスワードが違います。あと{n}回間違えると端末がロックされます。"
            ),
            None => "端末のパスワードが違います。もう一度入力してください。".into(),
        },
        C::TerminalLocked => {
            "パスワードの誤りが続いたため端末がロックされています。時間をおくか、管理者に連絡してください。"
                .into()
        }
        C::TerminalDeviceMismatch => {
            "この端末IDは別の機器に登録されています。管理者に再登録を依頼してください。".into()
        }
        C::TerminalLoginRequired => {
            "先に端末のログインをしてください（ネットワークが必要です）。".into()
        }
        C::ProjectUnknown => {
            "この付与事業は端末の一覧にありません。もう一度ログインして一覧を更新してください。"
                .into()
        }
        C::ProjectClosed => "この付与事業は終了しています。読み取りはできません。".into(),
        C::ProjectOtherMunicipality => "この付与事業は別の自治体のものです。".into(),
        C::RosterNotSynced => {
            "この付与事業の名簿がまだ端末にありません。先に名簿を同期してください。".into()
        }
        C::PointsNotConfirmed => {
            "読み取りの前に、1人あたりの付与ポイントを確認してください。".into()
        }
        C::BatchSignatureRefused => {
            "この機器の署名が受け付けられませんでした。管理者に端末の再登録を依頼してください。"
                .into()
        }
        C::ParticipantNotInMaster => {
            "このマイキーIDは対象者マスタにありません。事務情報を入力してください。".into()
        }
        C::AlreadyOnRoster => "この方はすでに付与事業対象者名簿に登録されています。".into(),
        C::NotWaiting => "このマイキーIDには名簿登録を待つ読み取りがありません。".into(),
        C::DeviceStore => {
            "端末の保存領域に書き込めませんでした（記録されていません）。もう一度お試しください。"
                .into()
        }
        C::SecretStore => {
            "端末の鍵の保管でエラーが起きました。アプリを再起動してください。".into()
        }
        C::NoCategoryChosen => "申し込むポイントの種類を1つ以上選んでください。".into(),
        C::HealthInsuranceNotRegistered => {
            "このポイントには、マイナンバーカードの健康保険証としての利用申込みが必要です。マイナポータルか医療機関の顔認証付きカードリーダーで申し込んでから、カードと暗証番号でもう一度申し込んでください。"
                .into()
        }
        C::PublicFundAccountNotRegistered => {
            "このポイントには、公金受取口座の登録が必要です。マイナポータルで登録してから、カードと暗証番号でもう一度申し込んでください。"
                .into()
        }
        C::CategoryNotAvailable => {
            "このポイントは申し込めません。第1弾の申込者は、選んだ決済サービスで申込みなしに最大5,000円分まで引き続き受け取れます。"
                .into()
        }
        C::CategoryAlreadyApplied => "このポイントはすでに申込み済みです。".into(),
        C::ServiceCannotChange => {
            "決済サービスはすでに選ばれていて、変更できません。新しいポイントもそのサービスで申し込みます。"
                .into()
        }
        C::Network => {
            "サーバーに接続できませんでした。通信環境を確かめて、もう一度お試しください。".into()
        }
        C::PlatformTimeout => {
            "サーバーから時間内に応答がありませんでした。もう一度お試しください。".into()
        }
        C::PlatformError => match (f.http_status, &f.detail) {
            (Some(status), Some(code)) => format!(
                "サーバーが処理できませんでした（{status} {code}）。時間をおいてもう一度お試しください。"
            ),
            _ => "サーバーが処理できませんでした。時間をおいてもう一度お試しください。".into(),
        },
        C::PlatformDecode => {
            "サーバーの応答を読み取れませんでした。時間をおいてもう一度お試しください。".into()
        }
    }
}
