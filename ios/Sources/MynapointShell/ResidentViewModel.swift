import Foundation
import MynapointCore
import MynapointDomain
import SwiftUI

/// The resident flow's view model. No rules here: every step, PIN prompt
/// and failure comes from the core. The PIN is typed BEFORE the NFC reader
/// session of its tap starts (iOS ends a session after a fixed time).
@MainActor
public final class ResidentViewModel: ObservableObject {
    @Published public private(set) var step: ResidentStep = .readCard
    /// At a PIN step: ask (tries left), confirm the last try, locked, or read first.
    @Published public private(set) var pinPrompt: PinPrompt?
    @Published public private(set) var failure: FailureView?
    @Published public private(set) var busy = false
    @Published public private(set) var candidates: [Candidate] = []
    /// At the categories step: each category's state, amount and requirement.
    @Published public private(set) var eligibility: Eligibility?
    /// Chosen so far (all open ones by default, from the core).
    @Published public private(set) var categories: [Category] = []
    @Published public private(set) var services: [ServiceSummary] = []
    @Published public private(set) var service: Service?
    @Published public private(set) var review: Review?
    @Published public private(set) var application: PointsApplication?
    /// The counter read after a lost VERIFY answer (whether that try counted).
    @Published public private(set) var pinCheck: PinCheck?
    /// The platform's answer to an own My Key ID choice.
    @Published public private(set) var ownChoice: CheckResult?
    /// The person's My Key ID (recovered at login, issued, or changed).
    @Published public private(set) var myKeyId: String?
    /// The choice step belongs to a My Key ID change (offer "cancel", then "change").
    @Published public private(set) var changingMyKeyId = false
    /// A child application: the child's birth date (`YYYYMMDD`).
    @Published public private(set) var childBirthDate: String?
    /// A child application: the representative's card, once read.
    @Published public private(set) var representative: CardSummary?

    private let flow: ResidentFlow
    private let nfc = NFCTapSession()
    private let japanese: Bool
    private var running: Task<Void, Never>?

    public init(platformURL: String, japanese: Bool) throws {
        try MynapointCore.`init`(logSink: nil)
        flow = try ResidentFlow(platformUrl: platformURL)
        self.japanese = japanese
    }

    /// The reader sheet's message for `purpose`, from the core (same words on every shell).
    private func prompt(_ purpose: TapPurpose) -> String {
        let p = tapPrompt(purpose: purpose)
        return japanese ? p.ja : p.en
    }

    private func act(_ body: @escaping () async throws -> Void) {
        running?.cancel()
        running = Task {
            busy = true
            failure = nil
            do {
                try await body()
            } catch {
                failure = FailureView.of(error, japanese: japanese)
            }
            refresh()
        }
    }

    private func refresh() {
        step = flow.step()
        // The PIN screen of the card that taps next: the resident's, or the
        // legal representative's at the representative's signature.
        switch step {
        case .enterPin:
            pinPrompt = flow.pinPrompt()
        case .representativeSign:
            pinPrompt = flow.representativePinPrompt()
        default:
            pinPrompt = nil
        }
        myKeyId = flow.myKeyId()
        changingMyKeyId = flow.changingMyKeyId()
        childBirthDate = flow.childBirthDate()
        eligibility = step == .chooseCategories ? flow.eligibility() : nil
        review = flow.review()
        categories = flow.chosenCategories()
        busy = false
    }

    /// Cancels the running step (the core's PIN rules settle a VERIFY in flight on the next tap).
    public func cancel() {
        running?.cancel()
        // A Swift task's cancellation does not reach the library's call.
        flow.cancel()
    }

    public func readCard() {
        act { [flow, nfc] in
            _ = try await nfc.tap(prompt: self.prompt(.readCard)) { try await flow.readCard(transport: $0) }
        }
    }

    /// After a lost answer (`pinPrompt == .readFirst`): one tap reads the counter.
    public func checkPinCounter() {
        act { [flow, nfc] in
            self.pinCheck = try await nfc.tap(prompt: self.prompt(.checkPinCounter)) {
                try await flow.pinStatus(transport: $0)
            }
        }
    }

    /// `pin`: the digits typed on the app's keypad (`PinEntry.press`); the
    /// library holds them and empties the entry when it takes them.
    public func logIn(pin: PinEntry, confirmLastTry: Bool) {
        act { [flow, nfc] in
            try await flow.enterPin(entry: pin)
            let outcome = try await nfc.tap(prompt: self.prompt(.logIn)) {
                try await flow.logIn(transport: $0, confirmLastTry: confirmLastTry)
            }
            self.application = outcome.application
        }
    }

