import Foundation
import MynapointCore
import MynapointDomain

/// A failure as a screen shows it: code, retry hint and message all come
/// from the core; the shell only picks the language.
public struct FailureView: Equatable {
    public let code: String
    public let retry: RetryHint?
    public let message: String
    public let triesLeft: UInt8?

    static func of(_ error: Error, japanese: Bool) -> FailureView {
        switch error {
        case let MynaError.Failed(code, retry, _, messageJa, messageEn, _, triesLeft, _, _, _, _):
            return FailureView(code: code, retry: retry, message: japanese ? messageJa : messageEn, triesLeft: triesLeft)
        case let MynaError.NotInitialized(detail):
            return FailureView(code: "not_initialized", retry: nil, message: detail, triesLeft: nil)
        case MynaError.Cancelled:
            return FailureView(code: "cancelled", retry: nil, message: "", triesLeft: nil)
        default:
            return FailureView(code: "internal", retry: nil, message: String(describing: error), triesLeft: nil)
        }
    }
}