    public func nextCandidate() {
        act { [flow] in
            let candidate = try await flow.nextCandidate()
            self.candidates.append(candidate)
        }
    }

    /// The person's own choice of My Key ID (format here, then the platform's duplicate check).
    public func checkOwnChoice(_ id: String) {
        act { [flow] in self.ownChoice = try await flow.checkOwnChoice(myKeyId: id) }
    }

    /// Sends again a signed submission whose answer was lost (same body, same key).
    public func retrySubmission() {
        act { [flow] in self.application = try await flow.retrySubmission() }
    }

    public func chooseCandidate(_ id: String) {
        act { [flow] in try await flow.chooseCandidate(myKeyId: id) }
    }

    public func register(_ form: RegistrationForm) {
        act { [flow] in _ = try await flow.issueMyKeyId(form: form) }
    }

    /// The categories to apply for; a fixed service goes straight to the review.
    public func chooseCategories(_ chosen: [Category]) {
        act { [flow] in self.review = try await flow.chooseCategories(categories: chosen) }
    }

    public func search(_ keyword: String) {
        act { [flow] in self.services = try await flow.searchServices(keyword: keyword) }
    }

    public func chooseService(_ id: String) {
        act { [flow] in self.service = try await flow.chooseService(serviceId: id) }
    }

    public func acceptTerms(_ version: String) {
        act { [flow] in try await flow.acceptTerms(termsVersion: version) }
    }

    public func enterPayment(_ form: PaymentForm) {
        act { [flow] in self.review = try await flow.enterPayment(form: form) }
    }

    public func confirmReview() {
        act { [flow] in try await flow.confirmReview() }
    }

    public func signAndSubmit(pin: PinEntry, confirmLastTry: Bool) {
        act { [flow, nfc] in
            try await flow.enterPin(entry: pin)
            self.application = try await nfc.tap(prompt: self.prompt(.signApplication)) {
                try await flow.signAndSubmit(transport: $0, confirmLastTry: confirmLastTry)
            }
        }
    }

    /// Starts a My Key ID change (after login); the choice step comes next.
    public func startMyKeyIdChange() {
        act { [flow] in
            try await flow.startMyKeyIdChange()
            self.candidates = []
        }
    }

    /// Leaves the change; nothing changed.
    public func cancelMyKeyIdChange() {
        act { [flow] in try await flow.cancelMyKeyIdChange() }
    }

    /// Registers the chosen id in place of the old one.
    public func changeMyKeyId() {
        act { [flow] in
            _ = try await flow.changeMyKeyId()
            self.candidates = []
        }
    }

    /// Revokes the My Key ID for good; `typedConfirmation` is the person's
    /// My Key ID typed again (the core refuses anything else, sending nothing).
    public func revokeMyKeyId(typedConfirmation: String) {
        act { [flow] in try await flow.revokeMyKeyId(typedConfirmation: typedConfirmation) }
    }

    /// A legal representative applies for the child whose card logged in.
    public func applyForChild(birthDate: String) {
        act { [flow] in try await flow.applyForChild(birthDate: birthDate) }
    }

    /// One tap of the representative's card (no PIN).
    public func readRepresentativeCard() {
        act { [flow, nfc] in
            self.representative = try await nfc.tap(prompt: self.prompt(.readRepresentativeCard)) {
                try await flow.readRepresentativeCard(transport: $0)
            }
        }
    }

    /// The representative's PIN, typed before their card's one tap.
    public func representativeSigns(pin: PinEntry, confirmLastTry: Bool) {
        act { [flow, nfc] in
            self.application = try await nfc.tap(prompt: self.prompt(.representativeSigns)) {
                try await flow.representativeSigns(transport: $0, entry: pin, confirmLastTry: confirmLastTry)
            }
        }
    }

    /// Ends the session: the running step (a reader session, too) is
    /// cancelled first, then the core wipes everything entered.
    public func abort() {
        let previous = running
        previous?.cancel()
        running = Task { [flow] in
            await flow.abort()  // cancels the library's running call first
            await previous?.value
            // Nothing of this resident stays on screen.
            candidates = []
            services = []
            service = nil
            review = nil
            application = nil
            pinCheck = nil
            ownChoice = nil
            representative = nil
            failure = nil
            refresh()
        }
    }
}
